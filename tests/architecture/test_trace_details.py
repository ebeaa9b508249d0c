"""The engine's instrumentation stays one readable decorator line per function.

An event's extra fields (``input_shape`` of a ``build``...) come from a named helper in
``keras/engine/trace_details.py``: a reader of ``Dense.build`` sees
``@traced(details=trace_details.build_details)`` and can look it up, where a lambda
repeated in thirty files would hide what the trace records.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from buildtrace.keras.engine import trace_details

ROOT = Path(__file__).resolve().parents[2]
_DECORATORS = {"traced", "traced_as"}


def _lambdas_in_decorators(source: str) -> list[int]:
    """Line numbers of ``@traced(details=lambda ...)``-like decorators in ``source``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for decorator in node.decorator_list:
            if not isinstance(decorator, ast.Call):
                continue
            func = decorator.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name in _DECORATORS and any(
                isinstance(keyword.value, ast.Lambda) for keyword in decorator.keywords
            ):
                found.append(decorator.lineno)
    return found


def test_no_traced_decorator_in_the_engine_takes_a_lambda() -> None:
    offenders = []
    for path in sorted((ROOT / "buildtrace" / "keras").rglob("*.py")):
        for line in _lambdas_in_decorators(path.read_text(encoding="utf-8")):
            offenders.append(f"{path.relative_to(ROOT)}:{line}")
    assert not offenders, f"name these details in keras/engine/trace_details.py: {offenders}"


def test_the_check_finds_a_lambda_in_a_decorator() -> None:
    source = (
        "@traced(details=lambda self, input_shape: {'input_shape': input_shape})\n"
        "def build(self, input_shape): ...\n"
        "@traced(details=trace_details.build_details)\n"
        "def call(self, inputs): ...\n"
    )
    assert _lambdas_in_decorators(source) == [1]


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [(("layer", (None, 4)), {}), (("layer",), {"input_shape": (None, 4)})],
)
def test_build_details_reads_the_shape_given_by_position_or_keyword(
    args: tuple[object, ...], kwargs: dict[str, object]
) -> None:
    assert trace_details.build_details(*args, **kwargs) == {"input_shape": (None, 4)}
