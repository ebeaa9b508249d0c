"""``model.summary()``: the table of layers, output shapes and parameter counts.

Mirrors: ``keras/utils/layer_utils.py::print_summary`` of Keras 2 — the same columns,
widths and totals, so a summary printed here reads like one printed by ``tf.keras``.
Lines are printed through rich (bold headers, dim rules) unless ``print_fn`` is given.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from buildtrace.keras.backend import Variable
    from buildtrace.keras.engine.base_layer import Layer
    from buildtrace.keras.engine.node import Node
    from buildtrace.keras.engine.training import Model

PrintFn = Callable[[str], None]


def count_params(weights: list[Variable]) -> int:
    """Number of scalars in ``weights`` (each weight counted once)."""
    unique = {id(w): w for w in weights}.values()
    return int(sum(np.prod(w.shape) for w in unique))


def weight_memory_size(weights: list[Variable]) -> int:
    """Bytes taken by ``weights``."""
    unique = {id(w): w for w in weights}.values()
    return int(sum(np.prod(w.shape) * np.dtype(w.dtype).itemsize for w in unique))


def readable_memory_size(size: float) -> str:
    """``1628200`` -> ``1.55 MB``, as Keras 2 prints it (powers of 1024)."""
    for unit in ("Byte", "KB", "MB", "GB", "TB"):
        if size / 1024 < 1:
            return f"{size:.2f} {unit}"
        size /= 1024
    return f"{size:.2f} PB"


def _rich_print_fn() -> PrintFn:
    from rich.console import Console

    console = Console(highlight=False, soft_wrap=True)

    def print_line(line: str) -> None:
        style = None
        if line.startswith(("Model:", " Layer (type)")):
            style = "bold"
        elif line and set(line) <= {"_", "="}:
            style = "dim"
        console.print(line, style=style, markup=False)

    return print_line


def is_sequential_like(model: Model) -> bool:
    """Whether the summary can leave out the "Connected to" column.

    True for a Sequential and for a functional model that is a plain chain (one node per
    depth, each with a single input, no shared layers).
    """
    if type(model).__name__ == "Sequential" or not model._is_graph_network:
        return True
    chain: list[Node] = []
    for nodes in model._nodes_by_depth.values():
        if len(nodes) > 1 or (len(nodes) == 1 and len(nodes[0].keras_inputs) > 1):
            return False
        chain += nodes
    return all(sum(n in chain for n in layer._inbound_nodes) <= 1 for layer in model.layers)


def _row(fields: list[Any], positions: list[int], print_fn: PrintFn) -> None:
    """Print one table row, wrapping long cells onto further lines as Keras does."""
    left = [str(x) for x in fields]
    while any(left):
        line = ""
        for col in range(len(left)):
            start = positions[col - 1] if col > 0 else 0
            last = col == len(positions) - 1
            space = 0 if last else 2
            cutoff = positions[col] - start - space - (0 if last else 1)
            fit = left[col][:cutoff]
            # Break after the end of a tuple/list item when a cell must wrap.
            breaks = [fit.find(x) + len(x) for x in ("),", "},", "],", "',") if fit.find(x) >= 0]
            if breaks:
                cutoff = min(breaks)
                fit = fit[:cutoff]
            if col == 0:
                line += " "
            line += fit + " " * space
            left[col] = left[col][cutoff:]
            line += " " * (positions[col] - len(line))
        print_fn(line)


def _output_shape(layer: Layer) -> Any:
    try:
        return layer.output_shape
    except AttributeError:
        return "multiple"


def _connections(layer: Layer, relevant: list[Node]) -> list[str]:
    links = []
    for node in layer._inbound_nodes:
        if relevant and node not in relevant:
            continue
        for tensor in node.keras_inputs:
            history = tensor._keras_history
            if history is not None:
                name = history.layer.name
                links.append(f"{name}[{history.node_index}][{history.tensor_index}]")
    return links


def print_summary(
    model: Model,
    line_length: int | None = None,
    positions: list[float] | None = None,
    print_fn: PrintFn | None = None,
    expand_nested: bool = False,
    show_trainable: bool = False,
    layer_range: Any = None,
) -> None:
    """Print the summary of a built model (see ``Model.summary``)."""
    print_fn = print_fn or _rich_print_fn()
    sequential_like = is_sequential_like(model)
    if sequential_like:
        line_length = line_length or 65
        positions = positions or [0.45, 0.85, 1.0]
        header = ["Layer (type)", "Output Shape", "Param #"]
    else:
        line_length = line_length or 98
        positions = positions or [0.3, 0.6, 0.70, 1.0]
        header = ["Layer (type)", "Output Shape", "Param #", "Connected to"]
    cols = [int(line_length * p) for p in positions] if positions[-1] <= 1 else list(positions)
    cols = [int(c) for c in cols]
    if show_trainable:
        line_length += 11
        cols.append(line_length)
        header.append("Trainable")
    relevant = [n for nodes in getattr(model, "_nodes_by_depth", {}).values() for n in nodes]

    print_fn(f'Model: "{model.name}"')
    print_fn("_" * line_length)
    _row(header, cols, print_fn)
    print_fn("=" * line_length)
    layers = _layer_range(model, layer_range)
    for layer in layers:
        params: Any = layer.count_params() if layer.built else "0 (unused)"
        fields = [f"{layer.name} ({type(layer).__name__})", _output_shape(layer), params]
        if not sequential_like:
            fields.append(_connections(layer, relevant))
        if show_trainable:
            fields.append("Y" if layer.trainable else "N")
        _row(fields, cols, print_fn)
        if expand_nested and getattr(layer, "layers", None):
            print_fn("|" + "¯" * (line_length - 2) + "|")
            for inner in layer.layers:  # type: ignore[attr-defined]
                _row(
                    [
                        "|" + f"{inner.name} ({type(inner).__name__})",
                        _output_shape(inner),
                        inner.count_params(),
                    ],
                    cols,
                    print_fn,
                )
            print_fn("¯" * line_length)
        # Keras 2 prints a blank row after every layer, the last one included.
        print_fn(" " * line_length)
    print_fn("=" * line_length)
    trainable = count_params(model.trainable_weights)
    non_trainable = count_params(model.non_trainable_weights)
    trainable_size = weight_memory_size(model.trainable_weights)
    non_trainable_size = weight_memory_size(model.non_trainable_weights)
    total_size = readable_memory_size(trainable_size + non_trainable_size)
    print_fn(f"Total params: {trainable + non_trainable} ({total_size})")
    print_fn(f"Trainable params: {trainable} ({readable_memory_size(trainable_size)})")
    print_fn(f"Non-trainable params: {non_trainable} ({readable_memory_size(non_trainable_size)})")
    print_fn("_" * line_length)


def _layer_range(model: Model, layer_range: Any) -> list[Layer]:
    layers = model.layers
    if layer_range is None:
        return layers
    if len(layer_range) != 2:
        raise ValueError(
            "layer_range must be a list or tuple of length 2. Received: "
            f"layer_range = {layer_range} of length {len(layer_range)}"
        )
    names = [layer.name for layer in layers]
    first, last = names.index(layer_range[0]), names.index(layer_range[1])
    return layers[min(first, last) : max(first, last) + 1]


def first_call_arg(layer: Layer) -> str | None:
    """The name of ``layer.call``'s first argument (``"inputs"``, ``"logits"``...).

    Mirrors ``CallFunctionSpec.split_out_first_arg``: when a layer is called with no
    positional argument, Keras takes its inputs from the keyword of that name.
    """
    import inspect

    params = list(inspect.signature(layer.call).parameters.values())
    return params[0].name if params else None
