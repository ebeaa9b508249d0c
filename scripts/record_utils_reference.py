"""Record what tf-keras 2.21's ``keras.utils`` returns, for ``tests/keras/utils``.

Run by hand with TensorFlow installed (the test suite never needs it)::

    TF_USE_LEGACY_KERAS=1 python scripts/record_utils_reference.py

Writes ``tests/data/keras2/utils_reference.json``.
"""

from __future__ import annotations

import inspect
import json
from pathlib import Path

import numpy as np
import tf_keras as keras

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "keras2" / "utils_reference.json"

CASES = {
    "flat": ([0, 2, 1], None),
    "column": ([[1], [3]], None),
    "num_classes": ([1, 0], 4),
    "matrix": ([[0, 1], [2, 0]], None),
    "scalar": (3, None),
    "num_classes_zero": ([0, 1], 0),
    "floats": ([0.0, 2.0], None),
}


def main() -> None:
    facts: dict[str, object] = {"recorded_with": f"tf-keras {keras.__version__}"}
    categorical = {}
    for name, (y, num_classes) in CASES.items():
        result = keras.utils.to_categorical(y, num_classes)
        categorical[name] = {
            "y": y,
            "num_classes": num_classes,
            "shape": list(result.shape),
            "dtype": str(result.dtype),
            "values": result.tolist(),
        }
    facts["to_categorical"] = categorical
    x = np.array([[3.0, 4.0], [0.0, 0.0], [1.0, 1.0]])
    facts["normalize"] = {
        "x": x.tolist(),
        "axis_-1": keras.utils.normalize(x).tolist(),
        "axis_0_order_1": keras.utils.normalize(x, axis=0, order=1).tolist(),
    }
    facts["signatures"] = {
        name: str(inspect.signature(getattr(keras.utils, name)))
        for name in ("to_categorical", "normalize", "get_file", "plot_model", "pad_sequences")
    }
    seqs = [[1, 2, 3], [4], [], [5, 6, 7, 8, 9]]
    facts["pad_sequences"] = {
        "sequences": seqs,
        "default": keras.utils.pad_sequences(seqs).tolist(),
        "maxlen3_post_post": keras.utils.pad_sequences(
            seqs, maxlen=3, padding="post", truncating="post"
        ).tolist(),
        "maxlen2_value9": keras.utils.pad_sequences(seqs, maxlen=2, value=9).tolist(),
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(facts, indent=1) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
