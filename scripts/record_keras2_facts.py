"""Record what real Keras 2 does off the seed path, as facts the tests compare with.

Each scenario in ``tests/data/keras2_facts/scenarios/`` is a plain Keras script. It is
run here under tf-keras 2.21 (the real Keras 2 engine, recorded by
:mod:`buildtrace.engines.tf_keras`), and the tests run the very same script under the
mini-Keras. A scenario marks the parts of its trace that matter with ``mark(name)``,
stores values with ``fact(name, value)`` and printed tables with ``summary(name, model)``.

What is kept, per scenario, in ``tests/data/keras2_facts/<scenario>.json``: each marked
section of the trace reduced to the teaching set (:mod:`buildtrace.state.teaching`),
the facts and the ``summary()`` texts. Run it again only when the scenarios change:

    TF_USE_LEGACY_KERAS=1 PYTHON_WITH_TF_KERAS scripts/record_keras2_facts.py [NAME ...]
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from buildtrace.engines import engine_session
from buildtrace.state.teaching import teaching_steps
from buildtrace.trace import BUS, Event

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "keras2_facts"
SCENARIOS = DATA / "scenarios"

ORIGIN = (
    "recorded from tf-keras 2.21.0 on TensorFlow 2.21 CPU by scripts/record_keras2_facts.py; "
    "trace sections reduced to buildtrace's teaching set"
)


def run_scenario(path: Path, engine: str) -> dict[str, Any]:
    """Run one scenario under ``engine``; return its sections, facts and summaries."""
    events: list[Event] = []
    marks: list[tuple[str, int]] = []
    facts: dict[str, Any] = {}
    summaries: dict[str, str] = {}

    def mark(name: str) -> None:
        marks.append((name, len(events)))

    def fact(name: str, value: Any) -> None:
        facts[name] = value

    def summary(name: str, model: Any) -> None:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            model.summary()
        summaries[name] = out.getvalue()

    scope = {"__name__": "__main__", "mark": mark, "fact": fact, "summary": summary}
    code = compile(path.read_text(), str(path), "exec")
    unsubscribe = BUS.subscribe(events.append)
    try:
        with _session(engine, traced="mark(" in path.read_text()):
            exec(code, scope)
    finally:
        unsubscribe()
    sections = {
        name: [list(step) for step in teaching_steps(events[start:end])]
        for (name, start), (_, end) in zip(marks, [*marks[1:], ("", len(events))])
    }
    # Through JSON, so that a run compares equal to its recording (tuples become lists).
    result = {"sections": sections, "facts": facts, "summaries": summaries}
    loaded: dict[str, Any] = json.loads(json.dumps(result))
    return loaded


def _session(engine: str, traced: bool) -> contextlib.AbstractContextManager[Any]:
    """The engine's session; for tf-keras without a trace when nothing is marked.

    Under the recording tracer tf-keras 2.21 drops the loss of every output but the first
    when ``compile(loss="mse")`` is given one loss for two outputs (a plain run keeps
    both), so a scenario that only needs values runs tf-keras untraced.
    """
    if engine == "mini" or traced:
        return engine_session(engine)
    from buildtrace.engines import tf_keras

    tf_keras.import_engine()
    return tf_keras._keras_is_tf_keras()


def main(names: list[str]) -> None:
    for path in sorted(SCENARIOS.glob("*.py")):
        if names and path.stem not in names:
            continue
        result = run_scenario(path, "tf-keras")
        data = {"origin": ORIGIN, "scenario": f"scenarios/{path.name}", **result}
        (DATA / f"{path.stem}.json").write_text(json.dumps(data, indent=1) + "\n")
        for name, text in result["summaries"].items():
            (DATA / f"{path.stem}.{name}.txt").write_text(text)
        print(path.stem, {k: len(v) for k, v in result["sections"].items()})


if __name__ == "__main__":
    main(sys.argv[1:])
