"""``buildtrace lesson`` and ``buildtrace handout`` from the command line, as a user types them."""

from __future__ import annotations

import builtins
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from lesson_runs import events_of

from buildtrace.cli import main
from buildtrace.lessons.walkthrough import Lesson, load_lesson


@pytest.fixture(autouse=True)
def _wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rich tables wrap at 80 columns off a terminal; wide output is easier to check."""
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.delenv("BUILDTRACE_LESSONS", raising=False)


def test_lesson_list_shows_every_built_in_lesson(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lesson", "list"]) == 0
    out = capsys.readouterr().out
    for name in ("seed-build", "deferred-build", "input-first", "functional-branches", "errors"):
        assert name in out
    assert "The three stages of Sequential.build" in out
    assert "keras.Sequential([keras.Input(shape=(784,)), Dense, Dense])" in out  # not markup
    assert "steps" in out and "summary" in out


def test_lesson_without_a_name_lists_the_lessons(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lesson"]) == 0
    assert "seed-build" in capsys.readouterr().out


def test_lesson_text_with_piped_stdin_prints_every_step(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["lesson", "errors", "--text"]) == 0
    out = capsys.readouterr().out
    for number in range(1, 5):
        assert f"Step {number} / 4" in out
    assert "Predict before you look" in out and "Answer:" in out
    assert "What Keras does here" in out
    assert "expected shape=(None, 4), found shape=(2, 5)" in out
    assert "What the script printed" in out  # the script's own output, at the end


def answers(lines: list[str]) -> Iterator[str]:
    yield from lines
    raise EOFError


def test_interactive_text_mode_runs_a_lesson_start_to_finish(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Enter through the whole seed-build lesson, going back once on the way."""
    prompts: list[str] = []
    keys = iter(["", "", "b", ""] + [""] * 40)

    def fake_input(prompt: str = "") -> str:
        prompts.append(prompt)
        return next(keys)

    monkeypatch.setattr(builtins, "input", fake_input)
    monkeypatch.setattr("sys.stdin.isatty", lambda: True, raising=False)
    monkeypatch.setattr("sys.stdout.isatty", lambda: True, raising=False)
    assert main(["lesson", "seed-build", "--text"]) == 0
    out = capsys.readouterr().out
    assert "Step 16 / 16" in out and "End of" in out
    assert prompts[0].startswith("[Enter: reveal the answer")
    assert prompts[-1].startswith("[Enter: finish")
    assert out.count("Answer: None at all") == 2  # revealed, then shown again after "b"


def test_lesson_opens_the_viewer_on_a_terminal_or_when_asked(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import tui.lesson_mode

    opened: list[tuple[str, bool]] = []

    def run_lesson(lesson: Lesson, *, presenting: bool = False) -> int:
        opened.append((lesson.name, presenting))
        return 0

    monkeypatch.setattr(tui.lesson_mode, "run_lesson", run_lesson)
    # Off a terminal (here, under pytest) the viewer opens only when asked for.
    assert main(["lesson", "input-first", "--viewer"]) == 0
    assert main(["lesson", "input-first", "--presenter"]) == 0
    monkeypatch.setattr("sys.stdin.isatty", lambda: True, raising=False)
    monkeypatch.setattr("sys.stdout.isatty", lambda: True, raising=False)
    assert main(["lesson", "errors"]) == 0
    assert opened == [("input-first", False), ("input-first", True), ("errors", False)]
    assert main(["lesson", "errors", "--text", "--presenter"]) == 2
    assert "--text" in capsys.readouterr().err


def test_lesson_check_accepts_a_good_file_and_names_the_line_of_a_bad_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "kernel.toml"
    good.write_text(
        'title = "Kernels"\nscript = "seed_build"\n\n[[step]]\n'
        'stop = { kind = "add_weight", weight = "kernel" }\ntext = "{shape}"\n'
    )
    assert main(["lesson", "check", str(good)]) == 0
    assert "OK: 1 step," in capsys.readouterr().out
    bad = tmp_path / "bad.toml"
    bad.write_text(good.read_text().replace('weight = "kernel"', 'weight = "kernal"'))
    assert main(["lesson", "check", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "bad.toml, line 5: step 1: no event matches" in err


def test_unknown_lesson_and_missing_file_are_clear(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lesson", "seed"]) == 2
    assert "did you mean 'seed-build'" in capsys.readouterr().err
    assert main(["lesson", "check"]) == 2
    assert "say which lesson to check" in capsys.readouterr().err


def test_handout_of_a_lesson_and_of_a_trace(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "errors.html"
    assert main(["handout", "errors", "-o", str(page)]) == 0
    assert "wrote" in capsys.readouterr().out
    assert "ValueError: no input shape" in page.read_text(encoding="utf-8")
    trace = tmp_path / "deferred.jsonl"
    trace.write_text("\n".join(json.dumps(_plain(e)) for e in events_of("deferred-build")))
    notes = tmp_path / "deferred.md"
    assert main(["handout", str(trace), "-o", str(notes)]) == 0
    assert "deferred_files" in capsys.readouterr().out
    assert notes.read_text(encoding="utf-8").startswith("# How deferred.jsonl builds its model")


def test_handout_command_line_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["handout", "seed-build"]) == 2
    assert "-o FILE.html" in capsys.readouterr().err
    assert main(["handout", "seed-build", "-o", str(tmp_path / "x.pdf")]) == 2
    assert main(["handout", "no-such-lesson", "-o", str(tmp_path / "x.html")]) == 2
    assert "a script ends in .py" in capsys.readouterr().err


def _plain(event: dict[str, Any]) -> dict[str, Any]:
    """An event as JSON Lines hold it (tuples become lists)."""
    return json.loads(json.dumps(event, default=str))


def test_the_lessons_own_loader_finds_built_ins_by_file_too() -> None:
    lesson = load_lesson("seed-build")
    assert lesson.path is not None
    assert load_lesson(lesson.path).steps == lesson.steps


# ------------------------------------------------------------ a lesson runs its script
EVIL = "import pathlib, sys\npathlib.Path(sys.argv[1]).write_text('ran')\n"


def _lesson_naming(folder: Path, script: str, name: str = "shared") -> Path:
    """A lesson file that names ``script``; its one step stops at the script's end."""
    folder.mkdir(parents=True, exist_ok=True)
    lesson = folder / f"{name}.toml"
    lesson.write_text(
        f'title = "A shared lesson"\nscript = {json.dumps(script)}\nargs = ["{{flag}}"]\n\n'
        '[[step]]\nstop = { kind = "raise" }\n',
        encoding="utf-8",
    )
    return lesson


@pytest.mark.parametrize("how", ["absolute", "dotdot", "symlink"])
@pytest.mark.parametrize("command", ["check", "handout", "text"])
def test_a_lesson_cannot_run_a_script_outside_its_folder(
    tmp_path: Path, how: str, command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A lesson file named a script at any path, and `lesson check`, `handout` and the
    lesson itself ran it, with nothing said."""
    evil = tmp_path / "elsewhere" / "evil.py"
    evil.parent.mkdir()
    evil.write_text(EVIL, encoding="utf-8")
    flag = tmp_path / "ran.txt"
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    named = {"absolute": str(evil), "dotdot": "../elsewhere/evil.py", "symlink": "link.py"}
    if how == "symlink":
        (lessons / "link.py").symlink_to(evil)
    lesson = _lesson_naming(lessons, named[how])
    lesson.write_text(lesson.read_text().replace("{flag}", str(flag)), encoding="utf-8")
    argv = {
        "check": ["lesson", "check", str(lesson)],
        "handout": ["handout", str(lesson), "-o", str(tmp_path / "h.html")],
        "text": ["lesson", str(lesson), "--text"],
    }[command]
    assert main(argv) != 0
    assert not flag.exists()  # the script never ran
    err = capsys.readouterr().err
    assert "outside the lesson's folder" in err and "--allow-outside-scripts" in err
    assert "shared.toml, line 2" in err
    # Asked for explicitly, it runs, and says so.
    main([*argv, "--allow-outside-scripts"])
    assert flag.read_text() == "ran"
    assert "running the lesson's script" in capsys.readouterr().err


def test_a_lessons_own_scripts_and_the_built_ins_still_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "lessons"
    (folder / "scripts").mkdir(parents=True)
    (folder / "scripts" / "mine.py").write_text("raise ValueError('mine')\n", encoding="utf-8")
    assert main(["lesson", "check", str(_lesson_naming(folder, "scripts/mine.py"))]) == 0
    err = capsys.readouterr().err
    assert "running the lesson's script" in err and "(Python code)" in err
    built_in = _lesson_naming(folder, "build_errors", name="builtin")
    assert main(["lesson", "check", str(built_in)]) == 0


def test_lesson_list_at_80_columns_wraps_between_words(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """At 80 columns the table cut summaries mid-word (``keras.Sequential([ker…``)."""
    from buildtrace.lessons.walkthrough import list_lessons

    monkeypatch.setenv("COLUMNS", "80")
    assert main(["lesson", "list"]) == 0
    out = capsys.readouterr().out
    assert "…" not in out
    assert all(len(line) <= 80 for line in out.splitlines())
    words = " ".join(out.split())
    for info in list_lessons():
        assert info.lesson is not None
        assert " ".join(info.lesson.summary.split()) in words  # every word whole, in order
