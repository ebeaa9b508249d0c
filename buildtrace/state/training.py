"""Training as of event *i*: epochs done, per-batch and per-epoch curves, progress.

A pure fold over the training events ``fit`` reports (``train_begin``, ``epoch_begin``,
``batch_end``, ``epoch_end``, ``train_end``; ``test_*`` from ``evaluate``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from buildtrace.state.columns import BatchLogs
from buildtrace.trace import Event


@dataclass
class TrainingState:
    """Where training stands.

    Attributes:
        epochs: planned number of epochs (from ``train_begin``), or None before.
        steps: batches per epoch.
        epoch: the epoch running or last finished (0-based), or None.
        batch: the last batch finished in that epoch, or None.
        batch_logs: ``(global_step, logs)`` for every finished batch (packed: a long
            fit's hundreds of thousands of batches cost a few bytes each).
        epoch_logs: the logs of every finished epoch (with ``val_*`` when validated).
        started, finished: whether ``fit`` began / ended.
        t_begin, t_last: event times, for rates and an ETA.
    """

    epochs: int | None = None
    steps: int | None = None
    epoch: int | None = None
    batch: int | None = None
    batch_logs: BatchLogs = field(default_factory=BatchLogs)
    epoch_logs: list[dict[str, float]] = field(default_factory=list)
    started: bool = False
    finished: bool = False
    t_begin: float | None = None
    t_last: float | None = None
    test_logs: dict[str, float] | None = None

    def apply(self, event: Event) -> None:
        """Take one more event into account (non-training events are ignored)."""
        kind = event["kind"]
        if kind == "train_begin":
            self.started, self.finished = True, False
            self.epochs, self.steps = event.get("epochs"), event.get("steps")
            self.t_begin = event.get("t")
        elif kind == "epoch_begin":
            self.epoch, self.batch = event.get("epoch"), None
        elif kind == "batch_end":
            self.epoch = event.get("epoch", self.epoch)
            self.batch = event.get("batch")
            self.batch_logs.append(event.get("logs") or {})
            self.t_last = event.get("t")
        elif kind == "epoch_end":
            self.epoch_logs.append(dict(event.get("logs") or {}))
            self.t_last = event.get("t")
        elif kind == "train_end":
            self.finished = True
        elif kind == "test_end":
            self.test_logs = dict(event.get("logs") or {})

    @property
    def total_batches(self) -> int | None:
        """Batches in the whole fit, when known."""
        if self.epochs is None or self.steps is None:
            return None
        return self.epochs * self.steps

    def eta_seconds(self) -> float | None:
        """Seconds left at the pace so far (None when unknown)."""
        total = self.total_batches
        done = len(self.batch_logs)
        if not total or not done or self.t_begin is None or self.t_last is None:
            return None
        per_batch = (self.t_last - self.t_begin) / done
        return max(0.0, (total - done) * per_batch)

    def series(self, key: str, per: str = "batch") -> list[float]:
        """The values of ``key`` (``"loss"``, ``"val_accuracy"``...) per batch or epoch."""
        if per == "batch":
            return self.batch_logs.values(key)
        return [float(log[key]) for log in self.epoch_logs if key in log]


def training_state(events: Iterable[Event]) -> TrainingState:
    """The training state after ``events``."""
    state = TrainingState()
    for event in events:
        state.apply(event)
    return state
