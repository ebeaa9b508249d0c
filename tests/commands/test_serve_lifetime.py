"""``buildtrace serve`` leaves no process behind: a real server, real viewers, real scripts.

Each viewer runs a script that builds a model, starts a process of its own and loops
for ever, so every viewer means three processes carrying the test's marker: the viewer,
its script, the script's own. The server is stopped every way a server stops (Ctrl-C,
SIGTERM, SIGHUP of a closed terminal, SIGKILL), and soaked with 20 browsers, headless
Chromium pages and raw websocket clients, that come and go at random moments, some in
the middle of the handshake. Afterwards: zero processes, and no traceback in its log.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest
from cdp_client import CHROMIUM_FLAGS, find_chromium, launch_chromium, stop_process_group
from served import END_TIMEOUT, START_TIMEOUT, Served, live_with, wait_until

if not Path("/proc").is_dir():  # pragma: no cover - the counting reads /proc
    pytest.skip("counting processes needs /proc (Linux)", allow_module_level=True)

CHROMIUM = find_chromium()
#: As the classroom report ran it: no DevTools server, which would keep the browser open.
SCREENSHOT_FLAGS = [flag for flag in CHROMIUM_FLAGS if "remote-debugging" not in flag]


@pytest.fixture
def marker(tmp_path: Path) -> Iterator[str]:
    text = f"buildtrace-serve-{os.getpid()}-{tmp_path.name}"
    yield text
    for pid in live_with(text):  # whatever a failing test left
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


async def open_viewer(
    served: Served, session: aiohttp.ClientSession
) -> aiohttp.ClientWebSocketResponse:
    """A raw websocket client, as the page's script opens it, reading what it is sent
    (and so answering the server's pings) in a task of its own."""
    socket = await session.ws_connect(
        f"ws://127.0.0.1:{served.port}/ws?width=100&height=30", headers={"Origin": served.origin}
    )

    async def read() -> None:
        with contextlib.suppress(Exception):
            async for _ in socket:
                pass

    READERS.add(asyncio.ensure_future(read()))
    return socket


#: The clients' reading tasks (kept, so that they are not collected while they run).
READERS: set[asyncio.Future[None]] = set()


@pytest.mark.parametrize("how", ["SIGINT", "SIGINT twice", "SIGTERM", "SIGHUP", "SIGKILL"])
def test_stopping_the_server_ends_every_viewer_and_script(
    how: str, tmp_path: Path, marker: str
) -> None:
    served = Served(tmp_path, marker)

    async def scenario() -> None:
        async with aiohttp.ClientSession() as session:
            sockets = [await open_viewer(served, session) for _ in range(2)]
            deadline = time.monotonic() + START_TIMEOUT
            while not served.viewers_running(2):
                assert time.monotonic() < deadline, (live_with(marker), served.log)
                await asyncio.sleep(0.2)
            os.kill(served.process.pid, getattr(signal, how.split()[0]))  # browsers stay open
            if how.endswith("twice"):  # an impatient teacher: Ctrl-C again while it stops
                await asyncio.sleep(0.2)
                os.kill(served.process.pid, signal.SIGINT)
            await asyncio.get_running_loop().run_in_executor(None, served.process.wait, 30)
            del sockets

    try:
        asyncio.run(scenario())
        served.assert_nothing_left()
        if how != "SIGKILL":
            assert "stopped serving" in served.log
    finally:
        stop_process_group(served.process)


# ------------------------------------------------------------------ the soak
#: Browsers of each kind, their moments drawn at random (seeded: a failure replays).
CHROMIUM_PAGES, RAW_CLIENTS, HALF_HANDSHAKES = 8, 6, 6
SOAK_SEED = 20261204


@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium (see test_serve.py)")
def test_twenty_browsers_come_and_go_and_nothing_is_left(tmp_path: Path, marker: str) -> None:
    assert CHROMIUM is not None
    served = Served(tmp_path, marker, "--max-viewers", "5")
    browser = launch_chromium(tmp_path / "profile", binary=CHROMIUM)
    moments = random.Random(SOAK_SEED)
    started = time.monotonic()
    try:
        asyncio.run(_soak(served, browser.devtools_port, moments))
        # Every browser has gone: so has every viewer, with the server still up...
        wait_until(
            lambda: served.viewers_running(0),
            END_TIMEOUT,
            lambda: f"left running: {live_with(marker)}\n{served.log}",
        )
        # ...and stopping it leaves nothing either.
        served.process.send_signal(signal.SIGTERM)
        assert served.process.wait(60) == 0, served.log
        served.assert_nothing_left()
    finally:
        browser.stop()
        stop_process_group(served.process)
    assert served.log.count("a viewer opened") >= 5, served.log
    assert time.monotonic() - started < 120


async def _soak(served: Served, devtools_port: int, moments: random.Random) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.get(f"http://127.0.0.1:{devtools_port}/json/version") as response:
            browser_url = (await response.json())["webSocketDebuggerUrl"]
        devtools = await session.ws_connect(browser_url, max_msg_size=0)
        lock = asyncio.Lock()
        ids = iter(range(1, 10**6))

        async def command(method: str, **params: object) -> dict[str, object]:
            async with lock:  # one command at a time: its answer is the next with its id
                number = next(ids)
                await devtools.send_json({"id": number, "method": method, "params": params})
                while True:
                    answer = (await devtools.receive()).json()
                    if answer.get("id") == number:
                        return dict(answer.get("result", {}))

        async def page(start: float, stay: float) -> None:
            await asyncio.sleep(start)
            target = await command("Target.createTarget", url=served.origin)
            await asyncio.sleep(stay)  # 0: closed right after loading began
            await command("Target.closeTarget", targetId=target["targetId"])

        async def raw(start: float, stay: float) -> None:
            await asyncio.sleep(start)
            with contextlib.suppress(aiohttp.ClientError, ConnectionError):
                socket = await open_viewer(served, session)
                await asyncio.sleep(stay)
                # Vanish without a closing handshake, as a killed browser does.
                connection = socket._response.connection  # type: ignore[attr-defined]
                if connection is not None and connection.transport is not None:
                    connection.transport.abort()
                else:
                    await socket.close()

        async def half_handshake(start: float, cut: int) -> None:
            await asyncio.sleep(start)
            _reader, writer = await asyncio.open_connection("127.0.0.1", served.port)
            request = (
                f"GET /ws?width=80&height=24 HTTP/1.1\r\nHost: 127.0.0.1:{served.port}\r\n"
                f"Origin: {served.origin}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
            ).encode()
            writer.write(request[:cut])
            await asyncio.sleep(moments.uniform(0, 0.5))
            writer.transport.abort()

        tasks = [page(moments.uniform(0, 10), moments.choice([0, 0.3, 2, 6]))
                 for _ in range(CHROMIUM_PAGES)]  # fmt: skip
        tasks += [raw(moments.uniform(0, 10), moments.choice([0, 0.05, 1, 5]))
                  for _ in range(RAW_CLIENTS)]  # fmt: skip
        tasks += [half_handshake(moments.uniform(0, 10), moments.randrange(10, 260))
                  for _ in range(HALF_HANDSHAKES)]  # fmt: skip
        await asyncio.gather(*tasks)
        await devtools.close()


@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium (see test_serve.py)")
def test_a_browser_that_takes_a_screenshot_and_goes_leaves_nothing(
    tmp_path: Path, marker: str
) -> None:
    """The classroom report: `chromium --headless --screenshot` opens the page and closes
    at once; its viewer ran on at 48-85% CPU after the server said "0 open"."""
    assert CHROMIUM is not None
    served = Served(tmp_path, marker)
    try:
        for attempt in range(2):
            subprocess.run(
                [CHROMIUM, *SCREENSHOT_FLAGS, f"--user-data-dir={tmp_path / f'profile{attempt}'}",
                 f"--screenshot={tmp_path / f'shot{attempt}.png'}", "--window-size=1280,800",
                 served.origin],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60,
                start_new_session=True,
            )  # fmt: skip
        time.sleep(1)
        wait_until(
            lambda: served.viewers_running(0),
            END_TIMEOUT,
            lambda: f"left running: {live_with(marker)}\n{served.log}",
        )
        assert served.process.poll() is None  # the server itself serves on
    finally:
        stop_process_group(served.process)


def test_a_viewer_killed_alone_takes_its_script_and_frees_its_seat(
    tmp_path: Path, marker: str
) -> None:
    served = Served(tmp_path, marker)

    async def scenario() -> None:
        async with aiohttp.ClientSession() as session:
            socket = await open_viewer(served, session)
            deadline = time.monotonic() + START_TIMEOUT
            while not served.viewers_running(1):
                assert time.monotonic() < deadline, (live_with(marker), served.log)
                await asyncio.sleep(0.2)
            (viewer,) = [pid for pid in live_with(marker) if b" tui " in _cmdline(pid)]
            os.kill(viewer, signal.SIGKILL)
            deadline = time.monotonic() + END_TIMEOUT
            while not (served.viewers_running(0) and "(0 open)" in served.log):
                assert time.monotonic() < deadline, (live_with(marker), served.log)
                await asyncio.sleep(0.2)
            while not socket.closed:  # and the page's session ended with it
                assert time.monotonic() < deadline, "the browser's session stayed open"
                await asyncio.sleep(0.1)

    try:
        asyncio.run(scenario())
        assert served.process.poll() is None and "Traceback" not in served.log
    finally:
        stop_process_group(served.process)


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
    except OSError:
        return b""
