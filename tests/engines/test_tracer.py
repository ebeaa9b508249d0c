"""The tracer of real engines, on a small stand-in package (no TensorFlow needed).

It must name frames by their Keras path, nest them, tell a frame that ends by an
exception (a ``raise`` with the message) from one that catches it, hide attribute
plumbing, and not take a generator's resumption for a new call.
"""

from __future__ import annotations

import importlib
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from buildtrace.engines.tracer import EngineTracer
from buildtrace.trace import BUS, Event, check_event

ENGINE = """
class Layer:
    def __init__(self, name):
        self._name = name

    def __setattr__(self, key, value):
        track()
        object.__setattr__(self, key, value)

    def build(self, input_shape):
        self.built = True
        return input_shape

    def fails(self):
        raise ValueError("You must provide an `input_shape` argument.")

    def catches(self):
        try:
            self.fails()
        except ValueError:
            return "caught"

    def steps(self):
        yield 1
        yield 2


def track():
    return 1
"""


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[object]:
    package = tmp_path / "fakeeng" / "src" / "engine"
    package.mkdir(parents=True)
    for folder in (package.parent.parent, package.parent, package):
        (folder / "__init__.py").write_text("")
    (package / "base_layer.py").write_text(textwrap.dedent(ENGINE))
    sys.path.insert(0, str(tmp_path))
    try:
        yield importlib.import_module("fakeeng.src.engine.base_layer")
    finally:
        sys.path.remove(str(tmp_path))
        for name in [n for n in sys.modules if n.startswith("fakeeng")]:
            del sys.modules[name]


def record(action: object) -> list[Event]:
    seen: list[Event] = []
    stop = BUS.subscribe(seen.append)
    tracer = EngineTracer(package="fakeeng.src.", prefix="keras.", source_root="/nowhere")
    previous = tracer.start()
    try:
        action()  # type: ignore[operator]
    except ValueError:
        pass
    finally:
        tracer.stop(previous)
        stop()
    for event in seen:
        check_event(event)
    return seen


def test_calls_are_named_by_their_keras_path_and_nested(engine: object) -> None:
    layer = engine.Layer("dense")  # type: ignore[attr-defined]
    events = record(lambda: layer.build((None, 4)))
    calls = [(e["kind"], e["name"], e["depth"], e["layer"]) for e in events]
    assert calls == [
        ("call", "keras.engine.base_layer.Layer.build", 0, "dense"),
        # __setattr__ and what it calls are hidden: the flag's write is not a step
        ("return", "keras.engine.base_layer.Layer.build", 0, "dense"),
    ]
    assert events[0]["cls"] == "Layer"
    assert events[1]["call"] == events[0]["seq"]


def test_an_exception_leaving_a_frame_is_a_raise_with_its_message(engine: object) -> None:
    layer = engine.Layer("seq")  # type: ignore[attr-defined]
    events = record(layer.fails)
    assert [e["kind"] for e in events] == ["call", "raise"]
    assert events[1]["error_type"] == "ValueError"
    assert events[1]["message"] == "You must provide an `input_shape` argument."
    assert events[1]["origin"] is True


def test_an_exception_caught_inside_the_engine_closes_only_its_frame(engine: object) -> None:
    layer = engine.Layer("seq")  # type: ignore[attr-defined]
    events = record(layer.catches)
    kinds = [(e["kind"], e["name"].rsplit(".", 1)[-1]) for e in events]
    assert kinds == [
        ("call", "catches"),
        ("call", "fails"),
        ("raise", "fails"),
        ("return", "catches"),
    ]


def test_a_generator_resuming_is_not_a_new_call(engine: object) -> None:
    layer = engine.Layer("seq")  # type: ignore[attr-defined]
    events = record(lambda: list(layer.steps()))
    assert [e["kind"] for e in events if e["name"].endswith("steps")] == ["call", "return"]
