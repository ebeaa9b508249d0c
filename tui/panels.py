"""The registry of the viewer's panels: every ``PANEL`` declared in :mod:`tui.widgets`.

Adding a panel is one module: a widget in ``tui/widgets/`` that ends with ``PANEL =
PanelSpec(...)`` (see :mod:`tui.panel_spec`), and, if it needs styles, a ``.tcss``
beside it. This registry finds it; the shell, the layouts, the keys, the help screen,
the command palette and the lessons all read it from here.

Example:
    >>> [spec.name for spec in PANEL_SPECS]
    ['timeline', 'explain', 'stack', 'model', 'topology', 'training', 'log']
    >>> [spec.key for spec in PANEL_SPECS]
    ['1', '2', '3', '4', '5', '6', '7']
"""

from __future__ import annotations

import importlib
import pkgutil

import tui.widgets
from tui.panel_spec import PanelSpec


def discover(package: str = tui.widgets.__name__) -> tuple[PanelSpec, ...]:
    """Every ``PANEL`` in the modules of ``package``, in key order."""
    found: list[PanelSpec] = []
    path = importlib.import_module(package).__path__
    for module_info in pkgutil.iter_modules(path):
        module = importlib.import_module(f"{package}.{module_info.name}")
        spec = getattr(module, "PANEL", None)
        if isinstance(spec, PanelSpec):
            found.append(spec)
    found.sort(key=lambda spec: spec.key)
    keys = [spec.key for spec in found]
    names = [spec.name for spec in found]
    if len(set(keys)) != len(keys) or len(set(names)) != len(names):
        raise ValueError(f"two panels share a key or a name: {list(zip(names, keys))}")
    return tuple(found)


#: Every panel, in the order of their keys.
PANEL_SPECS = discover()

#: The panels by name.
BY_NAME = {spec.name: spec for spec in PANEL_SPECS}


def in_place(place: str) -> list[PanelSpec]:
    """The panels of a place of the wide layout, in their order."""
    return sorted((s for s in PANEL_SPECS if s.place == place), key=lambda s: s.order)
