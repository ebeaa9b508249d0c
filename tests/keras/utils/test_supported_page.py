"""``docs/supported.md`` is what ``scripts/gen_supported.py`` generates from the code now."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).parents[3]


def test_the_checked_in_page_matches_the_code() -> None:
    spec = importlib.util.spec_from_file_location(
        "gen_supported", ROOT / "scripts" / "gen_supported.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    page = (ROOT / "docs" / "supported.md").read_text()
    assert page == module.render(), (
        "docs/supported.md is out of date: run `python scripts/gen_supported.py`"
    )
