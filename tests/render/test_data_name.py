"""The training data is named wherever buildtrace shows a run: stand-in digits never pass
for MNIST.

``keras.datasets.mnist.load_data`` writes what it returned into its ``return`` event
(``dataset``, ``dataset_label``); the frames page names it in its header, the handouts
(HTML and Markdown) under their title.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from buildtrace.keras.datasets import mnist, standin
from buildtrace.lessons.handout import handout_from_trace, write_handout
from buildtrace.render.diagrams import plot_frames
from buildtrace.render.frames import STANDIN_LABEL, data_name
from buildtrace.runner.script import run_script
from buildtrace.trace import Event

SCRIPT = """
from tensorflow import keras
from tensorflow.keras import layers

model = keras.Sequential([layers.Dense(4, activation="relu"), layers.Dense(10)])
model.build(input_shape=(None, 784))
model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy")
(x_train, y_train), _ = keras.datasets.mnist.load_data()
model.fit(x_train.reshape(-1, 784) / 255, y_train, epochs=1, batch_size=64, verbose=0)
"""


@pytest.fixture(scope="module")
def standin_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A run that trained on the stand-in digits (offline, as in a classroom), as a trace."""
    folder = tmp_path_factory.mktemp("standin")
    script = folder / "train.py"
    script.write_text(textwrap.dedent(SCRIPT), encoding="utf-8")
    trace = folder / "train.jsonl"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(mnist.STANDIN_ENV, "1")
        patch.setattr(mnist, "STANDIN_SIZES", (256, 64))
        result = run_script(script, recorder_path=trace)
    assert result.exit_code == 0, result.error
    return trace


def _load(events: list[Event]) -> Event:
    return next(e for e in events if e["kind"] == "return" and e["name"].endswith("load_data"))


def test_load_data_says_in_the_trace_which_data_it_returned(standin_run: Path) -> None:
    from buildtrace.trace import read_events

    load = _load(read_events(standin_run))
    assert load["name"] == "keras.datasets.mnist.load_data"
    assert (load["dataset"], load["dataset_label"]) == ("standin", STANDIN_LABEL)
    assert standin.LABEL == STANDIN_LABEL  # the engine's words and the renderers' agree
    assert data_name(read_events(standin_run)) == STANDIN_LABEL


def test_real_mnist_is_named_mnist() -> None:
    fields = standin.dataset_fields(((None, None), (None, None)))
    assert fields == {"dataset": "mnist", "dataset_label": "MNIST"}
    assert data_name([{"kind": "return", "name": "x", **fields}]) == "MNIST"
    assert data_name([]) is None


def test_frames_page_names_the_standin(standin_run: Path, tmp_path: Path) -> None:
    page = tmp_path / "frames.html"
    plot_frames(standin_run, page)
    text = page.read_text(encoding="utf-8")
    assert f'<span class="data standin">Data: {STANDIN_LABEL}</span>' in text
    # Drawn at a step before the data was loaded, the page still says what it trains on.
    plot_frames(standin_run, page, at=20)
    assert STANDIN_LABEL in page.read_text(encoding="utf-8")


@pytest.mark.parametrize("suffix", ["html", "md"])
def test_handouts_name_the_standin(standin_run: Path, tmp_path: Path, suffix: str) -> None:
    from buildtrace.trace import read_events

    handout = handout_from_trace(read_events(standin_run), title="Training", source="train.py")
    assert handout.data == STANDIN_LABEL
    path = tmp_path / f"train.{suffix}"
    write_handout(handout, path)
    text = path.read_text(encoding="utf-8")
    wanted = {
        "html": f'<p class="data standin">Training data: {STANDIN_LABEL}</p>',
        "md": f"**Training data: {STANDIN_LABEL}**",
    }
    assert wanted[suffix] in text
