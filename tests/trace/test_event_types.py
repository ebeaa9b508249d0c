"""The typed contract (``event_types``) says what the run-time contract (``contract``) checks.

mypy trusts the TypedDicts; the reader trusts ``check_event``. If the two drift apart, a
field read that type-checks could meet a value the contract let through with another
type, or a field the contract checks could be missing from the types (and so be
unreadable without a type error). These tests keep them one contract.
"""

from __future__ import annotations

import types
import typing
from typing import Any, Literal, Union, get_args, get_origin, get_type_hints

import pytest

from buildtrace.trace import contract, event_types
from buildtrace.trace.event_types import TYPED_KINDS, Event, EventKey

#: Values of every JSON shape a field can take (the contract's bounds are far away).
SAMPLES: tuple[Any, ...] = (
    None, True, False, 0, 3, -2, 1.5, "x", [], [1, 2], [None, 3], [[None, 2]], [[1], [2, 3]],
    ["a"], ["a", "b"], [["a", 0, 0]], [["a"]], {"loss": 0.5}, {}, {"units": 3},
)  # fmt: skip


#: Fields whose type is knowingly looser than their check, and why.
LOOSER_TYPES = {
    "inbound": "an entry is [layer, node index, tensor index]; list[str | int] cannot say "
    "that the first item is the string",
}


def _fits(value: Any, hint: Any) -> bool:
    """Whether a JSON value is of type ``hint`` (as mypy reads it: an int is a float)."""
    if hint is Any or hint is object:
        return True
    if hint is None or hint is type(None):
        return value is None
    origin = get_origin(hint)
    if origin in (Union, types.UnionType):
        return any(_fits(value, arm) for arm in get_args(hint))
    if origin is Literal:
        return value in get_args(hint)
    if origin is list:
        (item,) = get_args(hint)
        return type(value) is list and all(_fits(v, item) for v in value)
    if origin is dict:
        key, item = get_args(hint)
        return type(value) is dict and all(
            _fits(k, key) and _fits(v, item) for k, v in value.items()
        )
    if hint is float:
        return type(value) in (int, float)
    return type(value) is hint


def _contract_fields(kind: str) -> dict[str, tuple[contract.Check, bool]]:
    spec = contract.COMMON + contract.BY_KIND[kind]
    return {name: (check, required) for name, check, required, _ in spec}


@pytest.mark.parametrize("kind", sorted(contract.KNOWN_KINDS))
def test_every_kind_has_a_typed_dict_with_the_contracts_fields(kind: str) -> None:
    typed = TYPED_KINDS[kind]
    fields = _contract_fields(kind)
    assert set(typed.__annotations__) == set(fields) | {"v", "kind"}
    required = {name for name, (_, needed) in fields.items() if needed} | {"kind"}
    assert typed.__required_keys__ == required  # type: ignore[attr-defined]
    assert get_args(get_type_hints(typed)["kind"]) == (kind,) or kind in get_args(
        get_type_hints(typed)["kind"]
    )


@pytest.mark.parametrize("kind", sorted(contract.KNOWN_KINDS))
def test_the_types_accept_what_the_contract_accepts(kind: str) -> None:
    """Each field's type lets through the sample values its check lets through, and no
    other (up to the sign of a count)."""
    hints = get_type_hints(TYPED_KINDS[kind])
    for name, (check, _) in _contract_fields(kind).items():
        if hints[name] is object:  # a recursive shape-like: the check is the whole story
            continue
        for value in SAMPLES:
            # What the contract lets through is of the declared type (mypy's belief holds),
            # and the type refuses what the contract refuses, but for the signs of numbers:
            # a type cannot say "a whole number >= 0".
            accepted, fits = check(value), _fits(value, hints[name])
            looser = value == -2 or name in LOOSER_TYPES
            assert fits if accepted else (not fits or looser), (kind, name, value)


def test_the_reader_view_holds_every_field_of_every_kind_with_the_same_type() -> None:
    flat = get_type_hints(Event)
    for kind, typed in TYPED_KINDS.items():
        for name, hint in get_type_hints(typed).items():
            if name != "kind":
                assert flat[name] == hint, (kind, name)
    every = set().union(*(set(typed.__annotations__) for typed in TYPED_KINDS.values()))
    assert set(flat) == every
    assert Event.__required_keys__ == frozenset()  # type: ignore[attr-defined]
    assert set(get_args(EventKey)) == set(flat)


def test_the_version_is_an_optional_field_of_every_kind() -> None:
    for typed in TYPED_KINDS.values():
        assert "v" in typed.__optional_keys__  # type: ignore[attr-defined]


def test_narrowing_helpers_tell_kinds_apart() -> None:
    helpers = {
        "call": event_types.is_call,
        "return": event_types.is_return,
        "raise": event_types.is_raise,
        "set": event_types.is_set,
        "add_weight": event_types.is_add_weight,
        "compile": event_types.is_compile,
        "batch_end": event_types.is_training,
        "epoch_begin": event_types.is_training,
    }
    for kind, helper in helpers.items():
        for other in contract.KNOWN_KINDS:
            event: Event = {"kind": other}
            expected = other == kind or (
                helper is event_types.is_training
                and other in typing.get_args(event_types.TrainingKind)
            )
            assert helper(event) == expected, (helper.__name__, other)
