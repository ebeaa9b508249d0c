"""``buildtrace run --check SCRIPT.py``: every Keras name a script uses that buildtrace lacks.

Static: the script is parsed, not run. Its imports of ``tensorflow``, ``keras`` and
``tf_keras`` (and of their submodules and names) bind aliases; every attribute chain
on an alias (``tf.keras.layers.LSTM``, ``layers.Dense``, ``K.mean``) and every
``from ... import name`` is then resolved against the modules the script would really
get under ``buildtrace run`` (the same import aliasing), one attribute at a time. A
chain stops being followed at the first class or function (what an object offers is
only known when the script runs).
"""

from __future__ import annotations

import ast
import importlib
import inspect
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from buildtrace.runner.aliases import is_alias, keras_aliases


@dataclass(frozen=True)
class Finding:
    """One unsupported name: where the script uses it, and what it is called."""

    line: int
    name: str  # e.g. "keras.layers.LSTM", "tensorflow.data"

    def describe(self, script: str) -> str:
        return f"{script}:{self.line}: `{self.name}` is not supported by buildtrace"


def _aliases(tree: ast.AST) -> tuple[dict[str, str], list[tuple[int, str, str]]]:
    """Local names bound to alias modules, and every ``from module import name`` used."""
    bound: dict[str, str] = {}
    imported: list[tuple[int, str, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if is_alias(alias.name):
                    if alias.asname:
                        bound[alias.asname] = alias.name
                    else:
                        top = alias.name.split(".")[0]
                        bound[top] = top
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if not is_alias(node.module):
                continue
            for alias in node.names:
                if alias.name == "*":
                    continue
                bound[alias.asname or alias.name] = f"{node.module}.{alias.name}"
                imported.append((node.lineno, node.module, alias.name))
    return bound, imported


def _chain(node: ast.Attribute) -> tuple[str, list[str]] | None:
    """``tf.keras.layers.Dense`` -> ("tf", ["keras", "layers", "Dense"])."""
    parts: list[str] = []
    current: ast.expr = node
    while isinstance(current, ast.Attribute):
        parts.append(current.attr)
        current = current.value
    if not isinstance(current, ast.Name):
        return None
    return current.id, parts[::-1]


def _resolve(path: str) -> Any:
    """The object a dotted alias path names under ``buildtrace run`` (raises if missing)."""
    parts = path.split(".")
    obj: Any = None
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        for attr in parts[i:]:
            obj = getattr(obj, attr)
        return obj
    raise ImportError(path)


def _missing(base: str, attrs: list[str]) -> str | None:
    """The first unsupported dotted name along ``base.attrs``, or None."""
    try:
        obj = _resolve(base)
    except (ImportError, AttributeError, NotImplementedError):
        return base
    name = base
    for attr in attrs:
        if inspect.isclass(obj) or (callable(obj) and not inspect.ismodule(obj)):
            return None  # an object's own attributes are known only at run time
        name = f"{name}.{attr}"
        try:
            obj = getattr(obj, attr)
        except (AttributeError, NotImplementedError):
            return name
    return None


def check_script(path: str | Path) -> list[Finding]:
    """Every unsupported Keras/TensorFlow name ``path`` uses, in line order, each once.

    Raises:
        SyntaxError: the script does not parse.
    """
    tree = ast.parse(Path(path).read_text(encoding="utf-8"), filename=str(path))
    bound, imported = _aliases(tree)
    found: dict[str, int] = {}
    with keras_aliases():
        for line, module, name in imported:
            missing = _missing(module, [name])
            if missing is not None:
                found.setdefault(missing, line)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Attribute) or isinstance(node.ctx, ast.Store):
                continue
            chain = _chain(node)
            if chain is None or chain[0] not in bound:
                continue
            missing = _missing(bound[chain[0]], chain[1])
            if missing is not None:
                found.setdefault(missing, node.lineno)
    named = sorted(found.items(), key=lambda item: (item[1], item[0]))
    return [Finding(line, _keras_name(name)) for name, line in named]


def _keras_name(name: str) -> str:
    """``tensorflow.keras.layers.LSTM`` -> ``keras.layers.LSTM`` (TensorFlow names stay)."""
    for prefix in ("tensorflow.keras.", "tf_keras."):
        if name.startswith(prefix):
            return "keras." + name[len(prefix) :]
    return name


def report_check(script: Path) -> int:
    """Print the findings for ``buildtrace run --check``; 1 if any, else 0."""
    import sys

    try:
        findings = check_script(script)
    except SyntaxError as err:
        print(f"{script}:{err.lineno}: SyntaxError: {err.msg}", file=sys.stderr)
        return 1
    for finding in findings:
        print(finding.describe(str(script)))
    if findings:
        print(f"{len(findings)} name(s) in {script.name} are not supported by buildtrace; "
              "docs/supported.md lists what is.")  # fmt: skip
        return 1
    print(f"{script.name}: every Keras name it uses is supported by buildtrace.")
    return 0
