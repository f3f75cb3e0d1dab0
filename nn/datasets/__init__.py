"""Data sets: two small ones shipped in the package, and readers for MNIST, Fashion-MNIST and CIFAR-10.

Nothing is downloaded at run time.

* ``load_iris()``, ``load_digits()``, ``load_names()`` (32,033 first names, for language models):
  in the package (``nn/datasets/data/``), always available.
* ``MNIST(root)``, ``FashionMNIST(root)``: the standard IDX files, gzipped or not, named
  ``train-images-idx3-ubyte`` or ``train-images.idx3-ubyte``.
* ``CIFAR10(root)``: the binary or the Python version of the official files.

Without ``root`` the readers look in ``$TEACHGRAD_DATA/<name>``, ``~/.teachgrad/data/<name>``,
``./data/<name>`` and ``/usr/share/datasets/<name>`` (Debian's ``dataset-fashion-mnist``
package installs Fashion-MNIST in ``/usr/share/datasets/fashion-mnist/``). A missing file
is an error saying where they looked and how to get the data; a truncated or corrupt
file is an error too, never a silently short data set.

>>> from nn.data import DataLoader
>>> train = FashionMNIST(train=True)                  # doctest: +SKIP
>>> loader = DataLoader(train, batch_size=64, shuffle=True)   # doctest: +SKIP
"""

from ._files import DatasetFileError
from .bundled import Bunch, load_digits, load_iris
from .cifar import CIFAR10, RefusedPickleError, SafeUnpickler
from .image_dataset import ImageDataset
from .mnist import MNIST, FashionMNIST, read_idx
from .names import load_names

__all__ = [
    "CIFAR10", "MNIST", "Bunch", "DatasetFileError", "FashionMNIST", "ImageDataset", "RefusedPickleError", "SafeUnpickler",
    "load_digits", "load_iris", "load_names", "read_idx",
]  # fmt: skip
