"""Packing the build diagram's stages into rows (buildtrace/render/layout.py)."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from buildtrace.render.layout import EXHAUSTIVE, pack_rows

sizes = st.lists(
    st.tuples(st.floats(10, 3000), st.floats(10, 3000)), min_size=1, max_size=EXHAUSTIVE + 4
)


@given(sizes)
def test_rows_keep_every_box_once_in_order(boxes: list[tuple[float, float]]) -> None:
    rows = pack_rows(boxes)
    assert list(itertools.chain.from_iterable(rows)) == list(range(len(boxes)))
    assert all(rows)


def test_a_small_box_goes_above_a_wide_and_a_tall_one() -> None:
    # The seed: a one-box check, a wide tree of layer calls, a tall thin graph mapping.
    assert pack_rows([(266, 173), (1324, 960), (612, 689)]) == [[0], [1, 2]]


def test_equal_boxes_make_a_screen_shaped_grid() -> None:
    rows = pack_rows([(100.0, 100.0)] * 10)
    assert [len(row) for row in rows] == [4, 4, 2]  # 400 x 300: nearest to 16:10


def test_nothing_to_pack() -> None:
    assert pack_rows([]) == []
