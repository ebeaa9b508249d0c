"""Import aliasing: ``tensorflow.keras`` / ``keras`` / ``tf_keras`` become ``buildtrace.keras``.

A teacher pastes a script written for TensorFlow's Keras and runs it unchanged with
``buildtrace run``. For that run only, :func:`keras_aliases` installs an import hook (a
``sys.meta_path`` finder) so that::

    import keras                             # -> buildtrace.keras
    from tensorflow import keras             # -> buildtrace.keras
    import tensorflow as tf; tf.keras        # -> buildtrace.keras
    from tensorflow.keras.layers import Dense   # -> buildtrace.keras.layers.Dense
    import tf_keras                          # -> buildtrace.keras

``tensorflow`` itself becomes ``buildtrace.tf`` (a small TensorFlow on numpy) with
``keras`` added; any attribute it lacks raises
:class:`~buildtrace.keras.unsupported.NotSupportedByBuildtrace` naming it. Importing a
module buildtrace does not have (``tensorflow.keras.applications``) raises
:class:`NotSupportedImport`, which names it too.

How the hook works, in short: the finder answers for the alias names with a loader whose
``exec_module`` puts the *real* ``buildtrace.keras...`` module into ``sys.modules`` under
the alias name. Python's import system then hands that module to the script, so
``keras.layers.Dense is buildtrace.keras.layers.Dense``.
"""

from __future__ import annotations

import functools
import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import re
import sys
import threading
import types
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from buildtrace.keras.unsupported import NotSupportedByBuildtrace, unsupported

#: Top-level names a Keras 2 script imports Keras by; each maps onto ``buildtrace.keras``.
KERAS_NAMES = ("keras", "tf_keras")

#: The package every alias resolves into.
TARGET = "buildtrace.keras"

_ALIAS_ROOTS = (*KERAS_NAMES, "tensorflow")

#: ``tensorflow.X`` modules a script may import by name (each is a part of buildtrace.tf).
_TF_PARTS = frozenset(
    {"random", "data", "nn", "math", "errors", "dtypes", "linalg", "version", "test", "train"}
    | {"losses", "metrics", "summary", "config", "saved_model", "profiler"}
)


class NotSupportedImport(ModuleNotFoundError):
    """Raised when a script imports a module buildtrace does not have.

    It is a ``ModuleNotFoundError`` (so ``try: import x / except ImportError`` still
    works) rather than a :class:`~buildtrace.keras.unsupported.NotSupportedByBuildtrace`:
    Python cannot make one class out of both, their C layouts clash.
    """


def not_supported_import(qualified_name: str) -> NotSupportedImport:
    """The error for importing ``qualified_name`` (e.g. ``tensorflow.keras.applications``).

    The message reads like :func:`~buildtrace.keras.unsupported.unsupported`'s. ``name``
    is left unset on purpose: Python's ``from package import x`` silently skips a
    ``ModuleNotFoundError`` whose ``name`` is the module it tried, and we want it seen.
    """
    return NotSupportedImport(str(unsupported(qualified_name)))


def is_alias(fullname: str) -> bool:
    """True for ``keras``, ``keras.layers``, ``tensorflow``, ``tf_keras.models``, ..."""
    return any(fullname == root or fullname.startswith(root + ".") for root in _ALIAS_ROOTS)


def target_of(fullname: str) -> str | None:
    """The ``buildtrace.keras`` module an alias name stands for, if it is a Keras name.

    Example:
        >>> target_of("tensorflow.keras.layers")
        'buildtrace.keras.layers'
        >>> target_of("keras"), target_of("tensorflow.data")
        ('buildtrace.keras', None)
    """
    parts = fullname.split(".")
    if parts[0] in KERAS_NAMES:
        rest = parts[1:]
    elif parts[:2] == ["tensorflow", "keras"]:
        rest = parts[2:]
    else:
        return None
    return ".".join([TARGET, *rest])


class _StandInModule(types.ModuleType):
    """A module that answers only for what it was given; anything else is unsupported."""

    def __getattr__(self, attr: str) -> Any:
        # Dunders are asked for by tools (`__all__` by `import *`, `__wrapped__` by
        # inspect): a plain AttributeError lets them fall back as usual.
        if attr.startswith("__") and attr.endswith("__"):
            raise AttributeError(attr)
        raise unsupported(f"{self.__name__}.{attr}")


def make_tensorflow_module() -> types.ModuleType:
    """A fresh ``tensorflow`` module: ``buildtrace.tf``'s names, with ``keras`` added.

    ``buildtrace.tf`` is the small TensorFlow on numpy (tensors, maths, ``tf.nn``,
    ``tf.random``, ``tf.data``, ``GradientTape``); ``tf.keras`` is the mini-Keras, set here
    because ``buildtrace.tf`` sits below Keras and never imports it. ``tf.__version__``
    ends in ``-buildtrace``, so ``print(tf.__version__)`` shows that buildtrace is running.
    Anything else (``tf.distribute``...) raises the clear "not supported" error.
    """
    keras = importlib.import_module(TARGET)
    real = importlib.import_module("buildtrace.tf")
    tf = _StandInModule("tensorflow", real.__doc__)
    tf.__dict__.update({k: v for k, v in vars(real).items() if not k.startswith("__")})
    tf.keras = keras  # type: ignore[attr-defined]
    # TensorFlow 2's `tf.losses` / `tf.metrics` are Keras's (set here for the same reason).
    tf.losses = keras.losses  # type: ignore[attr-defined]
    tf.metrics = keras.metrics  # type: ignore[attr-defined]
    tf.__version__ = real.__version__  # type: ignore[attr-defined]
    # A package (it has a __path__) so that `import tensorflow.keras` may look inside it.
    tf.__path__ = []
    tf.__spec__ = importlib.machinery.ModuleSpec("tensorflow", None, is_package=True)
    return tf


class _AliasLoader(importlib.abc.Loader):
    """Loads an alias by putting the module it stands for into ``sys.modules``."""

    def __init__(self, provide: Callable[[], types.ModuleType]) -> None:
        self._provide = provide

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        # A throw-away placeholder: Python would stamp the alias's spec onto whatever we
        # return here, and the real module must keep its own.
        return types.ModuleType(spec.name)

    def exec_module(self, module: types.ModuleType) -> None:
        # The import system returns whatever sys.modules holds under the name afterwards.
        sys.modules[module.__name__] = self._provide()


class KerasAliasFinder(importlib.abc.MetaPathFinder):
    """The ``sys.meta_path`` finder behind :func:`keras_aliases`."""

    def __init__(self) -> None:
        self._tensorflow: types.ModuleType | None = None
        # Set while we ask the other finders whether a module exists, so that we don't
        # answer our own question.
        self._probing = threading.local()

    def tensorflow(self) -> types.ModuleType:
        """The ``tensorflow`` stand-in of this run (made on first use)."""
        if self._tensorflow is None:
            self._tensorflow = make_tensorflow_module()
        return self._tensorflow

    def _tensorflow_part(self, attr: str) -> types.ModuleType:
        part: types.ModuleType = getattr(self.tensorflow(), attr)
        return part

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None = None,
        target: types.ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        """Answer for alias names; refuse, with a clear error, what buildtrace lacks."""
        if getattr(self._probing, "active", False):
            return None
        if is_alias(fullname):
            return self._alias_spec(fullname)
        # `from keras.layers import LSTM` first looks for a module
        # `buildtrace.keras.layers.LSTM`; failing here gives the clear message instead of
        # Python's "cannot import name 'LSTM' from 'buildtrace...'".
        from_script = fullname.startswith(TARGET + ".") and not _imported_by_buildtrace()
        if from_script and not self._exists(fullname):
            raise not_supported_import(fullname[len("buildtrace.") :])
        return None

    def _alias_spec(self, fullname: str) -> importlib.machinery.ModuleSpec:
        provide: Callable[[], types.ModuleType]
        if fullname == "tensorflow":
            provide = self.tensorflow
        elif fullname.count(".") == 1 and fullname.split(".")[1] in _TF_PARTS:
            # `import tensorflow.random`, `from tensorflow.data import Dataset`...
            provide = functools.partial(self._tensorflow_part, fullname.split(".")[1])
        else:
            real = target_of(fullname)
            if real is None or not self._exists(real):
                raise not_supported_import(fullname)
            provide = functools.partial(importlib.import_module, real)
        return importlib.machinery.ModuleSpec(fullname, _AliasLoader(provide))

    def _exists(self, name: str) -> bool:
        """Whether the module ``name`` exists (imports its parent packages, not it)."""
        self._probing.active = True
        try:
            return importlib.util.find_spec(name) is not None
        except (ImportError, ValueError):  # a missing parent, or a parent that's a module
            return False
        finally:
            self._probing.active = False


def _imported_by_buildtrace() -> bool:
    """Whether the import being resolved was asked for by buildtrace's own code.

    A module missing from the engine is a bug to see as it is, not "not supported".
    The importer is the first frame up the stack that is not the import machinery.
    """
    frame: types.FrameType | None = sys._getframe(1)
    while frame is not None and _module_of(frame).startswith(("importlib", __name__)):
        frame = frame.f_back
    return frame is not None and _module_of(frame).startswith("buildtrace.")


def _module_of(frame: types.FrameType) -> str:
    name = frame.f_globals.get("__name__")
    return name if isinstance(name, str) else ""


def _alias_entries() -> dict[str, Any]:
    return {name: module for name, module in sys.modules.items() if is_alias(name)}


@contextmanager
def keras_aliases() -> Iterator[KerasAliasFinder]:
    """Make ``keras``, ``tf_keras`` and ``tensorflow[.keras]`` import ``buildtrace.keras``.

    On exit ``sys.modules`` is as it was: alias entries made inside are removed and any
    real ``keras``/``tensorflow`` modules imported before are put back.

    Example:
        >>> with keras_aliases():
        ...     import tensorflow as tf
        ...     tf.keras.layers.Dense.__module__
        'buildtrace.keras.layers.core.dense'
    """
    shadowed = _alias_entries()
    for name in shadowed:
        del sys.modules[name]
    finder = KerasAliasFinder()
    sys.meta_path.insert(0, finder)
    try:
        yield finder
    finally:
        if finder in sys.meta_path:
            sys.meta_path.remove(finder)
        for name in _alias_entries():
            del sys.modules[name]
        sys.modules.update(shadowed)


_CANNOT_IMPORT = re.compile(r"cannot import name '(?P<attr>[\w.]+)' from '(?P<module>[\w.]+)'")


def explain_unsupported(exc: BaseException) -> str | None:
    """The "not supported by buildtrace" message for an error Python worded itself.

    Two cases escape the engine's own messages: a module without a ``__getattr__`` hook
    (``tf.keras.utils.to_categorical`` gives "module 'buildtrace.keras.utils' has no
    attribute ...") and ``from keras.models import load_model``, where Python replaces
    our error by its own "cannot import name ...". Both are rephrased here, with the
    name the script used; any other error gives None.
    """
    module_name: str | None = None
    attr: str | None = None
    if isinstance(exc, NotSupportedByBuildtrace):
        return None  # our own error already says it, sometimes with a hint (Python fills
        # in `obj` of an error raised by a module's __getattr__, so it would look like one)
    if isinstance(exc, AttributeError) and isinstance(exc.obj, types.ModuleType):
        module_name, attr = exc.obj.__name__, exc.name
    elif isinstance(exc, ImportError) and not isinstance(exc, ModuleNotFoundError):
        match = _CANNOT_IMPORT.search(str(exc))
        if match is not None:
            module_name, attr = match["module"], match["attr"]
    if module_name is None or attr is None:
        return None
    if module_name != TARGET and not module_name.startswith(TARGET + "."):
        return None
    return str(unsupported(f"{module_name[len('buildtrace.') :]}.{attr}"))
