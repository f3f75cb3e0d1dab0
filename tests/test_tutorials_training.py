"""Tutorials 00 and 15-25: the flagship demo and the training lessons (A5, C8, D1-D10).

Each lesson runs on its own in fast mode and leaves the files it promises; each
worked example's bar is asserted through the lesson's own functions (imported
from its file, since the module names start with digits). The full-length bar
runs of D1-D3 are marked ``slow``.
"""

import gzip
import os
import struct
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from lessons import lesson, path_without

import autograd as ag
import autograd.functional as F

ROOT = Path(__file__).resolve().parent.parent
TUTORIALS = ROOT / "tutorials"

# lesson -> (extra arguments, files it promises in its output folder)
PROMISED = {
    "00_flagship_demo": ([], ["network/index.html", "backprop/index.html", "training_curves.png"]),
    "15_keras_style_model": ([], ["loss_curve.png"]),
    "16_iris_classifier": ([], ["training_curves.png", "confusion_matrix.png"]),
    "17_digit_eight_or_not": ([], ["confusion_matrix.png"]),
    "18_digits_mlp_and_cnn": (
        [],
        ["first_layer_filters.png", "feature_maps.png", "sample_input.png", "cnn_confusion_matrix.png"],
    ),
    "19_cifar10_cnn": (["--stand-in"], ["misclassified.png", "confusion_matrix.png"]),
    "20_class_imbalance": ([], ["per_class_accuracy.png"]),
    "21_data_augmentation": ([], ["augmented_examples.png", "results.txt"]),
    "22_autoencoder": ([], ["reconstructions.png"]),
    "23_gan": ([], ["generated_vs_real.png"]),
    "24_transfer_learning": ([], ["results.txt"]),
    "25_optimizers": ([], ["sgd_vs_adam.png"]),
    "40_adversarial_autoencoder": ([], ["codes_over_prior.png", "decoded_prior_samples.png"]),
}


NEEDS_DOT = {"00_flagship_demo": ("backprop/index.html", "backprop/step_001.svg")}  # checked by the full run


def run_lesson(name, args, out, fast=True, extra_env=None, timeout=300):
    env = dict(os.environ, TEACHGRAD_OUT=str(out), MPLBACKEND="Agg")
    env.pop("TEACHGRAD_FAST", None)
    env.update(extra_env or {})
    command = [sys.executable, str(TUTORIALS / f"{name}.py"), *args] + (["--fast"] if fast else [])
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)


# ---------------------------------------------------------------- every lesson runs, fast


@pytest.fixture(scope="module")
def no_dot_path(tmp_path_factory):
    """PATH without Graphviz's `dot`, as on a student's machine without it."""
    return path_without("dot", tmp_path_factory.mktemp("path"))


@pytest.mark.parametrize("name", sorted(PROMISED))
def test_lesson_runs_fast_without_dot_and_writes_its_files(name, tmp_path, no_dot_path):
    args, files = PROMISED[name]
    env = {"TEACHGRAD_DATA": str(tmp_path / "no-data"), "PATH": no_dot_path}
    result = run_lesson(name, args, tmp_path, extra_env=env)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "BAD" not in result.stdout or "--fast: shrunk run" in result.stdout
    folder = tmp_path / name
    for file in files:
        if file in NEEDS_DOT.get(name, ()):  # drawn with dot; without it viz may write a plainer page or none
            continue
        assert (folder / file).is_file() and (folder / file).stat().st_size > 0, f"{name} did not write {file}"
    assert str(folder) in result.stdout  # names its folder at the end


def test_flagship_demo_full_run_under_two_minutes(tmp_path):
    start = time.perf_counter()
    result = run_lesson("00_flagship_demo", [], tmp_path, fast=False, timeout=120)
    elapsed = time.perf_counter() - start
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert elapsed < 120
    for name in ("network", "backprop"):  # the network's page first, then the one weight's
        page = tmp_path / "00_flagship_demo" / name / "index.html"
        assert page.is_file() and "<svg" in page.read_text(encoding="utf-8")
    assert result.stdout.index("network/index.html") < result.stdout.index("backprop/index.html")
    png = tmp_path / "00_flagship_demo" / "training_curves.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_cifar_lesson_without_files_says_how_to_get_them_and_stops(tmp_path):
    result = run_lesson("19_cifar10_cnn", [], tmp_path, extra_env={"TEACHGRAD_DATA": str(tmp_path / "none")})
    if "Data: CIFAR-10" in result.stdout:
        pytest.skip("CIFAR-10's files are installed on this machine")
    assert result.returncode == 2, result.stdout[-2000:] + result.stderr[-2000:]  # stopped, and says so
    assert "cifar-10" in result.stdout.lower() and "--stand-in" in result.stdout
    assert "Nothing was trained" in result.stdout
    assert not (tmp_path / "19_cifar10_cnn" / "misclassified.png").exists()


def _fake_cifar(folder, per_file=20, seed=0):
    """Tiny valid CIFAR-10 binary files: each record is 1 label byte and 3072 pixel bytes."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True)
    for name in [f"data_batch_{i}.bin" for i in range(1, 6)] + ["test_batch.bin"]:
        labels = rng.integers(0, 10, per_file, dtype=np.uint8)
        pixels = rng.integers(0, 256, (per_file, 3072), dtype=np.uint8)
        (folder / name).write_bytes(np.concatenate([labels[:, None], pixels], axis=1).tobytes())


def test_cifar_lesson_reads_real_cifar_files_end_to_end(tmp_path):
    _fake_cifar(tmp_path / "data" / "cifar10" / "cifar-10-batches-bin")
    result = run_lesson("19_cifar10_cnn", [], tmp_path, extra_env={"TEACHGRAD_DATA": str(tmp_path / "data")})
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "Data: CIFAR-10, 100 training and 20 test images" in result.stdout
    assert (tmp_path / "19_cifar10_cnn" / "misclassified.png").is_file()


# ---------------------------------------------------------------- G1 in the flagship demo


def test_g1_weights_and_gradients_from_backward():
    demo = lesson("00_flagship_demo")
    weights, gradients = demo.one_weight_descent()
    np.testing.assert_allclose(weights, [0.5, 1.7, 1.76, 2.192], atol=1e-12)
    expected = [2 * x * (x * w - y) for (x, y), w in zip(demo.G1_SAMPLES, weights)]  # dE/dw = 2x(xw - y)
    np.testing.assert_allclose(gradients, expected, atol=1e-12)
    np.testing.assert_allclose(gradients, [-12.0, -0.6, -4.32], atol=1e-12)


def test_flagship_iris_network_learns():
    history, accuracy = lesson("00_flagship_demo").train_iris_network(epochs=60)
    assert history["loss"][-1] < 0.5 * history["loss"][0]
    assert accuracy >= 0.93


# ---------------------------------------------------------------- A5


def test_a5_keras_model_builds_as_on_the_slide_and_its_loss_falls():
    model, history = lesson("15_keras_style_model").train_keras_model()
    assert [layer.units for layer in model.layers] == [3, 3, 1]
    assert sum(p.numel() for p in model.parameters()) == (2 * 3 + 3) + (3 * 3 + 3) + (3 * 1 + 1)
    assert history["loss"][-1] < 0.5 * history["loss"][0]
    assert history["val_loss"][-1] < history["val_loss"][0]


# ---------------------------------------------------------------- D1-D3 full bars (slow)


@pytest.mark.slow
def test_d1_iris_test_accuracy_bar():
    _, _, accuracy, (x_test, _) = lesson("16_iris_classifier").train_iris()
    assert len(x_test) == 30
    assert accuracy >= 0.93


def test_d1_iris_split_holds_out_test_flowers():
    (x_train, y_train), (x_val, y_val), (x_test, y_test), names = lesson("16_iris_classifier").iris_splits()
    assert (len(x_train), len(x_val), len(x_test)) == (105, 15, 30) and len(names) == 3
    assert np.bincount(y_test).tolist() == [10, 10, 10]  # stratified: each species keeps its share
    np.testing.assert_allclose(x_train.mean(axis=0), 0, atol=1e-5)  # standardised by the training split
    np.testing.assert_allclose(x_train.std(axis=0), 1, atol=1e-5)  # (population std)


@pytest.mark.slow
def test_d2_eight_or_not_accuracy_bar():
    _, accuracy, recall, _ = lesson("17_digit_eight_or_not").train_eight_or_not()
    assert accuracy >= 0.95
    assert recall > 0.5  # it finds the 8s, not just "always not 8"


@pytest.mark.slow
@pytest.mark.parametrize("kind, bar", [("MLP", 0.95), ("CNN", 0.97)])
def test_d3_digits_bars_on_8x8(kind, bar):
    module = lesson("18_digits_mlp_and_cnn")
    data = module.load_digit_data(prefer_mnist=False)
    _, accuracy, _, _, _ = module.train_digits(kind, data)
    assert accuracy >= bar


def _write_idx(path, array):
    header = struct.pack(">BBBB", 0, 0, 0x08, array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    path.write_bytes(gzip.compress(header + array.astype(np.uint8).tobytes()))


def test_d3_uses_mnist_files_when_present(tmp_path, monkeypatch):
    folder = tmp_path / "mnist"
    folder.mkdir()
    rng = np.random.default_rng(0)
    for split, n in (("train", 60), ("t10k", 20)):
        _write_idx(folder / f"{split}-images-idx3-ubyte.gz", rng.integers(0, 256, (n, 28, 28)))
        _write_idx(folder / f"{split}-labels-idx1-ubyte.gz", rng.integers(0, 10, n))
    monkeypatch.setenv("TEACHGRAD_DATA", str(tmp_path))
    module = lesson("18_digits_mlp_and_cnn")
    data = module.load_digit_data(limit=40)
    assert data["source"] == "MNIST"
    assert data["x_train"].shape == (40, 1, 28, 28) and data["x_test"].shape == (10, 1, 28, 28)
    model, accuracy, _, predicted, _ = module.train_digits("CNN", data, epochs=1)
    assert predicted.shape == (10,) and 0.0 <= accuracy <= 1.0
    assert model[-1].weight.shape == (10, 32 * 7 * 7)


# ---------------------------------------------------------------- C8


def test_c8_filters_and_feature_maps_are_the_first_layer_of_the_trained_cnn():
    module = lesson("18_digits_mlp_and_cnn")
    data = module.load_digit_data(prefer_mnist=False, limit=200)
    model, _, _, _, _ = module.train_digits("CNN", data, epochs=1)
    image = data["x_test"][3]
    filters, maps = module.first_layer_pictures(model, image)
    conv = model[0]
    np.testing.assert_array_equal(filters, conv.weight.numpy())
    assert filters.shape == (16, 1, 3, 3) and maps.shape == (16, 8, 8)
    with ag.no_grad():
        expected = F.relu(F.conv2d(ag.tensor(image[None]), conv.weight, conv.bias, padding=1)).numpy()[0]
    np.testing.assert_allclose(maps, expected, rtol=1e-5, atol=1e-6)


# ---------------------------------------------------------------- D4


def test_d4_cifar_pipeline_on_stand_in_gives_per_class_accuracy():
    module = lesson("19_cifar10_cnn")
    data = module.stand_in_data(n_train=200, n_test=100)
    assert data["x_train"].shape == (200, 3, 32, 32) and len(data["classes"]) == 10
    _, accuracy, predicted, per_class = module.train_cifar(data, epochs=1)
    y = data["y_test"]
    assert accuracy == pytest.approx(float((predicted == y).mean()))
    for k in range(10):
        if (y == k).any():
            assert per_class[k] == pytest.approx(float((predicted[y == k] == k).mean()))


# ---------------------------------------------------------------- D5-D10


def test_d5_weighted_loss_raises_the_rare_class_recall():
    module = lesson("20_class_imbalance")
    plain_accuracy, plain = module.train_imbalanced(weighted=False)
    _, weighted = module.train_imbalanced(weighted=True)
    assert plain_accuracy >= 0.85  # good overall accuracy ...
    assert plain[module.RARE] <= 0.3  # ... terrible on the rare class
    assert weighted[module.RARE] >= plain[module.RARE] + 0.2


def test_d5_inverse_frequency_weights():
    w = lesson("20_class_imbalance").inverse_frequency_weights(np.array([0, 0, 0, 1]), num_classes=2)
    np.testing.assert_allclose(w, [4 / (2 * 3), 4 / (2 * 1)])


@pytest.mark.slow
def test_d6_augmented_and_plain_both_train_on_the_same_subset():
    results = lesson("21_data_augmentation").compare_augmentation()
    assert set(results) == {"plain", "augmented"}
    assert min(results.values()) >= 0.7  # both learned; the lesson reports whichever won


def test_d7_autoencoder_reconstruction_error_falls():
    _, before, after, _ = lesson("22_autoencoder").train_autoencoder()
    assert after < 0.5 * before


def test_d8_gan_samples_move_toward_the_target():
    module = lesson("23_gan")
    _, before, after, samples = module.train_gan()
    assert after < 0.25 * before
    assert abs(samples.mean() - module.TARGET_MEAN) < 0.5


def test_d9_transfer_beats_scratch_and_frozen_layers_stay_frozen():
    _, transfer, scratch, frozen_ok = lesson("24_transfer_learning").transfer_vs_scratch()
    assert frozen_ok
    assert transfer > scratch


def test_d10_sgd_and_adam_curves_from_the_same_start():
    curves = lesson("25_optimizers").loss_curves(epochs=5)
    assert set(curves) == {"SGD", "Adam"}
    for losses in curves.values():
        assert len(losses) == 5 and losses[-1] < losses[0]


# ---------------------------------------------------------------- D11


def test_d11_adversarial_autoencoder_meets_its_bars_in_fast_mode():
    module = lesson("40_adversarial_autoencoder")
    result = module.train_aae(epochs=20)  # the lesson's --fast setting
    before, after = result["before"], result["after"]
    assert 1 - after["error"] / before["error"] >= 0.5  # reconstruction error falls by half or more
    assert 1 - after["distance"] / before["distance"] >= 0.5  # the codes move toward N(0, I)
    codes = after["codes"].astype(np.float64)
    assert codes.shape == (len(result["test"][1]), 2)
    mean, cov = codes.mean(axis=0), np.cov(codes.T)
    expected = float((mean**2).sum() + ((cov - np.eye(2)) ** 2).sum())
    assert after["distance"] == pytest.approx(expected, rel=1e-9)  # the engine's statistic is the formula's


def test_d11_distance_to_prior_is_small_for_the_prior_and_large_elsewhere():
    distance = lesson("40_adversarial_autoencoder").distance_to_prior
    rng = np.random.default_rng(0)
    assert distance(rng.standard_normal((4000, 2))) < 0.01
    assert distance(rng.standard_normal((4000, 2)) + [2.0, 0.0]) == pytest.approx(4.0, abs=0.2)  # mean off by 2
    assert distance(0.1 * rng.standard_normal((4000, 2))) == pytest.approx(2 * 0.99**2, abs=0.05)  # too narrow
