"""What a lesson text may read: one event, the model state around it, and formatters.

Every narration function receives a :class:`Ctx`. It hides the difference between an
event explained on its own (``state`` is None: a file opened at some line) and one
explained with the folded :class:`~buildtrace.state.model_state.ModelState` (the TUI
stepping through a trace), so each text can say "if we know the units, show them".
Nothing here may raise on odd input: events come from files a student may have edited.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from buildtrace.state.model_state import LayerState, ModelFlags, ModelState
from buildtrace.trace import Event
from buildtrace.trace.event_types import EventKey
from buildtrace.trace.shapes import format_shape
from buildtrace.trace.shapes import is_shape as is_shape  # the texts import it from here

# ---------------------------------------------------------------------------- format


def shape(value: Any) -> str:
    """A shape as Python prints it: ``[None, 784]`` -> ``(None, 784)``.

    Lists of shapes (a layer called on several inputs) become ``[(None, 64), (None, 64)]``.

    Example:
        >>> shape([None, 784]), shape([512]), shape([[None, 2], [None, 3]]), shape(None)
        ('(None, 784)', '(512,)', '[(None, 2), (None, 3)]', 'an unknown shape')
    """
    return "an unknown shape" if value is None else format_shape(value)


def num(value: Any) -> str:
    """``401408`` -> ``401,408`` (anything else as ``str``)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def product(dims: Iterable[Any]) -> int | None:
    """The number of values in a shape, or None when a size is unknown."""
    total = 1
    for d in dims:
        if not isinstance(d, int) or isinstance(d, bool):
            return None
        total *= d
    return total


def times(dims: Iterable[Any]) -> str:
    """``[784, 512]`` -> ``784 × 512``."""
    return " × ".join(str(d) for d in dims)


def fans(dims: list[int]) -> tuple[int, int]:
    """Fan-in and fan-out of a weight shape, the way Keras 2's initializers count them.

    A ``(784, 512)`` kernel: 784 in, 512 out. A conv kernel ``(3, 3, 1, 16)``: the 3 × 3
    window times the channels, so 9 in and 144 out. Mirrors ``_compute_fans``.
    """
    if not dims:
        return 1, 1
    if len(dims) == 1:
        return dims[0], dims[0]
    if len(dims) == 2:
        return dims[0], dims[1]
    field = math.prod(dims[:-2])
    return dims[-2] * field, dims[-1] * field


def glorot_limit(dims: list[int]) -> float:
    """``sqrt(6 / (fan_in + fan_out))``: the bound of GlorotUniform."""
    fan_in, fan_out = fans(dims)
    return math.sqrt(6.0 / max(1, fan_in + fan_out))


def plural(count: Any, word: str) -> str:
    """``1 layer``, ``2 layers`` (``word`` is the singular; an unknown count keeps it plural).

    Example:
        >>> plural(1, "layer"), plural(469, "batch")
        ('1 layer', '469 batches')
    """
    if count == 1:
        return f"1 {word}"
    suffix = "es" if word.endswith(("s", "sh", "tch", "x")) else "s"
    return f"{num(count)} {word}{suffix}"


def code(name: Any) -> str:
    """A name in backticks, for Markdown-ish rendering (the TUI and handouts style it)."""
    return f"`{name}`"


def join(items: Iterable[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    words = list(items)
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def names(items: Iterable[Any]) -> str:
    """Layer names in backticks, joined: ```dense`, `dense_1```."""
    return join(code(n) for n in items)


_TENSOR_REPR = re.compile(r"shape=(\([^)]*\)).*?created by layer '([^']+)'")


def parse_tensor(text: Any) -> tuple[str, str] | None:
    """``(shape, layer)`` from a KerasTensor's repr, as ``_build_map_helper`` reports it."""
    if not isinstance(text, str):
        return None
    match = _TENSOR_REPR.search(text)
    return (match.group(1), match.group(2)) if match else None


def mirror_path(name: str) -> str:
    """``keras.engine.base_layer.Layer._maybe_build`` -> ``keras/engine/base_layer.py::...``.

    buildtrace's Keras names are structural (module path + qualified name), so the Keras 2
    source location follows from the name alone: the qualified name starts at the first
    capitalised part (a class, or a function such as ``Input``). A Keras 3 name
    (``keras3.layers.layer.Layer.__call__``) points into Keras 3's ``keras/src/``.
    """
    if name.startswith("keras3."):
        return "keras/src/" + mirror_path("keras." + name.removeprefix("keras3."))[len("keras/") :]
    parts = [p for p in name.split(".") if p]
    if len(parts) < 2:
        return name or "?"
    start = len(parts) - 1
    for index, part in enumerate(parts[1:], start=1):
        if part.lstrip("_")[:1].isupper():
            start = index
            break
    return "/".join(parts[:start]) + ".py::" + ".".join(parts[start:])


def short(name: str) -> str:
    """``keras.engine.base_layer.Layer._maybe_build`` -> ``Layer._maybe_build``."""
    path = mirror_path(name)
    if "::" not in path:
        return name
    module, qual = path.split("::", 1)
    if "." in qual:
        return qual
    return module.rsplit("/", 1)[-1].removesuffix(".py") + "." + qual


# ---------------------------------------------------------------------------- context


@dataclass(frozen=True)
class Ctx:
    """One event and (maybe) the model state folded up to and including it.

    Example:
        >>> ctx = Ctx({"kind": "call", "name": "f", "layer": "dense"}, None)
        >>> ctx.who, Ctx({"cls": "Dense"}, None).subject
        ('`dense`', 'The new Dense')
    """

    event: Event
    state: ModelState | None

    # -------------------------------------------------------------- the event
    def get(self, key: EventKey, default: Any = None) -> Any:
        """A field of the event (``default`` when missing)."""
        return self.event.get(key, default)

    @property
    def kind(self) -> str:
        return str(self.event.get("kind") or "")

    @property
    def name(self) -> str:
        return str(self.event.get("name") or "")

    @property
    def layer(self) -> str | None:
        value = self.event.get("layer")
        return value if isinstance(value, str) and value else None

    @property
    def cls(self) -> str | None:
        """The class of the object the event is about (from the event, else the state)."""
        value = self.event.get("cls")
        if isinstance(value, str) and value:
            return value
        found = self.layer_state()
        return found.cls if found is not None else None

    @property
    def who(self) -> str:
        """How to name the layer in a sentence: `` `dense` ``, or ``the new Dense``."""
        if self.layer:
            return code(self.layer)
        return f"the new {self.cls}" if self.cls else "the layer"

    @property
    def subject(self) -> str:
        """:attr:`who` at the start of a sentence: ``The new Dense``."""
        if self.layer:
            return code(self.layer)
        return f"The new {self.cls}" if self.cls else "The layer"

    # -------------------------------------------------------------- the state
    def layer_state(self, name: str | None = None) -> LayerState | None:
        """The folded state of ``name`` (default: the event's layer)."""
        key = name or self.layer
        if self.state is None or not key:
            return None
        return self.state.layers.get(key)

    def model(self, name: str | None = None) -> ModelFlags | None:
        """The folded flags of model ``name`` (default: the event's layer)."""
        key = name or self.layer
        if self.state is None or not key:
            return None
        return self.state.models.get(key)

    def config(self, name: str | None = None) -> dict[str, Any]:
        """The layer's configuration (``units``, ``activation``...), ``{}`` when unknown."""
        found = self.layer_state(name)
        return dict(found.config) if found is not None else {}

    @property
    def frames(self) -> list[Event]:
        """The calls open around this event, outermost first (its own call excluded)."""
        if self.state is None:
            return []
        frames = list(self.state.stack.frames)
        if (
            self.kind == "call"
            and frames
            and frames[-1].get("seq") == self.event.get("seq")
            and frames[-1].get("name") == self.event.get("name")
        ):
            frames.pop()
        return frames

    @property
    def parent(self) -> str:
        """The short name of the innermost enclosing call (``""`` at top level)."""
        frames = self.frames
        return short(str(frames[-1].get("name") or "")) if frames else ""

    def innermost(self, *suffixes: str) -> str | None:
        """The short name of the innermost open call ending with one of ``suffixes``."""
        for frame in reversed(self.frames):
            name = str(frame.get("name") or "")
            if any(name.endswith(s) for s in suffixes):
                return short(name)
        return None

    def inside(self, *suffixes: str) -> bool:
        """Whether a call ending with one of ``suffixes`` is open around the event."""
        return self.innermost(*suffixes) is not None

    def nearest(self, key: EventKey, same_layer: bool = True) -> Any:
        """``key`` from this event, else from the nearest enclosing call that has it.

        Layer-internal calls (``_maybe_build``, ``Dense.call``) carry no shapes; the
        ``Layer.__call__`` that started them does.
        """
        if self.event.get(key) is not None:
            return self.event.get(key)
        for frame in reversed(self.frames):
            if same_layer and frame.get("layer") != self.event.get("layer"):
                continue
            if frame.get(key) is not None:
                return frame.get(key)
        return None

    def input_shape(self) -> Any:
        """The input shape this event is about: its own, the caller's, or the last build's."""
        found = self.nearest("input_shape")
        if found is None:
            state = self.layer_state()
            if state is not None and state.build_input_shape is not None:
                return list(state.build_input_shape)
        return found

    def model_layers(self, name: str | None = None) -> list[str]:
        """The layers of model ``name`` as the trace has shown them (input layer included)."""
        flags = self.model(name)
        return flags.layers if flags is not None else []

    def model_params(self, name: str | None = None) -> int | None:
        """Parameters of all layers of model ``name`` created so far."""
        if self.state is None:
            return None
        layers = [self.state.layers[n] for n in self.model_layers(name) if n in self.state.layers]
        return sum(layer.params for layer in layers) if layers else None
