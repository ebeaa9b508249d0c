"""Every ``-o``: never the input, never someone else's file, never half a file.

Each test here is a way a user lost a file before: ``tui victim.py -o victim.py``
emptied the script, ``tui -o notes.txt`` overwrote notes, ``export trace.json -o
trace.json`` overwrote its own input, and ``-o`` into a missing or read-only folder
ended in a traceback with exit status 0. The viewer runs for real, headless (no
terminal needed), with its real child process.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tui.app
from buildtrace.cli import main
from buildtrace.commands.output_files import looks_like, output_problem
from buildtrace.render.output import replacing, write_atomically

ROOT = Path(__file__).resolve().parents[2]

TINY = """\
from tensorflow import keras

model = keras.Sequential([keras.layers.Dense(3, activation="relu"), keras.layers.Dense(2)])
model.build(input_shape=(None, 4))
print("built")
"""

NOTES = "my notes: do not lose these\n"


@pytest.fixture
def script(tmp_path: Path) -> Path:
    path = tmp_path / "victim.py"
    path.write_text(TINY, encoding="utf-8")
    return path


@pytest.fixture
def trace(tmp_path: Path, script: Path) -> Path:
    """A real trace of the tiny script."""
    path = tmp_path / "trace.jsonl"
    assert main(["run", str(script), "-o", str(path), "--no-tree"]) == 0
    return path


@pytest.fixture
def headless_viewer(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Let ``buildtrace tui`` run its real viewer without a terminal: headless, quitting
    once its child has ended. Returns the apps that ran."""
    ran: list[Any] = []
    original = tui.app.BuildTraceApp.run

    async def quit_when_child_ends(pilot: Any) -> None:
        app = pilot.app
        for _ in range(600):
            child = getattr(app, "child", None)
            if child is None or (child.returncode is not None):
                break
            await asyncio.sleep(0.05)
        await pilot.pause(0.3)  # the last events read
        app.exit()

    def run_headless(self: Any, *args: Any, **kwargs: Any) -> Any:
        ran.append(self)
        return original(self, headless=True, auto_pilot=quit_when_child_ends)

    monkeypatch.setattr(tui.app.BuildTraceApp, "run", run_headless)
    import buildtrace.commands.tui

    monkeypatch.setattr(buildtrace.commands.tui, "terminal_problem", lambda t: None, raising=False)
    return ran


def leftovers(folder: Path) -> list[str]:
    """Temporary files a write left behind."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


# ------------------------------------------------------------------------- tui -o
def test_tui_never_writes_over_the_script_it_runs(
    script: Path, headless_viewer: list[Any], capsys: pytest.CaptureFixture[str]
) -> None:
    before = script.read_bytes()
    assert main(["tui", str(script), "-o", str(script)]) == 2
    assert script.read_bytes() == before  # was emptied: 0 bytes
    err = capsys.readouterr().err
    assert "refusing to write over the input" in err and len(err.strip().splitlines()) == 1
    assert not headless_viewer  # refused before the viewer started


def test_tui_refuses_a_symlink_or_hard_link_to_its_script(
    script: Path, tmp_path: Path, headless_viewer: list[Any]
) -> None:
    before = script.read_bytes()
    (tmp_path / "link.jsonl").symlink_to(script)
    os.link(script, tmp_path / "hard.jsonl")
    assert main(["tui", str(script), "-o", str(tmp_path / "link.jsonl")]) == 2
    assert main(["tui", str(script), "-o", str(tmp_path / "hard.jsonl")]) == 2
    assert script.read_bytes() == before and not headless_viewer


def test_tui_does_not_overwrite_notes_without_force(
    script: Path, tmp_path: Path, headless_viewer: list[Any], capsys: pytest.CaptureFixture[str]
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text(NOTES, encoding="utf-8")
    assert main(["tui", str(script), "-o", str(notes)]) == 2
    assert notes.read_text(encoding="utf-8") == NOTES
    assert "--force" in capsys.readouterr().err
    assert not headless_viewer


def test_tui_records_through_a_temporary_file_and_replaces_an_old_trace(
    script: Path, trace: Path, headless_viewer: list[Any]
) -> None:
    """A trace may be replaced (it is buildtrace's own); the viewer tails a hidden file
    beside it, flushed per event, and the output takes its name when the viewer closes."""
    old = trace.read_text(encoding="utf-8")
    trace.write_text(old.splitlines()[0] + "\n", encoding="utf-8")  # an old, short trace
    assert main(["tui", str(script), "-o", str(trace)]) == 0
    (app,) = headless_viewer
    tailed = Path(app.child.trace_path)
    assert tailed.parent == trace.parent and tailed.name.startswith(".trace.")
    assert not tailed.exists()  # renamed
    lines = trace.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(old.splitlines())  # the whole new recording
    assert all(json.loads(line)["kind"] for line in lines)
    assert leftovers(trace.parent) == []


def test_tui_with_force_replaces_a_file_that_is_not_a_trace(
    script: Path, tmp_path: Path, headless_viewer: list[Any]
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text(NOTES, encoding="utf-8")
    assert main(["tui", str(script), "-o", str(notes), "--force"]) == 0
    assert json.loads(notes.read_text(encoding="utf-8").splitlines()[0])["seq"] == 0


def test_tui_into_a_missing_folder_is_one_line_and_exit_2(
    script: Path, tmp_path: Path, headless_viewer: list[Any], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["tui", str(script), "-o", str(tmp_path / "nowhere" / "t.jsonl")]) == 2
    err = capsys.readouterr().err
    assert "does not exist" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "nowhere").exists() and not headless_viewer


# --------------------------------------------------------------------- read-only folders
def read_only_folder(tmp_path: Path) -> Path:
    """A folder no new file can be made in, even by root (who ignores mode bits): a
    read-only bind mount where the test may make one, else mode 0o555 for others."""
    folder = tmp_path / "locked"
    folder.mkdir()
    (folder / "old.svg").write_text("<svg/>", encoding="utf-8")
    if os.geteuid() != 0:
        folder.chmod(0o555)
        return folder
    made = subprocess.run(
        ["mount", "--bind", "-o", "ro", str(folder), str(folder)], capture_output=True
    )
    if made.returncode != 0:
        pytest.skip("running as root without the right to mount a read-only folder")
    return folder


@pytest.fixture
def locked(tmp_path: Path) -> Iterator[Path]:
    folder = read_only_folder(tmp_path)
    yield folder
    if os.geteuid() == 0:
        subprocess.run(["umount", str(folder)], capture_output=True)
    else:
        folder.chmod(0o755)


def buildtrace(*argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "buildtrace", *argv],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


@pytest.mark.parametrize(
    "command",
    [
        ["run", "{script}", "-o", "{locked}/t.jsonl"],
        ["tui", "{script}", "-o", "{locked}/t.jsonl"],
        ["diagram", "{trace}", "-o", "{locked}/model.svg"],
        ["diagram", "{trace}", "--kind", "frames", "-o", "{locked}/steps.html"],
        ["export", "{trace}", "-o", "{locked}/t.json"],
        ["handout", "{trace}", "-o", "{locked}/h.html"],
    ],
)
def test_a_read_only_folder_is_one_clear_line_and_no_file(
    command: list[str], script: Path, trace: Path, locked: Path
) -> None:
    # A real process: its exit status and its whole stderr, as a user sees them.
    argv = [a.format(script=script, trace=trace, locked=locked) for a in command]
    done = buildtrace(*argv, cwd=script.parent)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "cannot write" in lines[0], done.stderr
    assert "Traceback" not in done.stderr
    assert sorted(p.name for p in locked.iterdir()) == ["old.svg"]


# ------------------------------------------------------------------------- export / diagram
def test_export_never_writes_over_its_own_input(
    trace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``export trace.json -o trace.json``: a trace named .json is still the input."""
    named_json = tmp_path / "trace.json"
    named_json.write_bytes(trace.read_bytes())
    before = named_json.read_bytes()
    assert main(["export", str(named_json), "-o", str(named_json)]) == 2
    assert named_json.read_bytes() == before
    assert "refusing to write over the input" in capsys.readouterr().err


def test_export_replaces_its_own_timeline_but_not_other_json(
    trace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    timeline = tmp_path / "t.json"
    assert main(["export", str(trace), "-o", str(timeline)]) == 0
    assert main(["export", str(trace), "-o", str(timeline)]) == 0  # again: it is ours
    settings = tmp_path / "settings.json"
    settings.write_text('{"theme": "dark"}', encoding="utf-8")
    assert main(["export", str(trace), "-o", str(settings)]) == 2
    assert settings.read_text(encoding="utf-8") == '{"theme": "dark"}'
    assert main(["export", str(trace), "-o", str(settings), "--force"]) == 0
    assert "traceEvents" in settings.read_text(encoding="utf-8")
    assert leftovers(tmp_path) == []


def test_diagram_replaces_its_own_pictures_but_not_a_users_page(
    trace: Path, tmp_path: Path
) -> None:
    svg, page = tmp_path / "model.svg", tmp_path / "index.html"
    assert main(["diagram", str(trace), "-o", str(svg)]) == 0
    assert main(["diagram", str(trace), "-o", str(svg)]) == 0
    page.write_text("<html><body>my homepage</body></html>", encoding="utf-8")
    assert main(["diagram", str(trace), "--kind", "frames", "-o", str(page)]) == 2
    assert "my homepage" in page.read_text(encoding="utf-8")
    steps = tmp_path / "steps.html"
    assert main(["diagram", str(trace), "--kind", "frames", "-o", str(steps)]) == 0
    assert main(["diagram", str(trace), "--kind", "frames", "-o", str(steps)]) == 0
    assert 'content="buildtrace"' in steps.read_text(encoding="utf-8")
    assert leftovers(tmp_path) == []


def test_diagram_and_handout_refuse_a_symlink_to_their_input(trace: Path, tmp_path: Path) -> None:
    before = trace.read_bytes()
    (tmp_path / "model.svg").symlink_to(trace)
    (tmp_path / "h.html").symlink_to(trace)
    assert main(["diagram", str(trace), "-o", str(tmp_path / "model.svg")]) == 2
    assert main(["handout", str(trace), "-o", str(tmp_path / "h.html")]) == 2
    assert trace.read_bytes() == before


def test_run_output_over_its_script_or_notes_is_refused(
    script: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = script.read_bytes()
    assert main(["run", str(script), "-o", str(script)]) == 2
    notes = tmp_path / "notes.txt"
    notes.write_text(NOTES, encoding="utf-8")
    assert main(["run", str(script), "-o", str(notes)]) == 2
    assert script.read_bytes() == before and notes.read_text(encoding="utf-8") == NOTES


def test_a_device_is_never_an_output(trace: Path, tmp_path: Path) -> None:
    """Renaming over /dev/null would replace the device for everyone (as root)."""
    problem = output_problem(Path(os.devnull), inputs=[trace], kind="trace", force=True)
    assert problem is not None and "not a regular file" in problem


# ------------------------------------------------------------------- the writing itself
def test_a_failed_write_leaves_the_old_file_whole(tmp_path: Path) -> None:
    target = tmp_path / "model.svg"
    target.write_text("old picture", encoding="utf-8")

    class Boom(Exception):
        pass

    with pytest.raises(Boom), replacing(target) as temp:
        temp.write_text("half a new pict", encoding="utf-8")
        raise Boom
    assert target.read_text(encoding="utf-8") == "old picture"
    assert leftovers(tmp_path) == []


def test_a_new_file_gets_the_usual_mode_and_a_replaced_one_keeps_its_own(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    os.umask(umask)
    fresh = tmp_path / "fresh.svg"
    write_atomically(fresh, "x")
    assert fresh.stat().st_mode & 0o777 == 0o666 & ~umask
    kept = tmp_path / "kept.svg"
    kept.write_text("y", encoding="utf-8")
    kept.chmod(0o640)
    write_atomically(kept, "z")
    assert kept.stat().st_mode & 0o777 == 0o640 and kept.read_text(encoding="utf-8") == "z"


@pytest.mark.parametrize(
    ("kind", "content", "ours"),
    [
        ("trace", b'{"v": 1, "seq": 0, "kind": "call"}\n', True),
        ("trace", b"my notes\n", False),
        ("trace", b"", True),
        ("svg", b"<?xml?>\n<!-- Generated by graphviz 2.43 -->\n<svg>", True),
        ("svg", b"<svg>a logo drawn by hand</svg>", False),
        ("png", b"\x89PNG\r\n\x1a\n....", True),
        ("pdf", b"%PDF-1.5 ...", True),
        ("pdf", b"a text file", False),
        ("dot", b"// made by buildtrace\ndigraph {", True),
        ("json", b'{"traceEvents": []}', True),
        ("json", b'{"theme": "dark"}', False),
        ("html", b'<html><meta name="generator" content="buildtrace 0.1">', True),
        ("html", b"<html>my page</html>", False),
        ("md", b"# My README\n", False),
        ("md", b"# Handout\n...\n*Made with buildtrace 0.1 from the events*\n", True),
    ],
)
def test_what_counts_as_a_file_of_ours(
    tmp_path: Path, kind: str, content: bytes, ours: bool
) -> None:
    path = tmp_path / "file"
    path.write_bytes(content)
    assert looks_like(path, kind) is ours


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    old=st.binary(max_size=2000),
    new=st.binary(max_size=2000),
    fail_after=st.one_of(st.none(), st.integers(min_value=0, max_value=2000)),
)
def test_the_output_is_the_old_file_or_the_new_one_never_a_mix(
    tmp_path: Path, old: bytes, new: bytes, fail_after: int | None
) -> None:
    """Whatever the content and wherever the writing fails, the output is exactly what
    it was or exactly what was written, and no temporary file is left."""
    folder = tmp_path / f"case-{len(list(tmp_path.iterdir()))}"
    folder.mkdir()
    target = folder / "out.svg"
    target.write_bytes(old)

    class DiskFull(OSError):
        pass

    try:
        with replacing(target) as temp, temp.open("wb") as stream:
            for index in range(len(new)):
                if fail_after is not None and index == fail_after:
                    raise DiskFull("no space left")
                stream.write(new[index : index + 1])
    except DiskFull:
        pass
    failed = fail_after is not None and fail_after < len(new)
    assert target.read_bytes() == (old if failed else new)
    assert [p.name for p in folder.iterdir()] == ["out.svg"]
