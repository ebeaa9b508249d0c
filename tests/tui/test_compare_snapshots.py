"""SVG snapshots of compare mode (update: pytest --snapshot-update), at 80x24 and 120x36.

The traces are the committed recordings of the seed example under mini and tf-keras
(``tests/data/compare``), so the pictures are the same on every run.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tui.compare.app import create_compare_app

#: pytest-textual-snapshot's ``snap_compare`` fixture.
SnapCompare = Callable[..., bool]

CLASSROOM = (80, 24)
WIDE = (120, 36)


def test_compare_mode_at_80x24(engines_pair: tuple[Path, Path], snap_compare: SnapCompare) -> None:
    app = create_compare_app(*engines_pair)
    keys = ["n", "n", "s", "s"]  # the first Dense's Layer.__init__, in both traces
    assert snap_compare(app, press=keys, terminal_size=CLASSROOM)


def test_compare_mode_at_the_known_difference(
    engines_pair: tuple[Path, Path], snap_compare: SnapCompare
) -> None:
    app = create_compare_app(*engines_pair)
    assert snap_compare(app, press=["d"], terminal_size=CLASSROOM)


def test_compare_mode_wide_at_an_unexplained_difference(
    differing_pair: tuple[Path, Path], snap_compare: SnapCompare
) -> None:
    app = create_compare_app(*differing_pair)
    assert snap_compare(app, press=["d"], terminal_size=WIDE)
