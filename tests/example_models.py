"""The example models of the tests: the models of ``samples/``, built as the samples build them.

Tests that need "the seed model", "the two-branch functional model" or "the small CNN"
take them from here, so the tests follow the samples a student runs and there is one
copy of each model. A sample is cut where its model is built (``STOP``): what follows
(training, predicting) is not needed to have the model.

Example:
    >>> model = sample_model("seed")
    >>> model.name, [layer.name for layer in model.layers]
    ('sequential', ['dense', 'dense_1'])
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

SAMPLES = Path(__file__).resolve().parents[1] / "samples"

#: Where each sample's build ends: the first line not needed to build its model.
STOP = {
    "seed": "model.summary()",
    "functional_branches": "model.summary()",
    "cnn": "model.summary()",
}


def build_source(name: str) -> str:
    """The source of ``samples/<name>.py`` up to the end of its model's build."""
    source = (SAMPLES / f"{name}.py").read_text(encoding="utf-8")
    return source.split(STOP[name])[0]


def sample_model(name: str) -> Any:
    """The model ``samples/<name>.py`` builds, built in this process with buildtrace.keras
    (the sample's ``from tensorflow import keras`` resolves to it, as under ``run``)."""
    from buildtrace.runner.aliases import keras_aliases

    namespace: dict[str, Any] = {"__name__": f"samples.{name}"}
    with keras_aliases():
        exec(compile(build_source(name), str(SAMPLES / f"{name}.py"), "exec"), namespace)
    return namespace["model"]
