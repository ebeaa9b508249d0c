"""Narration: plain-language words for every event of a trace.

``explain(event, state)`` says what an event means, with this trace's values, which
Keras 2 function it mirrors and why Keras does it; ``has_narration(event)`` tells a
specific lesson from the generic fallback. The TUI, the diagrams' frames, the lessons
and the handouts read them.

It sits between ``state`` and ``render`` in the order of dependencies: it reads
events and the model state folded from them, and knows nothing of what shows it.

One lesson is written per function or event kind and filled in from the event:

* ``texts_engine`` — ``Layer.__init__``, ``__call__``, functional construction;
* ``texts_build`` — ``_maybe_build``, ``Layer.build``, ``add_weight``, node wiring;
* ``texts_inputs`` — ``keras.Input``, ``InputLayer``, ``Node``, the input-spec check;
* ``texts_graph`` / ``texts_functional`` — ``Sequential`` and ``Functional`` models;
* ``texts_layers`` / ``texts_shapes`` — each layer's ``__init__``, ``build``, ``call``;
* ``texts_weights`` — ``add_weight`` events (shapes, initializers, Glorot limits);
* ``texts_flags`` — ``set`` events: who wrote ``built``/``_graph_initialized`` and why;
* ``texts_training`` / ``texts_fit_events`` — ``compile``, ``fit``, the steps, epochs;
* ``texts_errors`` — ``raise`` events: what the error means and how to fix it.

Example:
    >>> from buildtrace.narration import explain, has_narration
    >>> has_narration({"kind": "call", "name": "keras.engine.base_layer.Layer.build"})
    True
"""

from __future__ import annotations

from buildtrace.narration.explanations import Explanation, explain, has_narration

__all__ = ["Explanation", "explain", "has_narration"]
