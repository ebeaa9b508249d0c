"""Record what tf-keras 2.21's image data pipeline gives on small, fixed inputs.

Run by hand with the real Keras 2 (TensorFlow 2.21 + tf-keras 2.21), and SciPy, which
Keras's rotations, shifts, shears and zooms need (``pip install scipy``; buildtrace
itself does not)::

    TF_USE_LEGACY_KERAS=1 python scripts/record_imagegen_references.py

It writes into ``tests/data/imagegen/``:

* ``arrays.npz``: the inputs (a batch of 4 float images of 5x6x3 and their labels; the
  pixels of the small PNG files the folder cases write) and Keras's outputs, by case
  name: ``standardize`` (rescale + sample-wise normalization), ``fit_mean`` /
  ``fit_std`` / ``fit_standardized`` (feature-wise, after ``fit``), ``zca_matrix`` /
  ``zca_standardized`` (ZCA whitening of 40 small images ``x_zca``), ``transform/<case>``
  (``apply_transform`` with explicit parameters: flips, channel shift, brightness, and
  each affine warp in each fill mode), ``flow/<i>`` (seeded, shuffled, augmented
  batches of ``flow``), ``directory/<case>/...`` (``flow_from_directory`` batches) and
  ``dataset/<case>/...`` (``image_dataset_from_directory`` batches);
* ``facts.json``: what is not an array: the parameters ``get_random_transform`` draws
  with a seed, ``class_indices``, ``filenames``, ``class_names``, ``file_paths``, and the
  lines Keras prints.

The tests read only those files; they never need TensorFlow or SciPy.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from tensorflow import keras

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "imagegen"
image = keras.preprocessing.image
ImageDataGenerator = image.ImageDataGenerator

#: ``apply_transform`` cases: (name, generator arguments, transform parameters).
TRANSFORMS: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    ("flip_horizontal", {}, {"flip_horizontal": True}),
    ("flip_vertical", {}, {"flip_vertical": True}),
    ("channel_shift", {}, {"channel_shift_intensity": 40.0}),
    ("brightness", {}, {"brightness": 1.4}),
    ("channels_first_flip", {"data_format": "channels_first"}, {"flip_horizontal": True}),
]
for _mode in ("nearest", "constant", "reflect", "wrap"):
    _args = {"fill_mode": _mode, "cval": 7.0}
    TRANSFORMS += [
        (f"rotate_{_mode}", _args, {"theta": 30.0}),
        (f"shift_rows_{_mode}", _args, {"tx": 2.0}),
        (f"shift_cols_{_mode}", _args, {"ty": -1.5}),
        (f"shear_{_mode}", _args, {"shear": 20.0}),
        (f"zoom_{_mode}", _args, {"zx": 0.7, "zy": 1.3}),
        (
            f"all_{_mode}",
            _args,
            {
                "theta": -40.0,
                "tx": 1.0,
                "ty": 2.5,
                "shear": 10.0,
                "zx": 1.2,
                "zy": 0.9,
                "flip_horizontal": True,
                "channel_shift_intensity": -15.0,
            },
        ),
    ]
TRANSFORMS += [
    ("rotate_order0", {"interpolation_order": 0}, {"theta": 25.0}),
    ("rotate_channels_first", {"data_format": "channels_first"}, {"theta": 25.0, "tx": 1.0}),
]

#: ``get_random_transform(shape, seed=3)`` cases: generator arguments.
RANDOM_CONFIGS: dict[str, dict[str, Any]] = {
    "everything": dict(
        rotation_range=30,
        width_shift_range=0.2,
        height_shift_range=0.1,
        shear_range=8,
        zoom_range=0.25,
        channel_shift_range=20,
        horizontal_flip=True,
        vertical_flip=True,
        brightness_range=(0.6, 1.2),
    ),
    "shift_choices": dict(width_shift_range=[1, 2, 3], height_shift_range=2, zoom_range=[0.5, 1]),
}

#: The PNG files of the folder cases: class -> list of (height, width, seed).
FILES = {"cats": [(7, 9, 1), (6, 6, 2), (8, 5, 3)], "dogs": [(5, 7, 4), (9, 8, 5)]}


def _pixels(height: int, width: int, seed: int) -> np.ndarray:
    return np.random.RandomState(seed).randint(0, 256, (height, width, 3)).astype("uint8")


def _write_folder(root: Path) -> None:
    for label, files in FILES.items():
        (root / label).mkdir(parents=True)
        for i, (h, w, seed) in enumerate(files):
            image.array_to_img(_pixels(h, w, seed), scale=False).save(root / label / f"{i}.png")


def _printed(fn: Any) -> tuple[Any, list[str]]:
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        value = fn()
    return value, buffer.getvalue().splitlines()


def record() -> None:
    arrays: dict[str, Any] = {}
    facts: dict[str, Any] = {}
    x = np.random.RandomState(0).uniform(0, 255, (4, 5, 6, 3)).astype("float32")
    y = np.array([0, 1, 0, 1])
    arrays.update(x=x, y=y)

    gen = ImageDataGenerator(rescale=1 / 255, samplewise_center=True,
                             samplewise_std_normalization=True)  # fmt: skip
    arrays["standardize"] = gen.standardize(x[0].copy())
    gen = ImageDataGenerator(featurewise_center=True, featurewise_std_normalization=True,
                             rescale=1 / 255)  # fmt: skip
    gen.fit(x)
    arrays.update(fit_mean=gen.mean, fit_std=gen.std, fit_standardized=gen.standardize(x[1].copy()))

    # ZCA: more images than features, so that the whitening matrix is well defined.
    x_zca = np.random.RandomState(1).uniform(0, 255, (40, 2, 3, 3)).astype("float32")
    gen = ImageDataGenerator(zca_whitening=True, rescale=1 / 255)
    gen.fit(x_zca)
    arrays.update(
        x_zca=x_zca,
        zca_matrix=gen.zca_whitening_matrix,
        zca_standardized=gen.standardize(x_zca[0].copy()),
    )

    facts["transforms"] = {}
    for name, args, params in TRANSFORMS:
        gen = ImageDataGenerator(**args)
        sample = x[0].transpose(2, 0, 1) if args.get("data_format") == "channels_first" else x[0]
        arrays[f"transform/{name}"] = gen.apply_transform(sample.copy(), params)
        facts["transforms"][name] = {"args": args, "params": params}

    facts["random_transforms"] = {}
    for name, args in RANDOM_CONFIGS.items():
        params = ImageDataGenerator(**args).get_random_transform((5, 6, 3), seed=3)
        facts["random_transforms"][name] = {
            "args": args, "params": {k: None if v is None else float(v) for k, v in params.items()}
        }  # fmt: skip

    flow_args = dict(rotation_range=15, width_shift_range=0.2, horizontal_flip=True,
                     fill_mode="reflect", rescale=1 / 255)  # fmt: skip
    facts["flow_args"] = flow_args
    it = ImageDataGenerator(**flow_args).flow(x, y, batch_size=3, shuffle=True, seed=11)
    batches = [it[0], it[1], next(it), next(it)]
    for i, (bx, by) in enumerate(batches):
        arrays[f"flow/{i}/x"], arrays[f"flow/{i}/y"] = bx, by

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "pets"
        _write_folder(root)
        _record_directory(root, arrays, facts)
        _record_dataset(root, arrays, facts)
    for label, files in FILES.items():
        for i, (h, w, seed) in enumerate(files):
            arrays[f"png/{label}/{i}"] = _pixels(h, w, seed)
    OUT.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(OUT / "arrays.npz", **arrays)
    (OUT / "facts.json").write_text(json.dumps(facts, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {len(arrays)} arrays and the facts into {OUT}")


#: ``flow_from_directory`` cases: (name, generator arguments, flow arguments).
DIRECTORY_CASES: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    ("binary", {"rescale": 1 / 255}, {"target_size": (4, 4), "class_mode": "binary"}),
    (
        "gray_categorical",
        {},
        {"target_size": (3, 5), "color_mode": "grayscale", "interpolation": "bilinear"},
    ),
    (
        "validation",
        {"validation_split": 0.4},
        {"target_size": (4, 4), "subset": "validation", "class_mode": "sparse"},
    ),
    (
        "training",
        {"validation_split": 0.4},
        {"target_size": (4, 4), "subset": "training", "class_mode": "sparse"},
    ),
    ("aspect", {}, {"target_size": (4, 4), "keep_aspect_ratio": True, "class_mode": None}),
]


def _record_directory(root: Path, arrays: dict[str, Any], facts: dict[str, Any]) -> None:
    facts["directory"] = {}
    for name, gen_args, flow_args in DIRECTORY_CASES:
        it, printed = _printed(
            lambda g=gen_args, f=flow_args: ImageDataGenerator(**g).flow_from_directory(
                str(root), batch_size=5, shuffle=False, **f
            )
        )
        batch = it[0]
        bx, by = batch if isinstance(batch, tuple) else (batch, None)
        arrays[f"directory/{name}/x"] = bx
        if by is not None:
            arrays[f"directory/{name}/y"] = by
        facts["directory"][name] = {
            "gen_args": gen_args, "flow_args": flow_args, "printed": printed,
            "class_indices": it.class_indices, "classes": it.classes.tolist(),
            "filenames": it.filenames, "samples": it.samples, "len": len(it),
        }  # fmt: skip


#: ``image_dataset_from_directory`` cases: (name, arguments).
DATASET_CASES: list[tuple[str, dict[str, Any]]] = [
    ("int_bilinear", {"image_size": (4, 5), "batch_size": 2, "shuffle": False}),
    (
        "categorical_nearest",
        {
            "image_size": (6, 3),
            "batch_size": 5,
            "shuffle": False,
            "label_mode": "categorical",
            "interpolation": "nearest",
        },
    ),
    (
        "binary_gray_crop",
        {
            "image_size": (4, 4),
            "batch_size": 5,
            "shuffle": False,
            "label_mode": "binary",
            "color_mode": "grayscale",
            "crop_to_aspect_ratio": True,
        },
    ),
    ("shuffled", {"image_size": (4, 4), "shuffle": True, "seed": 5}),
    (
        "split",
        {
            "image_size": (4, 4),
            "shuffle": True,
            "seed": 5,
            "validation_split": 0.4,
            "subset": "training",
        },
    ),
]


def _record_dataset(root: Path, arrays: dict[str, Any], facts: dict[str, Any]) -> None:
    facts["dataset"] = {}
    for name, args in DATASET_CASES:
        ds, printed = _printed(
            lambda a=args: keras.utils.image_dataset_from_directory(str(root), **a)
        )
        facts["dataset"][name] = {
            "args": args, "printed": printed, "class_names": ds.class_names,
            "file_paths": [os.path.relpath(p, root) for p in ds.file_paths],
        }  # fmt: skip
        if args["shuffle"]:
            continue  # TensorFlow's shuffle of the elements is its own generator's
        for i, (bx, by) in enumerate(ds):
            arrays[f"dataset/{name}/{i}/x"], arrays[f"dataset/{name}/{i}/y"] = (
                bx.numpy(),
                by.numpy(),
            )


if __name__ == "__main__":
    record()
