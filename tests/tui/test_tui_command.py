"""``buildtrace tui``: its arguments, its errors, and what it hands the viewer."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import pytest

import buildtrace.commands.tui
import tui.app
from buildtrace.cli import main


class FakeApp:
    """Stands in for the viewer: records how it was made, runs nothing."""

    made: ClassVar[dict[str, Any]] = {}

    def __init__(self, target: Path, script_args: list[str], **options: Any) -> None:
        FakeApp.made = {"target": target, "script_args": list(script_args), **options}

    def run(self) -> None:
        FakeApp.made["ran"] = True


@pytest.fixture
def fake_app(monkeypatch: pytest.MonkeyPatch) -> type[FakeApp]:
    monkeypatch.setattr(tui.app, "create_app", FakeApp)
    monkeypatch.setattr(buildtrace.commands.tui, "terminal_problem", lambda target: None)
    FakeApp.made = {}
    return FakeApp


def test_help_lists_the_tui(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    assert "tui" in capsys.readouterr().out
    assert main(["tui", "--help"]) == 0
    assert "--lockstep" in capsys.readouterr().out


def test_a_script_runs_with_its_arguments(fake_app: type[FakeApp], tmp_path: Path) -> None:
    script = tmp_path / "train.py"
    script.write_text("print('hi')\n", encoding="utf-8")
    assert main(["tui", str(script), "--epochs", "3", "--lockstep", "--", "--x"]) == 0
    made = fake_app.made
    assert made["ran"] and made["target"] == script and made["lockstep"]
    assert made["script_args"] == ["--epochs", "3", "--x"]


def test_a_trace_opens_with_or_without_follow(fake_app: type[FakeApp], seed_trace: Path) -> None:
    assert main(["tui", str(seed_trace), "--no-follow"]) == 0
    assert fake_app.made["follow"] is False
    assert main(["tui", str(seed_trace)]) == 0
    assert fake_app.made["follow"] is True


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["tui", "missing.py"], "no such script"),
        (["tui", "missing.jsonl"], "no such trace file"),
        (["tui", "{trace}", "extra"], "arguments after a trace file"),
        (["tui", "{trace}", "--lockstep"], "apply to a script"),
        (["tui"], "missing"),
    ],
)
def test_usage_errors_say_what_is_wrong(
    arguments: list[str],
    message: str,
    seed_trace: Path,
    fake_app: type[FakeApp],
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = [a.replace("{trace}", str(seed_trace)) for a in arguments]
    assert main(args) == 2
    assert message in capsys.readouterr().err
    assert "ran" not in fake_app.made
