"""A method a model lacks says "not supported by buildtrace", with a hint, never a bare error."""

from __future__ import annotations

import pytest

from buildtrace import keras
from buildtrace.keras.unsupported import NotSupportedByBuildtrace


@pytest.mark.parametrize(
    ("name", "hint"),
    [("predict_classes", "predict, then argmax"), ("sumary", "summary"),
     ("some_missing_api", None)],
)  # fmt: skip
def test_missing_model_attributes_are_named(name: str, hint: str | None) -> None:
    model = keras.Sequential([keras.layers.Dense(2, input_shape=(3,))])
    with pytest.raises(NotSupportedByBuildtrace) as caught:
        getattr(model, name)
    message = str(caught.value)
    assert f"`Sequential.{name}` is not supported by buildtrace" in message
    assert (f"Did you mean `{hint}`?" in message) if hint else ("Did you mean" not in message)


def test_probes_still_see_a_plain_missing_attribute() -> None:
    model = keras.Sequential()
    assert not hasattr(model, "_not_here") and getattr(model, "nope", 7) == 7
