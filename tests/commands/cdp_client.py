"""A headless Chromium and a small Chrome DevTools Protocol client, for browser tests.

:func:`launch_chromium` starts the browser with its DevTools server on a free port;
:class:`CdpPage` drives one of its pages over the protocol's websocket (aiohttp's, which
textual-serve already brings): navigate, evaluate JavaScript, press keys, take a
screenshot. Only what the tests need; commands run one at a time.

Example:
    >>> browser = launch_chromium(tmp_path / "profile")  # doctest: +SKIP
    >>> page = await CdpPage.connect(browser.devtools_port)  # doctest: +SKIP
    >>> await page.send("Page.navigate", url="http://127.0.0.1:8000")  # doctest: +SKIP
"""

from __future__ import annotations

import base64
import contextlib
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp

#: Flags that let Chromium run headless in a container and stay off the network.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--remote-debugging-port=0",  # any free port; Chromium writes it to DevToolsActivePort
)


def find_chromium() -> str | None:
    """The Chromium (or Chrome) binary, or None when there is none."""
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found is not None:
            return found
    return None


@dataclass
class Chromium:
    """A running headless Chromium: its process and the port of its DevTools server."""

    process: subprocess.Popen[bytes]
    devtools_port: int

    def stop(self) -> None:
        """End the browser and every process it started (its own process group)."""
        stop_process_group(self.process)


def launch_chromium(
    profile: Path,
    *,
    binary: str,
    window: tuple[int, int] = (1280, 800),
    timeout: float = 60,
    flags: Sequence[str] = (),
) -> Chromium:
    """Start headless Chromium with a fresh profile; waits until DevTools answers.

    ``flags``: more command-line switches (e.g. ``--host-resolver-rules=...``).
    """
    profile.mkdir(parents=True, exist_ok=True)
    width, height = window
    process = subprocess.Popen(
        [
            binary,
            *CHROMIUM_FLAGS,
            *flags,
            f"--user-data-dir={profile}",
            f"--window-size={width},{height}",
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # so that stop() reaches its renderer and GPU processes too
    )
    active_port = profile / "DevToolsActivePort"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        # The file's first line is the port; it may exist before that line is written.
        with contextlib.suppress(OSError, ValueError, IndexError):
            return Chromium(process, int(active_port.read_text().splitlines()[0]))
        if process.poll() is not None:
            raise RuntimeError(f"chromium exited at once (status {process.returncode})")
        time.sleep(0.1)
    stop_process_group(process)
    raise TimeoutError(f"chromium did not open its DevTools port within {timeout} s")


def stop_process_group(process: subprocess.Popen[bytes], grace: float = 10) -> None:
    """SIGTERM a process started with ``start_new_session=True`` and its group, then SIGKILL."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(grace)
            break
        except subprocess.TimeoutExpired:
            continue
    # Children that outlived the leader (killpg reaches them even now).
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


#: Keys without text, by DevTools name, with their Windows virtual key codes.
NAMED_KEYS = {"PageDown": 34, "PageUp": 33, "Enter": 13, "Escape": 27, "F5": 116}


class CdpPage:
    """One browser page, driven over the Chrome DevTools Protocol.

    Commands are sent one at a time: :meth:`send` reads messages until its answer comes,
    dropping the events in between (no domain's events are needed here).
    """

    def __init__(self, session: aiohttp.ClientSession, socket: aiohttp.ClientWebSocketResponse):
        self._session = session
        self._socket = socket
        self._next_id = 0

    @classmethod
    async def connect(cls, devtools_port: int) -> CdpPage:
        """Attach to the browser's first page (headless Chromium opens one, blank)."""
        session = aiohttp.ClientSession()
        try:
            async with session.get(f"http://127.0.0.1:{devtools_port}/json/list") as response:
                targets = await response.json()
            page = next(t for t in targets if t.get("type") == "page")
            # max_msg_size=0: a screenshot arrives as one message of several megabytes.
            socket = await session.ws_connect(page["webSocketDebuggerUrl"], max_msg_size=0)
        except BaseException:
            await session.close()
            raise
        return cls(session, socket)

    async def send(self, method: str, **params: Any) -> dict[str, Any]:
        """Run one protocol command; returns its result (raises on a protocol error)."""
        self._next_id += 1
        await self._socket.send_json({"id": self._next_id, "method": method, "params": params})
        while True:
            message = await self._socket.receive()
            if message.type != aiohttp.WSMsgType.TEXT:
                raise ConnectionError(f"DevTools closed the connection ({message.type.name})")
            answer: dict[str, Any] = message.json()
            if answer.get("id") != self._next_id:
                continue
            if "error" in answer:
                raise RuntimeError(f"{method} failed: {answer['error']}")
            result: dict[str, Any] = answer.get("result", {})
            return result

    async def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (awaited if it is a promise)."""
        result = await self.send(
            "Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True
        )
        if "exceptionDetails" in result:
            raise RuntimeError(f"page script failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    async def press(self, key: str) -> None:
        """Press one key in whatever has the focus: a printable one, or a named one."""
        named = NAMED_KEYS.get(key)
        if named is not None:  # no text: the browser sends it as a key, not a character
            common = {"key": key, "code": key, "windowsVirtualKeyCode": named}
            await self.send("Input.dispatchKeyEvent", type="rawKeyDown", **common)
            await self.send("Input.dispatchKeyEvent", type="keyUp", **common)
            return
        code = f"Key{key.upper()}" if key.isalpha() else ""
        common = {"key": key, "code": code, "windowsVirtualKeyCode": ord(key.upper())}
        await self.send("Input.dispatchKeyEvent", type="keyDown", text=key, **common)
        await self.send("Input.dispatchKeyEvent", type="keyUp", **common)

    async def screenshot(self, path: Path) -> Path:
        """Save what the page shows as a PNG."""
        result = await self.send("Page.captureScreenshot", format="png")
        path.write_bytes(base64.b64decode(result["data"]))
        return path

    async def close(self) -> None:
        """Close the protocol connection (the browser keeps running)."""
        await self._socket.close()
        await self._session.close()
