"""nn.data (datasets, loaders, splits), nn.transforms and nn.metrics."""

import numpy as np
import pytest

import autograd as ag
from nn import metrics, transforms
from nn.data import DataLoader, Dataset, Subset, TensorDataset, random_split, train_val_test_split


def _data(n=10, features=3):
    rng = np.random.default_rng(1)
    return rng.standard_normal((n, features)), np.arange(n)


# ------------------------------------------------------------------ TensorDataset and DataLoader
def test_tensor_dataset_items_and_dtypes():
    x, y = _data()
    ds = TensorDataset(x, y)
    assert len(ds) == 10
    xi, yi = ds[3]
    np.testing.assert_allclose(xi, x[3].astype(np.float32))
    assert yi == 3
    assert ds.tensors[0].dtype == np.float32  # NumPy's float64 becomes the default dtype
    assert ds.tensors[1].dtype == np.int64
    kept = TensorDataset(ag.tensor(x, dtype="float64"))
    assert kept.tensors[0].dtype == np.float64  # a Tensor keeps its dtype


def test_tensor_dataset_mismatched_lengths_names_both():
    with pytest.raises(ValueError, match="array 0 has 10, array 1 has 9"):
        TensorDataset(np.zeros((10, 2)), np.zeros(9))


def test_loader_batches_cover_the_data_in_order():
    x, y = _data(10)
    loader = DataLoader(TensorDataset(x, y), batch_size=4)
    assert len(loader) == 3
    batches = list(loader)
    assert [b[0].shape for b in batches] == [(4, 3), (4, 3), (2, 3)]
    assert isinstance(batches[0][0], ag.Tensor) and batches[0][0].dtype == np.float32
    assert not batches[0][0].requires_grad
    np.testing.assert_array_equal(np.concatenate([b[1].numpy() for b in batches]), y)


def test_epoch_arithmetic_of_the_lectures():
    # A2: 1000 samples, batch size 128 -> 8 batches per epoch, 400 iterations in 50 epochs
    loader = DataLoader(TensorDataset(np.zeros((1000, 2))), batch_size=128)
    assert len(loader) == 8
    assert sum(1 for _ in range(50) for _ in loader) == 400
    assert len(DataLoader(TensorDataset(np.zeros((1000, 2))), batch_size=128, drop_last=True)) == 7


def test_drop_last_skips_the_short_batch():
    x, y = _data(10)
    loader = DataLoader(TensorDataset(x, y), batch_size=4, drop_last=True)
    assert len(loader) == 2
    assert [b[0].shape[0] for b in loader] == [4, 4]


def test_shuffle_is_repeatable_by_seed_and_differs_per_epoch():
    x, y = _data(50)

    def labels(loader):
        return np.concatenate([b[1].numpy() for b in loader])

    a = DataLoader(TensorDataset(x, y), batch_size=8, shuffle=True, seed=3)
    b = DataLoader(TensorDataset(x, y), batch_size=8, shuffle=True, seed=3)
    first_a, first_b = labels(a), labels(b)
    np.testing.assert_array_equal(first_a, first_b)
    assert not np.array_equal(first_a, y)  # shuffled
    np.testing.assert_array_equal(np.sort(first_a), y)  # a permutation: every sample once
    second_a = labels(a)
    assert not np.array_equal(first_a, second_a)  # a new order each epoch
    np.testing.assert_array_equal(second_a, labels(b))  # ... repeatable too
    c = DataLoader(TensorDataset(x, y), batch_size=8, shuffle=True, seed=4)
    assert not np.array_equal(labels(c), first_a)


def test_shuffle_without_seed_follows_manual_seed():
    x, y = _data(30)
    loader = DataLoader(TensorDataset(x, y), batch_size=30, shuffle=True)
    ag.manual_seed(7)
    first = next(iter(loader))[1].numpy()
    ag.manual_seed(7)
    np.testing.assert_array_equal(next(iter(loader))[1].numpy(), first)


def test_batches_go_to_the_chosen_device(device):
    x, y = _data(6)
    for xb, yb in DataLoader(TensorDataset(x, y), batch_size=4, device=device):
        assert xb.device == device and yb.device == device
        assert yb.dtype == np.int64


def test_tensor_dataset_batches_without_a_per_sample_loop(monkeypatch):
    x, y = _data(20)
    ds = TensorDataset(x, y)

    def no_item_access(self, index):
        raise AssertionError("DataLoader fetched a TensorDataset sample by sample")

    monkeypatch.setattr(TensorDataset, "__getitem__", no_item_access)
    assert sum(b[0].shape[0] for b in DataLoader(ds, batch_size=6, shuffle=True, seed=0)) == 20


def test_plain_dataset_is_collated_by_stacking():
    class Squares(Dataset):
        def __len__(self):
            return 5

        def __getitem__(self, i):
            return np.array([i, i * i], dtype=np.float32), i % 2

    xb, yb = next(iter(DataLoader(Squares(), batch_size=5)))
    np.testing.assert_array_equal(xb.numpy()[:, 1], [0, 1, 4, 9, 16])
    np.testing.assert_array_equal(yb.numpy(), [0, 1, 0, 1, 0])


def test_single_array_dataset_yields_tensors():
    batch = next(iter(DataLoader(TensorDataset(np.ones((3, 2))), batch_size=2)))
    assert isinstance(batch, ag.Tensor) and batch.shape == (2, 2)


def test_loader_transform_applies_to_inputs():
    images = np.arange(2 * 1 * 2 * 3, dtype=np.float32).reshape(2, 1, 2, 3)
    flip = transforms.RandomHorizontalFlip(p=1.0)
    xb, yb = next(iter(DataLoader(TensorDataset(images, np.array([0, 1])), batch_size=2, transform=flip)))
    np.testing.assert_array_equal(xb.numpy(), images[..., ::-1])
    np.testing.assert_array_equal(yb.numpy(), [0, 1])


@pytest.mark.parametrize("batch_size", [0, -3, 2.5, True])
def test_bad_batch_size_is_an_error(batch_size):
    with pytest.raises(ValueError, match="batch_size must be a positive whole number"):
        DataLoader(TensorDataset(np.zeros((4, 2))), batch_size=batch_size)


def test_empty_data_set_is_an_error():
    with pytest.raises(ValueError, match="empty"):
        DataLoader(TensorDataset(np.zeros((0, 2))), batch_size=2)
    with pytest.raises(ValueError, match="empty"):
        random_split(TensorDataset(np.zeros((0, 2))), [0.5, 0.5])


def test_drop_last_with_too_few_samples_is_an_error():
    with pytest.raises(ValueError, match="no batch at all"):
        DataLoader(TensorDataset(np.zeros((5, 2))), batch_size=8, drop_last=True)


# ------------------------------------------------------------------ splits
def test_train_val_test_split_80_10_10_of_1000():
    # A4: sizes add up, no sample in two splits
    x = np.arange(1000).reshape(1000, 1) * 10
    y = np.arange(1000)
    (x_tr, y_tr), (x_va, y_va), (x_te, y_te) = train_val_test_split(x, y)
    assert (len(y_tr), len(y_va), len(y_te)) == (800, 100, 100)
    everything = np.concatenate([y_tr, y_va, y_te])
    np.testing.assert_array_equal(np.sort(everything), y)  # disjoint and complete
    np.testing.assert_array_equal(x_tr[:, 0], y_tr * 10)  # rows stay paired
    assert not np.array_equal(y_tr, np.arange(800))  # shuffled by default


def test_split_sizes_always_add_up():
    for n in (7, 11, 999, 1001):
        parts = train_val_test_split(np.arange(n))
        assert sum(len(p) for p in parts) == n
        assert len(np.unique(np.concatenate(parts))) == n


def test_split_is_repeatable_and_unshuffled_when_asked():
    a = train_val_test_split(np.arange(100), seed=5)
    b = train_val_test_split(np.arange(100), seed=5)
    for pa, pb in zip(a, b):
        np.testing.assert_array_equal(pa, pb)
    train, val, test = train_val_test_split(np.arange(10), shuffle=False)
    np.testing.assert_array_equal(train, np.arange(8))
    np.testing.assert_array_equal(test, [9])


def test_stratified_split_keeps_class_shares():
    labels = np.repeat([0, 1, 2], [500, 300, 200])
    train, val, test = train_val_test_split(np.arange(1000), stratify=labels)
    assert len(train) + len(val) + len(test) == 1000
    np.testing.assert_array_equal(np.bincount(labels[val]), [50, 30, 20])
    np.testing.assert_array_equal(np.bincount(labels[test]), [50, 30, 20])
    assert len(np.unique(np.concatenate([train, val, test]))) == 1000


def test_split_of_a_dataset_gives_subsets():
    ds = TensorDataset(np.arange(20).reshape(20, 1))
    parts = train_val_test_split(ds, fractions=(0.5, 0.25, 0.25))
    assert all(isinstance(p, Subset) for p in parts)
    assert [len(p) for p in parts] == [10, 5, 5]


def test_split_errors():
    with pytest.raises(ValueError, match="add up to 1"):
        train_val_test_split(np.arange(10), fractions=(0.8, 0.3, 0.1))
    with pytest.raises(ValueError, match="array 0 has 10, array 1 has 9"):
        train_val_test_split(np.arange(10), np.arange(9))


def test_random_split_lengths_and_fractions():
    ds = TensorDataset(np.arange(1000))
    parts = random_split(ds, [800, 100, 100], seed=0)
    assert [len(p) for p in parts] == [800, 100, 100]
    seen = np.concatenate([p.indices for p in parts])
    np.testing.assert_array_equal(np.sort(seen), np.arange(1000))
    again = random_split(ds, [0.8, 0.1, 0.1], seed=0)
    np.testing.assert_array_equal(again[1].indices, parts[1].indices)
    with pytest.raises(ValueError, match="add up"):
        random_split(ds, [800, 100])


def test_subset_batches_come_from_the_parent():
    x = np.arange(30, dtype=np.float32).reshape(10, 3)
    train, _ = random_split(TensorDataset(x, np.arange(10)), [6, 4], seed=1)
    xb, yb = next(iter(DataLoader(train, batch_size=6)))
    np.testing.assert_array_equal(xb.numpy(), x[yb.numpy()])
    np.testing.assert_array_equal(np.sort(yb.numpy()), np.sort(train.indices))


# ------------------------------------------------------------------ transforms
def test_standardize_gives_the_lecture_numbers():
    # A3: Age, Salary, Service; population standard deviation
    table = np.array([[28, 40000, 5], [47, 60000, 20], [35, 55000, 10]], dtype=np.float64)
    z = transforms.standardize(table)
    np.testing.assert_array_equal(z.round(2).T, [[-1.10, 1.32, -0.21], [-1.37, 0.98, 0.39], [-1.07, 1.34, -0.27]])
    np.testing.assert_allclose(z.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(z.std(axis=0), 1)  # population std is 1 after scaling


def test_standardize_fits_on_training_data_only():
    train = np.array([[0.0], [2.0], [4.0]])
    scaler = transforms.Standardize().fit(train)
    np.testing.assert_allclose(scaler(np.array([[2.0], [6.0]])).ravel(), [0.0, 4 / np.sqrt(8 / 3)])
    constant = transforms.Standardize().fit_transform(np.array([[1.0, 3.0], [1.0, 5.0]]))
    np.testing.assert_array_equal(constant[:, 0], [0, 0])  # std 0: centred, never NaN
    t = scaler(ag.tensor([[2.0]]))
    assert isinstance(t, ag.Tensor)
    with pytest.raises(RuntimeError, match="fit"):
        transforms.Standardize()(train)


def test_min_max_scale():
    x = np.array([[1.0, 10.0], [3.0, 20.0], [2.0, 30.0]])
    scaler = transforms.MinMaxScale().fit(x)
    np.testing.assert_allclose(scaler(x), [[0, 0], [1, 0.5], [0.5, 1]])
    np.testing.assert_allclose(transforms.MinMaxScale((-1, 1)).fit_transform(x)[:, 0], [-1, 1, 0])


def test_one_hot():
    np.testing.assert_array_equal(transforms.one_hot(np.array([2, 0, 1]), 3), np.eye(3)[[2, 0, 1]])
    t = transforms.one_hot(ag.tensor([1, 1]), 4)
    assert isinstance(t, ag.Tensor) and t.shape == (2, 4) and t.dtype == np.float32
    with pytest.raises(ValueError, match="labels must lie in"):
        transforms.one_hot(np.array([0, 3]), 3)
    with pytest.raises(TypeError, match="integer"):
        transforms.one_hot(np.array([0.5]), 3)


def test_normalize_per_channel():
    images = np.ones((2, 3, 2, 2), dtype=np.float32) * np.array([1, 2, 3], dtype=np.float32)[:, None, None]
    out = transforms.Normalize(mean=[1, 1, 1], std=[1, 2, 4])(images)
    np.testing.assert_allclose(out[0, :, 0, 0], [0, 0.5, 0.5])
    assert out.dtype == np.float32
    np.testing.assert_allclose(transforms.Normalize([1, 1, 1], [1, 2, 4])(images[0]), out[0])
    with pytest.raises(ValueError, match="3 channels"):
        transforms.Normalize([0, 0], [1, 1])(images)


def test_random_horizontal_flip_per_image():
    batch = np.random.default_rng(0).random((64, 2, 3, 4))
    out = transforms.RandomHorizontalFlip(p=0.5, seed=0)(batch)
    flipped = np.all(out == batch[..., ::-1], axis=(1, 2, 3))
    kept = np.all(out == batch, axis=(1, 2, 3))
    assert np.all(flipped | kept) and 10 < flipped.sum() < 54
    again = transforms.RandomHorizontalFlip(p=0.5, seed=0)(batch)
    np.testing.assert_array_equal(out, again)
    np.testing.assert_array_equal(transforms.RandomHorizontalFlip(p=0.0)(batch), batch)


def test_random_crop_matches_a_loop_over_images():
    batch = np.random.default_rng(0).random((8, 3, 5, 6)).astype(np.float32)
    crop = transforms.RandomCrop((4, 4), padding=2, seed=1)
    out = crop(batch)
    assert out.shape == (8, 3, 4, 4)
    padded = np.pad(batch, ((0, 0), (0, 0), (2, 2), (2, 2)))
    rng = np.random.default_rng(1)  # the same draws, one image at a time
    top, left = rng.integers(0, 9 - 4 + 1, size=8), rng.integers(0, 10 - 4 + 1, size=8)
    for i in range(8):
        np.testing.assert_array_equal(out[i], padded[i, :, top[i] : top[i] + 4, left[i] : left[i] + 4])
    assert transforms.RandomCrop(5)(batch[0]).shape == (3, 5, 5)
    with pytest.raises(ValueError, match="larger than the padded image"):
        transforms.RandomCrop(7)(batch)


def test_compose_and_image_shape_errors():
    pipeline = transforms.Compose([transforms.Normalize([0.5], [0.5]), transforms.RandomHorizontalFlip(p=1.0)])
    x = np.array([[[0.0, 1.0]]], dtype=np.float32)
    np.testing.assert_array_equal(pipeline(x), [[[1.0, -1.0]]])
    with pytest.raises(ValueError, match=r"\(C, H, W\)"):
        transforms.Normalize([0], [1])(np.zeros((2, 2)))


def test_image_transforms_on_device(device):
    x = ag.rand(4, 3, 6, 6, device=device)
    out = transforms.Compose(
        [transforms.Normalize([0.5] * 3, [0.25] * 3), transforms.RandomCrop(4, padding=1, seed=0)]
    )(transforms.RandomHorizontalFlip(seed=0)(x))
    assert isinstance(out, ag.Tensor) and out.device == device and out.shape == (4, 3, 4, 4)


# ------------------------------------------------------------------ metrics
def test_accuracy_from_logits_labels_and_binary_outputs():
    logits = np.array([[2.0, 0.1, 0.3], [0.1, 0.2, 3.0], [1.0, 2.0, 0.0], [0.0, 0.0, 1.0]])
    target = np.array([0, 2, 0, 2])
    assert metrics.accuracy(logits, target) == 0.75
    assert metrics.accuracy(ag.tensor(logits), ag.tensor(target)) == 0.75
    assert metrics.accuracy(np.array([0, 2, 1, 2]), target) == 0.75
    assert metrics.accuracy(logits, np.eye(3)[target]) == 0.75  # one-hot targets
    probabilities = np.array([[0.9], [0.2], [0.6], [0.4]])
    assert metrics.accuracy(probabilities, np.array([[1.0], [0.0], [0.0], [0.0]])) == 0.75
    binary_logits = np.array([2.0, -1.0, 0.5, -3.0])
    assert metrics.accuracy(binary_logits, np.array([1, 0, 1, 1])) == 0.75
    # logits that all lie in [0, 1] need the threshold said explicitly
    assert metrics.accuracy(np.array([0.2, 0.3]), np.array([1, 1]), threshold=0.0) == 1.0
    with pytest.raises(ValueError, match="4 predictions .* but 3 targets"):
        metrics.accuracy(logits, target[:3])


def test_confusion_matrix_and_precision_recall():
    target = np.array([0, 0, 0, 1, 1, 2])
    pred = np.array([0, 0, 1, 1, 2, 2])
    m = metrics.confusion_matrix(pred, target, 3)
    np.testing.assert_array_equal(m, [[2, 1, 0], [0, 1, 1], [0, 0, 1]])
    precision, recall = metrics.precision_recall(pred, target, 3)
    np.testing.assert_allclose(precision, [1.0, 0.5, 0.5])
    np.testing.assert_allclose(recall, [2 / 3, 0.5, 1.0])
    np.testing.assert_allclose(metrics.per_class_accuracy(pred, target, 3), recall)
    precision, recall = metrics.precision_recall(np.array([0, 0]), np.array([0, 1]), 3)
    assert np.isnan(precision[1]) and np.isnan(recall[2])  # undefined, not a made-up 0
    with pytest.raises(ValueError, match="outside"):
        metrics.confusion_matrix(np.array([3]), np.array([0]), 3)


def test_metrics_match_sklearn_definitions_on_random_data():
    rng = np.random.default_rng(0)
    target, pred = rng.integers(0, 4, 200), rng.integers(0, 4, 200)
    m = metrics.confusion_matrix(pred, target, 4)
    loop = np.zeros((4, 4), dtype=np.int64)
    for t, p in zip(target, pred):
        loop[t, p] += 1
    np.testing.assert_array_equal(m, loop)
    assert m.trace() / 200 == metrics.accuracy(pred, target)


def test_train_val_test_split_takes_the_fractions_last_as_in_the_lectures():
    x, y = np.arange(200.0).reshape(100, 2), np.arange(100)
    (x_tr, _), (x_va, _), (x_te, _) = train_val_test_split(x, y, (0.6, 0.2, 0.2))
    assert (len(x_tr), len(x_va), len(x_te)) == (60, 20, 20)
    parts = train_val_test_split(TensorDataset(x, y), (0.8, 0.1, 0.1))
    assert [len(p) for p in parts] == [80, 10, 10]
