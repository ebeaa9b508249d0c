"""``keras.preprocessing.image``: Keras 2's image data pipeline, ``ImageDataGenerator``.

Mirrors: ``keras/preprocessing/image.py`` of Keras 2: ``ImageDataGenerator`` (random
augmentation and standardization, ``flow`` over arrays, ``flow_from_directory`` over a
folder per class), its iterators (``image_iterators.py``), its transforms
(``image_transforms.py``), and the array/file helpers Keras re-exports here from
``keras/utils/image_utils.py``.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from buildtrace.keras import backend
from buildtrace.keras.preprocessing.image_iterators import (
    BatchFromFilesMixin,
    DirectoryIterator,
    Iterator,
    NumpyArrayIterator,
)
from buildtrace.keras.preprocessing.image_transforms import (
    apply_affine_transform,
    apply_brightness_shift,
    apply_channel_shift,
    flip_axis,
    random_brightness,
    random_channel_shift,
    random_rotation,
    random_shear,
    random_shift,
    random_zoom,
    transform_matrix_offset_center,
)
from buildtrace.keras.unsupported import module_getattr, unsupported
from buildtrace.keras.utils.image_utils import (
    array_to_img,
    img_to_array,
    load_img,
    save_img,
    smart_resize,
)

__all__ = [
    "BatchFromFilesMixin",
    "DirectoryIterator",
    "ImageDataGenerator",
    "Iterator",
    "NumpyArrayIterator",
    "apply_affine_transform",
    "apply_brightness_shift",
    "apply_channel_shift",
    "array_to_img",
    "flip_axis",
    "img_to_array",
    "load_img",
    "random_brightness",
    "random_channel_shift",
    "random_rotation",
    "random_shear",
    "random_shift",
    "random_zoom",
    "save_img",
    "smart_resize",
    "transform_matrix_offset_center",
]


def _warn(message: str) -> None:
    warnings.warn(message, stacklevel=3)


def _unfit(option: str) -> str:
    return (
        f"This ImageDataGenerator specifies `{option}`, but it hasn't been fit on any "
        "training data. Fit it first by calling `.fit(numpy_data)`."
    )


class ImageDataGenerator:
    """Batches of images with random augmentation and standardization.

    Mirrors: ``keras/preprocessing/image.py::ImageDataGenerator`` (same arguments, same
    defaults). Each image of a batch is drawn its own transform
    (``get_random_transform``: rotation, shifts, shear, zoom, flips, channel shift,
    brightness), transformed (``apply_transform``) and standardized (``standardize``:
    ``preprocessing_function``, ``rescale``, then the sample-wise and feature-wise
    normalizations and ZCA whitening, the last two with the statistics ``fit``
    measured). Random draws use numpy's global generator, as in Keras. Differs: the warps
    are buildtrace's numpy ones (Keras needs SciPy for them; the results agree).

    Example:
        >>> gen = ImageDataGenerator(rescale=1 / 255, horizontal_flip=True)
        >>> batch_x, batch_y = gen.flow(np.ones((4, 8, 8, 3)) * 255, np.arange(4), batch_size=2)[0]
        >>> batch_x.shape, float(batch_x.max())
        ((2, 8, 8, 3), 1.0)

    Raises:
        ValueError: an unknown ``data_format``, a ``validation_split`` outside (0, 1), a
            malformed ``zoom_range`` or ``brightness_range`` (Keras's messages).
    """

    def __init__(self, featurewise_center: bool = False, samplewise_center: bool = False,
                 featurewise_std_normalization: bool = False,
                 samplewise_std_normalization: bool = False, zca_whitening: bool = False,
                 zca_epsilon: float = 1e-06, rotation_range: float = 0,
                 width_shift_range: Any = 0.0, height_shift_range: Any = 0.0,
                 brightness_range: Any = None, shear_range: float = 0.0, zoom_range: Any = 0.0,
                 channel_shift_range: float = 0.0, fill_mode: str = "nearest",
                 cval: float = 0.0, horizontal_flip: bool = False, vertical_flip: bool = False,
                 rescale: float | None = None, preprocessing_function: Any = None,
                 data_format: str | None = None, validation_split: float = 0.0,
                 interpolation_order: int = 1, dtype: str | None = None) -> None:  # fmt: skip
        data_format = data_format or backend.image_data_format()
        self.featurewise_center = featurewise_center
        self.samplewise_center = samplewise_center
        self.featurewise_std_normalization = featurewise_std_normalization
        self.samplewise_std_normalization = samplewise_std_normalization
        self.zca_whitening, self.zca_epsilon = zca_whitening, zca_epsilon
        self.rotation_range = rotation_range
        self.width_shift_range, self.height_shift_range = width_shift_range, height_shift_range
        self.shear_range = shear_range
        self.channel_shift_range = channel_shift_range
        self.fill_mode, self.cval = fill_mode, cval
        self.horizontal_flip, self.vertical_flip = horizontal_flip, vertical_flip
        self.rescale = rescale
        self.preprocessing_function = preprocessing_function
        self.dtype = dtype or backend.floatx()
        self.interpolation_order = interpolation_order
        if data_format not in {"channels_last", "channels_first"}:
            raise ValueError(
                '`data_format` should be `"channels_last"` (channel after row and column) or '
                '`"channels_first"` (channel before row and column). '
                f"Received: {data_format}"
            )
        self.data_format = data_format
        # Axes of a batch (an image's are one less).
        self.channel_axis, self.row_axis, self.col_axis = (
            (3, 1, 2) if data_format == "channels_last" else (1, 2, 3)
        )
        if validation_split and not 0 < validation_split < 1:
            raise ValueError(
                "`validation_split` must be strictly between 0 and 1.  "
                f"Received: {validation_split}"
            )
        self._validation_split = validation_split
        self.mean: Any = None
        self.std: Any = None
        self.zca_whitening_matrix: Any = None
        if isinstance(zoom_range, float | int):
            self.zoom_range = [1 - zoom_range, 1 + zoom_range]
        elif len(zoom_range) == 2 and all(isinstance(v, float | int) for v in zoom_range):
            self.zoom_range = [zoom_range[0], zoom_range[1]]
        else:
            raise ValueError(
                "`zoom_range` should be a float or a tuple or list of two floats. "
                f"Received: {zoom_range}"
            )
        # One normalization implies the centring it divides after, with Keras's warnings;
        # ZCA whitening replaces the feature-wise division.
        if zca_whitening:
            if not featurewise_center:
                self.featurewise_center = True
                _warn(
                    "This ImageDataGenerator specifies `zca_whitening`, which overrides "
                    "setting of `featurewise_center`."
                )
            if featurewise_std_normalization:
                self.featurewise_std_normalization = featurewise_std_normalization = False
                _warn(
                    "This ImageDataGenerator specifies `zca_whitening` which overrides "
                    "setting of`featurewise_std_normalization`."
                )
        if featurewise_std_normalization and not featurewise_center:
            self.featurewise_center = True
            _warn(
                "This ImageDataGenerator specifies `featurewise_std_normalization`, which "
                "overrides setting of `featurewise_center`."
            )
        if samplewise_std_normalization and not samplewise_center:
            self.samplewise_center = True
            _warn(
                "This ImageDataGenerator specifies `samplewise_std_normalization`, which "
                "overrides setting of `samplewise_center`."
            )
        if brightness_range is not None and (
            not isinstance(brightness_range, tuple | list) or len(brightness_range) != 2
        ):
            raise ValueError(
                "`brightness_range should be tuple or list of two floats. "
                f"Received: {brightness_range}"
            )
        self.brightness_range = brightness_range

    # ------------------------------------------------------------------ iterators
    def flow(self, x: Any, y: Any = None, batch_size: int = 32, shuffle: bool = True,
             sample_weight: Any = None, seed: int | None = None, save_to_dir: Any = None,
             save_prefix: str = "", save_format: str = "png", ignore_class_split: bool = False,
             subset: str | None = None) -> NumpyArrayIterator:  # fmt: skip
        """Batches of ``x`` (and ``y``), augmented. Mirrors ``ImageDataGenerator.flow``."""
        return NumpyArrayIterator(
            x, y, self, batch_size=batch_size, shuffle=shuffle, sample_weight=sample_weight,
            seed=seed, data_format=self.data_format, save_to_dir=save_to_dir,
            save_prefix=save_prefix, save_format=save_format,
            ignore_class_split=ignore_class_split, subset=subset, dtype=self.dtype,
        )  # fmt: skip

    def flow_from_directory(self, directory: Any, target_size: Any = (256, 256),
                            color_mode: str = "rgb", classes: Any = None,
                            class_mode: str | None = "categorical", batch_size: int = 32,
                            shuffle: bool = True, seed: int | None = None,
                            save_to_dir: Any = None, save_prefix: str = "",
                            save_format: str = "png", follow_links: bool = False,
                            subset: str | None = None, interpolation: str = "nearest",
                            keep_aspect_ratio: bool = False) -> DirectoryIterator:  # fmt: skip
        """Batches of the images of a folder per class, resized to ``target_size``.

        Mirrors: ``ImageDataGenerator.flow_from_directory``.
        """
        return DirectoryIterator(
            directory, self, target_size=target_size, color_mode=color_mode,
            keep_aspect_ratio=keep_aspect_ratio, classes=classes, class_mode=class_mode,
            data_format=self.data_format, batch_size=batch_size, shuffle=shuffle, seed=seed,
            save_to_dir=save_to_dir, save_prefix=save_prefix, save_format=save_format,
            follow_links=follow_links, subset=subset, interpolation=interpolation,
            dtype=self.dtype,
        )  # fmt: skip

    def flow_from_dataframe(self, dataframe: Any, *args: Any, **kwargs: Any) -> Any:
        """Not supported: buildtrace reads images from arrays and folders, not pandas."""
        raise unsupported("ImageDataGenerator.flow_from_dataframe")

    # ------------------------------------------------------------------ per image
    def standardize(self, x: Any) -> Any:
        """``x`` (one image or a batch) preprocessed, rescaled and normalized, in place.

        Mirrors: ``ImageDataGenerator.standardize``, in Keras's order; a feature-wise
        option before ``fit`` leaves ``x`` as it is and warns.
        """
        if self.preprocessing_function:
            x = self.preprocessing_function(x)
        if self.rescale:
            x *= self.rescale
        if self.samplewise_center:
            x -= np.mean(x, keepdims=True)
        if self.samplewise_std_normalization:
            x /= np.std(x, keepdims=True) + 1e-06
        if self.featurewise_center:
            if self.mean is not None:
                x -= self.mean
            else:
                _warn(_unfit("featurewise_center"))
        if self.featurewise_std_normalization:
            if self.std is not None:
                x /= self.std + 1e-06
            else:
                _warn(_unfit("featurewise_std_normalization"))
        if self.zca_whitening:
            if self.zca_whitening_matrix is not None:
                flat_x = x.reshape(-1, np.prod(x.shape[-3:]))
                x = np.reshape(flat_x @ self.zca_whitening_matrix, x.shape)
            else:
                _warn(_unfit("zca_whitening"))
        return x

    def get_random_transform(self, img_shape: Any, seed: int | None = None) -> dict[str, Any]:
        """One image's random transform, as Keras's parameter dict.

        Mirrors: ``ImageDataGenerator.get_random_transform``: the draws come in Keras's
        order from numpy's generator (reseeded with ``seed``), so a seed gives Keras's
        parameters. A shift range that is a list picks from it (times -1 or 1); a range
        below 1 is a fraction of the image's size, 1 or more pixels.
        """
        img_row_axis, img_col_axis = self.row_axis - 1, self.col_axis - 1
        if seed is not None:
            np.random.seed(seed)
        theta = (
            np.random.uniform(-self.rotation_range, self.rotation_range)
            if self.rotation_range
            else 0
        )
        tx = self._draw_shift(self.height_shift_range, img_shape[img_row_axis])
        ty = self._draw_shift(self.width_shift_range, img_shape[img_col_axis])
        shear = np.random.uniform(-self.shear_range, self.shear_range) if self.shear_range else 0
        if self.zoom_range[0] == 1 and self.zoom_range[1] == 1:
            zx, zy = 1, 1
        else:
            zx, zy = np.random.uniform(self.zoom_range[0], self.zoom_range[1], 2)
        flip_horizontal = (np.random.random() < 0.5) * self.horizontal_flip
        flip_vertical = (np.random.random() < 0.5) * self.vertical_flip
        channel_shift_intensity = None
        if self.channel_shift_range != 0:
            channel_shift_intensity = np.random.uniform(
                -self.channel_shift_range, self.channel_shift_range
            )
        brightness = None
        if self.brightness_range is not None:
            brightness = np.random.uniform(self.brightness_range[0], self.brightness_range[1])
        return {
            "theta": theta, "tx": tx, "ty": ty, "shear": shear, "zx": zx, "zy": zy,
            "flip_horizontal": flip_horizontal, "flip_vertical": flip_vertical,
            "channel_shift_intensity": channel_shift_intensity, "brightness": brightness,
        }  # fmt: skip

    @staticmethod
    def _draw_shift(shift_range: Any, size: int) -> Any:
        """A shift: one of a list of choices, or uniform in ``[-range, range]``; in pixels."""
        if not shift_range:
            return 0
        try:  # Keras's way: a list (or an int n: range(n)) is a set of choices...
            shift = np.random.choice(shift_range)
            shift *= np.random.choice([-1, 1])
        except ValueError:  # ... and a float is a range
            shift = np.random.uniform(-shift_range, shift_range)
        if np.max(shift_range) < 1:
            shift *= size
        return shift

    def apply_transform(self, x: Any, transform_parameters: dict[str, Any]) -> Any:
        """One image (3-D) transformed by the given parameters.

        Mirrors: ``ImageDataGenerator.apply_transform``: the affine warp (with
        ``fill_mode`` and ``cval``), then the channel shift, the flips and the brightness.
        """
        img_row_axis, img_col_axis = self.row_axis - 1, self.col_axis - 1
        img_channel_axis = self.channel_axis - 1
        params = transform_parameters
        x = apply_affine_transform(
            x, params.get("theta", 0), params.get("tx", 0), params.get("ty", 0),
            params.get("shear", 0), params.get("zx", 1), params.get("zy", 1),
            row_axis=img_row_axis, col_axis=img_col_axis, channel_axis=img_channel_axis,
            fill_mode=self.fill_mode, cval=self.cval, order=self.interpolation_order,
        )  # fmt: skip
        if params.get("channel_shift_intensity") is not None:
            x = apply_channel_shift(x, params["channel_shift_intensity"], img_channel_axis)
        if params.get("flip_horizontal", False):
            x = flip_axis(x, img_col_axis)
        if params.get("flip_vertical", False):
            x = flip_axis(x, img_row_axis)
        if params.get("brightness") is not None:
            x = apply_brightness_shift(x, params["brightness"], False)
        return x

    def random_transform(self, x: Any, seed: int | None = None) -> Any:
        """One image randomly transformed. Mirrors ``ImageDataGenerator.random_transform``."""
        return self.apply_transform(x, self.get_random_transform(x.shape, seed))

    def fit(self, x: Any, augment: bool = False, rounds: int = 1, seed: int | None = None) -> None:
        """Measure the feature-wise mean and std of ``x`` (a batch of images), and the
        ZCA whitening matrix if asked.

        Mirrors: ``ImageDataGenerator.fit``: per channel, over the samples and pixels,
        after ``rescale`` (and ``rounds`` random transforms of each image if ``augment``).

        Raises:
            ValueError: ``x`` is not of rank 4 (Keras's message).
        """
        x = np.array(x, dtype=self.dtype)  # a copy: rescaling must not touch the caller's
        if x.ndim != 4:
            raise ValueError(
                f"Input to `.fit()` should have rank 4. Got array with shape: {x.shape}"
            )
        if x.shape[self.channel_axis] not in {1, 3, 4}:
            _warn(
                "Expected input to be images (as Numpy array) following the data format "
                f'convention "{self.data_format}" (channels on axis {self.channel_axis}), i.e. '
                f"expected either 1, 3 or 4 channels on axis {self.channel_axis}. However, it "
                f"was passed an array with shape {x.shape} ({x.shape[self.channel_axis]} "
                "channels)."
            )
        if seed is not None:
            np.random.seed(seed)
        if self.rescale:
            x *= self.rescale
        if augment:
            augmented = np.zeros((rounds * x.shape[0], *x.shape[1:]), dtype=self.dtype)
            for r in range(rounds):
                for i in range(x.shape[0]):
                    augmented[i + r * x.shape[0]] = self.random_transform(x[i])
            x = augmented
        shape = [1, 1, 1]
        shape[self.channel_axis - 1] = x.shape[self.channel_axis]
        axes = (0, self.row_axis, self.col_axis)
        if self.featurewise_center:
            self.mean = np.reshape(np.mean(x, axis=axes), shape)
            x -= self.mean
        if self.featurewise_std_normalization:
            self.std = np.reshape(np.std(x, axis=axes), shape)
            x /= self.std + 1e-06
        if self.zca_whitening:
            # The whitening matrix U diag(sqrt(n) / (s + eps)) U^T, from the SVD of the
            # centred images as columns: pixels decorrelated, edges kept (Keras's recipe).
            n = len(x)
            u, s, _ = np.linalg.svd(np.reshape(x, (n, -1)).T, full_matrices=False)
            s_inv = np.sqrt(n) / (s + self.zca_epsilon)
            self.zca_whitening_matrix = (u * s_inv).dot(u.T)


__getattr__ = module_getattr("keras.preprocessing.image")
