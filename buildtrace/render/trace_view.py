"""A recorded trace as an object that shows itself: in Jupyter, as its diagrams.

Example:
    >>> from buildtrace.render.trace_view import Trace
    >>> trace = Trace.load("seed.jsonl")  # doctest: +SKIP
    >>> trace  # doctest: +SKIP
    (in a notebook: the model's topology, and the build stage by stage)
    >>> trace.at(53)  # doctest: +SKIP
    (the same, as it was at step 53: dense just became built)
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from buildtrace.render.build_diagram import BuildOptions, build_source
from buildtrace.render.escape import html_text as escape
from buildtrace.render.graph import graph_from_state
from buildtrace.render.output import PAGE_HINT, DotMissing, render_svg
from buildtrace.render.topology import TopologyOptions, topology_source
from buildtrace.state.model_state import model_state
from buildtrace.trace import Event, read_events


class Trace:
    """The events of one run, and their diagrams.

    Args:
        events: the events, in order.
        name: what to call the trace in titles (the file name, when loaded).
    """

    def __init__(self, events: Sequence[Event], name: str = "trace") -> None:
        self.events: list[Event] = list(events)
        self.name = name

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Trace:
        """Read a JSON Lines trace file."""
        return cls(read_events(path), name=Path(path).name)

    def at(self, seq: int) -> Trace:
        """The trace up to and including the event numbered ``seq``."""
        events = [e for e in self.events if int(e.get("seq", 0)) <= seq]
        return Trace(events, name=f"{self.name} at seq {seq}")

    def __len__(self) -> int:
        return len(self.events)

    def __repr__(self) -> str:
        models = ", ".join(model_state(self.events).models) or "no model"
        return f"<Trace {self.name}: {len(self.events):,} events, {models}>"

    # ---------------------------------------------------------------- diagrams
    def topology(self, options: TopologyOptions | None = None, model: str | None = None) -> str:
        """The model's topology at the trace's last event, as DOT text."""
        return topology_source(graph_from_state(model_state(self.events), model), options)

    def build(self, options: BuildOptions | None = None) -> str:
        """The build, stage by stage, as DOT text."""
        return build_source(self.events, options)

    def _repr_svg_(self) -> str | None:
        """The topology as SVG (None without Graphviz: the notebook then shows HTML)."""
        try:
            return render_svg(self.topology())
        except DotMissing:
            return None

    def _repr_html_(self) -> str:
        """The topology, and the build diagram folded under it; DOT text without Graphviz."""
        try:
            topology, build = render_svg(self.topology()), render_svg(self.build())
        except DotMissing:
            return f"<p>{escape(PAGE_HINT)}.</p><pre>{escape(self.topology())}</pre>"
        return (
            f"<div>{topology}</div>"
            f"<details><summary>the build, stage by stage</summary>{build}</details>"
        )
