"""Every package the code imports directly is declared in ``pyproject.toml``.

A package that arrives only because another one depends on it (``aiohttp`` through
``textual-serve``, say) can leave with that package's next release: buildtrace would
then fail at import on a fresh install. So ``buildtrace/`` and ``tui/`` import only
what ``[project] dependencies`` declares, or what an extra declares for the code that
needs it (the real engines: ``tf-keras``, ``keras3``); the tests import the project's
and the ``dev`` extra's.
"""

from __future__ import annotations

import ast
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]

#: Our own top-level packages, the tests' helper modules and the scripts they load.
FIRST_PARTY = {"buildtrace", "tui", "samples", "tests", "conftest"} | {
    p.stem for folder in ("tests", "scripts") for p in (ROOT / folder).rglob("*.py")
}
#: Imports nothing needs to declare, and why.
UNDECLARED_ON_PURPOSE = {
    # Asks the IPython that runs the notebook whether it is one: there is nothing to
    # install (outside Jupyter the import fails and the answer is "no").
    "IPython": "buildtrace/render/jupyter.py",
}
#: Import names whose distribution is not installed here to ask ``importlib.metadata``.
KNOWN_DISTRIBUTIONS = {
    "tensorflow": ("tensorflow", "tensorflow-cpu"),
    "tf_keras": ("tf-keras",),
    "keras": ("keras",),
}


def _normalized(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def _declared(*groups: str) -> set[str]:
    requirements = list(PROJECT["dependencies"])
    for group in groups:
        requirements += PROJECT["optional-dependencies"][group]
    return {_normalized(Requirement(r).name) for r in requirements}


def _imports(folder: Path, root: Path) -> dict[str, str]:
    """Top-level module -> the first file importing it, for every import under ``folder``."""
    found: dict[str, str] = {}
    for path in sorted(folder.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name.split(".")[0], str(path.relative_to(root)))
    return found


def _third_party(folder: Path, root: Path) -> dict[str, str]:
    return {
        name: where
        for name, where in _imports(folder, root).items()
        if name not in sys.stdlib_module_names and name not in FIRST_PARTY
    }


def _distributions(module: str) -> tuple[str, ...]:
    installed = metadata.packages_distributions().get(module)
    if installed:
        return tuple(_normalized(d) for d in installed)
    return KNOWN_DISTRIBUTIONS.get(module, (_normalized(module),))


def _undeclared(folder: Path, allowed: set[str], root: Path = ROOT) -> list[str]:
    return [
        f"{where}: import {module} (distribution {' or '.join(_distributions(module))})"
        for module, where in sorted(_third_party(folder, root).items())
        if not allowed & set(_distributions(module)) and UNDECLARED_ON_PURPOSE.get(module) != where
    ]


@pytest.mark.parametrize("package", ["buildtrace", "tui"])
def test_the_code_imports_only_declared_packages(package: str) -> None:
    # The real engines (extras) are imported only by the code that runs them.
    allowed = _declared("tf-keras", "keras3", "images")
    assert not _undeclared(ROOT / package, allowed)


def test_the_engines_extras_hold_only_what_the_engines_import() -> None:
    """Outside engines/ (and the runner's aliases), the code needs no extra but Pillow for
    the image helpers (guarded, with Keras's message saying how to get it)."""
    base = _declared()
    lenient = (
        "buildtrace/engines/", "buildtrace/runner/", "buildtrace/commands/",
        "buildtrace/keras/utils/image_utils.py: import PIL",
    )  # fmt: skip
    for folder in ("buildtrace", "tui"):
        for line in _undeclared(ROOT / folder, base):
            assert line.startswith(lenient), line


def test_the_tests_import_only_declared_packages() -> None:
    allowed = _declared("dev", "tf-keras", "keras3")
    assert not _undeclared(ROOT / "tests", allowed)


def test_an_undeclared_import_is_found(tmp_path: Path) -> None:
    """The check can fail: an import of an installed package nobody declared is listed."""
    (tmp_path / "module.py").write_text("import os\nimport pygments\n", encoding="utf-8")
    assert _undeclared(tmp_path, _declared(), tmp_path) == [
        "module.py: import pygments (distribution pygments)"
    ]
