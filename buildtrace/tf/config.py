"""``tf.config`` and ``tf.device``: the device set-up lines tutorials start with.

Mirrors: ``tensorflow/python/framework/config.py`` and ``ops.device``. buildtrace computes
on numpy, so the machine has one device, the CPU, and no GPU: ``list_physical_devices("GPU")``
is ``[]`` (as TensorFlow answers on a machine without one), so the usual
``if gpus: tf.config.experimental.set_memory_growth(gpus[0], True)`` is skipped, and
``with tf.device("GPU:0")`` places ops on the CPU, as TensorFlow's soft placement does.
The threading, determinism and eager switches are accepted and remembered, and change
nothing: numpy runs every op eagerly, deterministically, on the threads it has.

Example:
    >>> list_physical_devices("CPU")
    [PhysicalDevice(name='/physical_device:CPU:0', device_type='CPU')]
    >>> list_physical_devices("GPU")
    []
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NamedTuple

from buildtrace.tf.unsupported import Namespace, module_getattr

#: The full name of the one device, as ``Tensor.device`` reports it.
CPU_DEVICE = "/job:localhost/replica:0/task:0/device:CPU:0"


class PhysicalDevice(NamedTuple):
    """A device of the machine. Mirrors ``tf.config.PhysicalDevice``."""

    name: str
    device_type: str


class LogicalDevice(NamedTuple):
    """A device TensorFlow places ops on. Mirrors ``tf.config.LogicalDevice``."""

    name: str
    device_type: str


_CPU = PhysicalDevice("/physical_device:CPU:0", "CPU")
_settings: dict[str, Any] = {
    "visible": [_CPU],
    "intra_op": 0,
    "inter_op": 0,
    "soft_placement": True,
    "run_eagerly": False,
    "determinism": False,
}


def list_physical_devices(device_type: str | None = None) -> list[PhysicalDevice]:
    """The machine's devices of ``device_type`` (all if None): the CPU, never a GPU."""
    return [d for d in [_CPU] if device_type is None or d.device_type == device_type.upper()]


def list_logical_devices(device_type: str | None = None) -> list[LogicalDevice]:
    """The visible devices ops can be placed on (``/device:CPU:0``)."""
    return [
        LogicalDevice(d.name.replace("/physical_device:", "/device:"), d.device_type)
        for d in get_visible_devices(device_type)
    ]


def get_visible_devices(device_type: str | None = None) -> list[PhysicalDevice]:
    """The devices left visible by :func:`set_visible_devices` (the CPU by default)."""
    visible: list[PhysicalDevice] = _settings["visible"]
    return [d for d in visible if device_type is None or d.device_type == device_type.upper()]


def set_visible_devices(devices: Any, device_type: str | None = None) -> None:
    """Keep only ``devices`` visible. Mirrors ``tf.config.set_visible_devices``.

    The CPU stays visible: it is the only device buildtrace computes on (TensorFlow
    itself fails later, when it starts, if a script hides every CPU).

    Raises:
        ValueError: a device that is not one of :func:`list_physical_devices`
            (TensorFlow's message).
    """
    chosen = [devices] if isinstance(devices, PhysicalDevice) else list(devices)
    for device in chosen:
        if device not in list_physical_devices():
            raise ValueError(f"Unrecognized device: {device!r}")
    _settings["visible"] = [_CPU]


def set_memory_growth(device: Any, enable: bool) -> None:
    """Mirrors ``tf.config.experimental.set_memory_growth``: GPUs only, and there is none.

    Raises:
        ValueError: for the CPU, with TensorFlow's message.
    """
    if getattr(device, "device_type", None) != "GPU":
        raise ValueError("Cannot set memory growth on non-GPU and non-Pluggable devices")


def get_memory_growth(device: Any) -> bool:
    """Mirrors ``tf.config.experimental.get_memory_growth`` (GPUs only, so an error here)."""
    raise ValueError("Cannot get memory growth on non-GPU and non-Pluggable devices")


def _setter(key: str) -> Any:
    def set_value(value: Any) -> None:
        _settings[key] = value

    return set_value


def _getter(key: str) -> Any:
    def get_value() -> Any:
        return _settings[key]

    return get_value


def enable_op_determinism() -> None:
    """Remembered; numpy's ops are deterministic already. Mirrors TensorFlow's switch."""
    _settings["determinism"] = True


@contextmanager
def device(device_name: Any) -> Iterator[None]:
    """``with tf.device("CPU:0"):`` — every op runs on the CPU, whatever the name says.

    Mirrors ``tf.device`` with soft placement (TensorFlow 2's default): a name of a
    device the machine lacks (``"GPU:0"``) places the ops on the CPU.
    """
    yield


threading = Namespace(
    "tf.config.threading",
    "Mirrors `tf.config.threading`: remembered, numpy keeps its own threads.",
    {
        "set_intra_op_parallelism_threads": _setter("intra_op"),
        "get_intra_op_parallelism_threads": _getter("intra_op"),
        "set_inter_op_parallelism_threads": _setter("inter_op"),
        "get_inter_op_parallelism_threads": _getter("inter_op"),
    },
)
experimental = Namespace(
    "tf.config.experimental",
    "Mirrors `tf.config.experimental`.",
    {
        "list_physical_devices": list_physical_devices,
        "list_logical_devices": list_logical_devices,
        "get_visible_devices": get_visible_devices,
        "set_visible_devices": set_visible_devices,
        "set_memory_growth": set_memory_growth,
        "get_memory_growth": get_memory_growth,
        "enable_op_determinism": enable_op_determinism,
    },
)
set_soft_device_placement = _setter("soft_placement")
get_soft_device_placement = _getter("soft_placement")
run_functions_eagerly = _setter("run_eagerly")
functions_run_eagerly = _getter("run_eagerly")

__all__ = [
    "CPU_DEVICE",
    "LogicalDevice",
    "PhysicalDevice",
    "device",
    "experimental",
    "functions_run_eagerly",
    "get_soft_device_placement",
    "get_visible_devices",
    "list_logical_devices",
    "list_physical_devices",
    "run_functions_eagerly",
    "set_soft_device_placement",
    "set_visible_devices",
    "threading",
]

__getattr__ = module_getattr("tf.config")
