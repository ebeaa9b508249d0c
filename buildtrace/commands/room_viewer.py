"""One browser's viewer process under ``buildtrace serve``, from start to certain end.

textual-serve's :class:`~textual_serve.app_service.AppService` starts the app through a
shell and, when the browser goes, asks it to quit and waits for as long as that takes.
A viewer not yet listening, or blocked writing a large frame nobody reads, never hears
it, and lives on with its script (measured: at 48-85% CPU, past the server's own end).
:class:`RoomViewer` keeps textual-serve's protocol and changes how the process lives:

- it is started without a shell, in a process group of its own, and dies with the
  server however the server ends (Linux's parent-death signal; its script dies with it
  in turn, see :mod:`buildtrace.runner.lifeline`);
- its output is always read, even once the browser has gone, so it is never stuck;
- :meth:`RoomViewer.end` asks it to quit, then signals its group, then kills it:
  when it returns, the process is gone. It never raises.

Mirrors nothing in Keras: this is buildtrace's classroom server.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import shlex
import signal
from collections.abc import Sequence
from typing import Any

from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.download_manager import DownloadManager

from buildtrace.commands.room_guard import clamp_screen
from buildtrace.runner import lifeline

log = logging.getLogger("buildtrace.serve")

#: Seconds a viewer gets to quit when asked, then to end after SIGTERM, before SIGKILL.
QUIT_GRACE = 3.0
TERM_GRACE = 2.0

#: Bytes kept of a viewer's error output, to show if it fails to start.
STDERR_LIMIT = 8 * 1024

#: Packet types of textual's web driver: data (the screen), meta (JSON), packed (files).
_DATA, _META, _PACKED = b"D", b"M", b"P"


def _die_with_server() -> None:
    """Runs in the viewer between fork and exec: it gets SIGKILL when the server dies."""
    lifeline.die_with_parent(signal.SIGKILL)


class RoomViewer(AppService):
    """The viewer process of one browser.

    Args:
        argv: the viewer's command line.
        websocket: the browser's websocket (written to until the browser goes).
        download_manager: the server's (files the viewer hands to the browser).
        debug: textual's debug mode.
    """

    def __init__(
        self,
        argv: Sequence[str],
        websocket: web.WebSocketResponse,
        download_manager: DownloadManager,
        *,
        debug: bool = False,
    ) -> None:
        super().__init__(
            shlex.join(argv),
            write_bytes=self._to_browser,
            write_str=self._text_to_browser,
            close=self._close_browser,
            download_manager=download_manager,
            debug=debug,
        )
        self.argv = list(argv)
        self.websocket = websocket
        #: Set once the browser is gone: what the viewer draws is read and dropped.
        self.browser_gone = False
        self._stderr = bytearray()
        self._ending: asyncio.Task[None] | None = None

    # ------------------------------------------------------------------ start
    async def _open_app_process(self, width: int = 80, height: int = 24) -> Any:
        width, height = clamp_screen(width, height)
        process = await asyncio.create_subprocess_exec(
            *self.argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=self._build_environment(width=width, height=height),
            start_new_session=True,  # its own group, which end() signals as a whole
            preexec_fn=_die_with_server,
        )
        self._process = process
        assert process.stdin is not None
        self._stdin = process.stdin
        return process

    async def set_terminal_size(self, width: int, height: int) -> None:
        """Tell the viewer its new size, within what any real screen needs."""
        await super().set_terminal_size(*clamp_screen(width, height))

    @property
    def pid(self) -> int | None:
        """The viewer's process id (None before it started)."""
        return None if self._process is None else self._process.pid

    # ------------------------------------------------------------------ relaying
    async def run(self) -> None:
        """Relay what the viewer draws to the browser until the viewer ends."""
        process = self._process
        assert process is not None and process.stdout is not None
        stdout, stderr = process.stdout, process.stderr
        keep_stderr = asyncio.create_task(self._keep_stderr(stderr))
        try:
            # The web driver says `__GANGLION__` once it runs; before, only errors.
            while (line := await stdout.readline()) != b"__GANGLION__\n":
                if not line:
                    await self._said_why_it_failed(process)
                    return
            while True:
                kind = await stdout.readexactly(1)
                size = int.from_bytes(await stdout.readexactly(4), "big")
                payload = await stdout.readexactly(size)
                if kind == _DATA:
                    await self.on_data(payload)
                elif kind == _META:
                    await self.on_meta(payload)
                elif kind == _PACKED:
                    await self.on_packed(payload)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass  # the viewer ended
        except (ValueError, KeyError, json.JSONDecodeError) as exc:
            log.warning("buildtrace: a viewer sent something unreadable (%s); ending it", exc)
        finally:
            keep_stderr.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await keep_stderr
            await self._close_browser()  # the viewer ended: so does the page's session

    async def _said_why_it_failed(self, process: asyncio.subprocess.Process) -> None:
        """A viewer that ended before it ran: its last error line goes to the log."""
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(process.wait(), TERM_GRACE)
        if process.returncode not in (None, 0) and not self.browser_gone:
            lines = self.error_output.strip().splitlines() or ["(no message)"]
            print(f"buildtrace: a viewer failed to start: {lines[-1]}", flush=True)

    async def _keep_stderr(self, stderr: asyncio.StreamReader | None) -> None:
        if stderr is None:
            return
        while data := await stderr.read(4096):
            self._stderr += data
            del self._stderr[:-STDERR_LIMIT]

    async def _to_browser(self, data: bytes) -> None:
        if self.browser_gone:
            return
        try:
            await self.websocket.send_bytes(data)
        except (ConnectionError, RuntimeError):  # the browser went mid-frame
            self.browser_gone = True

    async def _text_to_browser(self, text: str) -> None:
        if self.browser_gone:
            return
        try:
            await self.websocket.send_str(text)
        except (ConnectionError, RuntimeError):
            self.browser_gone = True

    async def _close_browser(self) -> None:
        """The viewer quit (`q`): close the page's connection."""
        with contextlib.suppress(ConnectionError, RuntimeError):
            await self.websocket.close()

    @property
    def error_output(self) -> str:
        """The end of what the viewer wrote to its error output."""
        return bytes(self._stderr).decode("utf-8", errors="replace")

    # ------------------------------------------------------------------ end
    async def end(self) -> None:
        """Make sure the viewer is gone (asked, then told, then killed); never raises.

        Safe to call again and from several tasks: all wait for the same ending, which
        carries on even if a caller is cancelled.
        """
        self.browser_gone = True
        if self._ending is None:
            self._ending = asyncio.ensure_future(self._end())
        await asyncio.shield(self._ending)

    async def stop(self) -> None:
        """textual-serve's name for :meth:`end`."""
        await self.end()

    async def _end(self) -> None:
        process = self._process
        if process is not None:
            try:
                if process.returncode is None:
                    with contextlib.suppress(Exception):
                        await asyncio.wait_for(self.send_meta({"type": "quit"}), QUIT_GRACE)
                    await self._wait_or_signal(process, QUIT_GRACE, signal.SIGTERM)
                    await self._wait_or_signal(process, TERM_GRACE, signal.SIGKILL)
                    await process.wait()
            except Exception as exc:  # never leave the server's shutdown on a traceback
                log.warning("buildtrace: ending a viewer: %s", exc)
            if self._stdin is not None:
                self._stdin.close()
        if self._task is not None:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await asyncio.wait_for(self._task, TERM_GRACE)
        self._task = None
        with contextlib.suppress(Exception):
            await self._download_manager.cancel_app_downloads(app_service_id=self.app_service_id)

    @staticmethod
    async def _wait_or_signal(process: asyncio.subprocess.Process, grace: float, sig: int) -> None:
        """Wait ``grace`` seconds for ``process`` to end; then send ``sig`` to its group."""
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(process.wait(), grace)
        if process.returncode is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, sig)
