"""``keras.utils``: the parts of it buildtrace covers."""

from __future__ import annotations

from buildtrace.keras.unsupported import module_getattr
from buildtrace.keras.utils.data_utils import Sequence, get_file
from buildtrace.keras.utils.image_dataset import image_dataset_from_directory
from buildtrace.keras.utils.image_utils import array_to_img, img_to_array, load_img, save_img
from buildtrace.keras.utils.layer_utils import print_summary
from buildtrace.keras.utils.np_utils import normalize, to_categorical
from buildtrace.keras.utils.progbar import Progbar
from buildtrace.keras.utils.random import set_random_seed
from buildtrace.keras.utils.sequence_utils import pad_sequences
from buildtrace.keras.utils.vis_utils import plot_model

__all__ = [
    "Progbar",
    "Sequence",
    "array_to_img",
    "get_file",
    "image_dataset_from_directory",
    "img_to_array",
    "load_img",
    "normalize",
    "pad_sequences",
    "plot_model",
    "print_summary",
    "save_img",
    "set_random_seed",
    "to_categorical",
]


__getattr__ = module_getattr("keras.utils")
