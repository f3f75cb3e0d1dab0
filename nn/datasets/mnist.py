"""MNIST and Fashion-MNIST from their IDX files (gzipped or not, either spelling of the names).

An IDX file is a tiny header and then raw numbers:

    bytes 0-1  zero
    byte  2    element type (0x08 = unsigned byte, 0x09 signed byte, 0x0B int16,
               0x0C int32, 0x0D float32, 0x0E float64)
    byte  3    number of axes
    then one big-endian uint32 per axis (its size), then the values, big-endian.

Images are ``<split>-images-idx3-ubyte`` (N x 28 x 28), labels
``<split>-labels-idx1-ubyte`` (N); split is ``train`` or ``t10k``.
"""

from __future__ import annotations

import math

import numpy as np

from ._files import DatasetFileError, find_file, missing_error, read_bytes, search_folders
from .image_dataset import ImageDataset

__all__ = ["MNIST", "FashionMNIST", "read_idx"]

_MAX_AXES = 4  # more than any image or label file needs; a larger count means a corrupt header
_IDX_TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def read_idx(path):
    """Read an IDX file (``.gz`` or plain) into a NumPy array, checking its magic number and size."""
    content = read_bytes(path)
    if len(content) < 4 or content[0] != 0 or content[1] != 0 or content[2] not in _IDX_TYPES:
        raise DatasetFileError(
            f"{path}: not an IDX file (its first bytes {content[:4].hex()} are not a valid IDX magic number)"
        )
    dtype, ndim = np.dtype(_IDX_TYPES[content[2]]), content[3]
    if not 1 <= ndim <= _MAX_AXES:
        raise DatasetFileError(
            f"{path}: the IDX header says the data has {ndim} axes; image and label files have 1 to {_MAX_AXES} "
            f"(MNIST: 3 for images, 1 for labels). The file is corrupt or not an IDX file: download it again"
        )
    header = 4 + 4 * ndim
    if len(content) < header:
        raise DatasetFileError(f"{path}: truncated IDX header ({len(content)} bytes, {header} needed)")
    shape = tuple(int(d) for d in np.frombuffer(content, dtype=">u4", count=ndim, offset=4))
    expected = header + math.prod(shape) * dtype.itemsize  # Python ints: an absurd header cannot overflow
    if len(content) != expected:
        problem = "truncated" if len(content) < expected else "longer than its header says"
        raise DatasetFileError(
            f"{path}: the file is {problem}: the header promises shape {shape} ({expected} bytes), "
            f"the file has {len(content)} bytes"
        )
    return np.frombuffer(content, dtype=dtype, offset=header).reshape(shape).astype(dtype.newbyteorder("="))


def _spellings(stem):
    """``train-images-idx3-ubyte`` and ``train-images.idx3-ubyte``, each with and without ``.gz``."""
    dotted = stem.replace("-idx", ".idx")
    return [stem, stem + ".gz", dotted, dotted + ".gz"]


class _IDXDataset(ImageDataset):
    folder_names: tuple = ()
    how_to_get = ""

    def __init__(self, root=None, train=True):
        split = "train" if train else "t10k"
        folders = search_folders(root, self.folder_names)
        files = {}
        for kind, stem in (("images", f"{split}-images-idx3-ubyte"), ("labels", f"{split}-labels-idx1-ubyte")):
            found = find_file(folders, _spellings(stem))
            if found is None:
                raise missing_error(type(self).__name__, " or ".join(_spellings(stem)), folders, self.how_to_get)
            files[kind] = found
        images, labels = read_idx(files["images"]), read_idx(files["labels"])
        if images.ndim != 3 or images.dtype != np.uint8:
            raise DatasetFileError(
                f"{files['images']}: expected uint8 images (N, H, W), got {images.dtype} {images.shape}"
            )
        if labels.ndim != 1 or len(labels) != len(images):
            raise DatasetFileError(
                f"{files['labels']}: {labels.shape} labels for {len(images)} images in {files['images']}"
            )
        if labels.size and labels.max() >= len(self.classes):
            raise DatasetFileError(f"{files['labels']}: label {labels.max()} out of range 0..{len(self.classes) - 1}")
        super().__init__(images, labels.astype(np.int64))
        self.root = files["images"].parent
        self.train = train


class MNIST(_IDXDataset):
    """The MNIST handwritten digits: 60,000 training and 10,000 test images, 28 x 28, classes 0-9.

    ``MNIST(root=None, train=True)``: ``root`` is the folder with the IDX files;
    without it the usual places are searched (see ``nn.datasets``). ``.data`` is
    uint8 (N, 28, 28), ``.targets`` int64 (N); ``ds[i]`` gives a float32 (1, 28, 28) image in [0, 1].
    """

    folder_names = ("mnist", "MNIST")
    classes = [str(d) for d in range(10)]
    how_to_get = (
        "Download the four files train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, "
        "t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz from "
        "https://ossci-datasets.s3.amazonaws.com/mnist/ (a mirror of http://yann.lecun.com/exdb/mnist/) "
        "into ~/.teachgrad/data/mnist/."
    )


class FashionMNIST(_IDXDataset):
    """Zalando's Fashion-MNIST: 60,000 training and 10,000 test images of clothes, 28 x 28, 10 classes.

    Same files and layout as MNIST. On Debian/Ubuntu ``apt install dataset-fashion-mnist``
    puts them in ``/usr/share/datasets/fashion-mnist/``, found without ``root``.
    """

    folder_names = ("fashion-mnist", "FashionMNIST", "fashion_mnist")
    classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
    how_to_get = (
        "On Debian/Ubuntu: apt install dataset-fashion-mnist (installs /usr/share/datasets/fashion-mnist/). "
        "Or download the four .gz files from https://github.com/zalandoresearch/fashion-mnist (folder data/fashion) "
        "into ~/.teachgrad/data/fashion-mnist/."
    )
