"""Grouping a handout's steps into the stages of the build they belong to.

The stages are :func:`buildtrace.state.build_stages.build_stages`'s: for
``Sequential.build`` the input-shape check, the layers built behind a hidden Input, the
graph; for a functional model the Input, each layer's call, ``keras.Model(...)``.
A handout's table of contents is this list of sections.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from buildtrace.state.build_stages import Stage, build_stages
from buildtrace.trace import Event

if TYPE_CHECKING:
    from buildtrace.lessons.handout import HandoutStep

#: A section: its title, a line saying what happens in it, and its steps.
Section = tuple[str, str, list["HandoutStep"]]


def group_by_stage(steps: list[HandoutStep], events: list[Event]) -> list[Section]:
    """Group steps by the stage of the build they fall in.

    Only the stages up to the last step count (a lesson may stop before the script's
    later builds). A step between two stages joins the next one when it is about it
    (the layer about to be called is made); steps before the first stage, between
    builds or after the last get sections of their own.
    """
    last = max((step.seq for step in steps), default=-1)
    stages = build_stages(e for e in events if int(e.get("seq", 0)) <= last)
    sections: list[Section] = []
    for step in steps:
        title, detail = _section_of(step, stages)
        if not sections or sections[-1][0] != title:
            sections.append((title, detail, []))
        sections[-1][2].append(step)
    return sections


def _section_of(step: HandoutStep, stages: list[Stage]) -> tuple[str, str]:
    seq = step.seq
    if not stages:
        return "The steps", "every step of the teaching view"
    if seq < stages[0].first_seq:
        return "Before the build", "the layers and the model are made; nothing is built yet"
    stage = [s for s in stages if s.first_seq <= seq][-1]
    if seq > stage.last_seq:
        later = [s for s in stages if s.first_seq > seq]
        if not later:
            return "After the build", "what happens once the model is built"
        if not _prepares(step, later[0]):
            return "Between the builds", "nothing is built here"
        stage = later[0]
    return f"Stage {stage.number} · {stage.title}", stage.detail


def _prepares(step: HandoutStep, stage: Stage) -> bool:
    """Whether ``step`` leads into ``stage``: a constructor (the layer about to be called
    is made), or a step about the stage's own layer."""
    name = str(step.event.get("name", ""))
    return name.endswith(".__init__") or step.event.get("layer") == stage.owner
