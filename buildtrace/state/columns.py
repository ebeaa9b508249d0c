"""Compact storage for the bulk of a long trace: per-batch logs and ``batch_end`` events.

A fit of many epochs writes hundreds of thousands of ``batch_end`` events, each a dict
of ten fields with a dict of metrics inside: about 1.5 KB of Python objects per event,
gigabytes for a long run. Every one of them has the same fields and mostly the same
metric names, so they are kept here as packed columns (``array``) of a few bytes per
field instead, and rebuilt as plain dicts only when read.

* :class:`BatchLogs` keeps the logs of every batch (the training fold's curves);
* :class:`EventColumns` keeps events in order: ``batch_end`` events written exactly as
  the engine writes them in columns, any other event as it came.

Both read like the lists they replace (``len``, indexes, slices, iteration), and what
they give back equals what was put in.

Example:
    >>> logs = BatchLogs()
    >>> logs.append({"loss": 0.5, "accuracy": 0.9})
    >>> logs[0], len(logs)
    ((0, {'loss': 0.5, 'accuracy': 0.9}), 1)
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from typing import Any, overload

from buildtrace.trace import Event
from buildtrace.trace.events import FORMAT_VERSION

Logs = dict[str, float]

#: The fields of a ``batch_end`` as the engine writes it, in its order.
BATCH_FIELDS = ("v", "seq", "t", "kind", "name", "depth", "layer", "epoch", "batch", "logs")


class BatchLogs(Sequence[tuple[int, Logs]]):
    """``(step, logs)`` of every finished batch, the logs packed per metric name.

    Logs with the same names as the first batch's (nearly all of them) cost 8 bytes per
    value; any other is kept as a dict.
    """

    def __init__(self) -> None:
        self._names: tuple[str, ...] | None = None
        self._columns: list[array[float]] = []
        self._odd_steps: list[int] = []  # steps whose logs did not fit the columns
        self._odd_logs: list[Logs] = []
        self._count = 0

    def append(self, logs: Logs) -> None:
        """Add the logs of the next batch."""
        names = tuple(logs)
        if self._names is None:
            self._names = names
            self._columns = [array("d") for _ in names]
        values = tuple(logs.values())
        if names == self._names and _all_floats(values):
            for column, value in zip(self._columns, values, strict=True):
                column.append(value)
        else:
            self._odd_steps.append(self._count)
            self._odd_logs.append(dict(logs))
        self._count += 1

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> tuple[int, Logs]: ...

    @overload
    def __getitem__(self, index: slice) -> list[tuple[int, Logs]]: ...

    def __getitem__(self, index: int | slice) -> tuple[int, Logs] | list[tuple[int, Logs]]:
        if isinstance(index, slice):
            return [self._row(i) for i in range(*index.indices(self._count))]
        if index < 0:
            index += self._count
        if not 0 <= index < self._count:
            raise IndexError("batch log index out of range")
        return self._row(index)

    def __iter__(self) -> Iterator[tuple[int, Logs]]:
        for index in range(self._count):
            yield self._row(index)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]  # mutable, like the list it replaces

    def __repr__(self) -> str:
        return f"BatchLogs({self._count} batches)"

    def _row(self, step: int) -> tuple[int, Logs]:
        odd = bisect_left(self._odd_steps, step) if self._odd_steps else 0
        if odd < len(self._odd_steps) and self._odd_steps[odd] == step:
            return step, dict(self._odd_logs[odd])
        slot = step - odd
        names = self._names or ()
        return step, {name: column[slot] for name, column in zip(names, self._columns)}

    def values(self, name: str) -> list[float]:
        """Every batch's value of ``name`` (batches without it are left out)."""
        if not self._odd_steps and self._names is not None and name in self._names:
            return self._columns[self._names.index(name)].tolist()
        return [float(logs[name]) for _, logs in self if name in logs]

    def points(self, name: str, buckets: int) -> list[tuple[float, float]]:
        """``(step, value)`` of ``name``, averaged down to about ``buckets`` points.

        The columns make this cheap however long training ran: a chart redraws it.
        """
        count = self._count
        if self._odd_steps or self._names is None or name not in self._names:
            rows: list[tuple[int, Logs]] = list(self)
            steps = [step for step, logs in rows if name in logs]
            values = [float(logs[name]) for _, logs in rows if name in logs]
        elif count <= 2 * buckets:
            column = self._columns[self._names.index(name)]
            return [(float(step), value) for step, value in enumerate(column)]
        else:
            column = self._columns[self._names.index(name)]
            size = count / buckets
            points = []
            for bucket in range(buckets):
                start, stop = int(bucket * size), int((bucket + 1) * size)
                if stop > start:
                    points.append((float(stop - 1), sum(column[start:stop]) / (stop - start)))
            return points
        if len(steps) <= 2 * buckets:
            return [(float(s), v) for s, v in zip(steps, values, strict=True)]
        size = len(steps) / buckets
        points = []
        for bucket in range(buckets):
            start, stop = int(bucket * size), int((bucket + 1) * size)
            if stop > start:
                points.append((float(steps[stop - 1]), sum(values[start:stop]) / (stop - start)))
        return points


class EventColumns(Sequence[Event]):
    """Events in order; ``batch_end`` events as the engine writes them kept in columns.

    Reading an index gives a dict equal to the event appended there (a new one for a
    packed event: read it, don't keep it to change it).

    Args:
        logs: the :class:`BatchLogs` of a training fold that sees the same events, each
            ``batch_end`` just before this: the logs are then kept once, there.
    """

    def __init__(self, logs: BatchLogs | None = None) -> None:
        self._where = array("q")  # >= 0: a packed row; < 0: ~index into _dicts
        self._dicts: list[Event] = []
        self._seq = array("q")
        self._t = array("d")
        self._epoch = array("i")
        self._batch = array("i")
        self._owner = array("i")  # index into _owners: (name, depth, layer)
        self._owners: list[tuple[str, int, str | None]] = []
        # Given the training fold's logs (which it appends every batch's to before the
        # event comes here), a packed event only notes where its logs are.
        self._shared = logs is not None
        self._logs = logs if logs is not None else BatchLogs()
        self._logs_row = array("i")
        self._last_row = -1
        self._last_event: Event = {}

    def append(self, event: Event) -> None:
        """Add the next event."""
        if _is_packable(event):
            owner = (event["name"], event["depth"], event["layer"])
            if not self._owners or self._owners[-1] != owner:
                self._owners.append(owner)
            self._where.append(len(self._seq))
            self._seq.append(event["seq"])
            self._t.append(event["t"])
            self._epoch.append(event["epoch"])
            self._batch.append(event["batch"])
            self._owner.append(len(self._owners) - 1)
            if not self._shared:
                self._logs.append(event["logs"] or {})  # packable: a dict
            self._logs_row.append(len(self._logs) - 1)
        else:
            self._where.append(~len(self._dicts))
            self._dicts.append(event)

    def __len__(self) -> int:
        return len(self._where)

    @overload
    def __getitem__(self, index: int) -> Event: ...

    @overload
    def __getitem__(self, index: slice) -> list[Event]: ...

    def __getitem__(self, index: int | slice) -> Event | list[Event]:
        if isinstance(index, slice):
            return [self._event(where) for where in self._where[index]]
        return self._event(self._where[index])

    def __iter__(self) -> Iterator[Event]:
        for where in self._where:
            yield self._event(where)

    def _event(self, where: int) -> Event:
        if where < 0:
            return self._dicts[~where]
        if where == self._last_row:  # a viewer often reads the same event twice in a row
            return self._last_event
        name, depth, layer = self._owners[self._owner[where]]
        self._last_row = where
        self._last_event = {
            "v": FORMAT_VERSION, "seq": self._seq[where], "t": self._t[where],
            "kind": "batch_end", "name": name, "depth": depth, "layer": layer,
            "epoch": self._epoch[where], "batch": self._batch[where],
            "logs": self._logs[self._logs_row[where]][1],
        }  # fmt: skip
        return self._last_event

    def kind(self, index: int) -> str:
        """The kind of the event at ``index``, without rebuilding it."""
        where = self._where[index]
        return "batch_end" if where >= 0 else str(self._dicts[~where].get("kind"))


def _all_floats(values: tuple[Any, ...]) -> bool:
    # A loop, not all(...): this runs for every batch, and a generator costs more.
    for value in values:  # noqa: SIM110
        if type(value) is not float:
            return False
    return True


def _is_packable(event: Event) -> bool:
    """A ``batch_end`` with exactly the engine's fields, of the engine's types."""
    if event.get("kind") != "batch_end" or tuple(event) != BATCH_FIELDS:
        return False
    logs: Any = event["logs"]
    return (
        type(event["v"]) is int
        and event["v"] == FORMAT_VERSION
        and type(event["seq"]) is int
        and type(event["t"]) is float
        and type(event["depth"]) is int
        and type(event["epoch"]) is int
        and type(event["batch"]) is int
        and type(event["name"]) is str
        and (event["layer"] is None or type(event["layer"]) is str)
        and type(logs) is dict  # its values are BatchLogs' business
        and abs(event["seq"]) < 1 << 62
        and 0 <= event["epoch"] < 1 << 31
        and 0 <= event["batch"] < 1 << 31
    )
