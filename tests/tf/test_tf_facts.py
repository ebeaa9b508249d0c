"""``buildtrace.tf`` gives what TensorFlow gives: values, dtypes, shapes, errors, gradients.

The snippets are in ``cases.py``; what real TensorFlow returned for each is in
``tests/data/tf_facts.json`` (recorded from TensorFlow 2.21 by
``scripts/record_tf_facts.py``). No TensorFlow is needed to run these tests.
"""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from buildtrace import tf


def _load_cases() -> dict[str, str]:
    # By path: the snippets module is shared with scripts/record_tf_facts.py.
    spec = importlib.util.spec_from_file_location(
        "tf_fact_cases", Path(__file__).parent / "cases.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return dict(module.CASES)


CASES = _load_cases()
FACTS = json.loads((Path(__file__).parent.parent / "data" / "tf_facts.json").read_text())["cases"]


def _run(code: str) -> Any:
    scope: dict[str, Any] = {"tf": tf, "np": np}
    exec(code, scope)
    return scope["out"]


def _core(message: str) -> str:
    """A TensorFlow message without its node prefix, op suffix and ``name:`` tail."""
    message = re.sub(r"^\{\{[^}]*\}\} ", "", message)
    message = re.sub(r" \[Op:\w+\].*$", "", message)
    return message.strip()


def _check(fact: dict[str, Any], got: Any, where: str) -> None:
    if "none" in fact:
        assert got is None, where
    elif "list" in fact:
        assert isinstance(got, list | tuple) and len(got) == len(fact["list"]), where
        for i, (item, value) in enumerate(zip(fact["list"], got)):
            _check(item, value, f"{where}[{i}]")
    elif "python" in fact:
        assert got == fact["python"], where
    else:
        array = np.asarray(got)
        assert tf.as_dtype(array.dtype).name == fact["dtype"], where
        assert list(array.shape) == fact["shape"], where
        if array.dtype.kind == "f":
            np.testing.assert_allclose(array, np.asarray(fact["value"]), rtol=1e-6, atol=1e-7)
        else:
            assert array.tolist() == fact["value"], where


@pytest.mark.parametrize("name", sorted(CASES))
def test_same_result_as_tensorflow(name: str) -> None:
    fact = FACTS[name]
    if "error" in fact:
        with pytest.raises(Exception) as caught:
            _run(CASES[name])
        assert type(caught.value).__name__ == fact["error"]
        ours = _core(str(caught.value))
        assert _core(fact["message"]).startswith(ours), (ours, fact["message"])
        return
    _check(fact, _run(CASES[name]), name)


def test_every_case_has_a_recorded_fact() -> None:
    assert set(CASES) == set(FACTS)
