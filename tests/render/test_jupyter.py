"""Jupyter display: formatters registered from outside the engine, and Trace's reprs.

IPython is not a dependency, so a fake shell stands in for it: it records what
``enable()`` registers, then finds a display function the way IPython does (by the
object's class and its bases, registered by module and name).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from buildtrace import keras
from buildtrace.render import jupyter
from buildtrace.render.trace_view import Trace
from buildtrace.trace import Event, JsonlRecorder


class FakeFormatter:
    def __init__(self) -> None:
        self.by_name: dict[tuple[str, str], Callable[[Any], Any]] = {}
        self.by_type: dict[type, Callable[[Any], Any]] = {}

    def for_type_by_name(self, module: str, name: str, func: Callable[[Any], Any]) -> None:
        self.by_name[(module, name)] = func

    def for_type(self, cls: type, func: Callable[[Any], Any]) -> None:
        self.by_type[cls] = func

    def __call__(self, obj: Any) -> Any:
        for cls in type(obj).__mro__:
            if cls in self.by_type:
                return self.by_type[cls](obj)
            func = self.by_name.get((cls.__module__, cls.__name__))
            if func is not None:
                return func(obj)
        return None


class FakeShell:
    def __init__(self) -> None:
        formatters = {"image/svg+xml": FakeFormatter(), "text/html": FakeFormatter()}
        self.display_formatter = type("DisplayFormatter", (), {"formatters": formatters})()


def test_enable_registers_models_and_traces(
    sample: Callable[[str], list[Event]], dot_binary: str
) -> None:
    shell = FakeShell()
    assert jupyter.enable(shell) is True
    svg = shell.display_formatter.formatters["image/svg+xml"]
    html = shell.display_formatter.formatters["text/html"]
    model = keras.Sequential([keras.layers.Dense(4, activation="relu")], name="tiny")
    model.build((None, 3))
    picture = svg(model)  # a Sequential, found through its base class Model
    assert picture.lstrip().startswith("<?xml") and "tiny" in picture
    assert "<svg" in html(model)
    trace = Trace(sample("seed"), name="seed")
    assert "<svg" in svg(trace)
    assert "the build, stage by stage" in html(trace)


def test_enable_outside_ipython_does_nothing() -> None:
    assert jupyter.enable() is False  # IPython is not installed here


def test_the_engine_stays_free_of_display_code() -> None:
    for cls in (keras.Model, keras.Sequential, keras.layers.Dense):
        assert not hasattr(cls, "_repr_svg_") and not hasattr(cls, "_repr_html_")


def test_a_trace_loads_steps_and_draws(
    sample: Callable[[str], list[Event]], tmp_path: Path, dot_binary: str
) -> None:
    path = tmp_path / "seed.jsonl"
    recorder = JsonlRecorder(path)
    for event in sample("seed"):
        recorder(event)
    recorder.close()
    trace = Trace.load(path)
    assert repr(trace) == f"<Trace seed.jsonl: {len(trace):,} events, sequential>"
    built = next(e["seq"] for e in trace.events if e["kind"] == "set" and e["layer"] == "dense")
    early = trace.at(built - 1)
    assert len(early) < len(trace) and "being built" in early.topology()
    # Once `built` is True the layer is built: still the step's layer, no longer "being built".
    assert "being built" not in trace.at(built).topology()
    assert "digraph build" in trace.build()
    assert (trace._repr_svg_() or "").lstrip().startswith("<?xml")
