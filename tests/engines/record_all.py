"""Record scripts under one engine, in one process (TensorFlow is imported once).

    python tests/engines/record_all.py ENGINE UNTIL OUT_DIR SCRIPT.py [SCRIPT.py ...]

Writes ``OUT_DIR/<script stem>.jsonl`` for each script; the scripts' own output is
discarded. Used by the engines' self-check test.
"""

from __future__ import annotations

import contextlib
import io
import sys
from pathlib import Path

from buildtrace.runner.script import run_script


def main(argv: list[str]) -> int:
    engine, until, out = argv[0], argv[1], Path(argv[2])
    for script in map(Path, argv[3:]):
        with contextlib.redirect_stdout(io.StringIO()):
            result = run_script(
                script, [], out / f"{script.stem}.jsonl", until=until, engine=engine
            )
        print(f"{script.name}: {len(result.events)} events, exit {result.exit_code}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
