"""The two small data sets shipped inside the package: iris and the 8x8 handwritten digits.

Both come from scikit-learn's wheel (originally the UCI Machine Learning
Repository); see ``data/SOURCE.md`` for their origin and licence.

>>> iris = load_iris()
>>> iris.data.shape, iris.target.shape, iris.target_names.tolist()
((150, 4), (150,), ['setosa', 'versicolor', 'virginica'])
"""

from __future__ import annotations

import functools
import gzip
from importlib import resources

import numpy as np

__all__ = ["Bunch", "load_digits", "load_iris"]


class Bunch(dict):
    """A dict whose entries are also attributes (``iris.data`` is ``iris["data"]``), as in scikit-learn."""

    def __getattr__(self, key):
        try:
            return self[key]
        except KeyError:
            raise AttributeError(f"this data set has no {key!r}; it has {sorted(self)}") from None

    def __dir__(self):
        return sorted(self)


def _data_file(name):
    return resources.files("nn.datasets").joinpath("data", name)


@functools.cache
def _read_iris():
    with _data_file("iris.csv").open("r") as f:
        header = f.readline().strip().split(",")
        table = np.loadtxt(f, delimiter=",", dtype=np.float64)
    n_samples, n_features = int(header[0]), int(header[1])
    if table.shape != (n_samples, n_features + 1):
        raise ValueError(f"iris.csv: expected {n_samples} rows of {n_features + 1} columns, found {table.shape}")
    return table, tuple(header[2:])


def load_iris():
    """Fisher's iris flowers: 150 samples, 4 features (cm), 3 classes of 50.

    Returns a ``Bunch`` with ``data`` (150, 4) float32, ``target`` (150,) int64
    (0 setosa, 1 versicolor, 2 virginica), ``feature_names`` and ``target_names``.
    """
    table, target_names = _read_iris()
    return Bunch(
        data=table[:, :4].astype(np.float32),
        target=table[:, 4].astype(np.int64),
        feature_names=["sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)"],
        target_names=np.array(target_names),
    )


@functools.cache
def _read_digits():
    with _data_file("digits.csv.gz").open("rb") as raw, gzip.open(raw, "rt") as f:
        table = np.loadtxt(f, delimiter=",", dtype=np.float64)
    if table.shape != (1797, 65):
        raise ValueError(f"digits.csv.gz: expected 1797 rows of 65 columns, found {table.shape}")
    return table


def load_digits():
    """Handwritten digits 0-9 as 8x8 images of pixel counts 0..16: 1797 samples, 10 classes.

    Returns a ``Bunch`` with ``data`` (1797, 64) float32 (each image flattened),
    ``images`` (1797, 8, 8) float32, ``target`` (1797,) int64, ``target_names``
    (0..9) and ``feature_names`` (``pixel_<row>_<col>``).
    """
    table = _read_digits()
    data = table[:, :64].astype(np.float32)
    return Bunch(
        data=data,
        images=data.reshape(-1, 8, 8),
        target=table[:, 64].astype(np.int64),
        target_names=np.arange(10),
        feature_names=[f"pixel_{r}_{c}" for r in range(8) for c in range(8)],
    )
