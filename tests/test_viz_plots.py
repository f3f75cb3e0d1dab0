"""viz.plots: each plot saves a PNG with the expected axes and titles; derivatives come from backward."""

import numpy as np
import pytest

pytest.importorskip("matplotlib")

from viz import plots  # noqa: E402

PNG = b"\x89PNG\r\n\x1a\n"


def test_history_plot(tmp_path):
    logs = {
        "loss": [1.0, 0.6, 0.4],
        "val_loss": [1.1, 0.7, 0.8],
        "accuracy": [0.5, 0.7, 0.9],
        "val_accuracy": [0.5, 0.6, 0.6],
    }
    fig = plots.plot_history(logs, save=tmp_path / "h.png")
    assert (tmp_path / "h.png").read_bytes()[:8] == PNG
    loss_ax, acc_ax = fig.axes
    assert (loss_ax.get_title(), loss_ax.get_xlabel(), loss_ax.get_ylabel()) == ("Loss", "epoch", "loss")
    assert (acc_ax.get_title(), acc_ax.get_ylabel()) == ("Accuracy", "accuracy")
    assert [t.get_text() for t in loss_ax.get_legend().get_texts()] == ["training", "validation"]
    np.testing.assert_array_equal(loss_ax.lines[1].get_ydata(), logs["val_loss"])


def test_activation_derivatives_come_from_backward(tmp_path):
    x = np.linspace(-3, 3, 13)
    y, dy = plots.activation_and_derivative(plots._ACTIVATIONS["sigmoid"], x)
    s = 1 / (1 + np.exp(-x))
    np.testing.assert_allclose(y, s)
    np.testing.assert_allclose(dy, s * (1 - s))
    _, dtanh = plots.activation_and_derivative(plots._ACTIVATIONS["tanh"], x)
    np.testing.assert_allclose(dtanh, 1 - np.tanh(x) ** 2)
    fig = plots.plot_activations(save=tmp_path / "a.png")
    assert (tmp_path / "a.png").read_bytes()[:8] == PNG
    assert [ax.get_title() for ax in fig.axes] == ["sigmoid", "tanh", "relu", "leaky_relu"]
    relu_ax = fig.axes[2]
    np.testing.assert_array_equal(relu_ax.lines[1].get_ydata(), (np.linspace(-5, 5, 401) > 0).astype(float))


def test_image_grids(tmp_path):
    rng = np.random.default_rng(0)
    fig = plots.show_images(
        rng.random((10, 1, 6, 6)), titles=[f"#{i}" for i in range(10)], ncols=5, save=tmp_path / "i.png"
    )
    assert (tmp_path / "i.png").read_bytes()[:8] == PNG
    shown = [ax for ax in fig.axes if ax.get_visible()]
    assert len(shown) == 10 and shown[3].get_title() == "#3"
    y_true = np.array([0, 1, 2, 1, 0, 2])
    y_pred = np.array([0, 2, 2, 0, 0, 1])
    fig = plots.show_misclassified(
        rng.random((6, 6, 6)), y_true, y_pred, class_names=["cat", "dog", "ship"], save=tmp_path / "m.png"
    )
    titles = [ax.get_title() for ax in fig.axes if ax.get_visible()]
    assert titles == ["True: dog\nPred: ship", "True: dog\nPred: cat", "True: ship\nPred: dog"]
    assert (tmp_path / "m.png").read_bytes()[:8] == PNG


def test_confusion_matrix(tmp_path):
    y_true = np.array([0, 0, 1, 1, 1, 2])
    y_pred = np.array([0, 1, 1, 1, 2, 2])
    np.testing.assert_array_equal(plots.confusion_matrix(y_true, y_pred), [[1, 1, 0], [0, 2, 1], [0, 0, 1]])
    fig = plots.plot_confusion_matrix(y_true, y_pred, class_names=["a", "b", "c"], save=tmp_path / "c.png")
    ax = fig.axes[0]
    assert (ax.get_title(), ax.get_xlabel(), ax.get_ylabel()) == ("Confusion matrix", "Predicted label", "True label")
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "c"]
    assert (tmp_path / "c.png").read_bytes()[:8] == PNG


def _drawn(fig):
    """The arrays the figure's image axes actually draw (what a learner sees), in order."""
    return [ax.images[0].get_array() for ax in fig.axes if ax.get_visible() and ax.images]


def test_grey_conv_filters_are_drawn_as_kh_by_kw_tiles():
    weight = np.random.default_rng(0).normal(size=(16, 1, 3, 3))
    drawn = _drawn(plots.show_images(weight))
    assert [a.shape for a in drawn] == [(3, 3)] * 16  # 16 grey 3x3 tiles, not 1x3 colour strips
    k = 5  # each tile is its own filter, stretched to 0..1
    w = weight[k, 0]
    np.testing.assert_allclose(drawn[k], (w - w.min()) / (w.max() - w.min()))


def test_colour_filters_and_feature_maps():
    colour = np.random.default_rng(1).random((4, 3, 5, 5))
    drawn = _drawn(plots.show_images(colour))
    assert [a.shape for a in drawn] == [(5, 5, 3)] * 4
    np.testing.assert_allclose(drawn[2][1, 2], (colour[2, :, 1, 2] - colour[2].min()) / np.ptp(colour[2]))
    maps = np.random.default_rng(2).random((3, 8, 8))  # 3 feature maps of one sample: 3 grey images, not one RGB
    assert [a.shape for a in _drawn(plots.show_images(maps))] == [(8, 8)] * 3
    image = np.random.default_rng(3).random((8, 8, 3))  # one colour image, by explicit layout
    assert [a.shape for a in _drawn(plots.show_images(image, layout="HWC"))] == [(8, 8, 3)]
    batch = np.random.default_rng(4).random((2, 6, 7, 3))
    assert [a.shape for a in _drawn(plots.show_images(batch, layout="NHWC"))] == [(6, 7, 3)] * 2


def test_ambiguous_or_wrong_layouts_are_refused_with_the_fix():
    with pytest.raises(ValueError, match=r"weight\[:, k\]"):
        plots.show_images(np.zeros((32, 16, 3, 3)))  # 16 input channels: not an image
    with pytest.raises(ValueError, match="layout 'HWC' needs a 3-D array"):
        plots.show_images(np.zeros((2, 3, 3, 3)), layout="HWC")
    with pytest.raises(ValueError, match="layout must be one of"):
        plots.show_images(np.zeros((3, 3)), layout="WH")
