"""Small pieces ``Model``'s step functions share: a dict of inputs lined up in order.

Mirrors: ``keras/engine/training_utils.py``, Keras 2's home for the helpers
``training.py`` shares.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from buildtrace.keras.engine.training import Model


def flatten_to_reference_inputs(model: Model, x: Any) -> Any:
    """A dict of inputs, keyed by input name, in the order of ``model.inputs``.

    Mirrors: ``Functional._flatten_to_reference_inputs`` (here applied by the step
    functions, so ``fit({"left": a, "right": b}, ...)`` works).
    """
    if not isinstance(x, dict):
        return x
    names: list[str] = list(getattr(model, "input_names", None) or [])
    missing = [name for name in names if name not in x]
    if missing or not names:
        raise ValueError(
            f'Missing data for input "{missing[0] if missing else "?"}". You passed a data '
            f"dictionary with keys {list(x)}. Expected the following keys: {names}"
        )
    return [x[name] for name in names] if len(names) > 1 else x[names[0]]
