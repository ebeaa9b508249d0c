"""Line charts in the terminal, drawn with braille dots (2 x 4 dots per character).

A rich renderable: give it series of ``(x, y)`` points and a size in characters and
it draws them over a shared x range, each series in its own style, with the y range
at the left. A marked x (the viewer's cursor) is shown as a highlighted column.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from rich.console import Console, ConsoleOptions, RenderResult
from rich.style import Style
from rich.text import Text

#: Braille dot bits by (column, row) inside a character cell.
_DOTS = ((0x01, 0x02, 0x04, 0x40), (0x08, 0x10, 0x20, 0x80))

#: Columns of the y-axis labels.
LABEL_WIDTH = 7


@dataclass
class Series:
    """One line: points ``(x, y)`` in increasing x, and its style."""

    points: Sequence[tuple[float, float]]
    style: Style = field(default_factory=Style)


@dataclass
class BrailleChart:
    """A line chart of several series, ``width`` x ``height`` characters.

    Example:
        >>> chart = BrailleChart([Series([(0, 1.0), (1, 0.5), (2, 0.25)])], width=20, height=3)
        >>> Console(width=20).print(chart)  # doctest: +SKIP
    """

    series: list[Series]
    width: int
    height: int
    x_max: float | None = None
    marker_x: float | None = None
    marker_style: Style = field(default_factory=lambda: Style(reverse=True))
    axis_style: Style = field(default_factory=lambda: Style(dim=True))
    _lines: list[Text] | None = field(default=None, init=False, repr=False)

    def _ranges(self) -> tuple[float, float, float] | None:
        ys = [y for s in self.series for _, y in s.points]
        if not ys:
            return None
        xs = [x for s in self.series for x, _ in s.points]
        x_max = max(self.x_max or 0.0, max(xs), 1.0)
        low, high = min(ys), max(ys)
        if high - low < 1e-9:  # one value (the first batch): draw it against zero
            low, high = (0.0, high) if high > 0 else (low - 1.0, high + 1.0)
        return x_max, low, high

    def _plot(
        self, cols: int, x_max: float, low: float, high: float
    ) -> tuple[list[list[int]], list[list[int]]]:
        """Dot bits and the series index of each cell, drawn series by series."""
        rows = self.height
        dots = [[0] * cols for _ in range(rows)]
        owner = [[-1] * cols for _ in range(rows)]
        px_w, px_h = cols * 2, rows * 4

        def pixel(x: float, y: float) -> tuple[int, int]:
            px = round(x / x_max * (px_w - 1))
            py = round((high - y) / (high - low) * (px_h - 1))
            return min(max(px, 0), px_w - 1), min(max(py, 0), px_h - 1)

        for number, series in enumerate(self.series):
            previous: tuple[int, int] | None = None
            for x, y in thin(series.points, px_w):
                point = pixel(x, y)
                for px, py in _segment(previous or point, point):
                    cell_x, cell_y = px // 2, py // 4
                    dots[cell_y][cell_x] |= _DOTS[px % 2][py % 4]
                    owner[cell_y][cell_x] = number
                previous = point
        return dots, owner

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield from self.lines()

    def lines(self) -> list[Text]:
        """The chart's lines (computed once: a widget may render it many times)."""
        if self._lines is None:
            self._lines = list(self._draw())
        return self._lines

    def _draw(self) -> Iterator[Text]:
        cols = max(self.width - LABEL_WIDTH, 4)
        ranges = self._ranges()
        if ranges is None:
            for _ in range(self.height):
                yield Text(" " * self.width)
            return
        x_max, low, high = ranges
        dots, owners = self._plot(cols, x_max, low, high)
        marker_col = None
        if self.marker_x is not None:
            marker_col = min(max(round(self.marker_x / x_max * (cols * 2 - 1)) // 2, 0), cols - 1)
        for row in range(self.height):
            label = _tick(high) if row == 0 else _tick(low) if row == self.height - 1 else ""
            line = Text(f"{label:>{LABEL_WIDTH - 1}}▕", style=self.axis_style)
            for col in range(cols):
                bits = dots[row][col]
                owner = owners[row][col]
                style = self.series[owner].style if owner >= 0 else Style()
                if col == marker_col:
                    style = style + self.marker_style
                line.append(chr(0x2800 + bits) if bits else " ", style=style)
            yield line


def _tick(value: float) -> str:
    """A y label in at most 6 characters."""
    if value == 0 or 0.01 <= abs(value) < 1000:
        return f"{value:.3g}"
    return f"{value:.0e}"


def thin(points: Sequence[tuple[float, float]], buckets: int) -> list[tuple[float, float]]:
    """At most ``buckets`` points (the mean of each run of points), when there are many."""
    if len(points) <= buckets * 2:
        return list(points)
    step = len(points) / buckets
    kept: list[tuple[float, float]] = []
    for bucket in range(buckets):
        start, stop = int(bucket * step), int((bucket + 1) * step)
        chunk = points[start:stop]
        if chunk:
            kept.append((chunk[0][0], sum(y for _, y in chunk) / len(chunk)))
    return kept


def _segment(a: tuple[int, int], b: tuple[int, int]) -> list[tuple[int, int]]:
    """The pixels of a line from ``a`` to ``b`` (Bresenham)."""
    (x0, y0), (x1, y1) = a, b
    dx, dy = abs(x1 - x0), -abs(y1 - y0)
    sx, sy = (1 if x0 < x1 else -1), (1 if y0 < y1 else -1)
    error = dx + dy
    points = []
    while True:
        points.append((x0, y0))
        if (x0, y0) == (x1, y1):
            return points
        doubled = 2 * error
        if doubled >= dy:
            error += dy
            x0 += sx
        if doubled <= dx:
            error += dx
            y0 += sy
