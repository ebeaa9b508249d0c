"""``tf.test``: the device queries tutorials print, and ``TestCase``'s common asserts.

Mirrors: ``tensorflow/python/platform/test.py`` and ``framework/test_util.py``.
buildtrace runs on numpy on the CPU, so every GPU query answers "no GPU" as TensorFlow
does on a machine without one (``is_gpu_available()`` is False, ``gpu_device_name()``
is ``''``).
"""

from __future__ import annotations

import unittest
from typing import Any

import numpy as np

from buildtrace.tf.tensors import to_array
from buildtrace.tf.unsupported import module_getattr

__all__ = [
    "TestCase",
    "gpu_device_name",
    "is_built_with_cuda",
    "is_built_with_gpu_support",
    "is_gpu_available",
    "main",
]


def is_gpu_available(cuda_only: bool = False, min_cuda_compute_capability: Any = None) -> bool:
    """Always False: buildtrace computes on numpy. Mirrors ``tf.test.is_gpu_available``."""
    return False


def gpu_device_name() -> str:
    """Always ``''`` (no GPU). Mirrors ``tf.test.gpu_device_name``."""
    return ""


def is_built_with_cuda() -> bool:
    """Always False: no CUDA in buildtrace. Mirrors ``tf.test.is_built_with_cuda``."""
    return False


def is_built_with_gpu_support() -> bool:
    """Always False. Mirrors ``tf.test.is_built_with_gpu_support``."""
    return False


def _array(value: Any) -> np.ndarray:
    return np.asarray(to_array(value))


class TestCase(unittest.TestCase):
    """``unittest.TestCase`` with TensorFlow's array asserts. Mirrors ``tf.test.TestCase``.

    ``evaluate`` turns tensors into numpy arrays, as it does in eager TensorFlow.
    """

    def evaluate(self, tensors: Any) -> Any:
        """Tensors (in lists, tuples, dicts) as numpy arrays."""
        if isinstance(tensors, dict):
            return {k: self.evaluate(v) for k, v in tensors.items()}
        if isinstance(tensors, list | tuple):
            return type(tensors)(self.evaluate(v) for v in tensors)
        return _array(tensors)

    def assertAllEqual(self, a: Any, b: Any, msg: str | None = None) -> None:
        """Same shape and the same values."""
        x, y = _array(a), _array(b)
        self.assertEqual(x.shape, y.shape, msg or f"shape mismatch: {x.shape} vs {y.shape}")
        np.testing.assert_array_equal(x, y, err_msg=msg or "")

    def assertAllClose(
        self, a: Any, b: Any, rtol: float = 1e-6, atol: float = 1e-6, msg: str | None = None
    ) -> None:
        """Same shape and values within ``atol + rtol * |b|``."""
        x, y = _array(a), _array(b)
        self.assertEqual(x.shape, y.shape, msg or f"shape mismatch: {x.shape} vs {y.shape}")
        np.testing.assert_allclose(x, y, rtol=rtol, atol=atol, err_msg=msg or "")

    def assertNotAllClose(self, a: Any, b: Any, **kwargs: Any) -> None:
        """The opposite of :meth:`assertAllClose`."""
        try:
            self.assertAllClose(a, b, **kwargs)
        except AssertionError:
            return
        raise AssertionError("The two values are close at all elements")

    def assertShapeEqual(self, a: Any, b: Any, msg: str | None = None) -> None:
        """Same shape."""
        self.assertEqual(_array(a).shape, _array(b).shape, msg)

    def assertAllGreater(self, a: Any, comparison_target: Any) -> None:
        """Every element greater than the target."""
        self.assertTrue(np.all(_array(a) > _array(comparison_target)))

    def assertAllLess(self, a: Any, comparison_target: Any) -> None:
        """Every element less than the target."""
        self.assertTrue(np.all(_array(a) < _array(comparison_target)))

    def assertAllInRange(self, target: Any, lower: Any, upper: Any) -> None:
        """Every element within ``[lower, upper]``."""
        x = _array(target)
        self.assertTrue(np.all((x >= lower) & (x <= upper)))

    def assertDTypeEqual(self, target: Any, expected_dtype: Any) -> None:
        """The element type is ``expected_dtype``."""
        from buildtrace.tf.dtypes import as_dtype

        self.assertEqual(as_dtype(_array(target).dtype), as_dtype(expected_dtype))


def main(argv: Any = None) -> None:
    """Run the ``TestCase`` classes of ``__main__``. Mirrors ``tf.test.main``."""
    unittest.main(argv=argv)


__getattr__ = module_getattr("tf.test")
