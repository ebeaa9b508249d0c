"""The panel registry: a panel is one module, and everything else follows from it."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from tui.app import BuildTraceApp, create_app
from tui.commands import KeyCommands
from tui.keymap import KEYMAP
from tui.panel_layout import PANELS, TABS, PanelLayout
from tui.panel_spec import PanelSpec
from tui.panels import PANEL_SPECS, discover
from tui.screens.zoom_screen import ZoomScreen

WaitFor = Callable[..., Awaitable[None]]


def test_a_new_panel_module_is_found_by_the_registry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "extra_panels"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "notes_panel.py").write_text(
        textwrap.dedent("""
        from textual.widgets import Static
        from tui.panel_spec import PanelSpec

        class NotesPanel(Static):
            pass

        PANEL = PanelSpec("notes", "bottom", 30, "8", "the notes", tab="8 notes",
                          widget=NotesPanel)
    """)
    )
    (package / "not_a_panel.py").write_text("VALUE = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        found = discover("extra_panels")
    finally:
        for name in [m for m in sys.modules if m.startswith("extra_panels")]:
            del sys.modules[name]
    assert [spec.name for spec in found] == ["notes"]
    assert found[0].key_description == "show/hide the notes (small screen: its tab)"


def test_a_panel_in_an_unknown_place_is_refused() -> None:
    with pytest.raises(ValueError, match="place 'sidebar' is not one of"):
        PanelSpec("notes", "sidebar", 1, "8", "the notes")


def test_every_panel_has_its_key_help_line_zoom_key_and_layout_entry() -> None:
    bound = {key.action: key for key in KEYMAP}
    zoom_keys = {binding.key: binding.action for binding in ZoomScreen.BINDINGS}  # type: ignore[union-attr]
    for spec in PANEL_SPECS:
        action = f"toggle_panel('{spec.name}')"
        assert bound[action].keys == spec.key and bound[action].group == "panels"
        assert action in zoom_keys[spec.key]  # the zoom leaves itself, then toggles
        assert PANELS[spec.name] == spec.selector.lstrip("#")
        assert (spec.name in TABS) == bool(spec.tab)
    shown = PanelLayout(presenting=True).displays()
    assert {s.name for s in PANEL_SPECS if shown[s.selector]} == {"model", "topology"}


@pytest.mark.asyncio
async def test_the_shell_composes_every_panel_in_its_place_and_the_palette_offers_its_key(
    seed_trace: Path, wait_for: WaitFor
) -> None:
    app: BuildTraceApp = create_app(seed_trace, follow=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: app.finished)
        for spec in PANEL_SPECS:
            widget = app.query_one(f"#{spec.name}")
            column = {"below": "right"}.get(spec.place, spec.place)  # under the rows
            assert column in {node.id for node in widget.ancestors if node.id}
        provider = KeyCommands(app.screen)
        titles = [hit.text async for hit in provider.search("the call stack")]
        assert "Show/hide the call stack (small screen: its tab)" in titles
