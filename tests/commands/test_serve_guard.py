"""``buildtrace serve``'s front door and its viewers' end, against real processes.

The server runs in the test's event loop (aiohttp's test server); each browser is a
websocket client; each viewer is a real process (``fake_viewer.py``, which speaks the
viewer's protocol and starts in a blink). Checked: another site's page and a forged
``Host`` are refused before any viewer starts; screens are capped; the room fills up
and says so; and a viewer ends when its browser goes, even one deaf to the request to
quit, even while it sends large frames, with no traceback in the log.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import aiohttp
import pytest
import pytest_asyncio
from aiohttp.test_utils import TestClient, TestServer

from buildtrace.commands.room_guard import MAX_COLUMNS, MAX_ROWS, RoomGuard, default_max_viewers
from buildtrace.commands.room_server import RoomServer

FAKE_VIEWER = Path(__file__).with_name("fake_viewer.py")


def live_with(marker: str) -> list[int]:
    """Processes (not zombies) whose command line carries ``marker``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes()
            state = (entry / "stat").read_text().rsplit(")", 1)[-1].split()[0]
        except OSError:
            continue
        if marker.encode() in command and state != "Z":
            found.append(int(entry.name))
    return found


async def eventually_none(marker: str, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while live_with(marker):
        assert time.monotonic() < deadline, f"left running: {live_with(marker)}"
        await asyncio.sleep(0.05)


async def eventually(done: Callable[[], bool], timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        assert time.monotonic() < deadline
        await asyncio.sleep(0.05)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


class Room:
    """A served room of fake viewers, and the way to open browsers on it."""

    def __init__(self, server: RoomServer, client: TestClient, marker: str) -> None:
        self.server, self.client, self.marker = server, client, marker
        self.port = server.port
        self.origin = f"http://127.0.0.1:{self.port}"

    async def open(
        self, query: str = "?width=80&height=24", **headers: str
    ) -> aiohttp.ClientWebSocketResponse:
        headers.setdefault("Origin", self.origin)
        return await self.client.ws_connect("/ws" + query, headers=headers)


async def make_room(
    tmp_path: Path, *options: str, max_viewers: int | None = None
) -> tuple[RoomServer, TestClient, str]:
    marker = f"fake-viewer-{os.getpid()}-{tmp_path.name}"
    argv = [sys.executable, str(FAKE_VIEWER), marker, *options]
    port = free_port()
    server = RoomServer(
        argv, host="127.0.0.1", port=port, title="t", greeting="", max_viewers=max_viewers
    )
    client = TestClient(TestServer(await server._make_app(), port=port))
    await client.start_server()
    return server, client, marker


@pytest_asyncio.fixture
async def room(tmp_path: Path) -> AsyncIterator[Room]:
    server, client, marker = await make_room(tmp_path, max_viewers=3)
    try:
        yield Room(server, client, marker)
    finally:
        await client.close()  # the server's shutdown: every viewer ends
        await eventually_none(marker)


async def next_text(socket: aiohttp.ClientWebSocketResponse, timeout: float = 15) -> str:
    message = await asyncio.wait_for(socket.receive(), timeout)
    assert message.type == aiohttp.WSMsgType.BINARY, message
    return bytes(message.data).decode()


# ------------------------------------------------------------------ names and origins
@pytest.mark.asyncio
async def test_the_own_page_opens_a_viewer(room: Room) -> None:
    socket = await room.open()
    assert "size 80x24" in await next_text(socket)
    assert len(live_with(room.marker)) == 1
    await socket.close()
    await eventually_none(room.marker)


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "origin",
    ["http://evil.example", "http://127.0.0.1:1", "https://127.0.0.1.evil.example", "null", ""],
)
async def test_a_page_of_another_site_cannot_open_a_viewer(room: Room, origin: str) -> None:
    headers = {"Origin": origin} if origin else {}
    response = await room.client.get("/ws?width=80&height=24", headers={
        **headers, "Connection": "Upgrade", "Upgrade": "websocket",
        "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
    })  # fmt: skip
    assert response.status == 403
    assert "refused" in await response.text()
    await asyncio.sleep(0.3)
    assert not live_with(room.marker) and not room.server.viewers


@pytest.mark.asyncio
@pytest.mark.parametrize("path", ["/", "/ws", "/static/css/xterm.css"])
async def test_a_forged_host_is_refused_everywhere(room: Room, path: str) -> None:
    """DNS rebinding: a name of another site, pointed at this machine, reads nothing."""
    for host in ("evil.example:%d", "127.0.0.1.nip.io:%d", "localhost:1"):
        response = await room.client.get(
            path, headers={"Host": host.replace("%d", str(room.port)), "Origin": room.origin}
        )
        assert response.status == 403, (host, path)
    assert not live_with(room.marker)


def test_the_names_of_a_server_open_to_the_network() -> None:
    guard = RoomGuard.for_host("0.0.0.0", 8000, ["teacher.lan"])
    assert guard.host_problem("teacher.lan:8000") is None
    assert guard.host_problem("localhost:8000") is None
    assert guard.host_problem(f"{socket.gethostname()}:8000") is None
    assert guard.host_problem("127.0.0.1:8000") is None  # an address of this machine
    assert guard.host_problem("192.0.2.99:8000") is not None  # not one of this machine's
    assert guard.host_problem("attacker.example:8000") is not None
    assert guard.host_problem("teacher.lan:8001") is not None


# ------------------------------------------------------------------ limits
@pytest.mark.asyncio
async def test_a_browser_cannot_ask_for_a_huge_screen(room: Room) -> None:
    """8000×4000 cost one viewer 472 MB: what a browser asks for is capped."""
    socket = await room.open("?width=8000&height=4000")
    assert f"size {MAX_COLUMNS}x{MAX_ROWS}" in await next_text(socket)
    await socket.send_json(["resize", {"width": 100000, "height": 90000}])
    assert f"size {MAX_COLUMNS}x{MAX_ROWS}" in await next_text(socket)
    await socket.send_json(["resize", {"width": 120, "height": 40}])
    assert "size 120x40" in await next_text(socket)
    await socket.send_json(["resize", {"width": "x", "height": None}])  # ignored
    await socket.send_str("not json")  # ignored
    await socket.send_json(["ping", "still there?"])
    message = await asyncio.wait_for(socket.receive(), 10)
    assert message.json() == ["pong", "still there?"]
    await socket.close()


@pytest.mark.asyncio
async def test_a_full_room_says_so(room: Room) -> None:
    sockets = [await room.open() for _ in range(3)]
    for each in sockets:
        assert "size" in await next_text(each)
    assert len(live_with(room.marker)) == 3

    page = await room.client.get("/", headers={"Host": f"127.0.0.1:{room.port}"})
    assert page.status == 503
    assert "This room is full" in await page.text() and "--max-viewers 3" in await page.text()
    fourth = await room.open()
    assert "This room is full" in await next_text(fourth)
    assert (await fourth.receive()).type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)
    assert len(live_with(room.marker)) == 3  # no fourth viewer

    await sockets[0].close()
    await eventually_none_but(room, 2)
    again = await room.open()  # a seat is free again
    assert "size" in await next_text(again)


async def eventually_none_but(room: Room, count: int, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while len(room.server.viewers) != count or len(live_with(room.marker)) != count:
        assert time.monotonic() < deadline
        await asyncio.sleep(0.05)


def test_the_default_cap_is_two_viewers_per_core() -> None:
    assert default_max_viewers(2) == 4
    assert default_max_viewers(1) == 2


# ------------------------------------------------------------------ the end of a viewer
@pytest.mark.asyncio
async def test_a_viewer_deaf_to_quit_still_ends_when_its_browser_goes(tmp_path: Path) -> None:
    server, client, marker = await make_room(tmp_path, "ignore-quit")
    try:
        socket = await client.ws_connect(
            "/ws", headers={"Origin": f"http://127.0.0.1:{server.port}"}
        )
        assert "size" in await next_text(socket)
        await socket.close()
        await eventually_none(marker)  # asked, then SIGTERM: gone
        await eventually(lambda: not server.viewers)
    finally:
        await client.close()
        await eventually_none(marker)


@pytest.mark.asyncio
async def test_a_browser_gone_during_a_large_frame_leaves_nothing(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    server, client, marker = await make_room(tmp_path, "flood", "ignore-quit")
    try:
        for _ in range(3):
            reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
            writer.write(
                f"GET /ws?width=80&height=24 HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
                f"Origin: http://127.0.0.1:{server.port}\r\nConnection: Upgrade\r\n"
                "Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n".encode()
            )
            await reader.readexactly(1 << 20)  # well into a 4 MB frame...
            writer.transport.abort()  # ...the browser vanishes (a reset, not a close)
        await eventually_none(marker)
        await eventually(lambda: not server.viewers)
    finally:
        await client.close()
        await eventually_none(marker)
    out, err = capfd.readouterr()
    assert "Traceback" not in out + err
    assert "Error handling request" not in out + err


@pytest.mark.asyncio
async def test_a_browser_gone_mid_handshake_starts_nothing_that_stays(tmp_path: Path) -> None:
    server, client, marker = await make_room(tmp_path, "ignore-quit")
    try:
        for cut in (10, 60, None):
            _reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
            request = (
                f"GET /ws HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
                f"Origin: http://127.0.0.1:{server.port}\r\nConnection: Upgrade\r\n"
                "Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
            ).encode()
            writer.write(request[:cut] if cut else request)
            await asyncio.sleep(0.05)
            writer.transport.abort()
        await asyncio.sleep(0.5)
        await eventually_none(marker)
    finally:
        await client.close()
        await eventually_none(marker)


@pytest.mark.asyncio
async def test_stopping_the_server_ends_every_viewer_even_deaf_ones(tmp_path: Path) -> None:
    server, client, marker = await make_room(tmp_path, "ignore-quit")
    origin = {"Origin": f"http://127.0.0.1:{server.port}"}
    sockets = [await client.ws_connect("/ws", headers=origin) for _ in range(3)]
    for each in sockets:
        assert "size" in await next_text(each)
    assert len(live_with(marker)) == 3
    started = time.monotonic()
    await client.close()
    assert not live_with(marker)  # gone when the shutdown returns
    assert time.monotonic() - started < 10
    for pid in live_with(marker):  # pragma: no cover - only if the above failed
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
