"""The readers pick events out by Keras names spelt once, in ``trace/keras_names.py``.

A reader that compares an event's name with a string of its own spelling
(``name == "keras.engine.base_layer.Layer._maybe_bulid"``) never matches and never
fails: the branch just goes dead. So no reader module may hold, as code, a Keras
function name or module prefix (``"keras.engine.sequential.Sequential.add"``,
``"keras.layers."``) or the class-and-method end of an engine function
(``"Sequential.add"``, matched with ``endswith``): they import ``keras_names``.

Words for people are not lookups: f-strings and the arguments of narration's ``code()``
may name functions freely. Narration's text tables register the texts of each layer's
functions under ``prefix + "Dense.build"``; the prefixes come from ``keras_names``.
"""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

from buildtrace.trace import keras_names

ROOT = Path(__file__).resolve().parents[2]

#: The packages that read events (ARCHITECTURE.md), and the commands above them.
READERS = (
    "buildtrace/state",
    "buildtrace/narration",
    "buildtrace/render",
    "buildtrace/lessons",
    "buildtrace/commands",
    "tui",
)

#: A full Keras name or a module prefix of one: ``keras.engine.``, ``keras.layers.core...``.
FULL_NAME = re.compile(r"^keras\.[a-z_0-9]+\.")
#: The engine classes whose methods the readers match by their end.
ENGINE_CLASSES = (
    "Layer", "BaseRandomLayer", "Model", "Sequential", "Functional", "InputLayer", "Node",
    "Optimizer",
)  # fmt: skip
SHORT_NAME = re.compile(rf"^({'|'.join(ENGINE_CLASSES)})\.\w+$")


def _is_prose(node: ast.AST, parents: dict[int, ast.AST]) -> bool:
    """Inside an f-string, or an argument of ``code(...)`` (a name shown to the reader)."""
    while id(node) in parents:
        node = parents[id(node)]
        if isinstance(node, ast.JoinedStr):
            return True
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "code"
        ):
            return True
    return False


def _spelt_names(path: Path, root: Path = ROOT) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
    }
    parents = {id(child): node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            continue
        if id(node) in docstrings or _is_prose(node, parents):
            continue
        if FULL_NAME.match(node.value) or SHORT_NAME.match(node.value):
            found.append(f"{path.relative_to(root)}:{node.lineno}: {node.value!r}")
    return found


def test_no_reader_spells_a_keras_name() -> None:
    spelt = [hit for package in READERS for p in sorted((ROOT / package).rglob("*.py"))
             for hit in _spelt_names(p)]  # fmt: skip
    assert not spelt, "use buildtrace.trace.keras_names instead:\n" + "\n".join(spelt)


def test_the_scan_sees_a_spelt_name(tmp_path: Path) -> None:
    """The check above can fail: a comparison with a literal name is found, prose is not."""
    example = tmp_path / "example.py"
    example.write_text(
        "def f(event, code):\n"
        '    """keras.engine.base_layer.Layer.build in a docstring is fine."""\n'
        "    text = f\"see {code('Sequential.add')}\" + code('Layer.build')\n"
        '    return event["name"] == "keras.engine.base_layer.Layer.build" or text.endswith(\n'
        '        "Sequential.add")\n',
        encoding="utf-8",
    )
    hits = [hit.split(": ", 1)[1] for hit in _spelt_names(example, tmp_path)]
    assert hits == ["'keras.engine.base_layer.Layer.build'", "'Sequential.add'"]


def test_every_name_is_a_function_of_the_mini_keras() -> None:
    """Each constant names a real module, class or function, so none is misspelt itself."""
    for constant, name in vars(keras_names).items():
        if not constant.isupper() or not isinstance(name, str):
            continue
        parts = name.removesuffix(".").split(".")
        for split in range(len(parts), 0, -1):
            try:
                target: object = importlib.import_module("buildtrace." + ".".join(parts[:split]))
            except ImportError:
                continue
            for attribute in parts[split:]:
                assert hasattr(target, attribute), f"{constant} = {name!r}: no {attribute}"
                target = getattr(target, attribute)
            break
        else:
            raise AssertionError(f"{constant} = {name!r}: no such module")
