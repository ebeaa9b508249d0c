"""Keras 2's image pipeline, number for number against tf-keras 2.21.

The references (``tests/data/imagegen``) were recorded from tf-keras 2.21, with SciPy
doing its warps, by ``scripts/record_imagegen_references.py``: the same small inputs, the
same arguments. Where Keras draws random numbers (``get_random_transform``, a seeded
``flow``) both draw from numpy's global generator in the same order, so the numbers agree
too.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytest.importorskip("PIL")

from buildtrace.keras.preprocessing.image import ImageDataGenerator, array_to_img
from buildtrace.keras.utils import image_dataset_from_directory

DATA = Path(__file__).resolve().parents[2] / "data" / "imagegen"
FACTS = json.loads((DATA / "facts.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def ref() -> Any:
    with np.load(DATA / "arrays.npz") as arrays:
        return dict(arrays)


@pytest.fixture
def pets(tmp_path: Path, ref: Any) -> Path:
    """The recording's folder of PNG files: ``cats/0..2.png``, ``dogs/0..1.png``."""
    root = tmp_path / "pets"
    for key, pixels in ref.items():
        if key.startswith("png/"):
            _, label, index = key.split("/")
            (root / label).mkdir(parents=True, exist_ok=True)
            array_to_img(pixels, scale=False).save(root / label / f"{index}.png")
    return root


def test_rescale_and_samplewise_normalization_match_keras(ref: Any) -> None:
    gen = ImageDataGenerator(
        rescale=1 / 255, samplewise_center=True, samplewise_std_normalization=True
    )
    np.testing.assert_allclose(gen.standardize(ref["x"][0].copy()), ref["standardize"], atol=1e-6)


def test_featurewise_statistics_of_fit_match_keras(ref: Any) -> None:
    gen = ImageDataGenerator(
        featurewise_center=True, featurewise_std_normalization=True, rescale=1 / 255
    )
    gen.fit(ref["x"])
    np.testing.assert_allclose(gen.mean, ref["fit_mean"], rtol=1e-6)
    np.testing.assert_allclose(gen.std, ref["fit_std"], rtol=1e-5)
    standardized = gen.standardize(ref["x"][1].copy())
    np.testing.assert_allclose(standardized, ref["fit_standardized"], atol=1e-5)


def test_zca_whitening_matches_keras(ref: Any) -> None:
    with pytest.warns(UserWarning, match="overrides setting of `featurewise_center`"):
        gen = ImageDataGenerator(zca_whitening=True, rescale=1 / 255)
    gen.fit(ref["x_zca"])
    np.testing.assert_allclose(gen.zca_whitening_matrix, ref["zca_matrix"], atol=1e-3)
    standardized = gen.standardize(ref["x_zca"][0].copy())
    np.testing.assert_allclose(standardized, ref["zca_standardized"], atol=1e-3)


@pytest.mark.parametrize("name", sorted(FACTS["transforms"]))
def test_apply_transform_matches_keras(name: str, ref: Any) -> None:
    case = FACTS["transforms"][name]
    gen = ImageDataGenerator(**case["args"])
    sample = ref["x"][0]
    if case["args"].get("data_format") == "channels_first":
        sample = sample.transpose(2, 0, 1)
    out = gen.apply_transform(sample.copy(), case["params"])
    np.testing.assert_allclose(out, ref[f"transform/{name}"], atol=2e-4)


@pytest.mark.parametrize("name", sorted(FACTS["random_transforms"]))
def test_seeded_random_transform_draws_keras_parameters(name: str) -> None:
    case = FACTS["random_transforms"][name]
    params = ImageDataGenerator(**case["args"]).get_random_transform((5, 6, 3), seed=3)
    assert set(params) == set(case["params"])
    for key, expected in case["params"].items():
        if expected is None:
            assert params[key] is None, key
        else:
            assert float(params[key]) == pytest.approx(expected, abs=1e-12), key


def test_seeded_flow_gives_keras_batches(ref: Any) -> None:
    """Order, draws and pixels: ``it[0]``, ``it[1]``, then ``next(it)`` twice."""
    it = ImageDataGenerator(**FACTS["flow_args"]).flow(
        ref["x"], ref["y"], batch_size=3, shuffle=True, seed=11
    )
    for i, (bx, by) in enumerate([it[0], it[1], next(it), next(it)]):
        np.testing.assert_array_equal(by, ref[f"flow/{i}/y"])
        np.testing.assert_allclose(bx, ref[f"flow/{i}/x"], atol=1e-6)


@pytest.mark.parametrize("name", sorted(FACTS["directory"]))
def test_flow_from_directory_matches_keras(
    name: str, pets: Path, ref: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    case = FACTS["directory"][name]
    flow_args = dict(case["flow_args"])
    flow_args["target_size"] = tuple(flow_args["target_size"])
    it = ImageDataGenerator(**case["gen_args"]).flow_from_directory(
        str(pets), batch_size=5, shuffle=False, **flow_args
    )
    assert capsys.readouterr().out.splitlines() == case["printed"]
    assert it.class_indices == case["class_indices"]
    assert it.classes.tolist() == case["classes"]
    assert it.filenames == case["filenames"]
    assert (it.samples, len(it)) == (case["samples"], case["len"])
    batch = it[0]
    bx, by = batch if isinstance(batch, tuple) else (batch, None)
    np.testing.assert_allclose(bx, ref[f"directory/{name}/x"], atol=1e-6)
    if by is not None:
        np.testing.assert_array_equal(by, ref[f"directory/{name}/y"])


@pytest.mark.parametrize("name", sorted(FACTS["dataset"]))
def test_image_dataset_from_directory_matches_keras(
    name: str, pets: Path, ref: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    case = FACTS["dataset"][name]
    args = dict(case["args"])
    args["image_size"] = tuple(args["image_size"])
    ds = image_dataset_from_directory(str(pets), **args)
    assert capsys.readouterr().out.splitlines() == case["printed"]
    assert ds.class_names == case["class_names"]
    assert [str(Path(p).relative_to(pets)) for p in ds.file_paths] == case["file_paths"]
    if args["shuffle"]:
        return  # the order of the elements is TensorFlow's shuffle's; the files' is above
    batches = list(ds)
    assert len(batches) == len([k for k in ref if k.startswith(f"dataset/{name}/")]) // 2
    for i, (bx, by) in enumerate(batches):
        np.testing.assert_allclose(bx.numpy(), ref[f"dataset/{name}/{i}/x"], atol=1e-3)
        np.testing.assert_array_equal(by.numpy(), ref[f"dataset/{name}/{i}/y"])
