"""Tutorials 01-14: each runs on its own in fast mode, and each worked example's numbers come out.

The worked-example tests import the lessons' own functions (module names start
with digits, so they are loaded from their files) and assert the slides' numbers.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from lessons import lesson, path_without, pythonpath_without_matplotlib

import autograd as ag

ROOT = Path(__file__).resolve().parent.parent
TUTORIALS = ROOT / "tutorials"
SLIDES = ROOT.parent / "shared" / "slides"

# lesson file -> the files it promises in its output folder (graph pictures, which need `dot`, in GRAPHS)
PROMISED = {
    "01_gradient_descent_one_weight": ["descent.png"],
    "02_trial_and_error": ["trials.png"],
    "03_linear_regression": ["linear_regression.png"],
    "04_perceptron": ["perceptron.png"],
    "05_xor_needs_nonlinearity": ["xor.png"],
    "06_gradient_descent_pitfalls": ["gd_vs_sgd.png"],
    "07_backprop_4_4_2": [],
    "08_network_anatomy": ["split.png"],
    "09_scaling_data": ["scaling.png"],
    "10_activation_functions": ["activations.png", "softmax.png"],
    "11_l1_vs_l2_loss": ["l1_vs_l2.png"],
    "12_batch_normalization": ["batch_norm.png"],
    "13_convolution": ["c3_activation_map.png", "c4_kernels_on_a_digit.png"],
    "14_pooling": ["c5_max_pooling.png"],
}
GRAPHS = {
    "01_gradient_descent_one_weight": ["graph_before_backward.svg", "graph_after_backward.svg", "backprop/index.html"],
    "07_backprop_4_4_2": ["network_graph.svg"],
    "08_network_anatomy": ["network_graph.svg"],
}
HAVE_DOT = shutil.which("dot") is not None


# ----------------------------------------------------------------- each tutorial runs on its own


def _start(name, env):
    return subprocess.Popen(
        [sys.executable, str(TUTORIALS / f"{name}.py"), "--fast"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Start every lesson at once in fast mode (they are independent); tests wait for their own.

    Every lesson runs with Graphviz's `dot` removed from PATH, as on a student's machine
    without it; the lessons that draw graphs run a second time with `dot` and without matplotlib.
    """
    out = tmp_path_factory.mktemp("tutorial_out")
    no_dot = dict(os.environ, TEACHGRAD_OUT=str(out / "no_dot"), TEACHGRAD_FAST="1", MPLBACKEND="Agg")
    no_dot["PATH"] = path_without("dot", tmp_path_factory.mktemp("path"))
    no_plots = dict(os.environ, TEACHGRAD_OUT=str(out / "no_matplotlib"), TEACHGRAD_FAST="1")
    no_plots["PYTHONPATH"] = pythonpath_without_matplotlib(tmp_path_factory.mktemp("block"))
    procs = {("no_dot", name): _start(name, no_dot) for name in PROMISED}
    if HAVE_DOT:
        procs.update({("no_matplotlib", name): _start(name, no_plots) for name in GRAPHS})
    yield out, procs
    for p in procs.values():
        if p.poll() is None:
            p.kill()


def _finish(procs, key):
    try:
        output, _ = procs[key].communicate(timeout=240)
    except subprocess.TimeoutExpired:
        procs[key].kill()
        pytest.fail(f"{key} did not finish in 240 s")
    assert procs[key].returncode == 0, f"{key} failed:\n{output[-3000:]}"
    assert "BAD" not in output and "Traceback" not in output
    return output


@pytest.mark.parametrize("name", sorted(PROMISED))
def test_tutorial_runs_without_dot_and_writes_every_other_picture(runs, name):
    out, procs = runs
    output = _finish(procs, ("no_dot", name))
    folder = out / "no_dot" / name
    assert f"written to: {folder}" in output, "the lesson must name its output folder at the end"
    for f in PROMISED[name]:
        path = folder / f
        assert path.is_file() and path.stat().st_size > 0, f"{name} promised {f}"
    for f in GRAPHS.get(name, []):  # one line says which picture was skipped, and why
        assert not (folder / f).exists()
        assert f"skipped {Path(f).name if '/' not in f else 'the step-by-step page'}" in output
        assert "'dot' program" in output


@pytest.mark.skipif(not HAVE_DOT, reason="Graphviz's dot is not installed")
@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_graph_lessons_draw_with_dot_and_skip_plots_without_matplotlib(runs, name):
    out, procs = runs
    output = _finish(procs, ("no_matplotlib", name))
    folder = out / "no_matplotlib" / name
    for f in GRAPHS[name]:
        assert (folder / f).is_file() and (folder / f).stat().st_size > 0, f"{name} promised {f}"
    for f in PROMISED[name]:
        assert not (folder / f).exists()
        assert f"(skipped {f}: plots need matplotlib, which is not installed" in output


# ----------------------------------------------------------------- the common helpers


def test_check_raises_on_a_mismatch_and_names_both_numbers():
    common = lesson("01_gradient_descent_one_weight").common
    assert common.check("same", [1.0, 2.0], [1.0, 2.0]) is None  # nothing for a notebook cell to echo
    with pytest.raises(common.SlideMismatch, match=r"slide says 3 but the engine computed 2"):
        common.check("differs", 2.0, 3.0)
    with pytest.raises(common.SlideMismatch):
        common.check("shape differs", [1.0, 2.0], [[1.0, 2.0]])


def test_holds_says_what_it_checks_and_raises_when_false(capsys):
    common = lesson("01_gradient_descent_one_weight").common
    common.holds("XOR never converges", True)
    assert "ok  check: XOR never converges holds" in capsys.readouterr().out
    with pytest.raises(common.SlideMismatch, match="check failed: 2 > 3"):
        common.holds("2 > 3", False)
    common.check("from a formula", 0.25, 0.25, source="formula")
    assert "formula 0.25 | engine 0.25" in capsys.readouterr().out  # never credited to a slide


def test_options_parse_in_a_script_and_default_in_a_notebook_kernel(monkeypatch):
    import argparse

    common = lesson("01_gradient_descent_one_weight").common

    def parser():
        p = argparse.ArgumentParser(allow_abbrev=False)
        p.add_argument("--stand-in", action="store_true")
        return p

    monkeypatch.setattr(sys, "argv", ["19_cifar10_cnn.py", "--fast", "--stand-in", "--unknown"])
    args = common.parse_args(parser())
    assert args.fast and args.stand_in  # unknown words are ignored, not fatal
    monkeypatch.setattr(sys, "argv", ["ipykernel_launcher.py", "-f", "/run/kernel-1.json"])
    monkeypatch.setattr(common, "in_notebook", lambda: True)
    args = common.parse_args(parser())
    assert not args.fast and not args.stand_in  # the kernel's own arguments are not the lesson's


def test_importing_a_lesson_defines_its_functions_and_runs_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("TEACHGRAD_OUT", str(tmp_path))
    m = lesson("04_perceptron")
    assert callable(m.train_perceptron) and not hasattr(m, "results")  # stopped at begin()
    with pytest.raises(m.common.LessonImported):
        m.common.begin("lesson_04", "04_perceptron")
    assert not (tmp_path / "04_perceptron").exists()


# ----------------------------------------------------------------- learning by gradient descent


def test_G1_one_weight_gradient_descent():
    m = lesson("01_gradient_descent_one_weight")
    weights, grads = m.gradient_descent_one_weight(0.5, 0.1, [(2, 4), (1, 2), (3, 6)])
    np.testing.assert_allclose(weights, [0.5, 1.7, 1.76, 2.192], atol=1e-12)
    # the slide's hand-worked derivatives 2x(xw - y): 2*2*(1-4), 2*1*(1.7-2), 2*3*(5.28-6)
    np.testing.assert_allclose(grads, [-12.0, -0.6, -4.32], atol=1e-12)
    more, _ = m.gradient_descent_one_weight(0.5, 0.1, passes=6)
    assert abs(more[-1] - 2.0) < 1e-4


def test_G1_gradient_comes_from_backward():
    m = lesson("01_gradient_descent_one_weight")
    w = ag.tensor(1.76, requires_grad=True, dtype="float64")
    error = m.squared_error(w, 3.0, 6.0)
    assert error.grad_fn is not None  # a graph the gradient is read from, not a formula
    error.backward()
    assert w.grad.item() == pytest.approx(-4.32, abs=1e-12)


def test_G2_linear_regression_finds_a2_b1():
    a, b, losses = lesson("03_linear_regression").fit_line()
    assert abs(a - 2) < 1e-3 and abs(b - 1) < 1e-3
    assert losses[-1] < losses[0] * 1e-6


def test_G3_trial_and_error_table():
    table = lesson("02_trial_and_error").trial_table()
    np.testing.assert_array_equal(table["output"], [4, 15, 8, 11, 9, 10])
    np.testing.assert_array_equal(table["error"], [6, -5, 2, -1, 1, 0])
    # gradient of error^2 in a: -2 * 3 * error
    np.testing.assert_allclose(table["grad_a"], -6 * np.array([6, -5, 2, -1, 1, 0]))


def test_G4_perceptron_converges_on_and_or_never_on_xor():
    m = lesson("04_perceptron")
    for gate in ("AND", "OR"):
        r = m.train_perceptron(m.INPUTS, m.GATES[gate])
        assert r["converged"] and r["epochs"] < 20
        np.testing.assert_array_equal(r["outputs"], m.GATES[gate])
    r = m.train_perceptron(m.INPUTS, m.GATES["XOR"], max_epochs=100)
    assert not r["converged"] and r["epochs"] == 100
    assert min(r["mistakes"]) >= 1


def test_G5_xor_needs_a_nonlinearity():
    m = lesson("05_xor_needs_nonlinearity")
    ag.manual_seed(0)
    lin_out, lin_loss, _ = m.train_xor(m.linear_network(), epochs=400)
    ag.manual_seed(0)
    nl_out, nl_loss, nl_acc = m.train_xor(m.nonlinear_network(), epochs=400)
    assert m.best_straight_line_mse() == pytest.approx(0.25)
    assert lin_loss >= 0.25 - 1e-4
    assert m.decided_accuracy(lin_out, m.XOR_TARGETS) <= 0.5
    assert m.decided_accuracy(nl_out, m.XOR_TARGETS) == 1.0 and nl_acc[-1] == 1.0
    assert nl_loss < 0.01


def test_G6_local_minimum_saddle_and_sgd():
    m = lesson("06_gradient_descent_pitfalls")
    local, left = m.descend((1.5, 1.0)), m.descend((-1.5, 1.0))
    assert m.loss_surface(local[-1]) > m.loss_surface(left[-1]) + 0.5
    saddle = m.descend((0.0, 1.0))
    np.testing.assert_allclose(saddle[-1], m.SADDLE, atol=1e-6)
    grad, hess = m.gradient_and_hessian(saddle[-1])
    np.testing.assert_allclose(grad, [0, 0], atol=1e-6)
    np.testing.assert_allclose(hess, [[-4, 0], [0, 2]], atol=1e-6)
    sgd = m.descend((0.0, 1.0), noise=m.sample_noise())
    assert m.loss_surface(sgd[-1]) < m.loss_surface(saddle[-1]) - 0.3


def test_G7_every_weight_of_the_4_4_2_network_matches_a_numerical_gradient():
    m = lesson("07_backprop_4_4_2")
    x, y_true, params = m.make_problem(samples=2, seed=3)
    backprop = m.backprop_gradients(x, y_true, params)
    numeric = m.numerical_gradients(x, y_true, params)
    by_hand = m.delta_rule_gradients(x, y_true, params)
    assert sum(g.size for g in backprop.values()) == 30
    for name in m.PARAMETER_NAMES:
        np.testing.assert_allclose(backprop[name], numeric[name], atol=1e-8, err_msg=name)
        np.testing.assert_allclose(backprop[name], by_hand[name], atol=1e-12, err_msg=name)
    assert m.passes_gradcheck(x, y_true, params)


# ----------------------------------------------------------------- network anatomy


def test_A1_weights_and_biases_per_layer():
    summary, per_layer = lesson("08_network_anatomy").count_weights_and_biases()
    assert per_layer == [(12, 4), (20, 5), (15, 3), (6, 2)]
    assert (summary.total_weights, summary.total_biases) == (53, 14)


def test_A2_batches_and_epochs():
    batches, sizes, iterations = lesson("08_network_anatomy").epoch_arithmetic()
    assert batches == 8 and len(sizes) == 8 and sum(sizes) == 1000
    assert iterations == 400


def test_A3_centering_and_scaling():
    scaled, _, _ = lesson("09_scaling_data").standardize_features()
    np.testing.assert_array_equal(
        np.round(scaled, 2).T, [[-1.10, 1.32, -0.21], [-1.37, 0.98, 0.39], [-1.07, 1.34, -0.27]]
    )


def test_A4_80_10_10_split():
    parts = lesson("08_network_anatomy").split_80_10_10()
    assert [len(p) for p in parts] == [800, 100, 100]
    assert sorted(np.concatenate(parts).tolist()) == list(range(1000))


def test_A6_activation_derivatives_by_autograd():
    m = lesson("10_activation_functions")
    xs = m.grid(100)
    for name, fn in m.ACTIVATIONS.items():
        _, derivative = m.activation_and_derivative(fn, xs)
        np.testing.assert_allclose(derivative, m.FORMULAS[name](xs), atol=1e-12, err_msg=name)
    (v1, v2), (d1, d2) = m.leaky_relu_matches_slide(xs, a=0.2)
    np.testing.assert_array_equal(v1, v2)
    np.testing.assert_array_equal(d1, d2)
    probs, jac = m.softmax_and_jacobian([0.5, -1.0, 3.0])
    assert probs.sum() == pytest.approx(1.0, abs=1e-12)
    np.testing.assert_allclose(jac, np.diag(probs) - np.outer(probs, probs), atol=1e-12)


def test_A7_l2_fit_moves_further_than_l1():
    m = lesson("11_l1_vs_l2_loss")
    x, y = m.data_with_outlier()
    l2 = m.fit_line(m.nn.MSELoss(), x, y, steps=1000)
    l1 = m.fit_line(m.nn.L1Loss(), x, y, steps=1000)
    np.testing.assert_allclose(l2, np.polyfit(x.ravel(), y.ravel(), 1), atol=1e-2)
    np.testing.assert_allclose(l1, (2.0, 1.0), atol=0.05)
    assert m.distance_from_clean_line(*l2, x) > 5 * m.distance_from_clean_line(*l1, x)


def test_A8_batch_norm_equals_the_four_formulas():
    m = lesson("12_batch_normalization")
    batch = m.make_batch(m=6)
    for name, (layer_value, formula_value) in m.compare_layer_and_formulas(batch).items():
        np.testing.assert_allclose(layer_value, formula_value, atol=1e-12, err_msg=name)
    assert np.abs(m.compare_layer_and_formulas(batch)["dL/dx"][0]).max() > 1e-3  # a real gradient, not ~0
    assert m.gradchecks_pass(batch)
    (mean, want_mean), (var, want_var) = m.running_statistics(batch)
    np.testing.assert_allclose(mean, want_mean, atol=1e-12)
    np.testing.assert_allclose(var, want_var, atol=1e-12)


# ----------------------------------------------------------------- convolution and pooling


def test_C1_vertical_edge_kernel():
    m = lesson("13_convolution")
    _, total = m.first_window_products(m.C1_IMAGE, m.C1_KERNEL)
    assert total == 6
    np.testing.assert_array_equal(m.convolve(m.C1_IMAGE, m.C1_KERNEL), [[6, -9, -8], [-3, -2, -3], [-3, 0, -2]])
    # a true (flipped-kernel) convolution differs: this is why "convolution" in deep learning is cross-correlation
    np.testing.assert_array_equal(m.convolve(m.C1_IMAGE, m.C1_KERNEL, flip=True), [[-6, 9, 8], [3, 2, 3], [3, 0, 2]])


def test_C2_binary_image():
    m = lesson("13_convolution")
    np.testing.assert_array_equal(m.convolve(m.C2_IMAGE, m.C2_KERNEL), [[4, 3, 4], [2, 4, 3], [2, 3, 4]])


def test_C3_activation_map_of_the_9x9_image():
    m = lesson("13_convolution")
    result = m.convolve(m.C3_IMAGE, m.C3_KERNEL)
    np.testing.assert_array_equal(result, m.C3_SLIDE_MAP)
    np.testing.assert_array_equal(result[0], [4, 5, 4, 2, 3, 4, 4])


@pytest.mark.skipif(not SLIDES.is_dir(), reason="the lecture slides are not next to this checkout")
def test_C3_numbers_are_the_slides_own():
    m = lesson("13_convolution")
    deck = next(SLIDES.glob("000_*.txt")).read_text()
    section = deck[deck.index("The depth in convolution layer") :]
    for row in m.C3_IMAGE + m.C3_SLIDE_MAP:
        assert "\t".join(str(v) for v in row) in section


def test_C4_kernels_on_a_real_image():
    m = lesson("13_convolution")
    image = m.digit_image(scale=3)
    assert image.shape == (30, 30) and image.max() > 0.5
    results = m.apply_kernels(image)
    assert set(results) == set(m.C4_KERNELS)
    before = m.roughness(image)
    assert m.roughness(results["unweighted smoothing"]) < before
    assert m.roughness(results["weighted smoothing"]) < before
    assert before < m.roughness(results["sharpen"]) < m.roughness(results["intensified sharpen"])


def test_C5_max_pooling_ceil_mode_and_flatten():
    m = lesson("14_pooling")
    np.testing.assert_array_equal(m.max_pool(m.C5_MAP, ceil_mode=True), [[1, 1, 0], [4, 2, 1], [0, 2, 1]])
    assert m.max_pool(m.C5_MAP, ceil_mode=False).shape == (2, 2)
    pooled, flat = m.pool_and_flatten(m.C5_MAP)
    np.testing.assert_array_equal(pooled, [[1, 1, 0], [4, 2, 1], [0, 2, 1]])
    np.testing.assert_array_equal(flat, [1, 1, 0, 4, 2, 1, 0, 2, 1])
    grad = m.pooling_gradient(m.C5_MAP)
    assert grad.sum() == 9  # one unit of gradient per pooled value, each to its window's maximum


def test_C6_max_pooling_4x4():
    m = lesson("14_pooling")
    np.testing.assert_allclose(m.max_pool(m.C6_MAP), [[0.3, 0.9], [0.0, 0.4]], atol=1e-12)


def test_C7_ten_filters_ten_maps_pooling_has_no_parameters():
    maps_shape, pooled_shape, summary = lesson("13_convolution").depth_of_conv_layer(filters=10)
    assert maps_shape == (1, 10, 7, 7) and pooled_shape == (1, 10, 3, 3)
    conv, _, pool = summary.rows
    assert (conv.weights, conv.biases) == (90, 10)
    assert pool.type == "MaxPool2d" and pool.params == 0
