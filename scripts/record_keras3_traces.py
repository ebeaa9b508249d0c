"""Record the Keras 3 traces the tests read without Keras installed.

* ``tests/data/keras3/seed_keras3.jsonl``: ``samples/seed.py`` under ``--engine keras3``
  (Keras 3 on TensorFlow's CPU backend), stopped once its ``compile`` is complete: the
  build, the summary and the compile, as the views fold them (tests/state/test_keras3_views.py);
* ``tests/data/keras3/seed_build_tf_keras.jsonl`` and ``seed_build_keras3.jsonl``: the
  built-in lesson script ``seed_build.py`` under tf-keras and Keras 3, the two runs the
  lesson ``keras3-changes`` walks (tests/lessons/test_keras3_lesson.py).

Each run is ``buildtrace run --engine ... -o ...`` in a child process of its own (a
process holds tf-keras or Keras 3, not both), with the stand-in digits. Run it again when
the engines or the tracer change, from the repository's root:

    .venv/bin/python scripts/record_keras3_traces.py
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "keras3"
SEED_BUILD = ROOT / "buildtrace" / "lessons" / "builtin" / "scripts" / "seed_build.py"

#: (trace file, engine, script, where the run stops)
RUNS = (
    ("seed_keras3.jsonl", "keras3", ROOT / "samples" / "seed.py", "compile"),
    ("seed_build_tf_keras.jsonl", "tf-keras", SEED_BUILD, "end"),
    ("seed_build_keras3.jsonl", "keras3", SEED_BUILD, "end"),
)


def main() -> int:
    DATA.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "BUILDTRACE_MNIST_STANDIN": "1", "PYTHONPATH": str(ROOT)}
    for name, engine, script, until in RUNS:
        target = DATA / name
        target.unlink(missing_ok=True)
        command = [sys.executable, "-m", "buildtrace", "run", "--engine", engine, "--until",
                   until, "--no-tree", "-o", str(target), str(script)]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
        if done.returncode != 0:
            print(done.stderr[-2000:], file=sys.stderr)
            return done.returncode
        said = [ln for ln in done.stderr.splitlines() if " events" in ln]
        print(f"{target.relative_to(ROOT)}: {said[-1] if said else done.stderr.strip()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
