"""Mutated trace lines and events, made from a real seed trace by a seeded generator.

Cheap on purpose (a hundred thousand inputs in seconds): plain ``random.Random`` draws
on two levels.

* **Lines**: truncation, binary junk, a number of 5,000 digits, very deep nesting, a
  line that is JSON but not an object, an escape code or a lone surrogate.
* **Events** (still JSON objects): a field given a value of another type, an empty,
  huge or negative one, a plausible one from elsewhere in the trace (another layer's
  name, another kind, another depth), or deleted; a kind swapped for another.

The second kind is what reaches the folds when the reader lets it through: values of the
right type that make no sense (a ``return`` at a depth nothing was called at, a weight of
a layer that does not exist, ``epoch_end`` before any ``epoch_begin``).
"""

from __future__ import annotations

import json
import random
from typing import Any

from buildtrace.trace.contract import KNOWN_KINDS

Event = dict[str, Any]

#: Every field name the engine writes, of any kind.
FIELDS = (
    "v", "seq", "t", "kind", "name", "depth", "layer", "cls", "src", "caller", "call",
    "node_of", "node_index", "inbound", "output_shapes", "added", "tensor", "input_shape",
    "config", "layers", "output_shape", "attr", "old", "value", "weight", "shape", "dtype",
    "initializer", "trainable", "variable", "params", "error_type", "message", "origin",
    "uncaught", "optimizer", "optimizer_config", "loss", "metrics", "epochs", "steps",
    "samples", "batch_size", "epoch", "batch", "logs",
)  # fmt: skip

KINDS = (*sorted(KNOWN_KINDS), "explode", "", "CALL")


def deep(levels: int, leaf: Any = 0) -> Any:
    value = leaf
    for _ in range(levels):
        value = [value]
    return value


class Mutator:
    """Draws mutated lines and events from ``events`` (the seed trace)."""

    def __init__(self, events: list[Event], seed: int) -> None:
        self.events = events
        self.rng = random.Random(seed)
        self.names = sorted({str(e.get("name")) for e in events})
        self.layers = sorted({e["layer"] for e in events if isinstance(e.get("layer"), str)})
        self.values_by_field: dict[str, list[Any]] = {}
        for event in events:
            for key, value in event.items():
                self.values_by_field.setdefault(key, []).append(value)

    # ------------------------------------------------------------------ values
    def value(self, key: str) -> Any:
        """A value for ``key``: often plausible, often the wrong type, sometimes extreme."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.35 and key in self.values_by_field:
            return rng.choice(self.values_by_field[key])  # right type, wrong place
        if roll < 0.45:
            return rng.choice(self.layers + self.names + [None])
        if roll < 0.55:
            return rng.choice([0, 1, -1, 2, 7, 10**6, 2**53 + 1, 10**30, -(10**30), True, False])
        if roll < 0.62:
            return rng.choice([0.0, -0.5, 1e308, float("nan"), float("inf"), -float("inf")])
        if roll < 0.70:
            return rng.choice(["", "x" * rng.choice([1, 2000, 70_000]), "<script>", "'\"{}|"])
        if roll < 0.80:
            return rng.choice([[], [None], [None, 784], [-1, 3], [0], [[1, 2], [3]], ["a"],
                               [[None, 8], None], [["dense", 0, 0]], [["dense"]], [[7]],
                               list(range(100)), deep(rng.choice([3, 8, 30]))])  # fmt: skip
        if roll < 0.90:
            return rng.choice([{}, {"loss": 1.0}, {"loss": "low"}, {"a": {"b": {"c": [1]}}},
                               {"units": -3, "activation": 5}, {"": None},
                               {"loss": float("nan"), "accuracy": 2}])  # fmt: skip
        return None

    # ------------------------------------------------------------------ events
    def event(self) -> Event:
        """A seed event with one to three mutations."""
        rng = self.rng
        event = dict(rng.choice(self.events))
        for _ in range(rng.choice((1, 1, 2, 3))):
            roll = rng.random()
            if roll < 0.12:
                event["kind"] = rng.choice(KINDS)
            elif roll < 0.25 and event:
                del event[rng.choice(list(event))]
            elif roll < 0.55 and event:
                key = rng.choice(list(event))
                event[key] = self.value(key)
            else:
                key = rng.choice(FIELDS)
                event[key] = self.value(key)
        return event

    def trace(self, rate: float) -> list[Event]:
        """The seed trace with about ``rate`` of its events mutated, in place."""
        rng = self.rng
        out = []
        for event in self.events:
            if rng.random() < rate:
                out.append(self.event())
            else:
                out.append(event)
        return out

    # ------------------------------------------------------------------ lines
    def line(self) -> bytes:
        """One mutated line of a trace."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.55:
            text = json.dumps(self.event())
            return text.encode("utf-8", "surrogatepass")
        raw = json.dumps(rng.choice(self.events)).encode()
        if roll < 0.65:
            return raw[: rng.randrange(len(raw))]
        if roll < 0.72:
            at = rng.randrange(len(raw))
            return raw[:at] + rng.randbytes(rng.choice((1, 3, 20))) + raw[at:]
        if roll < 0.77:
            return raw.replace(b'"seq": ', b'"seq": ' + b"9" * rng.choice((20, 4000, 5000)), 1)
        if roll < 0.82:
            levels = rng.choice((30, 1000, 100_000))
            return raw[:-1] + b', "x": ' + b"[" * levels + b"]" * levels + b"}"
        if roll < 0.87:
            return rng.choice([b"[]", b"null", b"42", b'"text"', b"{}", b"true", b"[1, {}]"])
        if roll < 0.92:
            return raw.replace(
                b'"t": ', b'"t": ' + rng.choice([b"NaN", b"Infinity", b"-1e999"]) + b', "t0": ', 1
            )
        if roll < 0.96:
            escape = rng.choice([b"\\u001b[2J", b"\\ud800", b"\\u0000", b"\\udfff\\ud800"])
            return raw.replace(b'"name": "', b'"name": "' + escape, 1)
        return rng.randbytes(rng.randrange(1, 200))
