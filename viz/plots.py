"""Plots for the lectures: training history, activation functions, image grids, confusion matrix.

Matplotlib is an optional extra (``pip install matplotlib``). Every function
builds a ``matplotlib.figure.Figure`` directly, without pyplot, so it is
headless (the Agg canvas) by default and leaves no window or global state
behind; each returns the figure and, given ``save=path``, writes it too.
Inside a Jupyter (IPython) kernel each figure is also shown inline as it is
finished, with no ``%matplotlib inline`` needed.
"""

from __future__ import annotations

import io

import numpy as np

try:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator
except ImportError as e:  # the optional extra is missing
    raise ImportError("viz.plots needs matplotlib: pip install matplotlib (or pip install -e '.[plot]')") from e

import autograd as ag
import autograd.functional as F

from .table import in_notebook
from .values import to_numpy

__all__ = [
    "confusion_matrix", "figure", "finish", "plot_activations", "plot_confusion_matrix", "plot_history", "show_images",
    "show_misclassified",
]  # fmt: skip


def figure(width, height):
    """A headless matplotlib Figure of ``width`` x ``height`` inches (constrained layout, no pyplot state)."""
    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)  # headless: the figure renders to pixels only
    return fig


def finish(fig, save=None):
    """Write ``fig`` to ``save`` (if given) and, inside a Jupyter kernel, show it inline; returns ``fig``."""
    if save is not None:
        fig.savefig(save, dpi=100)
    if in_notebook():
        show_inline(fig)
    return fig


def show_inline(fig):
    """Display ``fig`` as a PNG in the notebook cell that is running (``IPython.display``)."""
    from IPython.display import Image, display

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100)
    display(Image(data=buffer.getvalue(), format="png"))


_figure, _finish = figure, finish  # the names this module used before they were public


# ------------------------------------------------------------------ training history


def plot_history(history, save=None):
    """Training and validation loss and accuracy per epoch, side by side.

    ``history`` is the ``History`` returned by ``nn.fit`` (or its ``.history``
    dict of per-epoch lists: ``loss``, ``val_loss``, ``accuracy``, ``val_accuracy``).
    A validation loss that rises while the training loss keeps falling is the
    lectures' sign of overfitting.
    """
    logs = history.history if hasattr(history, "history") else dict(history)
    if "loss" not in logs:
        raise ValueError(f"plot_history: no 'loss' in the history (keys: {sorted(logs)})")
    n = len(logs["loss"])
    epochs = list(getattr(history, "epochs", None) or range(1, n + 1))
    acc_key = next((k for k in ("accuracy", "acc") if k in logs), None)
    panels = [("loss", "Loss")] + ([(acc_key, "Accuracy")] if acc_key else [])
    fig = _figure(5.5 * len(panels), 4)
    for ax, (key, title) in zip(fig.subplots(1, len(panels), squeeze=False)[0], panels):
        ax.plot(epochs, logs[key], marker="o", label="training")
        if f"val_{key}" in logs:
            ax.plot(epochs, logs[f"val_{key}"], marker="o", label="validation")
        ax.set_title(title)
        ax.set_xlabel("epoch")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # epochs are whole numbers
        ax.set_ylabel(key)
        ax.grid(alpha=0.3)
        ax.legend()
    return _finish(fig, save)


# ------------------------------------------------------------------ activations

_ACTIVATIONS = {
    "sigmoid": F.sigmoid,
    "tanh": F.tanh,
    "relu": F.relu,
    "leaky_relu": lambda x: F.leaky_relu(x, 0.1),
    "elu": F.elu,
    "softplus": F.softplus,
}


def activation_and_derivative(fn, x):
    """``(f(x), f'(x))`` as NumPy arrays; the derivative comes from the engine's backward.

    For an elementwise f, the gradient of ``sum(f(x))`` with respect to x is f'(x).
    """
    x = ag.tensor(np.asarray(x, dtype=np.float64), requires_grad=True, dtype="float64")
    y = fn(x)
    y.sum().backward()
    return y.numpy(), x.grad.numpy()


def plot_activations(names=("sigmoid", "tanh", "relu", "leaky_relu"), x_range=(-5.0, 5.0), points=401, save=None):
    """Each activation function and its derivative, one panel each.

    ``names`` are names (sigmoid, tanh, relu, leaky_relu (slope 0.1), elu,
    softplus) or ``(title, function)`` pairs of an elementwise function of a Tensor.
    The derivatives are computed by the engine (backward), not typed in.
    """
    x = np.linspace(x_range[0], x_range[1], points)
    items = []
    for item in names:
        if isinstance(item, str):
            if item not in _ACTIVATIONS:
                raise ValueError(f"plot_activations: unknown activation '{item}'; known: {sorted(_ACTIVATIONS)}")
            items.append((item, _ACTIVATIONS[item]))
        else:
            items.append(tuple(item))
    cols = min(len(items), 4)
    rows = -(-len(items) // cols)
    fig = _figure(3.6 * cols, 3.0 * rows)
    axes = fig.subplots(rows, cols, squeeze=False).ravel()
    for ax, (title, fn) in zip(axes, items):
        y, dy = activation_and_derivative(fn, x)
        ax.plot(x, y, label="f(x)")
        ax.plot(x, dy, "--", label="f'(x) (by backward)")
        ax.set_title(title)
        ax.set_xlabel("x")
        ax.axhline(0, color="#999", lw=0.6)
        ax.axvline(0, color="#999", lw=0.6)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    for ax in axes[len(items) :]:
        ax.set_visible(False)
    return _finish(fig, save)


# ------------------------------------------------------------------ images


LAYOUTS = ("NCHW", "NHWC", "CHW", "HWC", "NHW", "HW")


def _as_images(images, layout=None):
    """(N, H, W) grey or (N, H, W, 3) colour tiles for imshow, read by the array's meaning.

    ``layout`` names the axes; without it the shape decides:

    * 2-D ``(H, W)``: one grey image.
    * 3-D ``(C, H, W)``: C grey images (one sample's feature maps, or N grey images).
      A single colour image ``(H, W, 3)`` needs ``layout="HWC"``.
    * 4-D ``(N, C, H, W)`` with C = 1 or 3 (PyTorch's order; conv weights
      ``(O, C, KH, KW)`` too): N grey or colour tiles. Channel-last ``(N, H, W, C)``
      needs ``layout="NHWC"``.
    """
    a = to_numpy(images).astype(np.float64)
    if layout is None:
        if a.ndim == 2:
            layout = "HW"
        elif a.ndim == 3:
            layout = "CHW"
        elif a.ndim == 4:
            layout = "NCHW"  # PyTorch's order, and this engine's; channel-last needs layout="NHWC"
            if a.shape[1] not in (1, 3):
                raise ValueError(
                    f"show_images: a 4-D array of shape {a.shape} is read as (N, C, H, W), but C = {a.shape[1]} "
                    "is neither 1 (grey) nor 3 (colour). For conv weights (O, C, KH, KW) with C input channels, "
                    "show one input channel of every filter: show_images(weight[:, k]); for channel-last images "
                    "pass layout='NHWC'."
                )
    if layout not in LAYOUTS:
        raise ValueError(f"show_images: layout must be one of {LAYOUTS}, got {layout!r}")
    if a.ndim != len(layout):
        raise ValueError(f"show_images: layout {layout!r} needs a {len(layout)}-D array, got shape {a.shape}")
    if layout == "HW":
        a = a[None]
    elif layout == "HWC":
        a = a[None]
        layout = "NHWC"
    if layout == "NCHW":
        a = a.transpose(0, 2, 3, 1)
        layout = "NHWC"
    if layout == "NHWC":
        if a.shape[-1] == 1:
            a = a[..., 0]
        elif a.shape[-1] != 3:
            raise ValueError(f"show_images: colour images need 3 channels (red, green, blue), got shape {a.shape}")
    return a  # (N, H, W) grey or (N, H, W, 3) colour


def _scale(img):
    # each image stretched to [0, 1] so filters and feature maps with any range are visible
    lo, hi = img.min(), img.max()
    return (img - lo) / (hi - lo) if hi > lo else np.zeros_like(img)


def show_images(images, titles=None, ncols=8, cmap="gray", title=None, save=None, layout=None):
    """A grid of images: input samples, conv filters ``(O, C, KH, KW)`` or one sample's feature maps ``(C, H, W)``.

    Drawn by their meaning: filters ``(O, 1, KH, KW)`` as O grey KHxKW tiles,
    ``(O, 3, KH, KW)`` as O colour tiles, maps ``(C, H, W)`` as C grey images.
    ``layout`` ("NCHW", "NHWC", "CHW", "HWC", "NHW", "HW") names the axes where
    the shape alone is ambiguous (see ``_as_images``). Each image is scaled to
    its own min (black) .. max (white), as the figure says at its foot.
    ``titles`` gives one caption per image.
    """
    a = _as_images(images, layout)
    n = len(a)
    if titles is not None and len(titles) != n:
        raise ValueError(f"show_images: {len(titles)} titles for {n} images")
    ncols = max(1, min(ncols, n))
    nrows = -(-n // ncols)
    fig = figure(1.6 * ncols, 1.7 * nrows + (0.4 if title else 0) + 0.3)
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    for i, ax in enumerate(axes):
        ax.set_xticks([])
        ax.set_yticks([])
        if i >= n:
            ax.set_visible(False)
            continue
        ax.imshow(_scale(a[i]), cmap=cmap if a[i].ndim == 2 else None, vmin=0, vmax=1, interpolation="nearest")
        if titles is not None:
            ax.set_title(str(titles[i]), fontsize=8)
    if title:
        fig.suptitle(title)
    fig.supxlabel("each image scaled to its own range: darkest = its minimum, brightest = its maximum", fontsize=8)
    return finish(fig, save)


def show_misclassified(
    images, y_true, y_pred, class_names=None, max_images=25, ncols=5, save=None, layout=None, title=None
):
    """The images the model got wrong, each captioned "True: X" over "Pred: Y" (at most ``max_images``).

    ``images`` as for :func:`show_images` (a batch: ``(N, H, W)``, ``(N, C, H, W)`` or ``(N, H, W, C)``);
    ``title`` replaces the default heading "Misclassified (k shown of n)".
    """
    y_true = to_numpy(y_true).reshape(-1)
    y_pred = to_numpy(y_pred).reshape(-1)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"show_misclassified: y_true has {y_true.size} labels but y_pred has {y_pred.size}")
    wrong = np.flatnonzero(y_true != y_pred)[:max_images]
    if wrong.size == 0:
        raise ValueError("show_misclassified: every prediction is correct, there is nothing to show")

    def name(k):
        return class_names[int(k)] if class_names is not None else str(int(k))

    titles = [
        f"True: {name(y_true[i])}\nPred: {name(y_pred[i])}" for i in wrong
    ]  # two lines, as the slides: long names fit
    images = _as_images(images, layout)[wrong]
    heading = f"Misclassified ({len(wrong)} shown of {int((y_true != y_pred).sum())})"
    return show_images(
        images, titles, ncols=ncols, title=f"{title}: {heading}" if title else heading, save=save,
        layout="NHWC" if images.ndim == 4 else "NHW",
    )  # fmt: skip


# ------------------------------------------------------------------ confusion matrix


def confusion_matrix(y_true, y_pred, num_classes=None):
    """``C[i, j]`` = how many samples of true class i were predicted as class j."""
    y_true = to_numpy(y_true).reshape(-1).astype(np.int64)
    y_pred = to_numpy(y_pred).reshape(-1).astype(np.int64)
    k = num_classes or int(max(y_true.max(initial=0), y_pred.max(initial=0))) + 1
    return np.bincount(y_true * k + y_pred, minlength=k * k).reshape(k, k)


def plot_confusion_matrix(y_true, y_pred, class_names=None, normalize=False, save=None, title=None):
    """The confusion matrix as a heat map: rows are true classes, columns predicted ones.

    ``normalize=True`` divides each row by its count, so the diagonal is each class's recall.
    ``title`` is put before the default heading (e.g. what data the model was tested on).
    """
    k = len(class_names) if class_names is not None else None
    cm = confusion_matrix(y_true, y_pred, k).astype(np.float64)
    k = cm.shape[0]
    if normalize:
        cm = cm / np.maximum(cm.sum(axis=1, keepdims=True), 1)
    names = list(class_names) if class_names is not None else [str(i) for i in range(k)]
    fig = _figure(1.0 + 0.55 * k + 1.5, 0.55 * k + 1.5)
    ax = fig.subplots()
    im = ax.imshow(cm, cmap="Blues")
    fig.colorbar(im, ax=ax, label="share of the true class" if normalize else "number of samples")
    ax.set_xticks(range(k), names, rotation=45, ha="right")
    ax.set_yticks(range(k), names)
    ax.set_xlabel("Predicted label")
    ax.set_ylabel("True label")
    heading = "Confusion matrix" + (" (normalised by row)" if normalize else "")
    ax.set_title(f"{title}\n{heading}" if title else heading)
    threshold = cm.max() / 2 if cm.size else 0
    for i, j in np.ndindex(k, k):
        text = f"{cm[i, j]:.2f}" if normalize else str(int(cm[i, j]))
        ax.text(j, i, text, ha="center", va="center", color="white" if cm[i, j] > threshold else "black", fontsize=8)
    return _finish(fig, save)
