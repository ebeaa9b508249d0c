"""The model as of the cursor: layers, flags, shapes and weights, the step's change marked."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.widgets import Static

from buildtrace.state.model_state import ModelState
from buildtrace.trace import Event, keras_names
from buildtrace.trace.shapes import format_shape
from tui.labels import counted
from tui.panel_spec import Moment, PanelSpec
from tui.theme_styles import ThemeStyles
from tui.topology_drawing import ordered_layers

_NODE_INIT = keras_names.NODE_INIT

_LAYER_INIT = keras_names.LAYER_INIT


def _signature(state: ModelState, current: Event | None, styles: ThemeStyles) -> tuple[object, ...]:
    """Everything the panel shows, cheaply: most steps change none of it."""
    layers = tuple(
        (layer.name, layer.built, repr(layer.build_input_shape), repr(layer.output_shape),
         len(layer.weights))
        for layer in state.layers.values()
    )  # fmt: skip
    models = tuple((m.name, m.built, m.graph_initialized) for m in state.models.values())
    mark = None  # the events whose change the panel highlights
    if current is not None:
        kind, name = current.get("kind"), current.get("name")
        if kind in ("set", "add_weight") or (kind, name) in (
            ("return", _LAYER_INIT),
            ("call", _NODE_INIT),
        ):
            mark = current.get("seq")
    return layers, models, mark, id(styles)


def _compact(shape: object) -> str:
    """``(None,784)``: a shape without spaces, for a narrow table."""
    return format_shape(shape).replace(", ", ",")


def _mark(value: bool | None) -> str:
    return "?" if value is None else "✓" if value else "✗"


class ModelPanel(Static):
    """Layers with built ✓/✗, shapes, weights so far and the model's own flags.

    The change the current event made (a flag written, a weight added, an output shape
    learnt, a layer created) is highlighted.

    Example:
        >>> ModelPanel().border_title
        'model'
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = "model"
        self._key: tuple[object, ...] | None = None
        self._shown: tuple[ModelState, Event | None, ThemeStyles] | None = None

    def show(self, state: ModelState, current: Event | None, styles: ThemeStyles) -> None:
        """Show ``state``, marking what ``current`` changed (skipped if nothing did)."""
        width = max(self.content_region.width, 30)
        key = (_signature(state, current, styles), width)
        if key == self._key:
            return
        self._key = key
        self._shown = (state, current, styles)
        kind = current.get("kind") if current is not None else None
        target = current.get("layer") if current is not None else None
        attr = current.get("attr") if current is not None else None
        name_of = current.get("name") if current is not None else None
        changed = styles.changed
        if name_of == _NODE_INIT and current is not None:
            target = current.get("node_of")

        def hot(condition: bool) -> Style:
            return changed if condition else Style()

        text = Text(no_wrap=True, overflow="ellipsis")
        for name, flags in state.models.items():
            on_model = kind == "set" and target == name
            text.append(f"{name}  ", style=styles.title)
            text.append(f"built {_mark(flags.built)}", style=hot(on_model and attr == "built"))
            if flags.graph_initialized is not None:
                # Only a Sequential keeps this flag (from its __init__ on): a functional
                # model has no such attribute, so nothing is shown for it.
                graph = f"_graph_initialized {_mark(flags.graph_initialized)}"
                text.append("  ")
                text.append(graph, style=hot(on_model and attr == "_graph_initialized"))
            text.append("\n")
        layers = ordered_layers(state)
        if not layers:
            text.append("no layers yet", style=styles.muted)
            self.update(text, layout=False)
            return
        # Plain lines in columns, not a rich Table: a step must redraw in a few ms.
        rows: list[tuple[Text, str, str, str, Style]] = []
        for layer in layers:
            is_target = target == layer.name
            label = Text(
                layer.name, style=hot(is_target and (kind, name_of) == ("return", _LAYER_INIT))
            )
            label.append(" ")
            label.append(_mark(layer.built), style=hot(is_target and kind == "set"))
            label.stylize(styles.palette.layer)
            shape_in = _compact(layer.build_input_shape) if layer.build_input_shape else ""
            shape_out = _compact(layer.output_shape) if layer.output_shape is not None else ""
            shape_style = hot(is_target and name_of == _NODE_INIT)
            rows.append((label, shape_in, shape_out, f"{layer.params:,}", shape_style))
            for weight in layer.weights:
                mine = (
                    kind == "add_weight"
                    and current is not None
                    and current.get("seq") == weight.seq
                )
                style = changed if mine else styles.palette.weight
                what = f"{_compact(weight.shape)} {weight.initializer}"
                label = Text(f"  + {weight.name}", style=style)
                rows.append((label, "", what, f"{weight.params:,}", style))
        first = max(len(row[0]) for row in rows)
        last = max(len("params"), *(len(row[3]) for row in rows))
        middle = max(width - first - last - 2, 6)
        # Input → output where it fits; else the output shape, which says the most.
        both = all(len(f"{row[1]}→{row[2]}") <= middle for row in rows if row[1])
        title = "input → output" if both else "output"
        header = f"{'layer':<{first}} {title:<{middle}.{middle}} {'params':>{last}}"
        text.append(header + "\n", style=styles.muted)
        for label, shape_in, shape_out, params, style in rows:
            shapes = (
                f"{shape_in}→{shape_out}" if shape_in and (both or not shape_out) else shape_out
            )
            text.append_text(label)
            text.append(" " * (first - len(label) + 1))
            cut = shapes if len(shapes) <= middle else shapes[: middle - 1] + "…"
            text.append(f"{cut:<{middle}}", style=style)
            text.append(f" {params:>{last}}\n", style=style if style != Style() else None)
        total = sum(layer.params for layer in layers)
        text.append(f"{counted(total, 'parameter')} so far", style=styles.muted)
        self.update(text, layout=False)

    def on_resize(self) -> None:
        if self._shown is not None:
            self.show(*self._shown)


def _refresh(panel: ModelPanel, app: object, moment: Moment) -> None:
    panel.show(moment.state, moment.event, moment.styles)


PANEL = PanelSpec(
    "model", "middle", 10, "4", "the model", tab="4 model",
    widget=ModelPanel, refresh=_refresh, lesson_names=("model",), presenting=True,
)  # fmt: skip
