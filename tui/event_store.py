"""Every event the viewer has read, with the structure and state a stepper needs.

The store grows only at its end (events arrive in ``seq`` order, live or from a file)
and everything it keeps is updated per event in O(depth): the call tree (each event's
parent and nesting level, each call's end), per-kind indexes for fast jumps, the live
training state, and checkpoints of the model state every :data:`CHECKPOINT_EVERY`
events, so that the state as of any event costs at most that many folds.

It stays compact for a trace of millions of events (a long fit): the events themselves
are kept in packed columns (:class:`~buildtrace.state.columns.EventColumns`: a
``batch_end`` costs about 60 bytes instead of 1.5 KB), the tree and the indexes in
arrays of machine integers, and a checkpoint taken while only training events went by
is the previous one, shared (training does not change the model's structure).

Calls nest by ``call``/``return``; training epochs nest their batches the same way
(``epoch_begin`` opens a group that ``epoch_end`` closes), which is what lets a viewer
show thousands of batches as one collapsible line per epoch.
"""

from __future__ import annotations

import heapq
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator

from buildtrace.state.columns import EventColumns
from buildtrace.state.model_state import ModelState
from buildtrace.state.training import TrainingState
from buildtrace.trace import Event, keras_names
from buildtrace.trace.events import TRAINING_KINDS

#: The model state is saved every this many events (a jump costs at most that many folds).
CHECKPOINT_EVERY = 256

#: Kinds that open a group other events nest in, and the kinds that close each.
OPENERS = {"call": frozenset({"return", "raise"}), "epoch_begin": frozenset({"epoch_end"})}

#: ``Layer.build`` runs inside every layer's own ``build``; "next build" skips it.
BASE_BUILD = keras_names.LAYER_BUILD

#: Index keys beyond the event kinds: builds of a layer, flag changes, errors.
BUILD, FLAG_CHANGE, ERROR = "build", "flag_change", "error"


def index_keys(event: Event) -> list[str]:
    """The per-kind indexes an event belongs to (its kind, and a derived key or two)."""
    kind = str(event.get("kind"))
    keys = [kind]
    name = event.get("name")
    if kind == "call" and isinstance(name, str) and name.endswith(".build") and name != BASE_BUILD:
        keys.append(BUILD)
    elif kind == "set" and event.get("old") != event.get("value"):
        keys.append(FLAG_CHANGE)
    elif kind == "raise" and event.get("origin", True) is not False:
        keys.append(ERROR)
    return keys


class EventStore:
    """An append-only list of events with their call tree, indexes and states.

    Example:
        >>> store = EventStore()
        >>> _ = store.extend([
        ...     {"seq": 0, "kind": "call", "name": "f", "depth": 0, "layer": None},
        ...     {"seq": 1, "kind": "set", "name": "L.built", "depth": 1, "layer": "d",
        ...      "attr": "built", "old": False, "value": True},
        ...     {"seq": 2, "kind": "return", "name": "f", "depth": 0, "layer": None},
        ... ])
        >>> list(store.parent), list(store.level), store.end
        ([-1, 0, 0], [0, 1, 1], {0: 2})
    """

    def __init__(self, *, checkpoint_every: int = CHECKPOINT_EVERY) -> None:
        self.checkpoint_every = checkpoint_every
        #: The live training state, folded over every event.
        self.training = TrainingState()
        #: The events, in order (read them; a packed one is rebuilt at each read).
        self.events = EventColumns(logs=self.training.batch_logs)
        #: Index of each event's enclosing group (-1 at the top level).
        self.parent = array("i")
        #: Nesting level of each event (0 at the top level).
        self.level = array("i")
        #: Index of a group's opener -> index of the event that closed it.
        self.end: dict[int, int] = {}
        #: Layer names and function names seen, in first-seen order (for breakpoints).
        self.layers_seen: dict[str, None] = {}
        self.functions_seen: dict[str, None] = {}
        self._open: list[int] = []
        self._index: dict[str, array[int]] = {}
        self._model = ModelState()
        self._checkpoints: list[ModelState] = [ModelState()]
        self._changed = False  # the model changed since the last checkpoint
        self._cached: tuple[int, ModelState] | None = None

    def __len__(self) -> int:
        return len(self.events)

    @property
    def last(self) -> int:
        """Index of the newest event (-1 when empty)."""
        return len(self.events) - 1

    # ------------------------------------------------------------------ growing
    def extend(self, events: Iterable[Event]) -> range:
        """Append events in order; returns the range of their indexes."""
        first = len(self.events)
        for event in events:
            self._append(event)
        return range(first, len(self.events))

    def _append(self, event: Event) -> None:
        index = len(self.events)
        kind = str(event.get("kind"))
        if kind == "batch_end":
            self._append_batch(index, event)
            return
        depth = event.get("depth", 0)
        depth = depth if isinstance(depth, int) else 0
        parent = self._place(index, event, kind, depth)
        self.training.apply(event)  # first: the events' columns share its batch logs
        self.events.append(event)
        self.parent.append(parent)
        self.level.append(self.level[parent] + 1 if parent >= 0 else 0)
        for key in index_keys(event):
            self._index.setdefault(key, array("i")).append(index)
        layer, name = event.get("layer"), event.get("name")
        if isinstance(layer, str):
            self.layers_seen.setdefault(layer, None)
        if kind == "call" and isinstance(name, str):
            self.functions_seen.setdefault(name, None)
        self._model.apply(event)
        if kind not in TRAINING_KINDS:
            self._changed = True
        self._checkpoint(len(self.events))

    def _append_batch(self, index: int, event: Event) -> None:
        """:meth:`_append` for a ``batch_end``, the bulk of a long fit, without detours:
        it opens and closes nothing, changes no model, and is indexed by its kind only."""
        opened = self._open
        parent = opened[-1] if opened else -1
        self.training.apply(event)  # first: the events' columns share its batch logs
        self.events.append(event)
        self.parent.append(parent)
        self.level.append(self.level[parent] + 1 if parent >= 0 else 0)
        batches = self._index.get("batch_end")
        if batches is None:
            batches = self._index["batch_end"] = array("i")
        batches.append(index)
        layer = event.get("layer")
        if isinstance(layer, str):
            self.layers_seen.setdefault(layer, None)
        self._model.apply(event)
        self._checkpoint(index + 1)

    def _checkpoint(self, count: int) -> None:
        """Keep the model state every :attr:`checkpoint_every` events (``count`` so far)."""
        if count % self.checkpoint_every == 0:
            if self._changed:
                self._checkpoints.append(self._model.copy())
                self._changed = False
            else:  # only training went by: the model is as it was
                self._checkpoints.append(self._checkpoints[-1])

    def _place(self, index: int, event: Event, kind: str, depth: int) -> int:
        """Find the event's parent and update the open groups; returns the parent."""
        opened = self._open
        events = self.events
        if kind == "call":
            # A call at depth d closes any call at depth >= d left open (a cut-short trace).
            while opened and self._stale(events[opened[-1]], depth, calls_too=True):
                opened.pop()
        elif kind in OPENERS["call"]:
            while opened and self._stale(events[opened[-1]], depth, calls_too=False):
                opened.pop()
            top = events[opened[-1]] if opened else None
            if top is not None and top.get("kind") == "call" and top.get("depth") == depth:
                start = opened.pop()
                self.end[start] = index
                return start
        elif kind == "epoch_end":
            groups = [i for i in opened if events[i].get("kind") == "epoch_begin"]
            if groups:
                start = groups[-1]
                del opened[opened.index(start) :]
                self.end[start] = index
                return start
        parent = opened[-1] if opened else -1
        if kind in OPENERS:
            opened.append(index)
        return parent

    @staticmethod
    def _stale(top: Event, depth: int, *, calls_too: bool) -> bool:
        """Whether the open group ``top`` cannot contain an event at ``depth``."""
        top_depth = top.get("depth", 0)
        if top.get("kind") == "call":
            return bool(top_depth > depth or (calls_too and top_depth == depth))
        return bool(top_depth > depth)  # an epoch holds events at its own depth

    # ------------------------------------------------------------------ reading
    def is_opener(self, index: int) -> bool:
        """Whether the event at ``index`` opens a group (a call or an epoch)."""
        return self.events[index].get("kind") in OPENERS

    def closes(self, index: int) -> bool:
        """Whether the event at ``index`` is the end of the group it sits in."""
        parent = self.parent[index]
        return parent >= 0 and self.end.get(parent) == index

    def enclosing(self, index: int) -> int:
        """The group the event at ``index`` runs in: for an end, the group around its own."""
        parent = self.parent[index]
        if parent >= 0 and self.end.get(parent) == index:
            return self.parent[parent]
        return parent

    def source_of(self, index: int) -> str | None:
        """The engine line behind an event (``keras/engine/node.py:48``), if known.

        An event's own ``src`` (a call's ``def``, the line that wrote a flag or raised);
        else, for a return, its call's; else the innermost enclosing call's.
        """
        src = self.events[index].get("src")
        if isinstance(src, str):
            return src
        group = self.parent[index]
        while group >= 0:
            src = self.events[group].get("src")
            if isinstance(src, str):
                return src
            group = self.parent[group]
        return None

    def subtree_end(self, index: int) -> int:
        """The last index inside the group opened at ``index`` (its end, or the newest)."""
        return self.end.get(index, self.last)

    def indices(self, keys: Iterable[str], start: int) -> Iterator[int]:
        """Indexes ``>= start`` in any of the index lists ``keys``, ascending."""
        lists = [self._index.get(key, _NONE) for key in keys]
        streams = [iter(lst[bisect_left(lst, start) :]) for lst in lists if lst]
        return iter(heapq.merge(*streams))

    def indices_before(self, keys: Iterable[str], stop: int) -> Iterator[int]:
        """Indexes ``<= stop`` in any of the index lists ``keys``, descending."""
        lists = [self._index.get(key, _NONE) for key in keys]
        streams = [reversed(lst[: bisect_right(lst, stop)]) for lst in lists if lst]
        return iter(heapq.merge(*streams, reverse=True))

    def count(self, key: str, through: int | None = None) -> int:
        """How many events of index ``key`` there are (up to index ``through``)."""
        lst = self._index.get(key, _NONE)
        return len(lst) if through is None else bisect_right(lst, through)

    def kinds(self) -> dict[str, int]:
        """Event kinds seen so far, with how many of each."""
        return {key: len(lst) for key, lst in self._index.items() if key not in _DERIVED}

    # ------------------------------------------------------------------ states
    def model_at(self, index: int) -> ModelState:
        """The model as of the event at ``index`` (that event included).

        The result is shared with the next call: read it, don't keep it. Stepping forward
        folds only the new events; any other jump starts from the nearest checkpoint.
        """
        count = min(index + 1, len(self.events))
        every = self.checkpoint_every
        cached = self._cached
        if cached is not None and cached[0] <= count < cached[0] + every:
            done, state = cached
        else:
            slot = count // every
            done, state = slot * every, self._checkpoints[slot].copy()
            if done:  # a shared checkpoint was taken earlier: its last event was not this
                state.last_seq = self.events[done - 1].get("seq", state.last_seq)
        for event in self.events[done:count]:
            state.apply(event)
        self._cached = (count, state)
        return state

    @property
    def model(self) -> ModelState:
        """The model as of the newest event."""
        return self._model


_DERIVED = frozenset({BUILD, FLAG_CHANGE, ERROR})

_NONE: array[int] = array("i")  # the index of a key never seen
