"""The moments a script's run reaches: its model built, compiled, fitted.

A diagram of a script needs only part of its run: the build, usually, which takes
milliseconds, before a ``fit`` that takes a minute. :class:`Milestones` watches the
events as they are published and says when each part is complete, so that
``buildtrace run`` can print the build tree at once and ``buildtrace diagram`` can stop
the script there (``--until``).

What "complete" means, for each milestone:

* ``build``: a model has been built (its ``built`` or ``_graph_initialized`` flag set)
  and the script turns to training: the next call of ``Model.compile`` or
  ``Model.fit``, or the next training event (``compile``, ``train_begin``,
  ``batch_end``, ``test_begin``, ...). That event is not part of the build: the run
  stops *before* it. For a model that ``fit`` builds on its first batch (no input
  shape given), that is the end of the first batch's ``train_step``. A script that
  never trains reaches it only at its end.
* ``compile``: the first ``Model.compile`` has returned (its ``return`` included).
* ``fit``: the first ``Model.fit`` has returned, or ended by an error (included).

Example:
    >>> marks = Milestones()
    >>> marks.reached("build", {"kind": "call", "name": "keras.engine.training.Model.fit"})
    False
"""

from __future__ import annotations

from typing import Literal

from buildtrace.state.keras3_names import KERAS3_TRAINING_CALLS
from buildtrace.state.model_state import ModelState
from buildtrace.trace import Event
from buildtrace.trace.events import TRAINING_KINDS

#: The milestones, in the order a script reaches them; ``end`` is the script's end.
UNTIL = ("build", "compile", "fit", "end")

Until = Literal["build", "compile", "fit", "end"]

#: Calls that begin the training side of a script (Keras 2's, Keras 3's).
TRAINING_CALLS = (".Model.compile", ".Model.fit", *KERAS3_TRAINING_CALLS)

#: The call each milestone ends with, by the ends of its names (Keras 2, Keras 3).
_ENDS = {"compile": (".Model.compile", ".Trainer.compile"), "fit": (".Model.fit", "Trainer.fit")}


class Milestones:
    """Folds a run's events and tells whether a milestone is reached at each one.

    Feed every event, in order, to :meth:`reached` (for one milestone) or :meth:`see`
    (to learn when the build completes, whatever else is asked).
    """

    def __init__(self) -> None:
        self._state = ModelState()
        self._model_built = False

    @property
    def model_built(self) -> bool:
        """Whether some model of the run has been built by the events seen so far."""
        return self._model_built

    def build_ends_before(self, event: Event) -> bool:
        """Whether the build is complete and ``event`` is the first thing after it."""
        if not self._model_built:
            return False
        kind = event.get("kind")
        if kind in TRAINING_KINDS:
            return True
        return kind == "call" and str(event.get("name", "")).endswith(TRAINING_CALLS)

    def see(self, event: Event) -> None:
        """Take ``event`` into account (after asking :meth:`build_ends_before` about it)."""
        if self._model_built:
            return  # the fold is needed only until a model is built
        try:
            self._state.apply(event)
        except (KeyError, TypeError, ValueError):
            return  # an event the fold cannot read tells nothing about the build
        self._model_built = any(
            flags.built or bool(flags.graph_initialized) for flags in self._state.models.values()
        )

    def reached(self, until: str, event: Event) -> bool:
        """Whether the run is complete up to ``until`` at ``event``, then take it in.

        For ``build``, True means the build was complete *before* this event; for
        ``compile`` and ``fit``, complete *with* it (it ends the call). ``end`` is never
        reached by an event.
        """
        before = self.build_ends_before(event)
        self.see(event)
        if until == "build":
            return before
        if until in ("compile", "fit") and event.get("kind") in ("return", "raise"):
            return str(event.get("name", "")).endswith(_ENDS[until])
        return False


def stops_before(until: str) -> bool:
    """Whether the event that completes ``until`` is left out of the trace."""
    return until == "build"
