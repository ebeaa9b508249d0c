"""The one error for everything of Keras that buildtrace leaves out.

A script written for ``tf.keras`` may reach for a layer, optimizer or function that
buildtrace does not model. Rather than an ``AttributeError`` from deep inside, it gets
an error that names what it asked for. The error is defined one level down, in
``buildtrace.tf.unsupported`` (TensorFlow's ops raise it too), and re-exported here.
"""

from __future__ import annotations

from buildtrace.tf.unsupported import NotSupportedByBuildtrace, module_getattr, unsupported

__all__ = ["NotSupportedByBuildtrace", "module_getattr", "unsupported"]
