"""`buildtrace run`: exit statuses, a trace that survives errors, the printed tree, the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from buildtrace.cli import main
from buildtrace.runner import describe_error, run_script
from buildtrace.trace import Event, read_events

NO_INPUT_SHAPE = """
    from tensorflow import keras
    model = keras.Sequential([keras.layers.Dense(4)])
    print("about to build")
    model.build()
"""


def assert_balanced(events: list[Event]) -> None:
    """Every `call` is ended by a `return` or `raise` of the same name, innermost first."""
    stack: list[str] = []
    for event in events:
        if event["kind"] == "call":
            stack.append(event["name"])
        elif event["kind"] in ("return", "raise") and not event.get("uncaught"):
            assert stack and stack.pop() == event["name"], event
    assert stack == []


# ----------------------------------------------------------------------- exit statuses


@pytest.mark.parametrize(
    ("source", "status"),
    [
        ("x = 1", 0),
        ("import sys\nsys.exit(3)", 3),
        ("import sys\nsys.exit()", 0),
        ("raise SystemExit(0)", 0),
        ("raise ValueError('bad')", 1),
        ("import sys\nsys.exit('giving up')", 1),
        ("raise KeyboardInterrupt", 130),
    ],
)
def test_exit_status_is_the_scripts(write_script, source: str, status: int) -> None:
    assert run_script(write_script(source)).exit_code == status


def test_sys_exit_with_a_message_keeps_it(write_script) -> None:
    result = run_script(write_script("import sys\nsys.exit('giving up')"))
    assert result.exit_message == "giving up"
    assert result.error is None


def test_script_sees_its_argv_and_folder_and_both_are_restored(write_script, tmp_path) -> None:
    write_script("VALUE = 42\n", name="helper.py")
    script = write_script(
        """
        import sys, json, pathlib
        import helper
        assert helper.VALUE == 42
        assert __name__ == "__main__"
        pathlib.Path(sys.argv[0]).with_name("argv.json").write_text(json.dumps(sys.argv))
        """
    )
    argv, path = list(sys.argv), list(sys.path)
    assert run_script(script, ["--epochs", "3"]).exit_code == 0
    assert json.loads((tmp_path / "argv.json").read_text()) == [str(script), "--epochs", "3"]
    assert sys.argv == argv
    assert sys.path == path
    sys.modules.pop("helper", None)


# ---------------------------------------------------------------- the trace survives


def test_a_raising_script_leaves_a_complete_trace(write_script, tmp_path) -> None:
    out = tmp_path / "trace.jsonl"
    result = run_script(write_script(NO_INPUT_SHAPE, name="bad.py"), recorder_path=out)
    assert result.exit_code == 1
    events = read_events(out)  # every line parses
    assert out.read_text().endswith("\n")
    assert [e["seq"] for e in events] == list(range(len(events)))
    assert len(events) == len(result.events)
    last = events[-1]
    assert last["kind"] == "raise" and last["uncaught"] is True and last["origin"] is True
    assert last["error_type"] == "ValueError"
    assert last["message"] == "You must provide an `input_shape` argument."
    assert last["src"] == "bad.py:4"
    assert_balanced(events)


def test_ctrl_c_leaves_a_closed_valid_trace(write_script, tmp_path) -> None:
    out = tmp_path / "trace.jsonl"
    script = write_script(
        """
        from tensorflow import keras

        class Interrupting(keras.layers.Dense):
            def build(self, input_shape):
                raise KeyboardInterrupt  # as if Ctrl-C came mid-build

        keras.Sequential([Interrupting(3)]).build(input_shape=(None, 2))
        """
    )
    result = run_script(script, recorder_path=out)
    assert result.exit_code == 130
    events = read_events(out)
    assert events[-1]["error_type"] == "KeyboardInterrupt" and events[-1]["uncaught"]
    assert_balanced(events)


def test_the_error_report_is_short_and_points_at_the_script(write_script) -> None:
    result = run_script(write_script(NO_INPUT_SHAPE, name="bad.py"))
    short = describe_error(result)
    assert 'bad.py", line 4' in short
    assert "model.build()" in short
    assert "ValueError: You must provide an `input_shape` argument." in short
    assert "buildtrace/" not in short and "Traceback" not in short
    full = describe_error(result, full_traceback=True)
    assert full.startswith("Traceback") and "sequential.py" in full
    assert "runpy" not in full  # the runner's own frames are left out


def test_a_syntax_error_points_at_its_line(write_script) -> None:
    result = run_script(write_script("x = 1\ndef (:\n"))
    assert result.exit_code == 1
    assert result.error_line == 2
    assert isinstance(result.error, SyntaxError)


def test_each_run_starts_a_fresh_session(seed_script) -> None:
    first = run_script(seed_script)
    second = run_script(seed_script)
    layers = [[e["layer"] for e in r.events if e["kind"] == "add_weight"] for r in (first, second)]
    assert layers[0] == layers[1] == ["dense", "dense", "dense_1", "dense_1"]


# ----------------------------------------------------------------------------- the CLI


def test_cli_prints_the_tree_with_highlights(seed_script, capsys) -> None:
    assert main(["run", str(seed_script)]) == 0
    out = capsys.readouterr().out
    assert "built: True" in out  # the script's own print
    assert "build trace of seed_build.py (teaching view)" in out
    assert "dense.built = True (was False)" in out
    assert "+ kernel (784, 512) GlorotUniform 401,408 params" in out
    assert "139 events" in out and "exit status 0" in out


def test_cli_full_prints_more_lines(seed_script, capsys) -> None:
    main(["run", str(seed_script)])
    teaching = capsys.readouterr().out.splitlines()
    main(["run", str(seed_script), "--full"])
    full = capsys.readouterr().out.splitlines()
    assert len(full) > len(teaching)
    assert "Dense.built = False (was unset)" in "\n".join(full)


def test_cli_no_tree_prints_the_summary_only(seed_script, capsys) -> None:
    main(["run", str(seed_script), "--no-tree"])
    out = capsys.readouterr().out
    assert "Sequential.build" not in out and "exit status 0" in out


def test_cli_writes_the_trace_and_passes_arguments(write_script, tmp_path, capsys) -> None:
    script = write_script(
        """
        import sys, json, pathlib
        from tensorflow import keras
        keras.layers.Dense(2)
        pathlib.Path(sys.argv[0]).with_name("argv.json").write_text(json.dumps(sys.argv[1:]))
        """
    )
    out = tmp_path / "trace.jsonl"
    args = ["run", str(script), "--epochs", "3", "-o", str(out), "data.csv", "--", "--full", "-o"]
    assert main(args) == 0
    assert json.loads((tmp_path / "argv.json").read_text()) == [
        "--epochs",
        "3",
        "data.csv",
        "--full",
        "-o",
    ]
    assert read_events(out)[0]["seq"] == 0
    assert f"trace written to {out}" in capsys.readouterr().out


def test_cli_reports_a_failing_script_briefly(write_script, capsys) -> None:
    assert main(["run", str(write_script(NO_INPUT_SHAPE, name="bad.py"))]) == 1
    captured = capsys.readouterr()
    assert "ValueError: You must provide an `input_shape` argument." in captured.err
    assert "Traceback" not in captured.err
    assert "✗ uncaught ValueError" in captured.out and "exit status 1" in captured.out
    main(["run", str(write_script(NO_INPUT_SHAPE, name="bad.py")), "--traceback"])
    assert "Traceback (most recent call last)" in capsys.readouterr().err


def test_cli_names_what_is_not_supported(write_script, capsys) -> None:
    assert main(["run", str(write_script("import tensorflow as tf\ntf.distribute"))]) == 1
    assert "`tensorflow.distribute` is not supported by buildtrace" in capsys.readouterr().err


# ------------------------------------------------------------ bad input, nothing lost


def test_missing_script_is_a_one_line_error(tmp_path, capsys) -> None:
    assert main(["run", str(tmp_path / "nope.py")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no such script" in err


def test_missing_script_argument(capsys) -> None:
    assert main(["run"]) == 2
    assert "missing" in capsys.readouterr().err


def test_refuses_to_overwrite_the_script(write_script, capsys) -> None:
    script = write_script("x = 1")
    assert main(["run", str(script), "-o", str(script)]) == 2
    assert script.read_text() == "x = 1"
    assert "refusing" in capsys.readouterr().err


def test_refuses_to_overwrite_a_file_that_is_not_a_trace(write_script, tmp_path, capsys) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("my lecture notes\n")
    assert main(["run", str(write_script("x = 1")), "-o", str(notes)]) == 2
    assert notes.read_text() == "my lecture notes\n"
    assert "not a buildtrace trace" in capsys.readouterr().err


def test_overwrites_an_older_trace(seed_script, tmp_path) -> None:
    out = tmp_path / "trace.jsonl"
    out.write_text('{"v":1,"seq":0,"t":0.0,"kind":"call","name":"f","depth":0,"layer":null}\n')
    assert main(["run", str(seed_script), "-o", str(out), "--no-tree"]) == 0
    assert len(read_events(out)) == 139


def test_output_into_a_missing_folder(seed_script, tmp_path, capsys) -> None:
    assert main(["run", str(seed_script), "-o", str(tmp_path / "no" / "t.jsonl")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_help_and_version_answer_at_once_without_the_engine() -> None:
    code = (
        "import sys\nfrom buildtrace.cli import main\n"
        "status = main(['--help'])\nprint('numpy loaded:', 'numpy' in sys.modules)\n"
        "sys.exit(status)"
    )
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert time.monotonic() - started < 5
    assert done.returncode == 0
    assert "run" in done.stdout and "numpy loaded: False" in done.stdout
    assert main(["--version"]) == 0
    assert main(["run", "--help"]) == 0


def test_unknown_command_is_a_usage_error(capsys) -> None:
    assert main(["fly"]) == 2
    assert main([]) == 2


def test_scripts_folder_holds_the_seed(seed_script: Path) -> None:
    assert seed_script.is_file()


# ------------------------------------------------------ first output: the build, at once
TRAINS = """
    import pathlib, sys, time
    import numpy as np
    from tensorflow import keras
    mark = pathlib.Path(sys.argv[1])
    model = keras.Sequential([keras.layers.Dense(8, activation="relu"), keras.layers.Dense(2)])
    model.build(input_shape=(None, 4))
    mark.write_text("built")
    model.compile(optimizer="sgd", loss="mse")
    mark.write_text("compiled")
    go = pathlib.Path(sys.argv[2]) if len(sys.argv) > 2 else None
    while go is not None and not go.exists():  # the test says when training may start
        time.sleep(0.02)
    model.fit(np.zeros((8, 4)), np.zeros((8, 2)), epochs=2, batch_size=4, verbose=0)
    mark.write_text("fitted")
"""

DEFERRED = """
    import numpy as np
    from tensorflow import keras
    model = keras.Sequential([keras.layers.Dense(8, activation="relu"), keras.layers.Dense(2)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.zeros((8, 4)), np.zeros((8, 2)), epochs=3, batch_size=4, verbose=0)
    print("after fit")
"""


@pytest.mark.parametrize(
    ("until", "mark", "last"),
    [
        ("build", "built", "keras.engine.sequential.Sequential.build"),
        ("compile", "built", "keras.engine.training.Model.compile"),
        ("fit", "compiled", "keras.engine.training.Model.fit"),
        ("end", "fitted", None),
    ],
)
def test_until_stops_the_script_cleanly_once_that_part_is_complete(
    write_script, tmp_path, until: str, mark: str, last: str | None
) -> None:
    script, flag, trace = write_script(TRAINS), tmp_path / "mark.txt", tmp_path / "t.jsonl"
    result = run_script(script, [str(flag)], trace, until=until)
    assert (result.exit_code, result.error, result.trace_error) == (0, None, None)
    assert flag.read_text() == mark  # the script went no further than its milestone
    assert result.stopped_at == (None if until == "end" else until)
    recorded = read_events(trace)
    assert recorded == [json.loads(json.dumps(e)) for e in result.events]  # whole, to there
    if last is not None:
        assert (recorded[-1]["kind"], recorded[-1]["name"]) == ("return", last)
        assert_balanced(recorded)
        assert not any(e.get("uncaught") for e in recorded)  # no traceback in the trace


def test_until_build_of_a_model_that_fit_builds_stops_after_the_first_batch(
    write_script,
) -> None:
    result = run_script(write_script(DEFERRED), until="build")
    assert (result.exit_code, result.stopped_at) == (0, "build")
    kinds = [e["kind"] for e in result.events]
    assert "epoch_end" not in kinds and "batch_end" not in kinds
    built = [e for e in result.events if e["kind"] == "set" and e.get("attr") == "built"]
    assert any(e["layer"] == "sequential" and e["value"] is True for e in built)


def test_the_cli_until_choices_are_the_milestones() -> None:
    import buildtrace.cli
    import buildtrace.commands.diagram
    from buildtrace.runner.milestones import UNTIL

    assert buildtrace.cli.UNTIL == buildtrace.commands.diagram.UNTIL == UNTIL


def test_run_prints_the_build_tree_before_training_starts(write_script, tmp_path) -> None:
    """The tree came only after all of fit (27-64 s for the seed); now it comes as soon as
    the build is done: the script here trains only once the test has seen the tree."""
    script, flag, go = write_script(TRAINS), tmp_path / "mark.txt", tmp_path / "go"
    process = subprocess.Popen(
        [sys.executable, "-m", "buildtrace", "run", str(script), str(flag), str(go)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])},
    )
    assert process.stdout is not None
    seen: list[str] = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        seen.append(line)
        if "sequential.built = True" in line:
            break
    assert seen and seen[0].startswith("build trace of script.py"), seen
    assert flag.read_text() in ("built", "compiled")  # it has not trained: it cannot yet
    go.touch()
    rest, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert "after the build: script.py goes on" in rest
    assert "epoch 2/2" in rest and flag.read_text() == "fitted"
    assert rest.count("build trace of") == 0  # the build is not printed twice
