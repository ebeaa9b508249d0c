"""Seeding. Mirrors: ``keras/utils/tf_utils.py::set_random_seed``."""

from __future__ import annotations

import random

import numpy as np

from buildtrace.keras import backend


def set_random_seed(seed: int) -> None:
    """Seed Python's, numpy's and the session's generators, as Keras 2 does.

    Keras also seeds TensorFlow; our initializers draw from the session generator,
    so the same seed gives the same weights in every run (though not TensorFlow's).

    Raises:
        ValueError: ``seed`` is not an integer, with Keras's message.
    """
    if not isinstance(seed, int):
        raise ValueError(
            f"Expected `seed` argument to be an integer. Received: seed={seed} "
            f"(of type {type(seed)})"
        )
    random.seed(seed)
    np.random.seed(seed)
    backend.set_rng_seed(seed)
