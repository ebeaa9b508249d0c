"""Keras's text progress bar, drawn through a rich ``Console``.

Mirrors: ``keras/utils/generic_utils.py::Progbar`` of Keras 2, character for character::

    469/469 [==============================] - 2s 4ms/step - loss: 0.2552 - accuracy: 0.9264
    469/469 - 2s - loss: 0.2552 - accuracy: 0.9264 - 2s/epoch - 4ms/step      (verbose=2)

During an epoch (verbose=1) the line shows ``- ETA: 1s`` instead of the times. On a
terminal the line is redrawn in place (carriage return + erase line) at most every
``interval`` seconds; anywhere else (a pipe, a file, a test) only the final line of each
epoch is printed. Keras 2 also redraws in place there (it believes any POSIX stdout is
dynamic), which fills log files with ``\\b`` and ``\\r`` characters.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
from rich.console import Console
from rich.control import Control
from rich.segment import ControlType

#: Go to the line's start and erase it: how a terminal line is redrawn in place.
_REDRAW = (Control((ControlType.CARRIAGE_RETURN,)), Control((ControlType.ERASE_IN_LINE, 2)))


class Progbar:
    """Displays a progress bar (Keras's format).

    Mirrors: ``keras/utils/generic_utils.py::Progbar``.

    Args:
        target: Total number of steps expected, None if unknown.
        width: Width of the bar in characters.
        verbose: 0 (silent), 1 (bar), 2 (one line per epoch).
        interval: Minimum time between two redraws, in seconds.
        stateful_metrics: Names of values shown as given; all others are averaged over the
            steps seen so far, weighted by steps.
        unit_name: ``"step"`` or ``"sample"``.
        console: Where to draw (a new ``rich.console.Console`` on stdout by default).
        clock: Time source in seconds (``time.time`` by default; tests pass a fake).
        dynamic: Redraw in place? Default: only when the console is a terminal.
    """

    def __init__(
        self,
        target: int | None,
        width: int = 30,
        verbose: int = 1,
        interval: float = 0.05,
        stateful_metrics: Iterable[str] | None = None,
        unit_name: str = "step",
        *,
        console: Console | None = None,
        clock: Callable[[], float] | None = None,
        dynamic: bool | None = None,
    ) -> None:
        self.target = target
        self.width = width
        self.verbose = verbose
        self.interval = interval
        self.unit_name = unit_name
        self.stateful_metrics = set(stateful_metrics or ())
        self.console = console or Console()
        self._clock = clock or time.time
        if dynamic is None:
            dynamic = self.console.is_terminal and not self.console.is_jupyter
        self._dynamic_display = dynamic
        self._seen_so_far = 0
        # name -> [weighted sum, weight]; the order names first appeared in.
        self._values: dict[str, list[Any]] = {}
        self._values_order: list[str] = []
        self._start = self._clock()
        self._last_update = 0.0
        self._time_at_epoch_start = self._start
        self._time_at_epoch_end: float | None = None
        self._time_after_first_step: float | None = None

    def update(
        self,
        current: int,
        values: Sequence[tuple[str, Any]] | None = None,
        finalize: bool | None = None,
    ) -> None:
        """Record step ``current`` and its values; redraw if ``interval`` has passed.

        Args:
            current: Index of the current step (1-based).
            values: ``(name, value)`` pairs for this step.
            finalize: Is this the last update of the bar? Default: ``current >= target``.
        """
        if finalize is None:
            finalize = False if self.target is None else current >= self.target
        for name, value in values or ():
            if name not in self._values:
                self._values_order.append(name)
            if name in self.stateful_metrics:
                self._values[name] = [value, 1]
            else:
                # Weight by the steps since the last update (at least 1), as Keras does.
                weight = max(current - self._seen_so_far, 1)
                if name not in self._values:
                    self._values[name] = [value * weight, weight]
                else:
                    self._values[name][0] += value * weight
                    self._values[name][1] += weight
        self._seen_so_far = current

        now = self._clock()
        info = f" - {now - self._start:.0f}s"
        if current == self.target:
            self._time_at_epoch_end = now
        if self.verbose == 1:
            if now - self._last_update < self.interval and not finalize:
                return
            # Keras estimates the step time only when it draws; do the same so the
            # final "4ms/step" is the same number whether or not we draw.
            time_per_unit = self._estimate_step_duration(current, now)
            if finalize or self._dynamic_display:
                line = self._bar(current) + self._times(info, finalize, current, time_per_unit)
                self._draw(line + self._averages(abs_threshold=True), finalize)
        elif self.verbose == 2 and finalize:
            line = f"{current:{len(str(self.target))}d}/{self.target}{info}"
            line += self._averages(abs_threshold=False)
            if self._time_at_epoch_end and self.target:
                time_per_epoch = self._time_at_epoch_end - self._time_at_epoch_start
                self._time_at_epoch_start = now
                self._time_at_epoch_end = None
                line += " -" + self._format_time(time_per_epoch, "epoch")
                line += " -" + self._format_time(time_per_epoch / self.target, self.unit_name)
            self.console.print(line, markup=False, highlight=False, emoji=False, soft_wrap=True)
        self._last_update = now

    def add(self, n: int, values: Sequence[tuple[str, Any]] | None = None) -> None:
        """``update(steps seen so far + n, values)``."""
        self.update(self._seen_so_far + n, values)

    # --- the pieces of a line ---------------------------------------------------------------

    def _bar(self, current: int) -> str:
        """``' 37/469 [==>.......]'``, or ``'     37/Unknown'`` without a target."""
        if self.target is None:
            return f"{current:7d}/Unknown"
        bar = f"{current:{len(str(self.target))}d}/{self.target} ["
        filled = int(self.width * current / self.target)
        if filled > 0:
            bar += "=" * (filled - 1) + (">" if current < self.target else "=")
        return bar + "." * (self.width - filled) + "]"

    def _times(self, elapsed: str, finalize: bool, current: int, time_per_unit: float) -> str:
        """``' - 2s 4ms/step'`` when done (or no target), else ``' - ETA: 1s'``."""
        if self.target is None or finalize:
            return elapsed + self._format_time(time_per_unit, self.unit_name)
        eta = time_per_unit * (self.target - current)
        if eta > 3600:
            eta_format = f"{int(eta // 3600)}:{int((eta % 3600) // 60):02d}:{int(eta % 60):02d}"
        elif eta > 60:
            eta_format = f"{int(eta // 60)}:{int(eta % 60):02d}"
        else:
            eta_format = f"{int(eta)}s"
        return f" - ETA: {eta_format}"

    def _averages(self, abs_threshold: bool) -> str:
        """``' - loss: 0.2552 - accuracy: 0.9264'`` (tiny values in ``.4e``).

        Keras tests ``abs(avg) > 1e-3`` for verbose=1 but ``avg > 1e-3`` for verbose=2, so a
        negative value prints as ``-1.0000e+00`` in the one-line-per-epoch mode. Reproduced.
        """
        text = ""
        for name in self._values_order:
            total, count = self._values[name]
            avg = float(np.mean(total / max(1, count)))
            big = abs(avg) > 1e-3 if abs_threshold else avg > 1e-3
            text += f" - {name}: {avg:.4f}" if big else f" - {name}: {avg:.4e}"
        return text

    @staticmethod
    def _format_time(time_per_unit: float, unit_name: str) -> str:
        """``' 2s/epoch'``, ``' 4ms/step'`` or ``' 350us/step'``."""
        if time_per_unit >= 1 or time_per_unit == 0:
            return f" {time_per_unit:.0f}s/{unit_name}"
        if time_per_unit >= 1e-3:
            return f" {time_per_unit * 1e3:.0f}ms/{unit_name}"
        return f" {time_per_unit * 1e6:.0f}us/{unit_name}"

    def _estimate_step_duration(self, current: int, now: float) -> float:
        """Seconds per step, leaving out the (slow, compiling) first step when possible."""
        if not current:
            return 0.0
        if self._time_after_first_step is not None and current > 1:
            time_per_unit = (now - self._time_after_first_step) / (current - 1)
        else:
            time_per_unit = (now - self._start) / current
        if current == 1:
            self._time_after_first_step = now
        return time_per_unit

    def _draw(self, line: str, finalize: bool) -> None:
        """Redraw the line in place on a terminal; elsewhere print only final lines."""
        if self._dynamic_display:
            self.console.control(*_REDRAW)
            if not finalize:  # a line wider than the terminal would wrap and break \r
                line = line[: max(self.console.width - 1, 1)]
        end = "\n" if finalize else ""
        self.console.print(
            line, end=end, markup=False, highlight=False, emoji=False, soft_wrap=True
        )

    def _update_stateful_metrics(self, stateful_metrics: Iterable[str]) -> None:
        self.stateful_metrics = self.stateful_metrics.union(stateful_metrics)
