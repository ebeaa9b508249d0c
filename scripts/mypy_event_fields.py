"""A mypy plugin: ``event.get("atr")`` on a typed event is an error, as ``event["atr"]`` is.

The typing spec lets ``TypedDict.get`` take any key (it answers ``object`` for one the
type does not declare), so mypy alone catches a misspelt ``event["layer"]`` but not a
misspelt ``event.get("layer")``: most of the readers' reads. For the event types of
``buildtrace.trace.event_types`` only, this plugin reports a literal key the type does
not declare, then lets mypy's own rule give the value's type. Enabled in
``pyproject.toml`` (``[tool.mypy] plugins``); measured by
``scripts/measure_typed_reads.py``.
"""

from __future__ import annotations

from collections.abc import Callable

from mypy.errorcodes import TYPEDDICT_ITEM
from mypy.plugin import MethodContext, Plugin
from mypy.plugins.default import typed_dict_get_callback
from mypy.typeops import try_getting_str_literals
from mypy.types import Instance, Type, TypedDictType, get_proper_type

#: The module whose TypedDicts are the trace contract.
EVENT_TYPES = "buildtrace.trace.event_types."


def _check_get(ctx: MethodContext) -> Type:
    typed = get_proper_type(ctx.type)
    if isinstance(typed, TypedDictType) and ctx.args and ctx.args[0]:
        fallback: Instance = typed.fallback
        if fallback.type.fullname.startswith(EVENT_TYPES):
            keys = try_getting_str_literals(ctx.args[0][0], ctx.arg_types[0][0]) or []
            for key in keys:
                if key not in typed.items:
                    ctx.api.fail(
                        f'Event type "{fallback.type.name}" has no field "{key}" '
                        "(buildtrace/trace/event_types.py lists the contract's fields)",
                        ctx.context,
                        code=TYPEDDICT_ITEM,
                    )
    return typed_dict_get_callback(ctx)


class EventFieldsPlugin(Plugin):
    """Adds the unknown-key check to ``get`` on the event TypedDicts."""

    def get_method_hook(self, fullname: str) -> Callable[[MethodContext], Type] | None:
        return _check_get if fullname == "typing.Mapping.get" else None


def plugin(version: str) -> type[Plugin]:
    """mypy's entry point."""
    return EventFieldsPlugin
