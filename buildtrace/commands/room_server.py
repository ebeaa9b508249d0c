"""The web server behind ``buildtrace serve``: textual-serve's, fitted to a classroom.

textual-serve serves a page with a terminal (xterm.js) in it. Each browser that opens
the page gets its own process, whose screen and keys travel over a websocket.
:class:`RoomServer` changes what a classroom needs changed:

- only the server's own pages get in: every request must name the server in ``Host``
  (no DNS rebinding), and a websocket's ``Origin`` must be the server (no other site's
  page can start a viewer); see :mod:`buildtrace.commands.room_guard`;
- at most ``max_viewers`` viewers run at once; one more browser gets a page (or, if
  it raced for the last seat, a line in its terminal) saying the room is full;
- a browser may not ask for a screen bigger than any real one;
- every viewer ends when its browser goes, whenever that is (right after loading,
  mid-handshake, during a large frame), and all of them when the server stops (Ctrl-C,
  SIGTERM, SIGHUP) or dies; see :mod:`buildtrace.commands.room_viewer`;
- the page's links use the address the browser used, not the one the server is bound
  to (bound to ``0.0.0.0``, textual-serve would send browsers to ``ws://0.0.0.0``);
- every browser gets the server's default text size (``--font-size``) unless its
  address asks for another (``?fontsize=N``);
- buildtrace's own lines replace textual-serve's banner and its log of every request.

Only ``buildtrace serve`` imports this module, so aiohttp loads only when it runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import html
import logging
import signal
from collections.abc import Awaitable, Callable, Sequence

from aiohttp import WSMsgType, web
from textual_serve.server import Server, to_int

from buildtrace.commands.room_guard import RoomGuard, clamp_screen, default_max_viewers
from buildtrace.commands.room_viewer import RoomViewer

#: Largest message a browser may send (keys and sizes are a few bytes; a paste, more).
MAX_MESSAGE = 1 << 20

#: Seconds the server waits, when it stops, for its viewers to end (they are killed
#: after a few anyway; this bounds a stuck kernel, not a slow viewer).
SHUTDOWN_WAIT = 15.0

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class RoomServer(Server):
    """textual-serve's :class:`Server`, serving one viewer command to a room of browsers.

    Args:
        argv: the command line each browser's viewer runs.
        host: the address to listen on.
        port: the port to listen on.
        title: what the page calls the app while it starts.
        greeting: printed once the server listens (where to point the browsers).
        font_size: the text size every browser gets unless its address says otherwise.
        max_viewers: viewers running at once (default: two per core).
        allowed_hosts: more names browsers may reach the server by.

    Example:
        >>> server = RoomServer(["python", "-m", "buildtrace", "tui", "seed.py"],
        ...                     host="127.0.0.1", port=8000, title="seed.py", greeting="")
        >>> server.serve()  # doctest: +SKIP
    """

    def __init__(
        self,
        argv: Sequence[str],
        *,
        host: str,
        port: int,
        title: str,
        greeting: str,
        font_size: int | None = None,
        max_viewers: int | None = None,
        allowed_hosts: Sequence[str] = (),
    ) -> None:
        super().__init__(" ".join(argv), host=host, port=port, title=title)
        self.argv = list(argv)
        self.greeting = greeting
        self.font_size = font_size
        self.max_viewers = max_viewers or default_max_viewers()
        self.guard = RoomGuard.for_host(host, port, allowed_hosts)
        self.viewers: set[RoomViewer] = set()
        self._endings: set[asyncio.Future[None]] = set()
        self._stopping = False

    # ------------------------------------------------------------------ the front door
    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app.middlewares.append(self._guard_middleware)
        return app

    @web.middleware
    async def _guard_middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Refuse a request that does not name this server, or comes from another site."""
        problem = self.guard.host_problem(request.headers.get("Host"))
        origin = request.headers.get("Origin")
        if problem is None and (origin is not None or request.path == "/ws"):
            problem = self.guard.origin_problem(origin)
        if problem is not None:
            print(f"buildtrace: refused a request from {request.remote}: {problem}", flush=True)
            text = f"buildtrace serve: refused: {problem}\n"
            return web.Response(status=403, text=text, content_type="text/plain")
        return await handler(request)

    @property
    def full(self) -> bool:
        """Whether every seat is taken (viewers still ending count: they still run)."""
        return len(self.viewers) >= self.max_viewers

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        """The page, with links back to this server by the address the browser used."""
        if self.full:
            return web.Response(status=503, text=self._full_page(), content_type="text/html")
        # The base builds every link from `public_url`. It reads it without yielding to
        # the event loop, so setting it per request cannot mix two browsers' addresses.
        self.public_url = f"{request.scheme}://{request.host}"
        if self.font_size is not None and "fontsize" not in request.query:
            request = request.clone(rel_url=request.rel_url.update_query(fontsize=self.font_size))
        return await super().handle_index(request)

    def full_message(self) -> str:
        """What a browser that finds the room full is told."""
        return (
            f"This room is full: {len(self.viewers)} viewers are open, the most this "
            f"server runs at once (--max-viewers {self.max_viewers}). "
            "Try again when someone closes theirs."
        )

    def _full_page(self) -> str:
        title = html.escape(self.title)
        return (
            f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title>"
            "<meta http-equiv='refresh' content='10'></head>"
            "<body style='font-family:sans-serif;max-width:40em;margin:4em auto'>"
            f"<h1>{title}</h1><p>{html.escape(self.full_message())}</p>"
            "<p>This page tries again every 10 seconds.</p></body></html>"
        )

    # ------------------------------------------------------------------ sessions
    async def handle_websocket(  # type: ignore[override]  # a refusal is a plain response
        self, request: web.Request
    ) -> web.StreamResponse:
        """One browser's session: its viewer starts, relays, and surely ends."""
        websocket = web.WebSocketResponse(heartbeat=15, max_msg_size=MAX_MESSAGE)
        if self.full or self._stopping:
            return await self._refuse_full(request, websocket)
        viewer = RoomViewer(self.argv, websocket, self.download_manager, debug=self.debug)
        self.viewers.add(viewer)  # the seat is taken from now until the process is gone
        try:
            await websocket.prepare(request)
            print(
                f"buildtrace: a viewer opened for {request.remote} ({len(self.viewers)} open)",
                flush=True,
            )
            width = to_int(request.query.get("width", "80"), 80)
            height = to_int(request.query.get("height", "24"), 24)
            await viewer.start(*clamp_screen(width, height))
            await self._relay(websocket, viewer)
        except (ConnectionError, RuntimeError, OSError):
            pass  # the browser went mid-handshake, or the viewer could not start
        finally:
            ending = asyncio.ensure_future(self._end(viewer))
            self._endings.add(ending)
            ending.add_done_callback(self._endings.discard)
            # Shielded: a cancelled handler (the server stopping) still ends its viewer.
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.shield(ending)
        return websocket

    async def _refuse_full(
        self, request: web.Request, websocket: web.WebSocketResponse
    ) -> web.StreamResponse:
        """Say in the browser's terminal that the room is full, then close."""
        with contextlib.suppress(ConnectionError, RuntimeError, OSError):
            await websocket.prepare(request)
            await websocket.send_bytes(f"\r\n  {self.full_message()}\r\n".encode())
            await websocket.close()
        return websocket

    async def _relay(self, websocket: web.WebSocketResponse, viewer: RoomViewer) -> None:
        """The browser's keys, sizes and pings, to the viewer, until either goes."""
        async for message in websocket:
            if message.type != WSMsgType.TEXT:
                continue
            try:
                kind, data = message.json()
            except (ValueError, TypeError):
                continue  # not textual-serve's page: ignore what it says
            if kind == "stdin" and isinstance(data, str):
                await viewer.send_bytes(data.encode("utf-8"))
            elif kind == "resize" and isinstance(data, dict):
                width, height = data.get("width"), data.get("height")
                if isinstance(width, int) and isinstance(height, int):
                    await viewer.set_terminal_size(width, height)
            elif kind == "ping":
                await websocket.send_json(["pong", data])
            elif kind == "blur":
                await viewer.blur()
            elif kind == "focus":
                await viewer.focus()
            if viewer._process is not None and viewer._process.returncode is not None:
                break  # the viewer quit (`q`): nothing more to relay

    async def _end(self, viewer: RoomViewer) -> None:
        viewer.browser_gone = True
        with contextlib.suppress(Exception):
            await viewer.websocket.close()
        await viewer.end()
        if viewer in self.viewers:
            self.viewers.discard(viewer)
            if viewer.pid is not None:  # not for a handshake that never completed
                print(f"buildtrace: a viewer closed ({len(self.viewers)} open)", flush=True)

    # ------------------------------------------------------------------ server life
    def initialize_logging(self) -> None:
        """textual-serve's logging, without a line for every file a browser fetches."""
        super().initialize_logging()
        logging.getLogger("aiohttp.access").setLevel(logging.WARNING)

    def serve(self, debug: bool = False) -> None:
        """Serve until Ctrl-C, SIGTERM or SIGHUP (a closed terminal), then end every viewer."""
        self.debug = debug
        self.initialize_logging()
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            with contextlib.suppress(NotImplementedError, ValueError):
                loop.add_signal_handler(sig, self.request_exit)
        try:
            web.run_app(
                self._make_app(),
                host=self.host,
                port=self.port,
                handle_signals=False,
                loop=loop,
                print=lambda *args: None,
                shutdown_timeout=SHUTDOWN_WAIT,
            )
        finally:
            with contextlib.suppress(Exception):
                loop.close()

    def request_exit(self) -> None:
        """Stop serving (a signal came); a second signal while stopping only says so."""
        if self._stopping:
            print(f"buildtrace: still ending {len(self.viewers)} viewer(s)…", flush=True)
            return
        self._stopping = True
        super().request_exit()  # raises aiohttp's GracefulExit, which stops the server

    async def on_startup(self, app: web.Application) -> None:
        """Say where to point the browsers (instead of textual-serve's banner)."""
        print(self.greeting, flush=True)

    async def on_shutdown(self, app: web.Application) -> None:
        """End every viewer (each is asked, then told, then killed) and wait for them."""
        self._stopping = True
        for viewer in list(self.viewers):
            ending = asyncio.ensure_future(self._end(viewer))
            self._endings.add(ending)
            ending.add_done_callback(self._endings.discard)
        if self._endings:
            await asyncio.wait(list(self._endings), timeout=SHUTDOWN_WAIT)
        # Subprocess pipes collected after the event loop has closed complain ("Event
        # loop is closed"). Collect them now.
        gc.collect()
