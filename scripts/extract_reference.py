"""Reduce the recorded Keras 2 reference traces to their teaching set, for the tests.

The recordings (made from tf-keras 2.21) live outside the repository; the tests must
run without them, so this script writes the few reduced sequences they need into
``tests/data/``. Run it again only if the recordings change:

    python scripts/extract_reference.py PATH/TO/reference/keras2
"""

from __future__ import annotations

import ast
import json
import re
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from buildtrace.state.teaching import teaching_step


def _layer(self_field: str | None) -> str | None:
    if not self_field or ":" not in self_field:
        return None
    return self_field.split(":", 1)[1]


def _value(text: str) -> Any:
    return None if text in ("'<unset>'", "<unset>") else ast.literal_eval(text)


def from_json(path: Path) -> list[list[Any]]:
    """Reduce a full ``*.json`` recording."""
    steps = []
    for raw in json.loads(path.read_text()):
        name = raw["name"].replace("tf_keras.src.", "keras.")
        cls = (raw.get("self") or raw.get("obj") or raw.get("layer") or "").split(":")[0]
        event: dict[str, Any] = {"kind": raw["kind"], "name": name}
        if cls and raw["kind"] == "call" and raw.get("self"):
            event["cls"] = cls
        event["cls_for_filter"] = cls
        if raw["kind"] == "call":
            event["layer"] = _layer(raw.get("self"))
        elif raw["kind"] == "set":
            event.update(
                layer=_layer(raw["obj"]),
                attr=raw["attr"],
                value=_value(raw["value"]),
                old=_value(raw["old"]),
            )
        elif raw["kind"] == "add_weight":
            event.update(
                layer=_layer(raw["layer"]),
                weight=raw["weight_name"],
                shape=raw["variable_shape"],
                initializer=raw["initializer_class"],
            )
        else:
            continue
        if cls in {"Mean", "MeanMetricWrapper"}:
            continue
        step = teaching_step(event)
        if step is not None:
            steps.append(list(step))
    return steps


_CALL = re.compile(r"^(\s*)([\w.<>]+) ?(?:\[(\w+)(?::(\w+))?\])?$")
_SET = re.compile(r">> set (\S+)\.(\w+) = (\w+)\s+\(was (.+?); ")
_RAISE = re.compile(r"^!! raise (?:builtins\.)?(\w+): '(.*)' \(")
_WEIGHT = re.compile(r">> add_weight \w+:(\w+) (\w+) shape=\[([\d, ]*)\] init=(\w+)")


def from_condensed(path: Path) -> list[list[Any]]:
    """Reduce a ``*.condensed.txt`` recording (used for the construction trace)."""
    steps = []
    last_call = ""
    for line in path.read_text().splitlines():
        text = line.strip()
        if match := _SET.search(text):
            obj, attr, value, old = match.groups()
            layer = None if obj.startswith("<") else obj
            event = {
                "kind": "set",
                "layer": layer,
                "attr": attr,
                "value": _value(value),
                "old": _value(old),
            }
        elif match := _WEIGHT.search(text):
            layer, weight, shape, init = match.groups()
            dims = [int(d) for d in shape.split(",") if d.strip()]
            event = {
                "kind": "add_weight",
                "layer": layer,
                "weight": weight,
                "shape": dims,
                "initializer": init,
            }
        elif match := _RAISE.search(text):
            error_type, message = match.groups()
            event = {
                "kind": "raise",
                "name": last_call,
                "error_type": error_type,
                "message": message,
            }
        elif (match := _CALL.match(line)) and not text.startswith(("!!", ">>")):
            _, name, cls, layer = match.groups()
            event = {"kind": "call", "name": "keras." + name, "layer": layer}
            last_call = "keras." + name
            if cls:
                event["cls"] = cls
        else:
            continue
        step = teaching_step(event)
        if step is not None:
            steps.append(list(step))
    return steps


def main() -> None:
    source = Path(sys.argv[1])
    out = Path(__file__).resolve().parent.parent / "tests" / "data"
    data = {
        "origin": "tf-keras 2.21.0 on TensorFlow 2.21 CPU, Python 3.11: every Python call in "
        "the tf_keras package and every write of built/_graph_initialized, reduced to "
        "buildtrace's teaching set (scripts/extract_reference.py).",
        "construct": from_condensed(source / "seed_construct.condensed.txt"),
        "build": from_json(source / "seed_build.json"),
        "no_input_shape": from_condensed(source / "no_input_shape.condensed.txt"),
    }
    lines = [f' "origin": {json.dumps(data.pop("origin"))}']
    for key, steps in data.items():
        body = ",\n".join("  " + json.dumps(step) for step in steps)
        lines.append(f' "{key}": [\n{body}\n ]')
    (out / "keras2_seed_reference.json").write_text("{\n" + ",\n".join(lines) + "\n}\n")
    print({k: len(v) for k, v in data.items()})


if __name__ == "__main__":
    main()
