"""nn.datasets: bundled iris and digits, and readers for IDX (MNIST) and CIFAR-10 files built here."""

import gzip
import pickle
import struct
from pathlib import Path

import numpy as np
import pytest

from nn.data import DataLoader
from nn.datasets import CIFAR10, MNIST, DatasetFileError, FashionMNIST, load_digits, load_iris, read_idx


# ------------------------------------------------------------------ bundled data
def test_load_iris():
    iris = load_iris()
    assert iris.data.shape == (150, 4) and iris.data.dtype == np.float32
    assert iris.target.shape == (150,) and iris.target.dtype == np.int64
    np.testing.assert_array_equal(np.bincount(iris.target), [50, 50, 50])
    assert list(iris.target_names) == ["setosa", "versicolor", "virginica"]
    assert len(iris.feature_names) == 4
    np.testing.assert_allclose(iris.data[0], [5.1, 3.5, 1.4, 0.2])
    iris.data[0, 0] = -1  # callers get their own copy
    assert load_iris().data[0, 0] == np.float32(5.1)


def test_load_digits():
    digits = load_digits()
    assert digits.data.shape == (1797, 64) and digits.data.dtype == np.float32
    assert digits.images.shape == (1797, 8, 8)
    np.testing.assert_array_equal(digits.images[5].ravel(), digits.data[5])
    assert digits.target.dtype == np.int64 and set(digits.target.tolist()) == set(range(10))
    assert digits.data.min() == 0 and digits.data.max() == 16
    assert list(digits.target[:10]) == list(range(10))


# ------------------------------------------------------------------ IDX files
def _idx_bytes(array, type_code=0x08):
    header = bytes([0, 0, type_code, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(array.dtype.newbyteorder(">")).tobytes()


def _write(path, content, gz):
    path = Path(str(path) + ".gz") if gz else Path(path)
    path.write_bytes(gzip.compress(content) if gz else content)
    return path


def _make_mnist(folder, split="train", n=5, gz=False, dotted=False, images=None, labels=None):
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (n, 28, 28), dtype=np.uint8) if images is None else images
    labels = rng.integers(0, 10, n).astype(np.uint8) if labels is None else labels
    sep = "." if dotted else "-"
    folder.mkdir(parents=True, exist_ok=True)
    _write(folder / f"{split}-images{sep}idx3-ubyte", _idx_bytes(images), gz)
    _write(folder / f"{split}-labels{sep}idx1-ubyte", _idx_bytes(labels), gz)
    return images, labels


@pytest.mark.parametrize("gz", [False, True])
@pytest.mark.parametrize("dotted", [False, True])
def test_mnist_reads_both_spellings_gzipped_or_not(tmp_path, gz, dotted):
    images, labels = _make_mnist(tmp_path, gz=gz, dotted=dotted)
    ds = MNIST(root=tmp_path, train=True)
    assert len(ds) == 5
    np.testing.assert_array_equal(ds.data, images)
    np.testing.assert_array_equal(ds.targets, labels)
    assert ds.targets.dtype == np.int64
    image, label = ds[2]
    assert image.shape == (1, 28, 28) and image.dtype == np.float32
    np.testing.assert_allclose(image[0], images[2] / 255.0, rtol=1e-6)
    assert label == labels[2]
    np.testing.assert_array_equal(ds[-1][0], ds[4][0])


def test_mnist_test_split_and_loader(tmp_path):
    images, labels = _make_mnist(tmp_path, split="t10k", n=7)
    test = FashionMNIST(root=tmp_path, train=False)
    xb, yb = next(iter(DataLoader(test, batch_size=4)))
    assert xb.shape == (4, 1, 28, 28) and str(xb.dtype) == "float32" and yb.dtype == np.int64
    np.testing.assert_allclose(xb.numpy()[:, 0], images[:4] / 255.0, rtol=1e-6)
    np.testing.assert_array_equal(yb.numpy(), labels[:4])
    shuffled = np.concatenate([b[1].numpy() for b in DataLoader(test, batch_size=3, shuffle=True, seed=0)])
    np.testing.assert_array_equal(np.sort(shuffled), np.sort(labels))


def test_mnist_found_in_the_usual_places(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("TEACHGRAD_DATA", raising=False)
    monkeypatch.chdir(tmp_path)
    _make_mnist(tmp_path / "home" / ".teachgrad" / "data" / "mnist", gz=True)
    assert len(MNIST()) == 5
    _make_mnist(tmp_path / "data" / "fashion-mnist", n=3, dotted=True)
    assert len(FashionMNIST()) == 3


def test_idx_other_element_types(tmp_path):
    values = np.arange(6, dtype=np.float32).reshape(2, 3) - 2.5
    path = _write(tmp_path / "x.idx", _idx_bytes(values, 0x0D), gz=False)
    np.testing.assert_array_equal(read_idx(path), values)


def test_missing_mnist_names_files_places_and_how_to_get(tmp_path):
    with pytest.raises(FileNotFoundError) as info:
        FashionMNIST(root=tmp_path)
    message = str(info.value)
    assert "train-images-idx3-ubyte" in message and "train-images.idx3-ubyte.gz" in message
    assert str(tmp_path) in message
    assert "apt install dataset-fashion-mnist" in message and "https://" in message


def test_truncated_idx_is_an_error(tmp_path):
    _make_mnist(tmp_path)
    path = tmp_path / "train-images-idx3-ubyte"
    path.write_bytes(path.read_bytes()[:-100])
    with pytest.raises(DatasetFileError, match="truncated"):
        MNIST(root=tmp_path)


def test_idx_with_bad_magic_is_an_error(tmp_path):
    _make_mnist(tmp_path)
    path = tmp_path / "train-labels-idx1-ubyte"
    path.write_bytes(b"\x01\x02" + path.read_bytes()[2:])
    with pytest.raises(DatasetFileError, match="not an IDX file"):
        MNIST(root=tmp_path)


def test_corrupt_and_cut_gzip_are_errors(tmp_path):
    _make_mnist(tmp_path, gz=True)
    path = tmp_path / "train-images-idx3-ubyte.gz"
    content = path.read_bytes()
    path.write_bytes(content[: len(content) // 2])
    with pytest.raises(DatasetFileError, match="corrupt or truncated"):
        MNIST(root=tmp_path)
    path.write_bytes(b"\x1f\x8b" + b"garbage" * 10)
    with pytest.raises(DatasetFileError, match="corrupt or truncated"):
        MNIST(root=tmp_path)


def test_mismatched_image_and_label_counts_are_an_error(tmp_path):
    _make_mnist(tmp_path, labels=np.zeros(4, dtype=np.uint8))
    with pytest.raises(DatasetFileError, match="labels for 5 images"):
        MNIST(root=tmp_path)


def test_real_fashion_mnist_when_installed():
    folder = Path("/usr/share/datasets/fashion-mnist")
    if not (folder / "t10k-labels-idx1-ubyte.gz").exists():
        pytest.skip("Debian's dataset-fashion-mnist is not installed")
    test = FashionMNIST(root=folder, train=False)
    assert test.data.shape == (10000, 28, 28)
    np.testing.assert_array_equal(np.bincount(test.targets), [1000] * 10)


# ------------------------------------------------------------------ CIFAR-10
def _cifar_arrays(n, seed):
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, (n, 3072), dtype=np.uint8), rng.integers(0, 10, n)


def _make_cifar_bin(root, names=("data_batch_1", "data_batch_2", "data_batch_3", "data_batch_4", "data_batch_5")):
    folder = root / "cifar-10-batches-bin"
    folder.mkdir(parents=True)
    made = []
    for i, name in enumerate(names):
        pixels, labels = _cifar_arrays(3, i)
        records = np.concatenate([labels.astype(np.uint8)[:, None], pixels], axis=1)
        (folder / f"{name}.bin").write_bytes(records.tobytes())
        made.append((pixels, labels))
    return made


def _make_cifar_py(root, names=("data_batch_1", "data_batch_2", "data_batch_3", "data_batch_4", "data_batch_5")):
    folder = root / "cifar-10-batches-py"
    folder.mkdir(parents=True)
    made = []
    for i, name in enumerate(names):
        pixels, labels = _cifar_arrays(2, i)
        batch = {b"batch_label": b"training batch", b"labels": labels.tolist(), b"data": pixels}
        (folder / name).write_bytes(pickle.dumps(batch, protocol=2))
        made.append((pixels, labels))
    return made


def _check_cifar(ds, made):
    pixels = np.concatenate([m[0] for m in made])
    labels = np.concatenate([m[1] for m in made])
    assert ds.data.shape == (len(labels), 32, 32, 3) and ds.data.dtype == np.uint8
    np.testing.assert_array_equal(ds.targets, labels)
    # channel planes: the first 1024 bytes are red, row by row
    np.testing.assert_array_equal(ds.data[0, 0, :, 0], pixels[0, :32])
    np.testing.assert_array_equal(ds.data[0, :, :, 2].ravel(), pixels[0, 2048:])
    image, label = ds[0]
    assert image.shape == (3, 32, 32) and image.dtype == np.float32 and label == labels[0]
    np.testing.assert_allclose(image[1].ravel(), pixels[0, 1024:2048] / 255.0, rtol=1e-6)


def test_cifar_binary_version(tmp_path):
    made = _make_cifar_bin(tmp_path)
    _check_cifar(CIFAR10(root=tmp_path), made)
    _check_cifar(CIFAR10(root=tmp_path / "cifar-10-batches-bin"), made)


def test_cifar_python_version(tmp_path):
    made = _make_cifar_py(tmp_path)
    train = CIFAR10(root=tmp_path)
    _check_cifar(train, made)
    xb, yb = next(iter(DataLoader(train, batch_size=4)))
    assert xb.shape == (4, 3, 32, 32)


@pytest.mark.parametrize("protocol", [2, 4, 5])
def test_cifar_python_version_any_pickle_protocol(tmp_path, protocol):
    folder = tmp_path / "cifar-10-batches-py"
    folder.mkdir()
    pixels, labels = _cifar_arrays(2, 0)
    (folder / "test_batch").write_bytes(pickle.dumps({b"data": pixels, b"labels": labels.tolist()}, protocol=protocol))
    ds = CIFAR10(root=tmp_path, train=False)
    np.testing.assert_array_equal(ds.targets, labels)


def test_cifar_truncated_binary_is_an_error(tmp_path):
    _make_cifar_bin(tmp_path)
    path = tmp_path / "cifar-10-batches-bin" / "data_batch_3.bin"
    path.write_bytes(path.read_bytes()[:-10])
    with pytest.raises(DatasetFileError, match="not a whole number of CIFAR-10 records"):
        CIFAR10(root=tmp_path)


def test_cifar_incomplete_download_is_an_error(tmp_path):
    _make_cifar_bin(tmp_path, names=("data_batch_1", "data_batch_2"))
    with pytest.raises(DatasetFileError, match="data_batch_3.bin"):
        CIFAR10(root=tmp_path)


def test_cifar_truncated_pickle_is_an_error(tmp_path):
    _make_cifar_py(tmp_path, names=("test_batch",))
    path = tmp_path / "cifar-10-batches-py" / "test_batch"
    path.write_bytes(path.read_bytes()[:500])
    with pytest.raises(DatasetFileError, match="not a readable CIFAR-10 Python batch"):
        CIFAR10(root=tmp_path, train=False)


class _Exploit:
    """Unpickling this would run ``exec`` and create a marker file."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return exec, (f"open({str(self.marker)!r}, 'w').write('pwned')",)


def test_malicious_cifar_pickle_is_refused_without_running(tmp_path):
    marker = tmp_path / "marker"
    pickle.loads(pickle.dumps(_Exploit(marker)))  # the payload does work with an ordinary unpickler
    assert marker.exists()
    marker.unlink()
    folder = tmp_path / "cifar-10-batches-py"
    folder.mkdir()
    payload = {b"data": _Exploit(marker), b"labels": [0]}
    (folder / "test_batch").write_bytes(pickle.dumps(payload))
    with pytest.raises(pickle.UnpicklingError, match="refused to load builtins.exec"):
        CIFAR10(root=tmp_path, train=False)
    assert not marker.exists()


def test_missing_cifar_names_files_places_and_urls(tmp_path):
    with pytest.raises(FileNotFoundError) as info:
        CIFAR10(root=tmp_path)
    message = str(info.value)
    assert "data_batch_1.bin" in message and "cifar-10-batches-py" in message
    assert str(tmp_path) in message and "cifar-10-binary.tar.gz" in message
