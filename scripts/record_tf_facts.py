"""Record what real TensorFlow gives for the snippets of ``tests/tf/cases.py``.

Run with TensorFlow installed (the facts in ``tests/data/tf_facts.json`` were recorded
with TensorFlow 2.21)::

    python scripts/record_tf_facts.py

Each case's result is stored as ``{"value", "dtype", "shape"}`` (a list of those for a
list of tensors, ``{"none": true}`` for None), or ``{"error": class name, "message"}``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import tensorflow as tf

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "tf"))

from cases import CASES  # noqa: E402


def describe(value: Any) -> Any:
    if value is None:
        return {"none": True}
    if isinstance(value, list | tuple):
        return {"list": [describe(v) for v in value]}
    if isinstance(value, tf.Tensor | tf.Variable | np.ndarray | np.generic):
        array = np.asarray(value)
        return {
            "value": array.tolist(),
            "dtype": tf.as_dtype(array.dtype).name,
            "shape": list(array.shape),
        }
    return {"python": value}


def main() -> None:
    facts: dict[str, Any] = {
        "origin": f"recorded from TensorFlow {tf.__version__} by scripts/record_tf_facts.py",
        "cases": {},
    }
    for name, code in CASES.items():
        scope: dict[str, Any] = {"tf": tf, "np": np}
        try:
            exec(code, scope)
            facts["cases"][name] = describe(scope["out"])
        except Exception as exc:  # the error is the fact
            message = str(exc).replace("\n", " ")
            facts["cases"][name] = {"error": type(exc).__name__, "message": message[:300]}
    out = ROOT / "tests" / "data" / "tf_facts.json"
    out.write_text(json.dumps(facts, indent=1) + "\n")
    print(f"wrote {len(CASES)} facts to {out}")


if __name__ == "__main__":
    main()
