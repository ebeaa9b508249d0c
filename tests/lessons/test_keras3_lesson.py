"""The lesson "what changed in Keras 3" and the ``engine`` field of the lesson format.

``keras3-changes`` runs its script under tf-keras and under Keras 3 and stops in each
run in turn. Its steps are checked here against the two recorded runs in
``tests/data/keras3/`` (no Keras needed); the end-to-end run of ``buildtrace lesson``
needs both engines and is skipped without them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from buildtrace.engines import is_installed
from buildtrace.lessons.handout import handout_from_lesson
from buildtrace.lessons.lesson_reader import parse_lesson
from buildtrace.lessons.walkthrough import BUILTIN_SCRIPTS, LessonError, load_lesson, resolve
from buildtrace.trace import Event, read_events

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "keras3"


@pytest.fixture(scope="module")
def runs() -> dict[str, list[Event]]:
    return {
        "tf-keras": read_events(DATA / "seed_build_tf_keras.jsonl"),
        "keras3": read_events(DATA / "seed_build_keras3.jsonl"),
    }


def test_the_lesson_walks_both_engines_in_turn(runs: dict[str, list[Event]]) -> None:
    lesson = load_lesson("keras3-changes")
    assert lesson.engines == ("tf-keras", "keras3")
    steps = resolve(lesson, runs["tf-keras"], by_engine=dict(runs))
    assert len(steps) == len(lesson.steps)
    engines = [step.engine for step in steps]
    assert set(engines) == {"tf-keras", "keras3"}
    for step in steps:
        assert step.trace is runs[step.engine or ""]
        name = str(step.event.get("name", ""))
        if step.event["kind"] == "call":  # each stop is in its own engine's run
            assert name.startswith("keras3.") == (step.engine == "keras3"), name
    # Each run keeps its own order: the stops of one engine follow each other in it.
    for engine in ("tf-keras", "keras3"):
        seqs = [step.seq for step in steps if step.engine == engine]
        assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    texts = {step.number: step for step in steps}
    assert "`input_layer`" in texts[4].text and "`dense_input`" in texts[3].text
    assert "(784, 512)" in texts[7].text and "(784, 512)" in texts[8].text


def test_its_handout_draws_each_step_from_its_own_run(runs: dict[str, list[Event]]) -> None:
    lesson = load_lesson("keras3-changes")
    steps = resolve(lesson, runs["tf-keras"], by_engine=dict(runs))
    handout = handout_from_lesson(lesson, runs["tf-keras"], steps)
    made = [step for section in handout.sections for step in section.steps]
    titles = [step.title for step in made]
    assert any(title.endswith("(Keras 3)") for title in titles)
    assert any(title.endswith("(Keras 2)") for title in titles)
    last = made[-1]  # Keras 3's Sequential, drawn from the Keras 3 run
    assert last.figures and "input_layer" in last.figures[0].dot


def test_engine_is_checked_where_it_is_written(tmp_path: Path) -> None:
    def lesson(header: str, step: str) -> str:
        return (
            f'title = "t"\nscript = "seed_build"\n{header}\n'
            f'[[step]]\nstop = {{ kind = "call" }}\n{step}\n'
        )

    parsed = parse_lesson(lesson('engine = "tf-keras"', ""), scripts=BUILTIN_SCRIPTS)
    assert parsed.engines == ("tf-keras",)
    plain = parse_lesson(lesson("", ""), scripts=BUILTIN_SCRIPTS)
    assert plain.engines == () and plain.engine_of(plain.steps[0]) is None
    with pytest.raises(LessonError, match=r"line 6: no engine 'keras-3' \(did you mean 'keras3'"):
        parse_lesson(lesson("", 'engine = "keras-3"'), scripts=BUILTIN_SCRIPTS)
    (tmp_path / "t.jsonl").write_text("", encoding="utf-8")
    text = 'title = "t"\ntrace = "t.jsonl"\nengine = "keras3"\n[[step]]\nstop = { kind = "call" }\n'
    with pytest.raises(LessonError, match="line 3: engine goes with script"):
        parse_lesson(text, tmp_path / "t.toml")


@pytest.mark.skipif(
    not (is_installed("tf-keras") and is_installed("keras3")),
    reason="the lesson runs its script under tf-keras and Keras 3",
)
def test_buildtrace_lesson_keras3_changes_end_to_end(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "buildtrace", "lesson", "keras3-changes", "--text"],
        capture_output=True, text=True, cwd=tmp_path, env=env, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Step 15 / 15" in done.stdout
    assert "under keras3" in done.stdout and "under tf-keras" in done.stdout
    handout = tmp_path / "k3.md"
    done = subprocess.run(
        [sys.executable, "-m", "buildtrace", "handout", "keras3-changes", "-o", str(handout)],
        capture_output=True, text=True, cwd=tmp_path, env=env, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert "What changed in Keras 3" in handout.read_text(encoding="utf-8")
