"""The lesson model: selectors, resolving stops, the Walkthrough runner, errors with lines.

Most tests here use small hand-written traces and lesson files in tmp_path, so they
say exactly what they check and run in milliseconds.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from buildtrace.lessons.lesson_format import LessonStep, Selector
from buildtrace.lessons.source_lines import SourceLines
from buildtrace.lessons.walkthrough import (
    LessonError,
    ResolvedStep,
    Walkthrough,
    find_stop,
    list_lessons,
    load_lesson,
    resolve,
)
from buildtrace.narration.explanations import Explanation

DENSE_BUILD = "keras.layers.core.dense.Dense.build"


def event(seq: int, kind: str, name: str = "", **fields: Any) -> dict[str, Any]:
    return {"v": 1, "seq": seq, "t": 0.0, "kind": kind, "name": name, "depth": 0, **fields}


#: A tiny trace: two Dense builds, each with a kernel and a built flag.
TRACE = [
    event(0, "call", DENSE_BUILD, layer="dense", input_shape=[None, 784]),
    event(
        1,
        "add_weight",
        "add_weight",
        layer="dense",
        weight="kernel",
        shape=[784, 512],
        initializer="GlorotUniform",
        params=401408,
    ),
    event(2, "set", "Dense.built", layer="dense", attr="built", old=False, value=True),
    event(3, "return", DENSE_BUILD, layer="dense"),
    event(4, "call", DENSE_BUILD, layer="dense_1", input_shape=[None, 512]),
    event(
        5,
        "add_weight",
        "add_weight",
        layer="dense_1",
        weight="kernel",
        shape=[512, 10],
        initializer="GlorotUniform",
        params=5120,
    ),
    event(6, "set", "Dense.built", layer="dense_1", attr="built", old=False, value=True),
    event(7, "return", DENSE_BUILD, layer="dense_1"),
]

HEADER = 'title = "A test lesson"\nsummary = "For the tests."\nscript = "model.py"\n'


def lesson_file(tmp_path: Path, body: str, header: str = HEADER) -> Path:
    """A lesson file (and an empty script beside it) in ``tmp_path``."""
    (tmp_path / "model.py").write_text("# the lesson's script\n", encoding="utf-8")
    path = tmp_path / "test-lesson.toml"
    path.write_text(header + body, encoding="utf-8")
    return path


def error_of(path: Path) -> LessonError:
    with pytest.raises(LessonError) as caught:
        load_lesson(path)
    return caught.value


# ---------------------------------------------------------------------------- selectors
def test_a_short_name_matches_the_end_of_the_keras_name() -> None:
    assert Selector(kind="call", name="Dense.build").matches(TRACE[0])
    assert Selector(name="core.dense.Dense.build").matches(TRACE[0])
    assert not Selector(name="ense.build").matches(TRACE[0])  # whole parts only


def test_value_true_does_not_match_one() -> None:
    flag = event(0, "set", "Dense.built", attr="built", old=0, value=1)
    assert not Selector(attr="built", value=True, has_value=True).matches(flag)
    assert Selector(attr="built", value=True, has_value=True).matches(TRACE[2])


def test_occurrence_counts_from_where_the_search_starts() -> None:
    weights = Selector(kind="add_weight", weight="kernel", occurrence=2)
    assert find_stop(weights, TRACE) == 5
    assert find_stop(weights, TRACE, start=2) is None


def test_describe_writes_the_selector_as_toml() -> None:
    written = Selector(kind="set", layer="dense", value=True, has_value=True, occurrence=2)
    assert written.describe() == '{ kind = "set", layer = "dense", value = true, occurrence = 2 }'


# ----------------------------------------------------------------------------- resolve
def test_steps_resolve_in_order_with_placeholders_filled(tmp_path: Path) -> None:
    lesson = load_lesson(
        lesson_file(
            tmp_path,
            """
[[step]]
stop = { kind = "call", name = "Dense.build" }
text = "`{layer}` is built for {input_shape}."
question = "Kernel shape?"
answer = "{{not a placeholder}}"

[[step]]
stop = { kind = "call", name = "Dense.build" }
text = "Then `{layer}`, for {shape}."

[[step]]
stop = { kind = "add_weight" }
text = "{weight}: {shape}, {params} numbers, {initializer}."
""",
        )
    )
    steps = resolve(lesson, TRACE)
    assert [s.index for s in steps] == [0, 4, 5]
    assert steps[0].text == "`dense` is built for (None, 784)."
    assert steps[0].answer == "{not a placeholder}"
    assert steps[1].text == "Then `dense_1`, for (None, 512)."
    assert steps[2].text == "kernel: (512, 10), 5,120 numbers, GlorotUniform."
    assert steps[2].title == "add_weight — dense_1 gets its kernel"  # the narration's


def test_partial_resolve_stops_quietly_at_the_first_missing_stop(tmp_path: Path) -> None:
    lesson = load_lesson(
        lesson_file(
            tmp_path,
            """
[[step]]
stop = { kind = "set", attr = "built", value = true }

[[step]]
stop = { kind = "raise" }
""",
        )
    )
    assert [s.seq for s in resolve(lesson, TRACE, partial=True)] == [2]
    with pytest.raises(LessonError, match="no event matches"):
        resolve(lesson, TRACE)


# ------------------------------------------------------------------ errors name the line
def test_a_toml_syntax_error_names_its_line(tmp_path: Path) -> None:
    error = error_of(lesson_file(tmp_path, '\n[[step]]\nstop = { kind = "call"\n'))
    assert error.line == 6
    assert "line 6" in str(error) and "test-lesson.toml" in str(error)
    assert "not valid TOML" in str(error)


def test_an_unknown_key_names_its_line_and_the_close_key(tmp_path: Path) -> None:
    error = error_of(
        lesson_file(
            tmp_path,
            """
[[step]]
stop = { kind = "call" }

[[step]]
stp = { kind = "call", name = "Dense.build" }
""",
        )
    )
    assert error.line == 9
    assert "'stp'" in str(error) and "did you mean 'stop'" in str(error)


def test_an_unknown_header_key_names_its_line(tmp_path: Path) -> None:
    error = error_of(
        lesson_file(
            tmp_path, '[[step]]\nstop = { kind = "call" }\n', header=HEADER + 'sumary = "typo"\n'
        )
    )
    assert error.line == 4 and "did you mean 'summary'" in str(error)


def test_a_step_without_stop_names_the_step_header(tmp_path: Path) -> None:
    error = error_of(
        lesson_file(
            tmp_path,
            """
[[step]]
stop = { kind = "call" }

[[step]]
text = '''
A text that mentions [[step]] and stop = inside a string
'''
""",
        )
    )
    assert error.line == 8
    assert "step 2 has no stop" in str(error)


def test_a_stop_that_never_matches_names_the_stop_line_and_a_hint(tmp_path: Path) -> None:
    lesson = load_lesson(
        lesson_file(
            tmp_path,
            """
[[step]]
stop = { kind = "call", name = "Dense.build", layer = "dense_1" }

[[step]]
title = "back to the first layer"
stop = { kind = "call", name = "Dense.build", layer = "dense" }
""",
        )
    )
    with pytest.raises(LessonError) as caught:
        resolve(lesson, TRACE)
    assert caught.value.line == 10
    assert "step 2" in str(caught.value) and "after step 1's stop (seq 4)" in str(caught.value)
    assert "earlier in the trace" in str(caught.value)


def test_a_misspelt_function_gets_a_suggestion(tmp_path: Path) -> None:
    lesson = load_lesson(lesson_file(tmp_path, '[[step]]\nstop = { name = "Dense.biuld" }\n'))
    with pytest.raises(LessonError, match=r"Did you mean 'Dense\.build'"):
        resolve(lesson, TRACE)


@pytest.mark.parametrize(
    ("body", "line", "words"),
    [
        ('[[step]]\nstop = { kind = "cal" }\n', 6, "did you mean 'call'"),
        ('[[step]]\nstop = { kind = "call", nme = "x" }\n', 6, "unknown key 'nme'"),
        ('[[step]]\nstop = "Dense.build"\n', 6, "stop must be a table"),
        ('[[step]]\nstop = { kind = "call", occurrence = 0 }\n', 6, "occurrence must be"),
        ('[[step]]\nstop = { kind = "call" }\nquestion = "Why?"\n', 5, "needs an answer"),
        ('[[step]]\nstop = { kind = "call" }\ntext = "{layr}"\n', 7, "placeholder {layr}"),
        ('[[step]]\nstop = { kind = "call" }\nshow = ["topolgy"]\n', 7, "'topology'"),
    ],
)
def test_schema_errors_name_their_line(tmp_path: Path, body: str, line: int, words: str) -> None:
    error = error_of(lesson_file(tmp_path, "\n" + body))
    assert error.line == line, str(error)
    assert words in str(error)


def test_a_lesson_without_steps(tmp_path: Path) -> None:
    assert "at least one [[step]]" in str(error_of(lesson_file(tmp_path, "")))


def test_a_missing_script_names_the_script_line(tmp_path: Path) -> None:
    path = tmp_path / "lost.toml"
    path.write_text('title = "t"\n\nscript = "nowhere.py"\n[[step]]\nstop = { kind = "call" }\n')
    error = error_of(path)
    assert error.line == 3 and "nowhere.py" in str(error)


def test_a_placeholder_without_a_value_at_its_stop(tmp_path: Path) -> None:
    lesson = load_lesson(
        lesson_file(
            tmp_path,
            """
[[step]]
stop = { kind = "call" }
text = "The {weight} appears."
""",
        )
    )
    with pytest.raises(LessonError, match=r"\{weight\} has no value .*a call event") as caught:
        resolve(lesson, TRACE)
    assert caught.value.line == 7


def test_source_lines_skip_multiline_strings() -> None:
    lines = SourceLines('t = 1\ntext = """\n[[step]]\nstop = 1\n"""\n[[step]]\nstop = {}\n')
    assert lines.steps == [6]
    assert lines.key_line("stop", step=0) == 7


# ------------------------------------------------------------------- finding lessons
def test_a_teachers_folder_adds_and_replaces_lessons(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lesson_file(tmp_path, '[[step]]\nstop = { kind = "call" }\n')
    (tmp_path / "seed-build.toml").write_text(
        'title = "My own seed lesson"\nscript = "seed_build"\n[[step]]\nstop = { kind = "call" }\n'
    )
    (tmp_path / "broken.toml").write_text("title = \n")
    monkeypatch.setenv("BUILDTRACE_LESSONS", str(tmp_path))
    found = {info.name: info for info in list_lessons()}
    assert found["test-lesson"].lesson is not None and not found["test-lesson"].builtin
    assert found["seed-build"].lesson is not None
    assert found["seed-build"].lesson.title == "My own seed lesson"
    assert found["seed-build"].lesson.script is not None  # found among the built-in scripts
    assert found["broken"].lesson is None and "line 1" in (found["broken"].error or "")
    assert found["errors"].builtin


def test_an_unknown_lesson_name_suggests_the_closest() -> None:
    with pytest.raises(LessonError, match="did you mean 'seed-build'"):
        load_lesson("seed_build")


# ---------------------------------------------------------------------- the runner
def resolved(number: int, question: str = "") -> ResolvedStep:
    """A resolved step made by hand (the runner needs nothing else)."""
    return ResolvedStep(
        step=LessonStep(number=number, stop=Selector(kind="call")),
        index=number,
        event=event(number, "call", DENSE_BUILD),
        title=f"step {number}",
        text="",
        question=question,
        answer="an answer" if question else "",
        explanation=Explanation("title", "keras/x.py::f", "text", "why"),
    )


def test_next_reveals_a_question_first_then_moves_on() -> None:
    walk = Walkthrough([resolved(1, "Shape?"), resolved(2), resolved(3, "Why?")])
    assert walk.position == "1 / 3" and not walk.revealed
    assert walk.next() == "reveal" and walk.revealed and walk.index == 0
    assert walk.next() == "step" and walk.index == 1 and not walk.revealed
    assert walk.next() == "step" and walk.index == 2
    assert walk.next() == "reveal"
    assert walk.at_end and not walk.finished
    assert walk.next() == "end" and walk.finished and walk.index == 2


def test_previous_keeps_an_answer_seen_and_stops_at_the_start() -> None:
    walk = Walkthrough([resolved(1, "Shape?"), resolved(2)])
    walk.next()
    walk.next()
    assert walk.previous() and walk.index == 0 and walk.revealed
    assert not walk.previous() and walk.at_start
    assert walk.next() == "step"  # already revealed: straight on


def test_go_and_reveal() -> None:
    walk = Walkthrough([resolved(1), resolved(2, "Q?"), resolved(3)])
    walk.go(10)
    assert walk.index == 2
    walk.go(1)
    walk.reveal()
    assert walk.revealed
    walk.go(0)
    walk.reveal()
    assert not walk.revealed  # no question, nothing to reveal


def test_seqs_mark_every_stop() -> None:
    assert Walkthrough([resolved(3), resolved(5)]).seqs == [3, 5]


def test_a_walkthrough_needs_steps() -> None:
    with pytest.raises(ValueError):
        Walkthrough([])
