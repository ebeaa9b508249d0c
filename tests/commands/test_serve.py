"""``buildtrace serve``: its arguments and errors, the command each browser runs, its
page, and a real browser that loads the viewer and steps it with a key."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

import pytest
from aiohttp.test_utils import TestClient, TestServer
from cdp_client import CdpPage, find_chromium, launch_chromium, stop_process_group

from buildtrace.cli import main
from buildtrace.commands import room_server, serve
from buildtrace.commands.room_server import RoomServer

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "samples" / "seed.py"
BUILDTRACE = [sys.executable, "-m", "buildtrace"]


class FakeServer:
    """Stands in for the web server: records how it was made; serving ends at once."""

    made: ClassVar[list[FakeServer]] = []
    #: What serve() raises (None: it returns, as after Ctrl-C).
    failure: ClassVar[OSError | None] = None

    def __init__(self, argv: list[str], **options: Any) -> None:
        self.command, self.options = shlex.join(argv), options
        FakeServer.made.append(self)

    def serve(self) -> None:
        if FakeServer.failure is not None:
            raise FakeServer.failure


@pytest.fixture
def fake_server(monkeypatch: pytest.MonkeyPatch) -> type[FakeServer]:
    monkeypatch.setattr(room_server, "RoomServer", FakeServer)
    FakeServer.made, FakeServer.failure = [], None
    return FakeServer


@pytest.fixture
def port() -> int:
    """A port nothing listens on (the operating system's pick)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        found: int = probe.getsockname()[1]
    return found


# ------------------------------------------------------------------ arguments
def test_help_lists_serve(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    assert "serve" in capsys.readouterr().out
    assert main(["serve", "--help"]) == 0
    help_text = capsys.readouterr().out
    for option in ("--lesson", "--host", "--port", "--font-size", "--presenter", "127.0.0.1"):
        assert option in help_text


def test_a_script_is_served_on_localhost_by_default(
    fake_server: type[FakeServer],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    probed: list[tuple[str, int]] = []
    monkeypatch.setattr(serve, "port_problem", lambda host, port: probed.append((host, port)))
    assert main(["serve", str(SEED)]) == 0
    (server,) = fake_server.made
    assert probed == [("127.0.0.1", 8000)]
    assert server.options["host"] == "127.0.0.1" and server.options["port"] == 8000
    assert server.command == shlex.join([*BUILDTRACE, "tui", str(SEED)])
    assert "http://127.0.0.1:8000" in server.options["greeting"]
    assert "its own run of the script" in server.options["greeting"]
    assert "warning" not in capsys.readouterr().err


def test_every_option_reaches_the_viewers_command(fake_server: type[FakeServer], port: int) -> None:
    arguments = ["serve", str(SEED), "--epochs", "3", "--lockstep", "--presenter"]
    arguments += ["--port", str(port), "--font-size", "24", "--", "--it's quoted"]
    assert main(arguments) == 0
    (server,) = fake_server.made
    expected = [*BUILDTRACE, "tui", str(SEED), "--lockstep", "--presenter"]
    expected += ["--", "--epochs", "3", "--it's quoted"]
    assert shlex.split(server.command) == expected
    assert server.options["font_size"] == 24 and server.options["port"] == port


def test_a_lesson_is_served_in_its_viewer(fake_server: type[FakeServer], port: int) -> None:
    assert main(["serve", "--lesson", "seed-build", "--presenter", "--port", str(port)]) == 0
    (server,) = fake_server.made
    expected = [*BUILDTRACE, "lesson", "seed-build", "--viewer", "--presenter"]
    assert shlex.split(server.command) == expected
    assert "seed-build" in server.options["title"]


def test_a_trace_is_served(fake_server: type[FakeServer], port: int, tmp_path: Path) -> None:
    trace = tmp_path / "seed.jsonl"
    trace.write_text("", encoding="utf-8")
    assert main(["serve", str(trace), "--port", str(port)]) == 0
    assert shlex.split(fake_server.made[0].command) == [*BUILDTRACE, "tui", str(trace)]


def test_opening_it_to_the_network_is_warned_about_in_one_line(
    fake_server: type[FakeServer], port: int, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["serve", str(SEED), "--host", "0.0.0.0", "--port", str(port)]) == 0
    err = capsys.readouterr().err
    (warning,) = [line for line in err.splitlines() if "warning" in line]
    assert f"this machine on port {port}" in warning and "run seed.py" in warning
    # The address to give the room is this machine's, not 0.0.0.0.
    assert "http://0.0.0.0" not in fake_server.made[0].options["greeting"]


@pytest.mark.parametrize(
    ("host", "local"),
    [("127.0.0.1", True), ("localhost", True), ("::1", True), ("0.0.0.0", False),
     ("192.168.1.5", False), ("teacher.lan", False)],
)  # fmt: skip
def test_only_loopback_hosts_count_as_local(host: str, local: bool) -> None:
    assert serve.is_local(host) is local


def test_a_taken_port_is_one_clear_line(
    fake_server: type[FakeServer], capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        number = taken.getsockname()[1]
        assert main(["serve", str(SEED), "--port", str(number)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert f"port {number} is already in use" in err and "--port" in err
    assert fake_server.made == []


def test_a_port_lost_to_a_race_is_one_clear_line(
    fake_server: type[FakeServer], port: int, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_server.failure = OSError(errno.EADDRINUSE, "Address already in use")
    assert main(["serve", str(SEED), "--port", str(port)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "already in use" in err and "--port" in err


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["serve"], "missing"),
        (["serve", "missing.py"], "no such script"),
        (["serve", "missing.jsonl"], "no such trace file"),
        (["serve", "README.md"], "a Keras script (.py), a trace (.jsonl) or --lesson"),
        (["serve", "{trace}", "extra"], "arguments after a trace file"),
        (["serve", "{trace}", "--lockstep"], "not a trace"),
        (["serve", "--lesson", "no-such-lesson"], "no lesson named 'no-such-lesson'"),
        (["serve", "--lesson", "seed-build", "{seed}"], "not two"),
        (["serve", "--lesson", "seed-build", "--lockstep"], "not a lesson"),
        (["serve", "--lesson", "seed-build", "--", "x"], "unrecognized arguments"),
        (["serve", "{seed}", "--port", "0"], "a port is 1 to 65535"),
        (["serve", "{seed}", "--port", "http"], "whole number"),
        (["serve", "{seed}", "--font-size", "2"], "a font size is 6 to 128"),
        (["serve", "{seed}", "--host", "192.0.2.1"], "no such address"),  # TEST-NET-1
    ],
)
def test_usage_errors_say_what_is_wrong(
    arguments: list[str],
    message: str,
    tmp_path: Path,
    fake_server: type[FakeServer],
    capsys: pytest.CaptureFixture[str],
) -> None:
    trace = tmp_path / "seed.jsonl"
    trace.write_text("", encoding="utf-8")
    args = [a.replace("{trace}", str(trace)).replace("{seed}", str(SEED)) for a in arguments]
    assert main(args) in (1, 2)
    assert message in capsys.readouterr().err
    assert fake_server.made == []


# ------------------------------------------------------------------ the page
@pytest.mark.asyncio
async def test_the_page_links_back_by_the_address_the_browser_used() -> None:
    server = RoomServer(
        ["true"], host="0.0.0.0", port=8000, title="t", greeting="", font_size=24,
        allowed_hosts=["teacher.lan"],
    )  # fmt: skip
    client = TestClient(TestServer(await server._make_app()))
    await client.start_server()
    try:
        response = await client.get("/", headers={"Host": "teacher.lan:8000"})
        page = await response.text()
        assert 'data-session-websocket-url="ws://teacher.lan:8000/ws"' in page
        assert 'data-font-size="24"' in page  # the server's default...
        page = await (await client.get("/?fontsize=12", headers={"Host": "127.0.0.1:8000"})).text()
        assert 'data-font-size="12"' in page  # ...unless the browser's address says otherwise
    finally:
        await client.close()


# ------------------------------------------------------------------ a real browser
CHROMIUM = find_chromium()

#: Seconds to wait for the viewer to appear (a loaded 2-core machine starts slowly).
LOAD_TIMEOUT = 60
#: Seconds to wait for one step to show, and for the server to stop after Ctrl-C.
STEP_TIMEOUT = 30
STOP_TIMEOUT = 60

#: Runs before textual-serve's page script: keeps the xterm.js terminal it creates
#: (it sets ``this.terminal = new Terminal(...)``) as ``window.buildtraceTerminal``, so
#: that the test can read the screen as text, which the terminal draws on a canvas.
KEEP_TERMINAL = """
Object.defineProperty(Object.prototype, "terminal", {
  configurable: true,
  set(value) {
    Object.defineProperty(this, "terminal", {value, writable: true, configurable: true});
    if (value && value.buffer && value.buffer.active) window.buildtraceTerminal = value;
  },
});
"""

#: The terminal's first rows as text (null until the page has made the terminal).
TOP_ROWS = """(() => {
  const terminal = window.buildtraceTerminal;
  if (!terminal) return null;
  const rows = [];
  for (let y = 0; y < 3; y++) {
    const line = terminal.buffer.active.getLine(y);
    rows.push(line ? line.translateToString(true) : "");
  }
  return rows.join("\\n");
})()"""

#: The whole screen as text.
SCREEN = TOP_ROWS.replace("y < 3", "y < terminal.rows")

#: The status bar's position, e.g. `seq 2 · call Layer.__init__` (the trace's own seq).
POSITION = re.compile(r"seq ([\d,]+)")


@pytest.mark.skipif(
    CHROMIUM is None,
    reason="no Chromium to test `buildtrace serve` in: run scripts/setup.sh "
    "(or sudo apt-get install chromium)",
)
def test_a_browser_loads_the_viewer_and_a_key_steps_it(tmp_path: Path) -> None:
    assert CHROMIUM is not None
    script = tmp_path / "seed.py"  # a path of its own, to find its processes by
    shutil.copy(SEED, script)
    port = _free_port()
    log_path = tmp_path / "serve.log"
    server = _start_serving(["serve", str(script), "--port", str(port)], log_path)
    browser = None
    try:
        _wait_for(lambda: "serving" in log_path.read_text(), LOAD_TIMEOUT, log_path, server)
        browser = launch_chromium(tmp_path / "profile", binary=CHROMIUM)
        before, after = asyncio.run(
            _load_and_step(browser.devtools_port, f"http://127.0.0.1:{port}", tmp_path, log_path)
        )
        assert after == before + 1

        # Ctrl-C at the server's terminal reaches its whole process group.
        os.killpg(server.pid, signal.SIGINT)
        assert server.wait(STOP_TIMEOUT) == 0, log_path.read_text()
        assert "stopped serving" in log_path.read_text()
        _wait_for(lambda: not _processes_mentioning(script), STOP_TIMEOUT, log_path, None)
    finally:
        if browser is not None:
            browser.stop()
        stop_process_group(server)
        for pid in _processes_mentioning(script):  # the script runs in a session of its own
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium (see the test above)")
def test_a_lesson_in_presenter_mode_steps_with_the_clicker_key_in_a_browser(
    tmp_path: Path,
) -> None:
    assert CHROMIUM is not None
    port = _free_port()
    log_path = tmp_path / "serve.log"
    command = ["serve", "--lesson", "input-first", "--presenter", "--font-size", "20"]
    server = _start_serving([*command, "--port", str(port)], log_path)
    browser = None
    try:
        _wait_for(lambda: "serving" in log_path.read_text(), LOAD_TIMEOUT, log_path, server)
        browser = launch_chromium(tmp_path / "profile", binary=CHROMIUM)
        first, second = asyncio.run(
            _present(browser.devtools_port, f"http://127.0.0.1:{port}", tmp_path, log_path)
        )
        # Presenter mode: the lesson's words and the model, no timeline of events.
        assert "step 1 of" in first and "model" in first and "▾" not in first
        assert "step 2 of" in second
    finally:
        if browser is not None:
            browser.stop()
        stop_process_group(server)


async def _present(devtools_port: int, url: str, shots: Path, log_path: Path) -> tuple[str, str]:
    """Open a served lesson, press PageDown until step 2; the screens of steps 1 and 2."""
    page = await CdpPage.connect(devtools_port)
    try:
        await page.send("Page.enable")
        await page.send("Page.addScriptToEvaluateOnNewDocument", source=KEEP_TERMINAL)
        await page.send("Page.navigate", url=url)
        first = await _screen(page, "step 1 of", LOAD_TIMEOUT, log_path)
        await page.screenshot(shots / "presenting.png")
        await page.evaluate("window.buildtraceTerminal.focus()")
        second = ""
        for _ in range(3):  # the first press may reveal step 1's answer
            await page.press("PageDown")
            with contextlib.suppress(AssertionError):
                second = await _screen(page, "step 2 of", 5, log_path)
                break
        await page.screenshot(shots / "presenting-step-2.png")
    finally:
        await page.close()
    return first, second


async def _screen(page: CdpPage, wanted: str, timeout: float, log_path: Path) -> str:
    """The whole screen as text, once it shows ``wanted``."""
    deadline = time.monotonic() + timeout
    screen: str | None = None
    while time.monotonic() < deadline:
        screen = await page.evaluate(SCREEN)
        if screen and wanted in screen:
            return screen
        await asyncio.sleep(0.2)
    raise AssertionError(
        f"after {timeout} s the browser shows:\n{screen}\nserver log:\n{log_path.read_text()}"
    )


def _free_port() -> int:
    """A port nothing listens on now (the operating system's pick)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def _start_serving(argv: list[str], log_path: Path) -> subprocess.Popen[bytes]:
    """``buildtrace *argv`` in a process group of its own, its output in ``log_path``."""
    with log_path.open("wb") as log:
        return subprocess.Popen(
            [*BUILDTRACE, *argv],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
            start_new_session=True,  # a group of its own: Ctrl-C (and clean-up) reach it all
        )


async def _load_and_step(
    devtools_port: int, url: str, shots: Path, log_path: Path
) -> tuple[int, int]:
    """Open the viewer, press `n`; the event number before and after (screenshots saved)."""
    page = await CdpPage.connect(devtools_port)
    try:
        await page.send("Page.enable")  # new-document scripts apply only with it
        await page.send("Page.addScriptToEvaluateOnNewDocument", source=KEEP_TERMINAL)
        await page.send("Page.navigate", url=url)
        before = await _position(page, lambda n: True, LOAD_TIMEOUT, log_path)
        await page.screenshot(shots / "loaded.png")
        # Keys go to the terminal's hidden text area, as when a student clicks the page.
        await page.evaluate("window.buildtraceTerminal.focus()")
        await page.press("n")
        after = await _position(page, lambda n: n > before, STEP_TIMEOUT, log_path)
        await page.screenshot(shots / "stepped.png")
    finally:
        await page.close()
    return before, after


async def _position(
    page: CdpPage, wanted: Callable[[int], bool], timeout: float, log_path: Path
) -> int:
    """The status bar's event number, once ``wanted`` accepts it."""
    deadline = time.monotonic() + timeout
    rows: str | None = None
    while time.monotonic() < deadline:
        rows = await page.evaluate(TOP_ROWS)
        found = POSITION.search(rows or "")
        if found is not None and wanted(int(found.group(1).replace(",", ""))):
            return int(found.group(1).replace(",", ""))
        await asyncio.sleep(0.2)
    raise AssertionError(
        f"after {timeout} s the browser shows:\n{rows}\nserver log:\n{log_path.read_text()}"
    )


def _wait_for(
    done: Callable[[], bool],
    timeout: float,
    log_path: Path,
    server: subprocess.Popen[bytes] | None,
) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        if server is not None and server.poll() is not None:
            raise AssertionError(
                f"the server exited ({server.returncode}):\n{log_path.read_text()}"
            )
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up after {timeout} s; server log:\n{log_path.read_text()}")
        time.sleep(0.2)


def _processes_mentioning(path: Path) -> list[int]:
    """Processes whose command line names ``path`` (the viewer's run of the script)."""
    found: list[int] = []
    if not Path("/proc").is_dir():  # not Linux: nothing to check this way
        return found
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes()
        except OSError:  # it ended meanwhile
            continue
        if str(path).encode() in command:
            found.append(int(entry.name))
    return found
