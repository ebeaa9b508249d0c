"""The one error for everything of Keras that buildtrace leaves out.

A script written for ``tf.keras`` may reach for a layer, optimizer or function that
buildtrace does not model. Rather than an ``AttributeError`` from deep inside, it gets
an error that names what it asked for. The error is defined one level down, in
``buildtrace.tf.unsupported`` (TensorFlow's ops raise it too), and re-exported here.
"""

from __future__ import annotations

from typing import Any

from buildtrace.tf.unsupported import NotSupportedByBuildtrace, module_getattr, unsupported

__all__ = ["NotSupportedByBuildtrace", "attribute_error", "module_getattr", "unsupported"]

#: Keras 1/2 methods that scripts still call, and what to use instead.
_RENAMED = {
    "predict_classes": "predict, then argmax",
    "predict_proba": "predict",
}


class _MissingAttribute(NotSupportedByBuildtrace):
    """``obj.name`` is missing; the hint is worked out only if the message is shown.

    (``getattr(obj, name, default)`` and ``hasattr`` catch it without reading it, so a
    probe costs no spelling search.)
    """

    def __init__(self, cls: type, name: str) -> None:
        super().__init__(f"{cls.__name__}.{name}")
        self._cls, self._name = cls, name

    def __str__(self) -> str:
        import difflib

        message = str(unsupported(f"{self._cls.__name__}.{self._name}"))
        hint = _RENAMED.get(self._name)
        if hint is None:
            public = [n for n in dir(self._cls) if not n.startswith("_")]
            close = difflib.get_close_matches(self._name, public, n=1)
            hint = close[0] if close else None
        return f"{message} Did you mean `{hint}`?" if hint else message


def attribute_error(obj: Any, name: str) -> AttributeError:
    """The error for ``obj.name`` when the object has no such attribute.

    A public name gets the "not supported by buildtrace" message, with a hint where a
    supported neighbour exists (a close spelling, or what replaced an old Keras method);
    a private one (``_x``) a plain ``AttributeError``, since code probes those.
    """
    if name.startswith("_"):
        return AttributeError(f"'{type(obj).__name__}' object has no attribute '{name}'")
    return _MissingAttribute(type(obj), name)
