# compile() of a two-output model: the list, dict and nested forms; Keras's messages.
# ruff: noqa: F821  (mark, fact and summary are given by scripts/record_keras2_facts.py)
import keras
import numpy as np
from keras import layers


def make_model():
    inputs = keras.Input(shape=(4,))
    hidden = layers.Dense(8)(inputs)
    outputs = [layers.Dense(1, name="out_a")(hidden), layers.Dense(2, name="out_b")(hidden)]
    return keras.Model(inputs, outputs)


x = np.zeros((8, 4), "float32")
ys = [np.zeros((8, 1), "float32"), np.zeros((8, 2), "float32")]
cases = {
    "loss_list": dict(loss=["mse", "mae"]),
    "loss_str_metrics_flat": dict(loss="mse", metrics=["mae"]),
    "loss_list_metrics_flat2": dict(loss=["mse", "mse"], metrics=["mae", "mse"]),
    "loss_dict": dict(loss={"out_a": "mse", "out_b": "mae"}),
    "metrics_dict": dict(loss="mse", metrics={"out_b": "mae"}),
    "metrics_nested": dict(loss="mse", metrics=[["mae"], ["mse", "mae"]]),
    "loss_weights_list": dict(loss="mse", loss_weights=[1.0, 0.5]),
    "loss_weights_dict": dict(loss="mse", loss_weights={"out_a": 2.0}),
    "loss_dict_partial": dict(loss={"out_a": "mse"}),
    "bad_loss_len": dict(loss=["mse"]),
    "bad_loss_key": dict(loss={"nope": "mse"}),
    "bad_metrics_len": dict(loss="mse", metrics=[["mae"]]),
    "bad_metrics_key": dict(loss="mse", metrics={"nope": "mae"}),
    "bad_weights_len": dict(loss="mse", loss_weights=[1.0]),
    "bad_weights_key": dict(loss="mse", loss_weights={"nope": 1.0}),
}
results = {}
for case, kwargs in cases.items():
    model = make_model()
    try:
        model.compile(optimizer="sgd", **kwargs)
        history = model.fit(x, ys, epochs=1, batch_size=8, verbose=0)
        results[case] = {"keys": sorted(history.history)}
    except Exception as exc:
        # The last line: tf.function wraps the message in the user code's traceback.
        last = str(exc).strip().splitlines()[-1].strip()
        name = type(exc).__name__
        results[case] = {"error": last if last.startswith(name) else f"{name}: {last}"}
fact("cases", results)
