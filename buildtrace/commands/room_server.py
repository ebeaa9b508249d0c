"""The web server behind ``buildtrace serve``: textual-serve's, fitted to a classroom.

textual-serve serves a page with a terminal (xterm.js) in it. Each browser that opens
the page gets its own process, started from a shell command, whose screen and keys
travel over a websocket. :class:`RoomServer` changes four things:

- the page's links (its websocket, its static files) use the address the browser used,
  not the one the server is bound to: bound to ``0.0.0.0``, textual-serve would send
  every browser to ``ws://0.0.0.0:PORT``, which only the server's own machine reaches;
- every browser gets the server's default text size (``--font-size``, for a projector)
  unless its address asks for another (``?fontsize=N``);
- buildtrace's own lines replace textual-serve's banner and its log of every request:
  where to point the browsers, then one line as each viewer opens or closes;
- on Ctrl-C the open sessions are closed at once; otherwise the server lingers until
  each browser's websocket times out (seconds, up to aiohttp's minute).

Only ``buildtrace serve`` imports this module, so aiohttp loads only when it runs.
"""

from __future__ import annotations

import asyncio
import gc
import logging

from aiohttp import web
from textual_serve.server import Server


class RoomServer(Server):
    """textual-serve's :class:`Server`, serving one viewer command to a room of browsers.

    Args:
        command: the shell command each browser's session runs.
        host: the address to listen on.
        port: the port to listen on.
        title: what the page calls the app while it starts.
        greeting: printed once the server listens (where to point the browsers).
        font_size: the text size every browser gets unless its address says otherwise.

    Example:
        >>> server = RoomServer("python -m buildtrace tui seed.py", host="127.0.0.1",
        ...                     port=8000, title="seed.py", greeting="open ...")
        >>> server.serve()  # doctest: +SKIP
    """

    def __init__(
        self,
        command: str,
        *,
        host: str,
        port: int,
        title: str,
        greeting: str,
        font_size: int | None = None,
    ) -> None:
        super().__init__(command, host=host, port=port, title=title)
        self.greeting = greeting
        self.font_size = font_size
        self._sessions: set[asyncio.Task[object]] = set()

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        """The page, with links back to this server by the address the browser used."""
        # The base builds every link from `public_url`. It reads it without yielding to
        # the event loop, so setting it per request cannot mix two browsers' addresses.
        self.public_url = f"{request.scheme}://{request.host}"
        if self.font_size is not None and "fontsize" not in request.query:
            request = request.clone(rel_url=request.rel_url.update_query(fontsize=self.font_size))
        return await super().handle_index(request)

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """One browser's session; remembered so that shutting down can end it."""
        task = asyncio.current_task()
        assert task is not None  # aiohttp runs every handler in a task
        self._sessions.add(task)
        print(
            f"buildtrace: a viewer opened for {request.remote} ({len(self._sessions)} open)",
            flush=True,
        )
        try:
            return await super().handle_websocket(request)
        finally:
            self._sessions.discard(task)
            print(f"buildtrace: a viewer closed ({len(self._sessions)} open)", flush=True)

    def initialize_logging(self) -> None:
        """textual-serve's logging, without a line for every file a browser fetches."""
        super().initialize_logging()
        logging.getLogger("aiohttp.access").setLevel(logging.WARNING)

    async def on_startup(self, app: web.Application) -> None:
        """Say where to point the browsers (instead of textual-serve's banner)."""
        print(self.greeting, flush=True)

    async def on_shutdown(self, app: web.Application) -> None:
        """End every session: each tells its viewer to quit and waits for it."""
        for task in list(self._sessions):
            task.cancel()
        if self._sessions:
            await asyncio.wait(list(self._sessions), timeout=10)
        # textual-serve never closes a session's subprocess pipes; collected after the
        # event loop has closed, they complain ("Event loop is closed"). Collect them now.
        gc.collect()
