"""``buildtrace run --check``: the unsupported names a script uses, found without running it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from buildtrace.runner.check import check_script

SCRIPT = """\
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers
from tensorflow.keras.layers import Dense, NoSuchLayer
import keras.backend as K
model = keras.Sequential([layers.Dense(3), layers.NotALayer(4), Dense(2)])
x = tf.no_such_op([1.0])
y = keras.utils.to_categorical([1, 2])
model.compile(optimizer=keras.optimizers.NoSuchOptimizer())
model.fit(x, y)  # an object's own methods are checked when it runs, not here
print("this line never runs under --check")
"""


def test_lists_every_unsupported_name_with_its_line(tmp_path: Path) -> None:
    script = tmp_path / "s.py"
    script.write_text(SCRIPT)
    found = [(f.line, f.name) for f in check_script(script)]
    assert found == [
        (4, "keras.layers.NoSuchLayer"),
        (6, "keras.layers.NotALayer"),
        (7, "tensorflow.no_such_op"),
        (9, "keras.optimizers.NoSuchOptimizer"),
    ]


def test_the_command_does_not_run_the_script(tmp_path: Path) -> None:
    script = tmp_path / "s.py"
    script.write_text(SCRIPT)
    result = subprocess.run(
        [sys.executable, "-m", "buildtrace", "run", "--check", str(script)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 1
    assert "never runs" not in result.stdout
    assert f"{script}:6: `keras.layers.NotALayer` is not supported by buildtrace" in result.stdout


def test_a_supported_script_passes(tmp_path: Path) -> None:
    script = tmp_path / "ok.py"
    script.write_text(
        "from tensorflow import keras\n"
        "m = keras.Sequential([keras.layers.Dense(2)])\n"
        "keras.utils.to_categorical([0, 1])\n"
    )
    assert check_script(script) == []
