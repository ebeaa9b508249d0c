"""Compare mode's motions over the aligned rows of the seed example under two engines."""

from __future__ import annotations

from pathlib import Path

import pytest

from buildtrace.engines.compare import Comparison, compare
from buildtrace.trace import read_trace
from tui.compare.cursor import AlignedRows, is_call


def comparison_of(pair: tuple[Path, Path]) -> Comparison:
    a, b = (list(read_trace(path).events) for path in pair)
    return compare(a, b, engines=("mini", "tf-keras"))


@pytest.fixture
def rows(engines_pair: tuple[Path, Path]) -> AlignedRows:
    return AlignedRows(comparison_of(engines_pair).rows)


def first_row(rows: AlignedRows, text: str) -> int:
    """The first row whose A (or B) step names ``text``."""
    for index, row in enumerate(rows.rows):
        item = row.a or row.b
        if item is not None and text in item.step[1]:
            return index
    raise AssertionError(f"no row for {text}")


def test_next_difference_is_tensorflows_second_trace_named_as_known(rows: AlignedRows) -> None:
    target = rows.step(0, "next_difference")
    assert target is not None
    row = rows.rows[target]
    assert row.op == "b_only" and row.known == "tf-second-trace"
    assert row.b is not None and row.b.step[1].endswith("Model.train_step")
    assert all(r.op == "equal" for r in rows.rows[:target])
    # The stretch is one difference: from inside it there is no next one, and going
    # back from its end lands on its start.
    assert rows.step(target + 1, "next_difference") is None
    assert rows.step(len(rows) - 1, "prev_difference") == target
    assert rows.step(target, "prev_difference") is None


def test_an_unexplained_difference_is_found_in_both_directions(
    differing_pair: tuple[Path, Path],
) -> None:
    rows = AlignedRows(comparison_of(differing_pair).rows)
    target = rows.step(0, "next_difference")
    assert target is not None
    row = rows.rows[target]
    assert row.known is None and row.op == "a_only"
    assert row.a is not None and row.a.step[:3] == ("add_weight", "dense_1", "kernel")
    later = rows.step(target, "next_difference")
    assert later is not None and rows.rows[later].known == "tf-second-trace"
    assert rows.step(later, "prev_difference") == target


def test_over_skips_a_calls_subtree_and_out_leaves_it(rows: AlignedRows) -> None:
    build = first_row(rows, "Sequential.build")
    after = rows.step(build, "over")
    assert after is not None and after > build + 1
    depth = rows.depths[build]
    assert all(d > depth for d in rows.depths[build + 1 : after])  # all of it inside
    assert rows.depths[after] <= depth
    # Out of the build's first inner call: the first row after that call, shallower.
    inside = build + 1
    out = rows.step(inside, "out")
    assert out is not None and rows.depths[out] < rows.depths[inside] and out > inside
    assert rows.step(inside, "up") == build
    assert rows.step(after, "back_over") == build


def test_into_goes_to_the_next_call_and_back_into_to_the_previous(rows: AlignedRows) -> None:
    fit = first_row(rows, "Model.fit")
    into = rows.step(fit, "into")
    assert into == fit + 1 and is_call(rows.rows[into])
    flag = next(i for i, r in enumerate(rows.rows) if r.a is not None and r.a.step[0] == "set")
    back = rows.step(flag, "back_into")
    assert back is not None and back < flag and is_call(rows.rows[back])
    assert all(not is_call(r) for r in rows.rows[back + 1 : flag])


def test_the_ends_and_the_edges(rows: AlignedRows) -> None:
    last = len(rows) - 1
    assert rows.step(5, "home") == 0 and rows.step(5, "end") == last
    assert rows.step(last, "next") is None and rows.step(0, "prev") is None
    assert rows.step(0, "up") is None and rows.step(0, "out") is None
    assert AlignedRows([]).step(0, "next") is None
