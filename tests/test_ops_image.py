"""conv2d, max_pool2d, avg_pool2d and dropout: against the loop reference, PyTorch, and central differences."""

import numpy as np
import pytest

import autograd as ag
import autograd.functional as F
from autograd.ops import reference

CONV_SETTINGS = [
    dict(),
    dict(stride=2),
    dict(padding=1),
    dict(stride=(2, 1), padding=(1, 2)),
    dict(dilation=2),
    dict(stride=2, padding=1, dilation=(1, 2)),
]
CONV_IDS = ["plain", "stride2", "pad1", "stride21_pad12", "dil2", "all"]

POOL_SETTINGS = [
    dict(kernel_size=2),
    dict(kernel_size=3, stride=1),
    dict(kernel_size=3, stride=2, padding=1),
    dict(kernel_size=(2, 3), stride=(1, 2)),
    dict(kernel_size=2, ceil_mode=True),
    dict(kernel_size=3, stride=2, padding=1, ceil_mode=True),
]
POOL_IDS = ["k2", "k3s1", "k3s2p1", "k23s12", "k2ceil", "k3s2p1ceil"]
AVG_EXTRA = [dict(kernel_size=3, stride=2, padding=1, count_include_pad=False),
             dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False)]  # fmt: skip


def _randn(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


def _distinct(*shape, seed=0):
    """Values with clear gaps, so a nudge of eps never changes which element is a window's maximum."""
    n = int(np.prod(shape))
    return (np.random.default_rng(seed).permutation(n) * 0.1 - n * 0.05).reshape(shape)


def _t(a, **kw):
    return ag.tensor(a, dtype="float64", requires_grad=True, **kw)


# ---------------------------------------------------------------- the reference itself


def test_reference_conv2d_by_hand():
    x = np.arange(9.0).reshape(1, 1, 3, 3)
    w = np.array([[[[1.0, 0.0], [0.0, -1.0]]]])
    # each output: top-left minus bottom-right of its 2x2 window = -4, plus bias 1
    np.testing.assert_array_equal(reference.conv2d(x, w, np.array([1.0])), np.full((1, 1, 2, 2), -3.0))
    assert reference.output_size(5, 3, 2, 1) == 3 and reference.output_size(6, 3, 2, 0, ceil_mode=True) == 3


def test_reference_pools_by_hand():
    x = np.arange(16.0).reshape(1, 1, 4, 4)
    np.testing.assert_array_equal(reference.max_pool2d(x, 2)[0, 0], [[5, 7], [13, 15]])
    np.testing.assert_array_equal(reference.avg_pool2d(x, 2)[0, 0], [[2.5, 4.5], [10.5, 12.5]])
    # corner window with padding 1 covers x[0:2, 0:2] and five padding cells of a 3x3 window
    assert reference.avg_pool2d(x, 3, 2, 1)[0, 0, 0, 0] == pytest.approx((0 + 1 + 4 + 5) / 9)
    assert reference.avg_pool2d(x, 3, 2, 1, count_include_pad=False)[0, 0, 0, 0] == pytest.approx(2.5)


# ---------------------------------------------------------------- vectorised == loops


@pytest.mark.parametrize("settings", CONV_SETTINGS, ids=CONV_IDS)
def test_conv2d_matches_the_loop_reference(settings, device):
    x, w, b = _randn(2, 3, 6, 7), _randn(4, 3, 3, 2, seed=1), _randn(4, seed=2)
    ours = F.conv2d(ag.tensor(x, device=device, dtype="float64"), ag.tensor(w, device=device, dtype="float64"),
                    ag.tensor(b, device=device, dtype="float64"), **settings)  # fmt: skip
    np.testing.assert_allclose(ours.numpy(), reference.conv2d(x, w, b, **settings), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("settings", POOL_SETTINGS, ids=POOL_IDS)
def test_max_pool2d_matches_the_loop_reference(settings):
    x = _randn(2, 2, 7, 6).astype(np.float32)
    np.testing.assert_array_equal(F.max_pool2d(ag.tensor(x), **settings).numpy(), reference.max_pool2d(x, **settings))


@pytest.mark.parametrize("settings", POOL_SETTINGS + AVG_EXTRA, ids=POOL_IDS + ["k3s2p1_nopad", "ceil_nopad"])
def test_avg_pool2d_matches_the_loop_reference(settings):
    x = _randn(2, 2, 7, 6)
    ours = F.avg_pool2d(ag.tensor(x, dtype="float64"), **settings).numpy()
    np.testing.assert_allclose(ours, reference.avg_pool2d(x, **settings), rtol=1e-12)


# ---------------------------------------------------------------- central differences, first and second order


@pytest.mark.parametrize("settings", CONV_SETTINGS, ids=CONV_IDS)
def test_conv2d_gradcheck_and_gradgradcheck(settings):
    x, w, b = _t(_randn(2, 2, 5, 6)), _t(_randn(3, 2, 2, 3, seed=1)), _t(_randn(3, seed=2))

    def fn(x, w, b):
        return F.conv2d(x, w, b, **settings)

    assert ag.gradcheck(fn, [x, w, b])
    assert ag.gradgradcheck(fn, [x, w, b])


def test_conv2d_without_bias_and_single_channel_gradgradcheck():
    x, w = _t(_randn(1, 1, 4, 4)), _t(_randn(2, 1, 3, 3, seed=1))
    assert ag.gradcheck(lambda x, w: F.conv2d(x, w, padding=1), [x, w])
    assert ag.gradgradcheck(lambda x, w: F.conv2d(x, w, padding=1), [x, w])


def test_conv2d_third_derivative_runs():
    x, w = _t(_randn(1, 1, 3, 3)), _t(_randn(1, 1, 2, 2, seed=1))
    y = (F.conv2d(x, w) ** 2).sum()
    (gx,) = ag.grad(y, [x], create_graph=True)
    (gw,) = ag.grad((gx * gx).sum(), [w], create_graph=True)
    (gx3,) = ag.grad(gw.sum(), [x])
    assert gx3.shape == x.shape and np.isfinite(gx3.numpy()).all()


@pytest.mark.parametrize("settings", POOL_SETTINGS, ids=POOL_IDS)
def test_max_pool2d_gradcheck_and_gradgradcheck(settings):
    x = _t(_distinct(2, 2, 5, 5))
    assert ag.gradcheck(lambda x: F.max_pool2d(x, **settings), [x])
    assert ag.gradgradcheck(lambda x: F.max_pool2d(x, **settings), [x])


@pytest.mark.parametrize("settings", POOL_SETTINGS + AVG_EXTRA, ids=POOL_IDS + ["k3s2p1_nopad", "ceil_nopad"])
def test_avg_pool2d_gradcheck_and_gradgradcheck(settings):
    x = _t(_randn(2, 2, 5, 5))
    assert ag.gradcheck(lambda x: F.avg_pool2d(x, **settings), [x])
    assert ag.gradgradcheck(lambda x: F.avg_pool2d(x, **settings), [x])


def test_gradgradcheck_through_conv_relu_pool():
    x, w = _t(_distinct(1, 2, 6, 6)), _t(_randn(2, 2, 3, 3, seed=1))

    def net(x, w):
        return F.max_pool2d(F.tanh(F.conv2d(x, w, padding=1)), 2)

    assert ag.gradcheck(net, [x, w])
    assert ag.gradgradcheck(net, [x, w])


def test_dropout_gradcheck_with_a_fixed_mask():
    x = _t(_randn(3, 4))

    def fn(x):
        ag.manual_seed(5)  # the same mask at every evaluation
        return F.dropout(x, p=0.3)

    assert ag.gradcheck(fn, [x])
    assert ag.gradgradcheck(fn, [x])


# ---------------------------------------------------------------- dropout semantics


def test_dropout_zeroes_and_scales(device):
    x = ag.ones(10_000, device=device, requires_grad=True)
    y = F.dropout(x, p=0.25)
    values = np.unique(y.numpy())
    np.testing.assert_allclose(values, [0.0, 1 / 0.75], rtol=1e-6)
    assert abs((y.numpy() == 0).mean() - 0.25) < 0.02
    assert y.dtype == np.float32
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), y.numpy())  # dL/dx = mask / (1 - p)


def test_dropout_off_in_eval_and_repeatable():
    x = ag.randn(5, 5)
    assert F.dropout(x, 0.5, training=False) is x
    assert F.dropout(x, 0.0) is x
    assert (F.dropout(x, 1.0).numpy() == 0).all()
    ag.manual_seed(3)
    a = F.dropout(x, 0.5).numpy()
    ag.manual_seed(3)
    np.testing.assert_array_equal(a, F.dropout(x, 0.5).numpy())
    with pytest.raises(ValueError, match="dropout: p must be between 0 and 1"):
        F.dropout(x, 1.5)


# ---------------------------------------------------------------- PyTorch parity


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("settings", CONV_SETTINGS, ids=CONV_IDS)
def test_conv2d_matches_torch(settings, dtype):
    torch = pytest.importorskip("torch")
    arrays = [a.astype(dtype) for a in (_randn(2, 3, 6, 7), _randn(4, 3, 3, 2, seed=1), _randn(4, seed=2))]
    ours = [ag.tensor(a, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    y = F.conv2d(*ours, **settings)
    ty = torch.nn.functional.conv2d(*theirs, **settings)
    assert y.dtype == np.dtype(dtype)
    tol = dict(rtol=1e-10, atol=1e-12) if dtype == "float64" else dict(rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(y.numpy(), ty.detach().numpy(), **tol)
    upstream = _randn(*y.shape, seed=9).astype(dtype)
    y.backward(ag.tensor(upstream))
    ty.backward(torch.tensor(upstream))
    for a, t in zip(ours, theirs):
        assert a.grad.dtype == np.dtype(dtype)
        np.testing.assert_allclose(a.grad.numpy(), t.grad.numpy(), **tol)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("kind", ["max", "avg", "avg_nopad"])
@pytest.mark.parametrize("settings", POOL_SETTINGS, ids=POOL_IDS)
def test_pools_match_torch(settings, kind, dtype):
    torch = pytest.importorskip("torch")
    x = _distinct(2, 3, 7, 6).astype(dtype)
    ours, theirs = ag.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    if kind == "max":
        y, ty = F.max_pool2d(ours, **settings), torch.nn.functional.max_pool2d(theirs, **settings)
    else:
        extra = dict(count_include_pad=kind == "avg")
        y = F.avg_pool2d(ours, **settings, **extra)
        ty = torch.nn.functional.avg_pool2d(theirs, **settings, **extra)
    assert y.dtype == np.dtype(dtype) and y.shape == tuple(ty.shape)
    tol = dict(rtol=1e-10, atol=1e-12) if dtype == "float64" else dict(rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(y.numpy(), ty.detach().numpy(), **tol)
    upstream = _randn(*y.shape, seed=9).astype(dtype)
    y.backward(ag.tensor(upstream))
    ty.backward(torch.tensor(upstream))
    assert ours.grad.dtype == np.dtype(dtype)
    np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy(), **tol)


def test_max_pool_ties_go_to_the_first_like_torch():
    torch = pytest.importorskip("torch")
    x = np.ones((1, 1, 2, 4))
    ours, theirs = _t(x), torch.tensor(x, requires_grad=True)
    F.max_pool2d(ours, 2).sum().backward()
    torch.nn.functional.max_pool2d(theirs, 2).sum().backward()
    np.testing.assert_array_equal(ours.grad.numpy(), theirs.grad.numpy())


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize(
    "call, pattern",
    [
        (lambda: F.conv2d(ag.zeros(3, 5, 5), ag.zeros(2, 3, 3, 3)), r"conv2d: expected input \(N, C, H, W\)"),
        (lambda: F.conv2d(ag.zeros(1, 2, 5, 5), ag.zeros(2, 3, 3, 3)), r"conv2d: the input has 2 channels"),
        (lambda: F.conv2d(ag.zeros(1, 3, 5, 5), ag.zeros(2, 3, 3, 3), ag.zeros(3)), r"conv2d: bias must have shape"),
        (lambda: F.conv2d(ag.zeros(1, 1, 2, 2), ag.zeros(1, 1, 3, 3)), r"conv2d: a 3x3 window .* does not fit"),
        (lambda: F.max_pool2d(ag.zeros(5, 5), 2), r"max_pool2d: expected input \(N, C, H, W\)"),
        (lambda: F.avg_pool2d(ag.zeros(1, 1, 4, 4), 2, padding=2), r"avg_pool2d: padding 2 must be at most half"),
    ],
)
def test_image_op_errors(call, pattern):
    with pytest.raises(ValueError, match=pattern):
        call()


@pytest.mark.parametrize("kernel, stride, padding, ceil_mode", [(2, None, 0, False), (3, 2, 1, True), (3, 1, 1, False)])
def test_max_pool_ties_send_the_gradient_to_the_first_maximum_as_torch(kernel, stride, padding, ceil_mode):
    """After a ReLU many windows are all zeros: only one element may receive the gradient."""
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    x = np.maximum(rng.integers(-2, 3, (2, 3, 7, 6)), 0).astype(np.float64)
    g = rng.standard_normal(F.max_pool2d(ag.tensor(x), kernel, stride, padding, ceil_mode=ceil_mode).shape)
    ours = ag.tensor(x, requires_grad=True)
    F.max_pool2d(ours, kernel, stride, padding, ceil_mode=ceil_mode).backward(ag.tensor(g))
    theirs = torch.tensor(x, requires_grad=True)
    out = torch.nn.functional.max_pool2d(theirs, kernel, stride, padding, ceil_mode=ceil_mode)
    out.backward(torch.tensor(g))
    np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy())
