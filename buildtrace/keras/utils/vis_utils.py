"""``keras.utils.plot_model``, drawn by buildtrace's own topology renderer.

Mirrors: ``keras/utils/vis_utils.py::plot_model`` (same arguments, same defaults). Keras
draws with pydot; buildtrace draws with its Graphviz topology renderer, which adds the
parameter counts and the built / not-yet-built state of each layer. Without Graphviz's
``dot`` the DOT text is written next to ``to_file`` and one line says how to get images
(Keras raises an ImportError instead).
"""

from __future__ import annotations

import os
import sys
from typing import Any


def plot_model(
    model: Any,
    to_file: str | os.PathLike[str] = "model.png",
    show_shapes: bool = False,
    show_dtype: bool = False,
    show_layer_names: bool = True,
    rankdir: str = "TB",
    expand_nested: bool = False,
    dpi: int = 96,
    layer_range: Any = None,
    show_layer_activations: bool = False,
    show_trainable: bool = False,
) -> Any:
    """Draw ``model``'s layers and connections to ``to_file`` (png, svg, pdf or dot).

    Mirrors: ``keras/utils/vis_utils.py::plot_model``. ``layer_range`` is not supported
    (buildtrace draws the whole model) and says so.

    Returns:
        What the renderer wrote (``Written``: the path and, without Graphviz, a note).

    Raises:
        ValueError: the model is not built, with Keras's message.
    """
    if layer_range is not None:
        from buildtrace.keras.unsupported import unsupported

        raise unsupported("keras.utils.plot_model(layer_range=...)")
    if not getattr(model, "built", False):
        raise ValueError(
            "This model has not yet been built. Build the model first by calling `build()` "
            "or by calling the model on a batch of data."
        )
    # A lazy import: `buildtrace.render` reads models and sits *above* `buildtrace.keras`
    # in the dependency order (trace <- keras <- render). Importing it at module level
    # would make the engine depend on its own reader; here the dependency exists only
    # while a user script asks for a picture, exactly like Keras importing pydot lazily.
    from buildtrace.render.diagrams import plot_model as render_plot_model

    written = render_plot_model(
        model,
        to_file,
        show_shapes=show_shapes,
        show_dtype=show_dtype,
        show_layer_names=show_layer_names,
        rankdir=rankdir,
        expand_nested=expand_nested,
        dpi=dpi,
        show_layer_activations=show_layer_activations,
        show_trainable=show_trainable,
    )
    note = getattr(written, "note", None)
    if note:
        print(note, file=sys.stderr)
    return written
