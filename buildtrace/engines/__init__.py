"""Which Keras a script runs under: buildtrace's mini-Keras, or a real engine.

``mini`` (the default) is buildtrace's instrumented Keras 2 on numpy: every import of
``keras`` / ``tensorflow.keras`` is aliased to it. ``tf-keras`` is the real Keras 2
(tf-keras on TensorFlow), recorded into the same events by
:mod:`buildtrace.engines.tf_keras`; it is an optional extra, and asking for it when it is
not installed is one line saying what to install (:class:`EngineNotInstalled`).

Example:
    >>> ENGINES
    ('mini', 'tf-keras', 'keras3')
    >>> print(EngineNotInstalled("tf-keras"))
    the tf-keras engine is not installed: install it with pip install 'buildtrace[tf-keras]'
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import sys
from collections.abc import Callable, Iterator
from typing import Any

#: The engines ``--engine`` takes, the default first.
ENGINES = ("mini", "tf-keras", "keras3")

DEFAULT_ENGINE = "mini"

#: The environment variable telling a viewer's child process which engine to run under.
ENGINE_VARIABLE = "BUILDTRACE_ENGINE"

#: The modules each real engine needs, and the extra that installs them.
_NEEDS = {"tf-keras": ("tensorflow", "tf_keras"), "keras3": ("tensorflow", "keras")}


class EngineNotInstalled(ImportError):
    """A real engine was asked for and is not installed; ``str()`` is the one line."""

    def __init__(self, engine: str) -> None:
        self.engine = engine
        super().__init__(
            f"the {engine} engine is not installed: "
            f"install it with pip install 'buildtrace[{engine}]'"
        )


def is_installed(engine: str) -> bool:
    """Whether ``engine`` can run here (found without importing it: TensorFlow is slow)."""
    return all(importlib.util.find_spec(module) is not None for module in _NEEDS.get(engine, ()))


def check_engine(engine: str) -> None:
    """Raise :class:`EngineNotInstalled` (or ValueError for an unknown name)."""
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r} (choose from {', '.join(ENGINES)})")
    if not is_installed(engine):
        raise EngineNotInstalled(engine)


def use_engine(engine: str) -> str | None:
    """Make ``engine`` the one every script run of this process and its children uses
    (the viewer, lessons and ``serve`` run scripts in child processes); returns why it
    cannot be used, or None."""
    try:
        check_engine(engine)
    except (EngineNotInstalled, ValueError) as exc:
        return str(exc)
    os.environ[ENGINE_VARIABLE] = engine
    return None


def chosen_engine() -> str:
    """The engine :func:`use_engine` chose for this process, else the default."""
    return os.environ.get(ENGINE_VARIABLE) or DEFAULT_ENGINE


def engine_session(
    engine: str, progress: Callable[[str], None] | None = None
) -> contextlib.AbstractContextManager[Any]:
    """The context a script runs in under ``engine``: its imports and its recording.

    Args:
        engine: one of :data:`ENGINES`.
        progress: told, in words, what takes time (TensorFlow's import takes seconds).

    Raises:
        EngineNotInstalled: the engine's packages are missing.
    """
    check_engine(engine)
    if engine == "mini":
        return _mini_session()
    from buildtrace.engines import keras3, tf_keras

    real: Any = tf_keras if engine == "tf-keras" else keras3
    if progress is not None and "tensorflow" not in sys.modules:
        progress(f"starting TensorFlow for the {engine} engine (this takes a few seconds) ...")
    try:  # imported now, so that a broken install fails here and not inside the script
        real.import_engine()
    except ImportError as exc:
        raise EngineNotInstalled(engine) from exc
    started: contextlib.AbstractContextManager[Any] = real.session()
    return started


@contextlib.contextmanager
def _mini_session() -> Iterator[None]:
    from buildtrace.keras import backend
    from buildtrace.runner.aliases import keras_aliases

    # Every run starts like a fresh Python process would: the first Dense is `dense`.
    backend.clear_session()
    with keras_aliases():
        yield
