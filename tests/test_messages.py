"""Bad input deep inside: each error names the function, the value given and the fix.

These used to surface as NumPy's own messages ("zero-size array to reduction
operation maximum", "'float' object cannot be interpreted as an integer"), as a
bare AttributeError, or not at all (``reshape(-2, 3)``, ``Linear(2.5, 2)`` were
accepted). Where PyTorch imports, it is checked to refuse the same input.
"""

import os
import pickle
import struct

import numpy as np
import pytest

import autograd as ag
import autograd.functional as F
import nn
import viz
from nn.data import DataLoader, Dataset
from nn.datasets import CIFAR10, MNIST
from nn.datasets._files import DatasetFileError

try:
    import torch
except ImportError:
    torch = None


def _refused_by_torch(call):
    """PyTorch refuses the same input too (skipped where it does not import)."""
    if torch is not None:
        with pytest.raises((TypeError, ValueError, RuntimeError, IndexError)):
            call()


# ---------------------------------------------------------------- empty tensors


@pytest.mark.parametrize("op", ["max", "min", "argmax", "argmin"])
def test_reductions_of_nothing_say_which_axis_is_empty(op):
    with pytest.raises(IndexError, match=rf"^{op}: axis 0 of the tensor of shape \(0, 3\) is empty.*numel\(\) == 0"):
        getattr(F, op)(ag.zeros(0, 3), axis=0)
    with pytest.raises(IndexError, match=rf"^{op}: the tensor of shape \(0,\) is empty"):
        getattr(F, op)(ag.zeros(0))
    _refused_by_torch(lambda: getattr(torch.zeros(0), op)())


def test_logsumexp_and_softmax_of_nothing_are_values_not_errors():
    assert ag.zeros(0).logsumexp(0).item() == -np.inf
    assert ag.zeros(3, 0).softmax(-1).shape == (3, 0)
    assert F.log_softmax(ag.zeros(3, 0), -1).shape == (3, 0)


# ---------------------------------------------------------------- sizes: factories, reshape, layers


@pytest.mark.parametrize(
    "call, kind, pattern",
    [
        (lambda: ag.zeros(-1, 3), ValueError, r"zeros: sizes must be 0 or more, got -1 in the shape \(-1, 3\)"),
        (lambda: ag.zeros(2.5, 2), TypeError, r"zeros: sizes must be whole numbers, got 2.5 \(float\).*int\(n\)"),
        (lambda: ag.ones((2, 2.0)), TypeError, r"ones: sizes must be whole numbers, got 2.0"),
        (lambda: ag.rand(3, -2), ValueError, r"rand: sizes must be 0 or more, got -2"),
        (lambda: ag.randn("3"), TypeError, r"randn: sizes must be whole numbers, got '3' \(str\)"),
        (lambda: ag.full((2, 1.5), 7.0), TypeError, r"full: sizes must be whole numbers, got 1.5"),
        (lambda: ag.full("23", 7.0), TypeError, r"full: shape must be a tuple of sizes"),
        (lambda: ag.eye(2.5), TypeError, r"eye: sizes must be whole numbers, got 2.5"),
        (lambda: ag.eye(3, -1), ValueError, r"eye: sizes must be 0 or more, got -1"),
        (lambda: ag.arange(0, 5, 0), ValueError, r"arange: step must not be 0.*step=1"),
        (lambda: ag.arange(float("inf")), TypeError, r"arange: end must be a finite number, got inf"),
    ],
)
def test_factories_check_their_sizes(call, kind, pattern):
    with pytest.raises(kind, match=pattern):
        call()


def test_factories_still_take_numpy_integers_and_zero_sizes():
    assert ag.zeros(np.int64(2), 0).shape == (2, 0)
    assert ag.ones((np.int32(3),)).shape == (3,)
    assert ag.full(2, 1.5).tolist() == [1.5, 1.5]


@pytest.mark.parametrize(
    "call, kind, pattern",
    [
        (
            lambda x: x.reshape(-2, 3),
            ValueError,
            r"reshape: invalid size -2 in \(-2, 3\).*-1 for the one size to infer",
        ),
        (lambda x: x.reshape((2.5, 2)), TypeError, r"reshape: sizes must be whole numbers, got 2.5 \(float\)"),
        (lambda x: x.reshape(-1, -1), ValueError, r"reshape: only one size can be -1"),
        (lambda x: x.reshape(4, 2), ValueError, r"reshape: cannot view shape \(6,\) \(6 elements\) as \(4, 2\)"),
        (lambda x: x.unsqueeze(0.5), TypeError, r"unsqueeze: the axis must be a whole number, got 0.5.*unsqueeze\(0\)"),
        (lambda x: x.reshape(2, 3).permute(0.5, 1), TypeError, r"permute: an axis must be an int, got 0.5"),
    ],
)
def test_shape_ops_check_sizes_and_axes(call, kind, pattern):
    with pytest.raises(kind, match=pattern):
        call(ag.zeros(6))
    if torch is not None and "permute" not in pattern:
        with pytest.raises((TypeError, RuntimeError)):
            call(torch.zeros(6))


def test_len_of_a_zero_d_tensor():
    with pytest.raises(TypeError, match=r"len\(\) of a 0-d tensor \(the single number 3.5\).*t.item\(\)"):
        len(ag.tensor(3.5))
    assert len(ag.zeros(4, 2)) == 4
    _refused_by_torch(lambda: len(torch.tensor(3.5)))


@pytest.mark.parametrize(
    "call, kind, pattern",
    [
        (lambda: nn.Linear(2.5, 2), TypeError, r"Linear: in_features must be a whole number, got 2.5 \(float\)"),
        (lambda: nn.Linear(2, -3), ValueError, r"Linear: out_features must be 0 or more, got -3"),
        (lambda: nn.Conv2d(1.5, 4, 3), TypeError, r"Conv2d: in_channels must be a whole number, got 1.5"),
        (lambda: nn.Conv2d(1, 4, 3, stride=1.5), TypeError, r"Conv2d: stride must be a whole number .* got 1.5"),
        (lambda: nn.Conv2d(1, 4, (3, 2.0)), TypeError, r"Conv2d: kernel_size must be a whole number .* \(3, 2.0\)"),
        (
            lambda: F.conv2d(ag.zeros(1, 1, 5, 5), ag.zeros(1, 1, 3, 3), stride=1.5),
            TypeError,
            r"conv2d: stride must be a whole number or a pair of them \(height, width\), got 1.5; write e.g. stride=2",
        ),
        (lambda: F.max_pool2d(ag.zeros(1, 1, 4, 4), 2.5), TypeError, r"max_pool2d: kernel_size must be a whole number"),
        (lambda: F.avg_pool2d(ag.zeros(1, 1, 4, 4), 2, padding=-1), ValueError, r"avg_pool2d: .*padding=\(-1, -1\)"),
    ],
)
def test_layer_and_window_sizes_are_whole_numbers(call, kind, pattern):
    with pytest.raises(kind, match=pattern):
        call()


def test_torch_refuses_fractional_layer_sizes_too():
    _refused_by_torch(lambda: torch.nn.Linear(2.5, 2))
    _refused_by_torch(lambda: torch.nn.functional.conv2d(torch.zeros(1, 1, 5, 5), torch.zeros(1, 1, 3, 3), stride=1.5))


# ---------------------------------------------------------------- pad, where, BCE targets


def test_pad_widths_are_whole_numbers():
    x = ag.zeros(2, 2)
    with pytest.raises(TypeError, match=r"pad: pad_width must be a whole number or one \(before, after\) pair.*1.5"):
        F.pad(x, ((1.5, 1), (0, 0)))
    with pytest.raises(TypeError, match=r"pad: pad must be a tuple of whole numbers .* got 1.5"):
        F.pad(x, 1.5)
    with pytest.raises(TypeError, match=r"pad: pad must be a flat tuple of ints .* got \(1.5, 1\)"):
        F.pad(x, (1.5, 1))  # PyTorch's flat form
    assert F.pad(x, ((np.int64(1), 0), (0, 2))).shape == (3, 4)
    _refused_by_torch(lambda: torch.nn.functional.pad(torch.zeros(2, 2), (1.5, 1)))


def test_where_wants_a_boolean_condition():
    with pytest.raises(TypeError, match=r"where: the condition must be a boolean mask, got dtype float32.*x > 0"):
        F.where(ag.tensor([0.5, 0.0]), ag.zeros(2), ag.ones(2))
    assert F.where(ag.tensor([True, False]), ag.zeros(2), ag.ones(2)).tolist() == [0.0, 1.0]
    _refused_by_torch(lambda: torch.where(torch.tensor([0.5, 0.0]), torch.zeros(2), torch.ones(2)))


@pytest.mark.parametrize("target", [[2.0, 0.0], [-0.5, 1.0], [np.nan, 1.0]])
def test_bce_targets_must_lie_in_zero_one(target):
    with pytest.raises(ValueError, match=r"binary_cross_entropy: targets must lie in \[0, 1\].*labels == "):
        nn.BCELoss()(ag.tensor([0.5, 0.5]), ag.tensor(target))
    if not np.isnan(target).any():
        _refused_by_torch(lambda: torch.nn.BCELoss()(torch.tensor([0.5, 0.5]), torch.tensor(target)))


def test_bce_accepts_soft_targets():
    loss = nn.BCELoss()(ag.tensor([0.5, 0.25]), ag.tensor([0.3, 1.0]))
    assert np.isfinite(loss.item())


# ---------------------------------------------------------------- optimizer settings


@pytest.mark.parametrize(
    "make, kind, pattern",
    [
        (
            lambda p: nn.optim.SGD(p, lr="0.1"),
            TypeError,
            r"SGD: lr must be a number, got '0.1' \(str\); write e.g. lr=0.1",
        ),
        (lambda p: nn.optim.SGD(p, lr=-0.1), ValueError, r"SGD: the learning rate must be >= 0, got lr=-0.1"),
        (lambda p: nn.optim.SGD(p, lr=float("nan")), ValueError, r"SGD: the learning rate must be >= 0, got lr=nan"),
        (lambda p: nn.optim.SGD(p, momentum=None), TypeError, r"SGD: momentum must be a number, got None"),
        (lambda p: nn.optim.SGD(p, momentum=-0.9), ValueError, r"SGD: momentum must be >= 0, got momentum=-0.9"),
        (lambda p: nn.optim.SGD(p, nesterov="yes"), TypeError, r"SGD: nesterov must be True or False, got 'yes'"),
        (lambda p: nn.optim.Adam(p, betas=0.9), TypeError, r"Adam: betas must be a tuple of 2 numbers, got 0.9"),
        (lambda p: nn.optim.Adam(p, betas=(0.9, 1.5)), ValueError, r"Adam: betas must lie in \[0, 1\)"),
        (lambda p: nn.optim.AdamW(p, eps=-1e-8), ValueError, r"AdamW: eps must be >= 0, got eps=-1e-08"),
        (lambda p: nn.optim.RMSprop(p, weight_decay="0"), TypeError, r"RMSprop: weight_decay must be a number"),
        (lambda p: nn.optim.Adagrad(p, lr_decay=-1), ValueError, r"Adagrad: lr_decay must be >= 0, got lr_decay=-1"),
        (
            lambda p: nn.optim.SGD([{"params": p, "lr": "fast"}], lr=0.1),
            TypeError,
            r"SGD: lr must be a number, got 'fast'",
        ),
    ],
)
def test_optimizer_settings_are_checked_when_made(make, kind, pattern):
    with pytest.raises(kind, match=pattern):
        make([ag.zeros(2, requires_grad=True)])


def test_torch_refuses_a_string_learning_rate_too():
    _refused_by_torch(lambda: torch.optim.SGD([torch.zeros(2, requires_grad=True)], lr="0.1"))


def test_good_optimizer_settings_still_work():
    p = [ag.zeros(2, requires_grad=True)]
    nn.optim.SGD(p, lr=1, momentum=np.float32(0.9), nesterov=True)
    nn.optim.Adam(p, betas=[0.8, 0.99], amsgrad=True)


# ---------------------------------------------------------------- data


class _Ragged(Dataset):
    def __init__(self, samples):
        self.samples = samples

    def __len__(self):
        return len(self.samples)

    def __getitem__(self, i):
        return self.samples[i]


def test_ragged_samples_name_the_two_shapes():
    ds = _Ragged([(np.zeros(3), 0), (np.zeros(3), 1), (np.zeros(4), 0)])
    with pytest.raises(
        ValueError,
        match=r"DataLoader: cannot stack a batch: field 0 of sample 0 has shape \(3,\) but field 0 of "
        r"sample 2 has shape \(4,\).*pad them to one size",
    ):
        list(DataLoader(ds, batch_size=3))
    assert len(list(DataLoader(ds, batch_size=1))) == 3  # one at a time they are fine
    with pytest.raises(ValueError, match=r"sample 1 .* nested list with rows of different lengths"):
        list(DataLoader(_Ragged([np.zeros((2, 2)), [[1.0, 2.0], [3.0]]]), batch_size=2))
    with pytest.raises(ValueError, match=r"sample 0 has 2 fields .* sample 1 has a single ndarray"):
        list(DataLoader(_Ragged([(np.zeros(2), 1), np.zeros(2)]), batch_size=2))


@pytest.mark.parametrize("ndim", [0, 5, 200, 255])
def test_mnist_header_with_an_absurd_number_of_axes(tmp_path, ndim):
    images = bytes([0, 0, 0x08, ndim]) + b"\x00\x00\x00\x02" * ndim + bytes(64)
    labels = bytes([0, 0, 0x08, 1]) + struct.pack(">I", 2) + bytes(2)
    (tmp_path / "train-images-idx3-ubyte").write_bytes(images)
    (tmp_path / "train-labels-idx1-ubyte").write_bytes(labels)
    with pytest.raises(
        DatasetFileError, match=rf"train-images-idx3-ubyte: the IDX header says the data has {ndim} axes"
    ):
        MNIST(root=tmp_path)


def test_mnist_header_with_sizes_whose_product_overflows(tmp_path):
    huge = bytes([0, 0, 0x08, 3]) + struct.pack(">III", 2**31, 2**31, 2**31) + bytes(10)
    (tmp_path / "train-images-idx3-ubyte").write_bytes(huge)
    (tmp_path / "train-labels-idx1-ubyte").write_bytes(bytes([0, 0, 0x08, 1]) + struct.pack(">I", 2) + bytes(2))
    with pytest.raises(DatasetFileError, match=r"truncated: the header promises shape \(2147483648, 2147483648"):
        MNIST(root=tmp_path)


def test_cifar_pickle_with_string_labels(tmp_path):
    folder = tmp_path / "cifar-10-batches-py"
    folder.mkdir()
    batch = {b"data": np.zeros((2, 3072), dtype=np.uint8), b"labels": ["cat", "dog"]}
    (folder / "test_batch").write_bytes(pickle.dumps(batch, protocol=2))
    with pytest.raises(
        DatasetFileError, match=r"test_batch: b'labels' must list one whole number 0..9 per image .* 'cat'"
    ):
        CIFAR10(root=tmp_path, train=False)


# ---------------------------------------------------------------- viz


def test_draw_graph_wants_a_tensor():
    with pytest.raises(TypeError, match=r"viz.draw_graph: expected the Tensor whose graph to draw .* got float 3.0"):
        viz.draw_graph(3.0)


def _loss():
    w = ag.tensor([1.0, 2.0], requires_grad=True, name="w")
    return w, (w * w).sum()


def test_render_backprop_into_a_file_or_under_one(tmp_path):
    (tmp_path / "notes.txt").write_text("a file")
    w, loss = _loss()
    with pytest.raises(NotADirectoryError, match=r"viz.render_backprop: '.*notes.txt' is a file, not a folder"):
        viz.render_backprop(loss, tmp_path / "notes.txt")
    with pytest.raises(NotADirectoryError, match=r"viz.render_backprop: cannot make the folder .*notes.txt/pages"):
        viz.render_backprop(loss, tmp_path / "notes.txt" / "pages")
    assert w.grad is None  # the path is checked before backward runs


def test_render_backprop_into_a_read_only_folder(tmp_path, monkeypatch):
    w, loss = _loss()
    folder = tmp_path / "locked"
    folder.mkdir()
    if os.geteuid() != 0:  # a real read-only folder (root writes anyway: then the check itself is exercised)
        folder.chmod(0o555)
    else:
        real_access = os.access
        monkeypatch.setattr(os, "access", lambda p, mode: False if str(p) == str(folder) else real_access(p, mode))
    try:
        with pytest.raises(PermissionError, match=r"viz.render_backprop: cannot write into the folder .*locked"):
            viz.render_backprop(loss, folder)
    finally:
        folder.chmod(0o755)
    assert w.grad is None and os.listdir(folder) == []


# ---------------------------------------------------------------- schedules and saving


@pytest.mark.parametrize(
    "make, kind, pattern",
    [
        (
            lambda o: nn.optim.lr_scheduler.StepLR(o, 2.5),
            TypeError,
            r"StepLR: step_size must be a whole number, got 2.5",
        ),
        (
            lambda o: nn.optim.lr_scheduler.StepLR(o, 0),
            ValueError,
            r"StepLR: step_size must be a positive whole number",
        ),
        (lambda o: nn.optim.lr_scheduler.ExponentialLR(o, "0.9"), TypeError, r"ExponentialLR: gamma must be a number"),
        (lambda o: nn.optim.lr_scheduler.CosineAnnealingLR(o, "10"), TypeError, r"CosineAnnealingLR: T_max must be a"),
    ],
)
def test_schedule_settings_are_checked_when_made(make, kind, pattern):
    with pytest.raises(kind, match=pattern):
        make(nn.optim.SGD([ag.zeros(1, requires_grad=True)], lr=0.1))


def test_save_with_the_arguments_swapped(tmp_path):
    with pytest.raises(
        TypeError, match=r"save: path must be a file name .* the model comes first: nn.save\(model, path\)"
    ):
        nn.save(str(tmp_path / "m.npz"), nn.Linear(2, 2))
    assert os.listdir(tmp_path) == []


def test_render_forward_into_a_file(tmp_path):
    (tmp_path / "notes.txt").write_text("a file")
    _, loss = _loss()
    with pytest.raises(NotADirectoryError, match=r"viz.render_forward: '.*notes.txt' is a file, not a folder"):
        viz.render_forward(loss, tmp_path / "notes.txt")


def test_more_arguments_checked_where_they_are_given(tmp_path):
    with pytest.raises(TypeError, match=r"var: correction must be a number .* got '1' \(str\)"):
        ag.zeros(3).var(correction="1")
    with pytest.raises(TypeError, match=r"DataLoader: shuffle must be True or False, got 'yes'"):
        DataLoader(_Ragged([1.0, 2.0]), shuffle="yes")
    with pytest.raises(TypeError, match=r"train_val_test_split: fractions must be numbers .* 'a'"):
        nn.data.train_val_test_split(np.zeros((10, 2)), fractions=(0.5, "a", 0.5))
    with pytest.raises(TypeError, match=r"load: path must be a file name .* got 123"):
        nn.load(123)
