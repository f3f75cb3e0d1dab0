"""``fit`` and ``evaluate``: the training loop written once, for when the loop is not the lesson.

The loop that ``fit`` runs is the one every tutorial writes by hand::

    for epoch in range(epochs):
        model.train()
        for x, y in train_loader:
            optimizer.zero_grad()          # forget the last batch's gradients
            loss = loss_fn(model(x), y)    # forward pass
            loss.backward()                # backward pass: dL/dw for every weight
            optimizer.step()               # w <- w - lr * dL/dw (or Adam's rule...)
        evaluate(model, loss_fn, val_loader)   # model.eval(), no_grad()

``fit`` adds the bookkeeping: the average loss and metrics per epoch, for the
training and the validation data, collected in a ``History``.
"""

from __future__ import annotations

import sys

import autograd as ag
from autograd import backend as _backend

from . import metrics as _metrics

__all__ = ["History", "evaluate", "fit"]


class History:
    """What happened in each epoch of ``fit``.

    ``history.history`` is a dict of per-epoch lists: ``"loss"``, one entry per
    metric (``"accuracy"``), and with validation data ``"val_loss"`` and
    ``"val_accuracy"``. ``history.epochs`` lists the epoch numbers (1, 2, ...).
    """

    def __init__(self):
        self.history = {}
        self.epochs = []

    def append(self, epoch, logs):
        """Record one epoch's numbers, ``logs = {"loss": ..., "val_loss": ...}``."""
        self.epochs.append(epoch)
        for key, value in logs.items():
            self.history.setdefault(key, []).append(value)

    def __getitem__(self, key):
        return self.history[key]

    def __repr__(self):
        last = ", ".join(f"{k}={v[-1]:.4f}" for k, v in self.history.items() if v)
        return f"History({len(self.epochs)} epochs; last: {last})"

    def plot(self, ax=None):
        """Plot the training and validation curves (loss and each metric) per epoch with matplotlib."""
        import matplotlib.pyplot as plt

        names = [k for k in self.history if not k.startswith("val_")]
        if ax is None:
            _, axes = plt.subplots(1, len(names), figsize=(4.5 * len(names), 3.2), squeeze=False)
            axes = axes[0]
        else:
            axes = [ax] * len(names)
        for axis, name in zip(axes, names):
            axis.plot(self.epochs, self.history[name], marker="o", label=f"training {name}")
            if f"val_{name}" in self.history:
                axis.plot(self.epochs, self.history[f"val_{name}"], marker="o", label=f"validation {name}")
            axis.set_xlabel("epoch")
            axis.set_ylabel(name)
            axis.legend()
        return axes


def _threshold_for(loss_fn):
    """The binary decision threshold implied by the loss: logits (0) or probabilities (0.5)."""
    name = getattr(loss_fn, "__name__", type(loss_fn).__name__).lower().replace("_", "")
    if "withlogits" in name or getattr(loss_fn, "from_logits", False):
        return 0.0
    if "bce" in name or "binary" in name:
        return 0.5
    return None


def _split_batch(batch):
    if not isinstance(batch, (tuple, list)) or len(batch) != 2:
        got = f"a batch of {len(batch)} fields" if isinstance(batch, (tuple, list)) else "a single tensor"
        raise ValueError(f"fit/evaluate need batches of (inputs, targets), but the loader gave {got}")
    return batch


def _set_mode(model, training):
    """``model.train()`` or ``model.eval()``, for models that have them (a plain function has neither)."""
    method = getattr(model, "train" if training else "eval", None)
    if callable(method):
        method()


class _Running:
    """Sums of per-batch loss and metrics, kept on the device until the epoch ends (one host copy)."""

    def __init__(self, metrics, threshold):
        self.metrics = metrics
        self.threshold = threshold
        self.count = 0
        self.sums = {}

    def add(self, loss, output, target):
        n = output.shape[0]
        self.count += n
        self._add("loss", loss.data * n)
        for name in self.metrics:
            if name == "accuracy":
                self._add(name, _metrics.correct_count(output, target, self.threshold))
            else:
                self._add(_metric_name(name), name(output, target) * n)

    def _add(self, key, value):
        self.sums[key] = value if key not in self.sums else self.sums[key] + value

    def result(self, prefix=""):
        out = {}
        for key, value in self.sums.items():
            total = _backend.backend_of_array(value).to_numpy(value) if hasattr(value, "shape") else value
            out[prefix + key] = float(total) / self.count
        return out


def _metric_name(metric):
    return metric if isinstance(metric, str) else getattr(metric, "__name__", type(metric).__name__)


def _check_metrics(metrics):
    metrics = tuple(metrics or ())
    for m in metrics:
        if isinstance(m, str) and m != "accuracy":
            raise ValueError(f"unknown metric {m!r}: use 'accuracy' or a function f(output, target) -> float")
    return metrics


def evaluate(model, loss_fn, loader, metrics=("accuracy",)):
    """The average loss and metrics of ``model`` over every batch of ``loader``.

    Runs in evaluation mode (``model.eval()``: dropout off, batch norm uses its
    running statistics) and inside ``no_grad()`` (no graph is built); the model's
    previous mode is restored afterwards. Returns e.g. ``{"loss": 0.31, "accuracy": 0.92}``.
    """
    metrics = _check_metrics(metrics)
    was_training = getattr(model, "training", None)
    _set_mode(model, training=False)
    running = _Running(metrics, _threshold_for(loss_fn))
    try:
        with ag.no_grad():
            for batch in loader:
                x, y = _split_batch(batch)
                output = model(x)
                running.add(loss_fn(output, y), output, y)
    finally:
        if was_training:
            _set_mode(model, training=True)
    if running.count == 0:
        raise ValueError("evaluate: the loader gave no batches")
    return running.result()


def _in_notebook():
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    return shell is not None and getattr(shell, "kernel", None) is not None


def _progress(loader, epoch, epochs, verbose):
    """A ``tqdm.auto`` bar over the batches: a widget in notebooks (with ipywidgets), text in a terminal.

    None (one plain line per epoch instead) when ``verbose`` is off, tqdm (the
    ``progress`` extra) is not installed, or the output is neither a terminal nor a notebook (a log file).
    """
    if not verbose or not (sys.stdout.isatty() or _in_notebook()):
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return None
    try:
        total = len(loader)
    except TypeError:  # a loader without a length: the bar counts without a total
        total = None
    options = dict(total=total, desc=f"epoch {epoch}/{epochs}", unit="batch", leave=True, file=sys.stdout)
    try:
        return tqdm(**options)
    except ImportError:  # a notebook without ipywidgets: tqdm's text bar
        from tqdm.std import tqdm as text_tqdm

        return text_tqdm(**options)


def _format(logs):
    return ", ".join(f"{k} {v:.4f}" for k, v in logs.items())


def fit(
    model,
    loss_fn,
    optimizer,
    train_loader,
    val_loader=None,
    epochs=1,
    metrics=("accuracy",),
    verbose=True,
    scheduler=None,
):
    """Train ``model`` for ``epochs`` epochs and return a ``History`` of per-epoch loss and metrics.

    Each epoch: ``model.train()``; for every batch ``(x, y)`` of ``train_loader``:
    ``optimizer.zero_grad()``, ``loss = loss_fn(model(x), y)``, ``loss.backward()``,
    ``optimizer.step()``. Then, with ``val_loader``, ``evaluate`` on it, and
    ``scheduler.step()`` if given.

    The training loss of an epoch is the average over its batches as they were
    trained (weighted by batch size), as Keras and most tutorials report it.
    ``metrics``: ``"accuracy"`` and/or functions ``f(output, target) -> float``;
    for binary outputs the threshold follows the loss (0 for ``BCEWithLogitsLoss``,
    0.5 for ``BCELoss``), see ``nn.metrics``.

    Progress: a ``tqdm.auto`` bar per epoch (a widget in Jupyter where ipywidgets
    is installed, text in a terminal) when tqdm (the ``progress`` extra) is
    installed, otherwise one line per epoch; ``verbose=0`` prints nothing.
    """
    metrics = _check_metrics(metrics)
    if epochs < 1:
        raise ValueError(f"fit: epochs must be at least 1, got {epochs}")
    threshold = _threshold_for(loss_fn)
    history = History()
    for epoch in range(1, epochs + 1):
        _set_mode(model, training=True)
        running = _Running(metrics, threshold)
        bar = _progress(train_loader, epoch, epochs, verbose)
        for batch in train_loader:
            x, y = _split_batch(batch)
            optimizer.zero_grad()
            output = model(x)
            loss = loss_fn(output, y)
            loss.backward()
            optimizer.step()
            with ag.no_grad():
                running.add(loss.detach(), output.detach(), y)
            if bar is not None:
                bar.update(1)
        if running.count == 0:
            raise ValueError("fit: the training loader gave no batches")
        logs = running.result()
        if val_loader is not None:
            logs.update({f"val_{k}": v for k, v in evaluate(model, loss_fn, val_loader, metrics).items()})
        if scheduler is not None:
            scheduler.step()
        history.append(epoch, logs)
        if bar is not None:
            bar.set_postfix_str(_format(logs))
            bar.close()
        elif verbose:
            print(f"epoch {epoch}/{epochs}: {_format(logs)}", flush=True)
    return history
