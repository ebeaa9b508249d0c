"""The packages depend on each other one way only (see ARCHITECTURE.md).

Each package has a rank; a module may import, at module level, only packages of a lower
rank than its own (or its own package). An import inside a function (a lazy import)
that goes *up* must be listed in ``LAZY_UPWARD`` with its reason: it is a deliberate
exception, like Keras importing pydot only when ``plot_model`` is called. Imports under
``if TYPE_CHECKING:`` are for the type checker only and do not count.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

#: The layers, lowest first. Within one line of ARCHITECTURE.md's picture the order is
#: the order the real imports have (narration reads state, render reads narration...).
RANKS: dict[str, int] = {
    "trace": 0,
    "buildtrace": 1,  # the package's own __init__: `buildtrace.record`, re-exported from trace
    "tf": 2,
    "keras": 3,
    "state": 4,
    "narration": 5,
    "render": 6,
    "lessons": 7,
    "engines": 8,
    "runner": 9,
    "tui": 10,
    "commands": 11,
    "cli": 12,
}

#: (importing module, imported package) -> why an upward import exists, inside a function.
LAZY_UPWARD: dict[tuple[str, str], str] = {
    ("buildtrace.keras.utils.vis_utils", "render"): (
        "keras.utils.plot_model draws with buildtrace.render, only when a script asks for a "
        "picture (Keras imports pydot the same way)"
    ),
    ("buildtrace.lessons.walkthrough", "runner"): (
        "a lesson with no recorded trace runs its script to get one"
    ),
    ("buildtrace.engines", "runner"): (
        "the mini engine's session installs the runner's tensorflow/keras aliases while a "
        "script runs under it"
    ),
    ("buildtrace.commands.diagram", "cli"): "the shared --engine argument is defined by the CLI",
    ("buildtrace.commands.tui", "cli"): "the shared --engine argument is defined by the CLI",
    ("buildtrace.commands.lesson", "cli"): "the shared --engine argument is defined by the CLI",
    ("buildtrace.commands.serve", "cli"): "the shared --engine argument is defined by the CLI",
}


def _package(module: str, names: list[str]) -> list[str]:
    """The packages (keys of RANKS) an import of ``module`` (``from module import names``)
    reaches; ``from buildtrace import keras`` reaches ``keras``."""
    parts = module.split(".")
    if parts[0] == "tui":
        return ["tui"]
    if parts[0] != "buildtrace":
        return []
    if len(parts) == 1:
        return [n if n in RANKS else "buildtrace" for n in names] or ["buildtrace"]
    return ["cli" if parts[1] in ("cli", "__main__") else parts[1]]


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path, module: str | None = None) -> list[tuple[str, int, bool]]:
    """``(imported package, line, lazy)`` for every import of a buildtrace/tui package."""
    module = module or _module_name(path)
    own_package = path.name == "__init__.py"
    found: list[tuple[str, int, bool]] = []

    def visit(node: ast.AST, lazy: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                continue
            if isinstance(child, ast.Import):
                for alias in child.names:
                    found.extend((p, child.lineno, lazy) for p in _package(alias.name, []))
            elif isinstance(child, ast.ImportFrom):
                target = child.module or ""
                if child.level:
                    base = module.split(".")[: None if own_package else -1]
                    base = base[: len(base) - (child.level - 1)]
                    target = ".".join([*base, *([child.module] if child.module else [])])
                names = [alias.name for alias in child.names]
                found.extend((p, child.lineno, lazy) for p in _package(target, names))
            inner = isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
            visit(child, lazy or inner)

    visit(ast.parse(path.read_text(encoding="utf-8")), False)
    return found


def _modules() -> list[Path]:
    paths = [*ROOT.glob("buildtrace/**/*.py"), *ROOT.glob("tui/**/*.py")]
    # The lesson scripts are user programs (they `import tensorflow`), not modules.
    return sorted(p for p in paths if "lessons/builtin/scripts" not in p.as_posix())


def _own_package(path: Path) -> str:
    return _package(_module_name(path), [])[0]


def _upward() -> tuple[list[str], set[tuple[str, str]]]:
    eager: list[str] = []
    lazy: set[tuple[str, str]] = set()
    for path in _modules():
        own = _own_package(path)
        for package, line, is_lazy in _imports(path):
            if package == own or RANKS[package] < RANKS[own]:
                continue
            where = f"{path.relative_to(ROOT)}:{line} ({own} imports {package})"
            if is_lazy:
                lazy.add((_module_name(path), package))
            else:
                eager.append(where)
    return eager, lazy


def test_no_module_imports_a_higher_package_at_module_level() -> None:
    eager, _ = _upward()
    assert eager == []


def test_every_lazy_upward_import_is_listed_with_its_reason() -> None:
    _, lazy = _upward()
    assert sorted(lazy - set(LAZY_UPWARD)) == []


def test_the_list_of_lazy_upward_imports_has_no_stale_entries() -> None:
    _, lazy = _upward()
    assert sorted(set(LAZY_UPWARD) - lazy) == []


def test_the_checker_sees_an_upward_import(tmp_path: Path) -> None:
    path = tmp_path / "probe.py"
    path.write_text(
        "from buildtrace.render import diagrams\n\ndef f():\n    from buildtrace import cli\n"
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from tui import app\n",
        encoding="utf-8",
    )
    found = _imports(path, module="buildtrace.keras.probe")
    assert found == [("render", 1, False), ("cli", 4, True)]
