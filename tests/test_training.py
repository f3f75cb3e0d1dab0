"""nn.fit, nn.evaluate and History: bookkeeping, modes, progress output, and real-data accuracy bars."""

import io
import sys

import numpy as np
import pytest

import autograd as ag
import nn
from nn.data import DataLoader, TensorDataset, train_val_test_split
from nn.datasets import load_digits, load_iris
from nn.transforms import Standardize


class TinyLinear:
    """A hand-written model (no nn.Module): logits = x @ W + b, recording which mode it is in."""

    def __init__(self, n_in, n_out):
        self.weight = ag.randn(n_in, n_out, requires_grad=True)
        self.bias = ag.zeros(n_out, requires_grad=True)
        self.training = True
        self.modes = []
        self.recorded = []

    def train(self):
        self.training = True
        self.modes.append("train")

    def eval(self):
        self.training = False
        self.modes.append("eval")

    def __call__(self, x):
        self.recorded.append((self.training, ag.is_grad_enabled()))
        return x @ self.weight + self.bias

    def parameters(self):
        return [self.weight, self.bias]


class PlainSGD:
    def __init__(self, params, lr):
        self.params, self.lr = params, lr

    def zero_grad(self):
        for p in self.params:
            p.grad = None

    def step(self):
        for p in self.params:
            p.data -= self.lr * p.grad.data


def cross_entropy(logits, target):
    """Mean of -log softmax(logits)[target], written with autograd ops."""
    log_probs = logits - logits.logsumexp(axis=1, keepdims=True)
    return -(log_probs * ag.tensor(np.eye(logits.shape[1], dtype=np.float32)[target.numpy()])).sum(axis=1).mean()


def _blobs(n=120, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, n)
    x = rng.standard_normal((n, 2)) * 0.5 + np.array([[0, 3], [3, 0], [-3, -3]])[y]
    return x.astype(np.float32), y


def test_fit_with_a_hand_written_model_learns_and_keeps_history():
    x, y = _blobs()
    model = TinyLinear(2, 3)
    train = DataLoader(TensorDataset(x[:90], y[:90]), batch_size=16, shuffle=True, seed=0)
    val = DataLoader(TensorDataset(x[90:], y[90:]), batch_size=64)
    history = nn.fit(model, cross_entropy, PlainSGD(model.parameters(), 0.2), train, val, epochs=5, verbose=False)
    assert history.epochs == [1, 2, 3, 4, 5]
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert all(len(v) == 5 for v in history.history.values())
    assert history["loss"][-1] < history["loss"][0]
    assert history["val_accuracy"][-1] >= 0.9
    # training batches ran in train mode with the graph recorded; validation in eval mode without it
    assert (True, True) in model.recorded and (False, False) in model.recorded
    assert (True, False) not in model.recorded and (False, True) not in model.recorded
    assert model.modes[:3] == ["train", "eval", "train"]


def test_epoch_numbers_are_weighted_averages_over_the_batches():
    x, y = _blobs(50)
    model = TinyLinear(2, 3)
    loader = DataLoader(TensorDataset(x, y), batch_size=16)  # batches of 16, 16, 16, 2
    history = nn.fit(model, cross_entropy, PlainSGD(model.parameters(), 0.0), loader, loader, verbose=False)
    logits = model(ag.tensor(x))
    full_loss = cross_entropy(logits, ag.tensor(y)).item()
    full_accuracy = nn.metrics.accuracy(logits, y)
    for key in ("loss", "val_loss"):
        assert history[key][0] == pytest.approx(full_loss, rel=1e-5)
    assert history["accuracy"][0] == pytest.approx(full_accuracy)
    assert nn.evaluate(model, cross_entropy, loader) == pytest.approx({"loss": full_loss, "accuracy": full_accuracy})


def test_evaluate_restores_the_mode_and_builds_no_graph():
    x, y = _blobs(20)
    model = nn.Sequential(nn.Linear(2, 3))
    model.train()
    results = nn.evaluate(model, nn.CrossEntropyLoss(), DataLoader(TensorDataset(x, y), batch_size=8))
    assert model.training
    assert set(results) == {"loss", "accuracy"}
    model.eval()
    nn.evaluate(model, nn.CrossEntropyLoss(), DataLoader(TensorDataset(x, y), batch_size=8))
    assert not model.training


def test_binary_accuracy_threshold_follows_the_loss():
    x = np.array([[1.0], [2.0], [-1.0], [-2.0]], dtype=np.float32)
    y = np.array([[1.0], [1.0], [0.0], [0.0]], dtype=np.float32)
    loader = DataLoader(TensorDataset(x, y), batch_size=4)

    def logits_model(inputs):  # logits 0.1 * x: all inside [0, 1] for positives, but they are logits
        return inputs * 0.1

    results = nn.evaluate(logits_model, nn.BCEWithLogitsLoss(), loader)
    assert results["accuracy"] == 1.0  # threshold 0 for logits (0.5 would call 0.1 and 0.2 negative)

    def probability_model(inputs):
        return (inputs * 0.1).sigmoid()

    assert nn.evaluate(probability_model, nn.BCELoss(), loader)["accuracy"] == 1.0


def test_custom_metric_function():
    x, y = _blobs(40)
    model = TinyLinear(2, 3)

    def error_rate(output, target):
        return 1.0 - nn.metrics.accuracy(output, target)

    history = nn.fit(
        model, cross_entropy, PlainSGD(model.parameters(), 0.1), DataLoader(TensorDataset(x, y), batch_size=8),
        metrics=("accuracy", error_rate), verbose=False,
    )  # fmt: skip
    assert history["accuracy"][0] + history["error_rate"][0] == pytest.approx(1.0)
    with pytest.raises(ValueError, match="unknown metric 'f1'"):
        nn.fit(model, cross_entropy, None, DataLoader(TensorDataset(x, y)), metrics=("f1",))


def test_verbose_prints_one_line_per_epoch(capsys):
    x, y = _blobs(20)
    model = TinyLinear(2, 3)
    loader = DataLoader(TensorDataset(x, y), batch_size=10)
    nn.fit(model, cross_entropy, PlainSGD(model.parameters(), 0.1), loader, loader, epochs=2)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2 and lines[1].startswith("epoch 2/2: loss ") and "val_accuracy" in lines[1]
    nn.fit(model, cross_entropy, PlainSGD(model.parameters(), 0.1), loader, epochs=2, verbose=False)
    assert capsys.readouterr().out == ""


def test_progress_bar_in_a_terminal(monkeypatch):
    pytest.importorskip("tqdm")

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    terminal = Terminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    x, y = _blobs(20)
    model = TinyLinear(2, 3)
    nn.fit(model, cross_entropy, PlainSGD(model.parameters(), 0.1), DataLoader(TensorDataset(x, y), batch_size=5))
    shown = terminal.getvalue()
    assert "epoch 1/1" in shown and "4/4" in shown and "loss" in shown


def test_scheduler_steps_once_per_epoch():
    x, y = _blobs(20)
    model = nn.Sequential(nn.Linear(2, 3))
    optimizer = nn.optim.SGD(model.parameters(), lr=0.1)
    scheduler = nn.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.5)
    loader = DataLoader(TensorDataset(x, y), batch_size=5)
    nn.fit(model, nn.CrossEntropyLoss(), optimizer, loader, epochs=3, scheduler=scheduler, verbose=False)
    assert optimizer.param_groups[0]["lr"] == pytest.approx(0.1 * 0.5**3)


def test_batches_must_be_input_target_pairs():
    model = TinyLinear(2, 3)
    with pytest.raises(ValueError, match="batches of \\(inputs, targets\\)"):
        nn.fit(model, cross_entropy, None, DataLoader(TensorDataset(np.zeros((4, 2))), batch_size=2))


def test_fit_on_device_makes_no_host_copy_per_batch(device):
    x, y = _blobs(64)
    model = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 3)).to(device)
    loader = DataLoader(TensorDataset(x, y), batch_size=4, device=device)  # 16 batches per epoch
    backend = ag.get_backend(device)
    before = backend.device_to_host_copies
    history = nn.fit(model, nn.CrossEntropyLoss(), nn.optim.SGD(model.parameters(), lr=0.1), loader, epochs=2,
                     verbose=False)  # fmt: skip
    assert history["loss"][1] < history["loss"][0]
    assert backend.device_to_host_copies - before < 16  # the numbers come back once per epoch, not per batch


def test_history_plot():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    history = nn.History()
    history.append(1, {"loss": 1.0, "accuracy": 0.5, "val_loss": 1.2, "val_accuracy": 0.4})
    history.append(2, {"loss": 0.5, "accuracy": 0.8, "val_loss": 0.7, "val_accuracy": 0.7})
    axes = history.plot()
    assert len(axes) == 2 and len(axes[0].lines) == 2
    assert "loss=0.5000" in repr(history)


# ------------------------------------------------------------------ real data
def _split_and_scale(data, target, fractions):
    (x_tr, y_tr), (x_va, y_va), (x_te, y_te) = train_val_test_split(
        data, target, fractions=fractions, seed=0, stratify=target
    )
    scaler = Standardize().fit(x_tr)  # fitted on training data only
    return (scaler(x_tr), y_tr), (scaler(x_va), y_va), (scaler(x_te), y_te)


def test_mlp_on_iris_reaches_093_test_accuracy():
    iris = load_iris()
    (x_tr, y_tr), (x_va, y_va), (x_te, y_te) = _split_and_scale(iris.data, iris.target, (0.6, 0.2, 0.2))
    ag.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 3))
    loss_fn = nn.CrossEntropyLoss()
    history = nn.fit(
        model, loss_fn, nn.optim.Adam(model.parameters(), lr=0.01),
        DataLoader(TensorDataset(x_tr, y_tr), batch_size=16, shuffle=True, seed=0),
        DataLoader(TensorDataset(x_va, y_va), batch_size=64), epochs=40, verbose=False,
    )  # fmt: skip
    assert history["loss"][-1] < history["loss"][0]
    test = nn.evaluate(model, loss_fn, DataLoader(TensorDataset(x_te, y_te), batch_size=64))
    assert len(y_te) == 30
    assert test["accuracy"] >= 0.93


def test_mlp_on_digits_reaches_095_test_accuracy():
    digits = load_digits()
    (x_tr, y_tr), (x_va, y_va), (x_te, y_te) = _split_and_scale(digits.data, digits.target, (0.8, 0.1, 0.1))
    ag.manual_seed(0)
    model = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))
    loss_fn = nn.CrossEntropyLoss()
    nn.fit(
        model, loss_fn, nn.optim.Adam(model.parameters(), lr=0.003),
        DataLoader(TensorDataset(x_tr, y_tr), batch_size=32, shuffle=True, seed=0),
        DataLoader(TensorDataset(x_va, y_va), batch_size=256), epochs=10, verbose=False,
    )  # fmt: skip
    test_loader = DataLoader(TensorDataset(x_te, y_te), batch_size=256)
    assert nn.evaluate(model, loss_fn, test_loader)["accuracy"] >= 0.95
    with ag.no_grad():
        logits = model(ag.tensor(x_te))
    per_class = nn.metrics.per_class_accuracy(logits, y_te, 10)
    assert per_class.shape == (10,) and per_class.min() >= 0.8
