"""Errors raised inside a layer's ``call``, told the way Keras 2 tells them.

Mirrors: ``keras/utils/traceback_utils.py`` (``inject_argument_info_in_traceback``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from buildtrace.keras.utils.tf_utils import dtype_name

if TYPE_CHECKING:
    from buildtrace.keras.engine.base_layer import Layer


@contextlib.contextmanager
def explained_call_errors(layer: Layer, inputs: Any, kwargs: dict[str, Any]) -> Iterator[None]:
    """Re-raise an error from inside ``call`` the way Keras 2 reports it.

    Mirrors: ``keras/utils/traceback_utils.py::inject_argument_info_in_traceback``: the
    message says which layer failed and what it was called with. The exception keeps
    its type; one already explained (by a layer nested inside) is left as it is.
    """
    try:
        yield
    except Exception as exc:
        if getattr(exc, "_keras_call_info_injected", False) or len(exc.args) != 1:
            raise
        who = f"layer '{layer.name}' (type {type(layer).__name__})"
        arguments = [f"  • inputs={describe_argument(inputs)}"]
        arguments += [f"  • {k}={v!r}" for k, v in kwargs.items()]
        message = (
            f"Exception encountered when calling {who}.\n\n{exc}\n\n"
            f"Call arguments received by {who}:\n" + "\n".join(arguments)
        )
        try:
            explained = type(exc)(message)
        except Exception:  # an exception type that wants other arguments
            raise exc from None
        explained._keras_call_info_injected = True  # type: ignore[attr-defined]
        # The trace already reported where the error started; this is the same error.
        explained.__dict__.update({k: v for k, v in exc.__dict__.items() if "buildtrace" in k})
        raise explained.with_traceback(exc.__traceback__) from None


def describe_argument(value: Any) -> str:
    """``tf.Tensor(shape=(None, 100), dtype=float32)``, as Keras prints call arguments."""
    if isinstance(value, list | tuple):
        return str([describe_argument(v) for v in value])
    if hasattr(value, "shape") and hasattr(value, "dtype"):
        return f"tf.Tensor(shape={tuple(value.shape)}, dtype={dtype_name(value)})"
    return repr(value)
