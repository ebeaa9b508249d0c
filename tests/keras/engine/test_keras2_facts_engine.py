"""buildtrace against facts recorded from tf-keras 2.21 off the seed path (issue 12).

Each scenario in ``tests/data/keras2_facts/scenarios/`` was run under the real Keras 2 by
``scripts/record_keras2_facts.py``; here the same script runs under the mini-Keras and
its reduced trace, values and printed tables must equal the recording.
"""

from __future__ import annotations

import functools
import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT / "tests" / "data" / "keras2_facts"


def _recorder() -> Any:
    spec = importlib.util.spec_from_file_location(
        "record_keras2_facts", ROOT / "scripts" / "record_keras2_facts.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@functools.cache
def recorded(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / f"{name}.json").read_text())
    return data


@functools.cache
def mini(name: str) -> dict[str, Any]:
    result: dict[str, Any] = _recorder().run_scenario(DATA / "scenarios" / f"{name}.py", "mini")
    return result


def section(name: str, part: str) -> tuple[list[Any], list[Any]]:
    return mini(name)["sections"][part], recorded(name)["sections"][part]


def fact(name: str, key: str) -> tuple[Any, Any]:
    return mini(name)["facts"].get(key), recorded(name)["facts"][key]


def summary(name: str, key: str) -> tuple[str, str]:
    return mini(name)["summaries"].get(key, ""), (DATA / f"{name}.{key}.txt").read_text()


# ------------------------------------------------------- 1. subclassed Model.build(shape)
def test_subclassed_build_calls_each_layer_on_a_plain_tensor() -> None:
    got, want = section("subclassed_build", "build")
    assert got == want
    names = {step[1] for step in want}
    assert "keras.engine.base_layer.Layer._functional_construction_call" not in names
    assert "keras.engine.node.Node.__init__" not in names


def test_subclassed_summary_says_multiple_and_output_has_no_inbound_nodes() -> None:
    assert summary("subclassed_build", "summary")[0] == summary("subclassed_build", "summary")[1]
    assert fact("subclassed_build", "output_error")[0] == (
        "AttributeError: Layer dense has no inbound nodes."
    )
    for key in ("output_error", "input_error", "weights", "built"):
        got, want = fact("subclassed_build", key)
        assert got == want, key


# --------------------------------------------------------------------- 8. weight names
def test_weights_made_in_a_subclassed_call_are_named_under_the_model() -> None:
    got, want = fact("subclassed_build", "called_weights")
    assert (
        got
        == want
        == [
            "two_layer/dense_2/kernel:0",
            "two_layer/dense_2/bias:0",
            "two_layer/dense_3/kernel:0",
            "two_layer/dense_3/bias:0",
        ]
    )
    assert (
        section("subclassed_build", "first_call")[0] == section("subclassed_build", "first_call")[1]
    )
    got_text, want_text = summary("subclassed_build", "called_summary")
    assert got_text == want_text


# ----------------------------------------------------------------- 5. Sequential.pop
def test_pop_is_traced_with_its_graph_rebuild_under_it() -> None:
    got, want = section("pop", "pop")
    assert got == want
    assert want[0] == ["call", "keras.engine.sequential.Sequential.pop", "sequential"]


def test_pop_clears_the_outbound_nodes_of_the_new_last_layer() -> None:
    for key in ("layers", "a_outbound", "output_shape"):
        got, want = fact("pop", key)
        assert got == want, key
    assert summary("pop", "summary")[0] == summary("pop", "summary")[1]


# --------------------------------------------------- 6. summary() against Keras's text
@pytest.mark.parametrize(
    "key", ["sequential", "functional", "nested", "shared", "cnn", "embedding_lstm"]
)
def test_summary_is_byte_identical_to_keras(key: str) -> None:
    got, want = summary("summaries", key)
    assert got == want


def test_functional_summary_prints_the_input_layer_shape_as_a_list() -> None:
    got, want = summary("summaries", "functional")
    assert " input_1 (InputLayer)        [(None, 16)]              0" in want
    assert got == want


# ------------------------------------------------ 7. input_shape / output_shape
@pytest.mark.parametrize(
    "key",
    [
        "seq_input_shape",
        "seq_output_shape",
        "seq2_input_shape",
        "seq2_output_shape",
        "func_input_shape",
        "func_output_shape",
        "input_layer_output_shape",
        "input_layer_input_shape",
        "two_input_shape",
        "two_output_shape",
    ],
)
def test_model_shapes_are_keras_values(key: str) -> None:
    got, want = fact("shapes", key)
    assert got == want


# ------------------------------------------------- 8. Functional.__init__ runs twice
def test_functional_init_runs_as_often_as_in_keras() -> None:
    got, want = section("shapes", "functional")
    assert got == want
    inits = [s for s in want if s[1] == "keras.engine.functional.Functional.__init__"]
    assert len(inits) == 2


# ---------------------------------------------------------- 3. multi-output compile
MULTI_OUTPUT_CASES = sorted(recorded("multi_output")["facts"]["cases"])


@pytest.mark.parametrize("case", MULTI_OUTPUT_CASES)
def test_multi_output_compile_trains_or_raises_as_keras(case: str) -> None:
    """History keys of each list/dict/nested form of loss, metrics and loss_weights, or
    Keras's own message where Keras raises."""
    got = mini("multi_output")["facts"]["cases"][case]
    want = recorded("multi_output")["facts"]["cases"][case]
    assert got == want


def test_a_flat_metrics_list_applies_to_every_output() -> None:
    want = recorded("multi_output")["facts"]["cases"]["loss_str_metrics_flat"]
    assert want == {"keys": ["loss", "out_a_loss", "out_a_mae", "out_b_loss", "out_b_mae"]}
    assert mini("multi_output")["facts"]["cases"]["loss_str_metrics_flat"] == want


# --------------------------------------- 2. the first train_step / predict_step's forward pass
STEP = "keras.engine.training.Model.train_step"


def _first_trace(steps: list[Any]) -> list[Any]:
    """Up to TensorFlow's second trace of the step (it retraces when the first trace made
    variables); buildtrace shows the first trace only."""
    starts = [i for i, s in enumerate(steps) if s[:2] == ["call", STEP]]
    return steps[: starts[1]] if len(starts) > 1 else steps


def test_first_train_step_shows_the_forward_pass_as_keras_nests_it() -> None:
    got, want = section("first_step", "fit")
    assert [s[1] for s in want].count(STEP) == 2  # Keras traced the step twice
    assert got == _first_trace(want)
    flatten_calls = [i for i, s in enumerate(got) if s[1].endswith("Flatten.call")]
    assert flatten_calls and all(
        got[i - 2][1] == "keras.engine.base_layer.Layer.__call__" for i in flatten_calls
    )


def test_predict_is_traced_with_its_first_step_forward_pass() -> None:
    got, want = section("first_step", "predict")
    assert want[0] == ["call", "keras.engine.training.Model.predict", "sequential"]
    assert got == want


def test_first_step_history_keys() -> None:
    got, want = fact("first_step", "history_keys")
    assert got == want


def test_a_deferred_build_step_calls_the_model_once() -> None:
    got, want = section("deferred_step", "fit")
    assert got == _first_trace(want)
    calls = [
        s for s in got if s == ["call", "keras.engine.base_layer.Layer.__call__", "sequential"]
    ]
    assert len(calls) == 1


def test_a_hand_written_tape_step_calls_the_model_once() -> None:
    got, want = section("tape_step", "tape")
    assert got == want
    assert [s[1] for s in want].count("keras.engine.base_layer.Layer.__call__") == 2
