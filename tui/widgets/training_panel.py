"""Training: progress, ETA, and loss/accuracy curves per batch and per epoch (with val)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.style import Style
from rich.text import Text
from textual.widgets import Static

from buildtrace.state.columns import BatchLogs
from buildtrace.state.training import TrainingState
from tui.braille_chart import LABEL_WIDTH, BrailleChart, Series
from tui.labels import logs_text
from tui.panel_spec import Moment, PanelSpec
from tui.theme_styles import ThemeStyles

if TYPE_CHECKING:
    from tui.app import BuildTraceApp

#: Metrics drawn, each in a chart of its own (their scales differ).
METRICS = ("loss", "accuracy")


@dataclass(frozen=True)
class TrainingCursor:
    """Where the viewer's cursor is in training: the batches finished as of it."""

    batches: int
    epoch: int | None
    logs: dict[str, float] | None


def progress_bar(done: int, total: int, width: int) -> str:
    """``▕█████▌    ▏`` for ``done`` out of ``total`` in ``width`` characters."""
    if total <= 0 or width <= 2:
        return ""
    inner = width - 2
    eighths = round(min(done / total, 1.0) * inner * 8)
    full, part = divmod(eighths, 8)
    bar = "█" * full + (" ▏▎▍▌▋▊▉"[part] if part else "")
    return "▕" + bar.ljust(inner) + "▏"


def clock(seconds: float) -> str:
    """``1:05`` or ``1:02:03``."""
    minutes, secs = divmod(int(seconds + 0.5), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02}:{secs:02}" if hours else f"{minutes}:{secs:02}"


def batch_points(
    logs: Sequence[tuple[int, dict[str, float]]], metric: str, buckets: int
) -> list[tuple[float, float]]:
    """``(step, value)`` of ``metric`` per batch, averaged down to about ``buckets`` points.

    A 5-epoch fit has thousands of batches and a chart a few dozen columns: averaging
    runs of batches first keeps a redraw cheap however long training runs.
    """
    if isinstance(logs, BatchLogs):  # packed columns: averaged without a dict a batch
        return logs.points(metric, buckets)
    count = len(logs)
    if count <= 2 * buckets:
        return [(float(step), float(log[metric])) for step, log in logs if metric in log]
    size = count / buckets
    points: list[tuple[float, float]] = []
    for bucket in range(buckets):
        chunk = logs[int(bucket * size) : int((bucket + 1) * size)]
        values = [log[metric] for _, log in chunk if metric in log]
        if values:
            points.append((float(chunk[-1][0]), sum(values) / len(values)))
    return points


class TrainingPanel(Static):
    """Live training: epoch and batch progress, ETA, curves, and where the cursor is.

    The curves are the live run's (they keep growing while the student steps through
    the build); the cursor's position in training is marked on them.

    Example:
        >>> TrainingPanel().border_title
        'training'
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = "training"
        self._shown: tuple[TrainingState, TrainingCursor | None, ThemeStyles, bool, str] | None = (
            None
        )
        self._drawn: tuple[object, ...] | None = None

    @property
    def drawn(self) -> bool:
        """Whether the panel has been drawn at all."""
        return self._shown is not None

    @property
    def cursor(self) -> TrainingCursor | None:
        """The cursor's place in training as last drawn."""
        return self._shown[1] if self._shown is not None else None

    @property
    def data(self) -> str | None:
        """The data's name as last drawn."""
        return self._shown[4] if self._shown is not None else None

    def on_resize(self) -> None:
        if self._shown is not None:
            training, cursor, styles, paused, data = self._shown
            self.show(training, cursor, styles, paused=paused, data=data)

    def show(
        self,
        training: TrainingState,
        cursor: TrainingCursor | None,
        styles: ThemeStyles,
        *,
        paused: bool = False,
        data: str = "",
    ) -> None:
        """Draw ``training`` (the live state) with ``cursor`` marked, on ``data`` (its name)."""
        self._shown = (training, cursor, styles, paused, data)
        width = max(self.content_region.width, 20)
        height = max(self.content_region.height, 4)
        # Redraw only when something shown changed: the tick calls this often.
        key = (len(training.batch_logs), len(training.epoch_logs), training.started,
               training.finished, cursor, id(styles), paused, data, width, height)  # fmt: skip
        if key == self._drawn:
            return
        self._drawn = key
        if not training.started:
            self.update(Text("training has not started yet", style=styles.muted), layout=False)
            return
        parts: list[RenderableType] = [self._header(training, width, styles, paused)]
        if data:  # figures always say which data they come from
            named = Text("data: ", style=styles.muted)
            named.append(data, style=styles.palette.flag if "not MNIST" in data else styles.title)
            parts.append(named)
        latest = training.batch_logs[-1][1] if training.batch_logs else None
        info = Text(f"last batch: {logs_text(latest)}" if latest else "", style=styles.muted)
        if cursor is not None:
            where = f"cursor: epoch {(cursor.epoch or 0) + 1} · batch {cursor.batches}"
            info = Text(where + (f" · {logs_text(cursor.logs)}" if cursor.logs else ""))
            info.stylize(styles.current, 0, len("cursor:"))
        parts.append(info)
        # What is left after the header, the info line, one legend per chart, the epochs.
        chart_rows = height - len(parts) - len(METRICS) - 1
        per_chart = max(chart_rows // len(METRICS), 1)
        # The x axis reaches the end of the running epoch: early curves are readable.
        steps = training.steps or 1
        total = min(((training.epoch or 0) + 1) * steps, training.total_batches or steps)
        for metric, style in zip(METRICS, (styles.loss, styles.accuracy)):
            parts.append(self._legend(metric, styles))
            parts.append(self._chart(training, metric, style, styles, (width, per_chart),
                                     total, cursor))  # fmt: skip
        parts.append(self._epochs(training, styles))
        for part in parts:
            if isinstance(part, Text):
                part.no_wrap, part.overflow = True, "ellipsis"
        self.update(Group(*parts), layout=False)

    @staticmethod
    def _header(training: TrainingState, width: int, styles: ThemeStyles, paused: bool) -> Text:
        epochs, steps = training.epochs or 0, training.steps or 0
        epoch = (training.epoch or 0) + 1
        batch = (training.batch + 1) if training.batch is not None else 0
        text = Text(f"epoch {epoch}/{epochs} ", style=styles.title)
        state = "done" if training.finished else "paused" if paused else ""
        eta = training.eta_seconds()
        tail = f" {batch}/{steps}"
        if eta and not training.finished:
            tail += f" · ETA {clock(eta)}"
        if state:
            tail += f" · {state}"
        bar_width = max(width - len(text) - len(tail), 4)
        done = len(training.batch_logs)
        text.append(progress_bar(done, training.total_batches or 1, bar_width), style=styles.loss)
        text.append(tail, style=styles.current if paused else styles.muted)
        return text

    @staticmethod
    def _legend(metric: str, styles: ThemeStyles) -> Text:
        text = Text(f"{metric}: ", style=styles.title)
        text.append("per batch ", style=styles.loss if metric == "loss" else styles.accuracy)
        text.append("per epoch ", style=styles.epoch)
        text.append("val", style=styles.validation)
        return text

    @staticmethod
    def _chart(
        training: TrainingState,
        metric: str,
        style: Style,
        styles: ThemeStyles,
        size: tuple[int, int],
        total: int,
        cursor: TrainingCursor | None,
    ) -> BrailleChart:
        width, height = size
        steps = training.steps or 1
        buckets = max(width - LABEL_WIDTH, 4) * 2
        epochs = [(float((i + 1) * steps - 1), float(log[metric]))
                  for i, log in enumerate(training.epoch_logs) if metric in log]  # fmt: skip
        val = [(float((i + 1) * steps - 1), float(log[f"val_{metric}"]))
               for i, log in enumerate(training.epoch_logs) if f"val_{metric}" in log]  # fmt: skip
        series = [Series(batch_points(training.batch_logs, metric, buckets), style)]
        series += [Series(epochs, styles.epoch), Series(val, styles.validation)]
        return BrailleChart(
            series,
            width=width,
            height=height,
            x_max=float(total),
            marker_x=float(cursor.batches - 1) if cursor is not None and cursor.batches else None,
            axis_style=styles.muted,
        )

    @staticmethod
    def _epochs(training: TrainingState, styles: ThemeStyles) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        for number, logs in enumerate(training.epoch_logs, start=1):
            keys = [k for k in ("loss", "accuracy", "val_loss", "val_accuracy") if k in logs]
            values = " ".join(f"{logs[k]:.3f}" for k in keys)
            text.append(f"{'  ' if number > 1 else ''}e{number} ", style=styles.epoch)
            text.append(values)
        if not training.epoch_logs:
            text.append("no epoch finished yet", style=styles.muted)
        return text


#: What the data is called when neither the trace nor the script's output names it.
UNNAMED_DATA = "unnamed"


def _refresh(panel: TrainingPanel, app: BuildTraceApp, moment: Moment) -> None:
    """Redraw training (a key: only if the cursor's place in training changed)."""
    if not panel.display:
        return
    store, index = app.store, moment.index
    cursor = None
    if 0 <= index < len(store) and store.count("train_begin", index):
        batches = store.count("batch_end", index)
        logs = store.training.batch_logs[batches - 1][1] if batches else None
        epoch = store.events[index].get("epoch")
        if not isinstance(epoch, int):  # an event of no epoch: the last one begun
            epoch = max(store.count("epoch_begin", index) - 1, 0)
        cursor = TrainingCursor(batches, epoch, logs)
    data = app.data_label or UNNAMED_DATA
    if moment.moved and panel.drawn and cursor == panel.cursor and data == panel.data:
        return  # the live curves redraw on the tick, not on every key
    paused = app.child is not None and app.child.paused
    panel.show(store.training, cursor, moment.styles, paused=paused, data=data)


PANEL = PanelSpec(
    "training", "bottom", 20, "6", "training", tab="6 training",
    widget=TrainingPanel, refresh=_refresh, live=True, lesson_names=("training",),
)  # fmt: skip
