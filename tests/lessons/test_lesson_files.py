"""The built-in lessons, checked against real runs of their scripts.

Every lesson loads, every stop is found in order and matches its selector, every
placeholder is filled; and what the texts and answers claim (shapes, names, which
function writes which flag, the order of the layers) is checked against the events.
"""

from __future__ import annotations

import re

import pytest
from lesson_runs import events_of, run_of, steps_of

from buildtrace.lessons.placeholders import PLACEHOLDERS
from buildtrace.lessons.walkthrough import BUILTIN_DIR, Walkthrough, list_lessons, load_lesson
from buildtrace.state.callstack import call_stack
from buildtrace.trace import Event

#: Lessons of one run (keras3-changes compares two engines: test_keras3_lesson.py).
BUILTIN = sorted(
    info.name
    for info in list_lessons()
    if info.builtin and not (info.lesson is not None and info.lesson.engines)
)
LEFTOVER = re.compile(r"\{(" + "|".join(PLACEHOLDERS) + r")\}")


def calls(events: list[Event], name: str, layer: str | None = None) -> list[Event]:
    """The ``call`` events of a function (by the end of its Keras name), maybe for one layer."""
    return [
        e
        for e in events
        if e["kind"] == "call"
        and e["name"].endswith(name)
        and (layer is None or e.get("layer") == layer)
    ]


def running(events: list[Event], seq: int) -> list[str]:
    """The functions running at event ``seq`` (short names, outermost first)."""
    return [
        f["name"].rsplit(".", 2)[-2] + "." + f["name"].rsplit(".", 1)[-1]
        for f in call_stack(events[: seq + 1])
    ]


def test_the_five_lessons_of_the_issue_are_built_in() -> None:
    assert BUILTIN == [
        "deferred-build",
        "errors",
        "functional-branches",
        "input-first",
        "seed-build",
    ]
    assert all(load_lesson(name).path.parent == BUILTIN_DIR for name in BUILTIN)  # type: ignore[union-attr]


@pytest.mark.parametrize("name", BUILTIN)
def test_every_step_resolves_in_order_and_matches_its_stop(name: str) -> None:
    lesson = load_lesson(name)
    ran = run_of(name)
    assert ran.error is None, ran.error  # the scripts catch their own teaching errors
    steps = steps_of(name)
    assert len(steps) == len(lesson.steps)
    assert [s.index for s in steps] == sorted({s.index for s in steps})
    for step in steps:
        assert step.step.stop.matches(step.event)
        for words in (step.title, step.text, step.question, step.answer):
            assert not LEFTOVER.search(words), (name, step.number, words)
        assert step.text, f"{name} step {step.number} has no words of its own"
        assert step.explanation.text


@pytest.mark.parametrize("name", BUILTIN)
def test_lessons_are_short_and_fast(name: str) -> None:
    lesson = load_lesson(name)
    assert 3 <= len(lesson.steps) <= 20
    assert len(events_of(name)) < 1000  # tiny arrays, a single epoch at most


# ------------------------------------------------------------------------ seed-build
def test_seed_build_claims() -> None:
    events = events_of("seed-build")
    steps = {s.number: s for s in steps_of("seed-build")}
    kernels = [e for e in events if e["kind"] == "add_weight" and e["weight"] == "kernel"]
    assert [e["shape"] for e in kernels] == [[784, 512], [512, 10]]
    assert "(784, 512)" in steps[6].answer and "(512, 10)" in steps[10].answer
    bias = next(
        e
        for e in events
        if e["kind"] == "add_weight" and e["layer"] == "dense" and e["weight"] == "bias"
    )
    assert bias["shape"] == [512] and bias["initializer"] == "Zeros"
    assert "`dense_input`" in steps[2].answer and steps[3].event["layer"] == "dense_input"
    # No weight exists before the build.
    assert all(e["kind"] != "add_weight" for e in events[: steps[1].index])
    # built is written twice for dense: by Layer.build inside Dense.build, then again.
    writes = [
        e
        for e in events
        if e["kind"] == "set"
        and e.get("layer") == "dense"
        and e["attr"] == "built"
        and e["value"] is True
    ]
    assert [(w["old"], w["value"]) for w in writes] == [(False, True), (True, True)]
    assert running(events, writes[0]["seq"])[-2:] == ["Dense.build", "Layer.build"]
    assert running(events, writes[1]["seq"])[-2:] == ["Layer._maybe_build", "Layer.build"]
    # sequential.built turns True inside _init_graph_network, then again in build.
    assert "Functional._init_graph_network" in running(events, steps[13].seq)
    assert running(events, steps[16].seq) == ["Sequential.build"]
    params = sum(e["params"] for e in events if e["kind"] == "add_weight")
    assert params == 407_050 and "407,050" in steps[16].text
    assert "built before build(): False" in run_of("seed-build").output


# -------------------------------------------------------------------- deferred-build
def test_deferred_build_claims() -> None:
    events = events_of("deferred-build")
    steps = {s.number: s for s in steps_of("deferred-build")}
    output = run_of("deferred-build").output
    assert "built before fit: False" in output and "built after fit: True" in output
    assert not calls(events[: steps[2].index], "Dense.build")  # nothing built by compile
    assert list(steps[4].event["input_shape"]) == [None, 8]
    flag = steps[5].event
    assert "Model.train_step" in running(events, flag["seq"])
    first_weight = next(e for e in events if e["kind"] == "add_weight")
    assert flag["seq"] < first_weight["seq"]  # the model's flag comes before any weight
    assert first_weight["shape"] == [8, 32]
    assert len(calls(events, "Dense.build")) == 2  # built once, never again
    functional = steps[11].index
    assert not calls(events[functional:], "Layer._maybe_build")


# ----------------------------------------------------------------------- input-first
def test_input_first_claims() -> None:
    events = events_of("input-first")
    steps = {s.number: s for s in steps_of("input-first")}
    assert not calls(events, "Sequential.build")
    assert steps[1].event["seq"] == 0  # keras.Input runs before the Sequential exists
    for build in calls(events, "Dense.build"):
        assert "Sequential.add" in running(events, build["seq"])
    mapped = [
        e["layers"]
        for e in events
        if e["kind"] == "return" and e["name"].endswith("_map_graph_network")
    ]
    assert mapped[0] == ["input_1"] and mapped[1] == ["input_1", "dense"]
    assert "built: True" in run_of("input-first").output


# --------------------------------------------------------------- functional-branches
def test_functional_branches_claims() -> None:
    events = events_of("functional-branches")
    steps = {s.number: s for s in steps_of("functional-branches")}
    model_made = steps[9].index
    assert not calls(events[model_made:], "_maybe_build")  # keras.Model builds nothing
    assert len(calls(events[:model_made], "Layer._maybe_build")) == 5
    deep_2 = next(e for e in events if e["kind"] == "add_weight" and e["layer"] == "deep_2")
    assert deep_2["shape"] == [128, 64] and "(128, 64)" in steps[4].answer
    assert steps[6].answer.startswith("(None, 128)")
    assert not [e for e in events if e["kind"] == "add_weight" and e["layer"] == "merge"]
    order = steps[12].event["layers"]
    assert order == ["pixels", "deep_1", "wide", "deep_2", "merge", "digits"]
    assert ", ".join(order) in steps[12].answer
    visited = [e["tensor"] for e in calls(events, "_build_map_helper")]
    made_by = [re.search(r"layer '(\w+)'", t)[1] for t in visited]  # type: ignore[index]
    assert made_by == ["digits", "merge", "wide", "pixels", "deep_2", "deep_1", "pixels"]


# ---------------------------------------------------------------------------- errors
def test_error_lesson_quotes_keras_messages() -> None:
    steps = {s.number: s for s in steps_of("errors")}
    assert steps[2].event["message"] == "You must provide an `input_shape` argument."
    assert steps[4].event["message"] == (
        'Input 0 of layer "expects_4" is incompatible with the layer: '
        "expected shape=(None, 4), found shape=(2, 5)"
    )
    assert steps[4].event["message"] in steps[4].text
    assert "1. ValueError" in run_of("errors").output


@pytest.mark.parametrize("name", BUILTIN)
def test_each_lesson_walks_start_to_finish(name: str) -> None:
    """What any front end does: Enter until the end, every answer revealed once."""
    steps = steps_of(name)
    walk = Walkthrough(steps, load_lesson(name))
    moves = []
    while not walk.finished:
        moves.append(walk.next())
    questions = sum(1 for step in steps if step.question)
    assert moves.count("reveal") == questions
    assert moves.count("step") == len(steps) - 1 and moves[-1] == "end"
