"""The CNN ops' fast paths, each against the plain path beside it (values, first and second derivatives).

The fast paths (issue 17, the cnn_step benchmark):

* tiled windows: when the windows tile the image (2x2 pooling with stride 2 of
  an even image), max pooling first gathers each kernel offset's values into a
  block of its own (one pass), so its maximum and compares run along rows, and
  ``Geometry.scatter`` writes each kernel offset into an uninitialised buffer
  instead of adding into zeros. The plain path is forced by making
  ``Geometry.tiles`` answer False.
* memory order: padding, the scatter (col2im, max-pool backward) and max-pool's
  winner masks follow their input's memory order, so a channel-major conv output
  stays channel-major through ReLU, pooling and the next conv, forward and
  backward. The plain path is the same op on a C-ordered copy of the input.
* ``relu_grad``: ReLU's backward as one op multiplying by the boolean mask; the
  plain path is the product with the mask as numbers.
* same-size convolutions (``shifts.py``): stride 1 with the output as large as the
  input (3x3, padding 1) does im2col and col2im as shifted copies and adds of
  whole images. The plain path is forced by making ``keeps_size`` answer False.
* a first conv layer's weight gradient (a small result summed over many pixels)
  as a sum of products over blocks of the pixel axis that stay in the cache;
  the plain path is one product (``BLOCK_BYTES`` larger than the operands). A
  weight gradient wider than tall is one product taken the other way round and
  copied back to C order; the plain path is ``a @ b.T``.
* the ``workspace``: large work arrays kept across training steps and handed out
  again only when nothing refers to them. Here every array goes through it
  (``MIN_BYTES = 0``), against plain allocation (``enabled = False``).

Each is checked on the shapes it takes and on shapes just outside them (odd
sizes, padding, stride != kernel, ceil_mode, dilation). Speed itself is measured
by bench/cnn_step.py, never here.
"""

import numpy as np
import pytest

import autograd as ag
import autograd.functional as F
from autograd.ops import conv, shifts, workspace
from autograd.ops.windows import Geometry, empty_like_order, memory_order

CHANNEL_MAJOR = [1, 0, 2, 3]  # the memory order of conv2d's output: (C, N, H, W) under its (N, C, H, W) view

# (input shape, pooling settings, do the windows tile the image?)
POOLS = [
    ((2, 3, 4, 6), dict(kernel_size=2), True),  # the fast path: 2x2, stride 2, even sizes
    ((2, 3, 6, 9), dict(kernel_size=3), True),  # 3x3, stride 3
    ((1, 2, 4, 4), dict(kernel_size=(2, 1)), True),  # a non-square kernel
    ((2, 3, 5, 7), dict(kernel_size=2), False),  # odd sizes: a row and a column are left over
    ((2, 3, 4, 6), dict(kernel_size=2, padding=1), True),  # padding: the padded 6x8 image is tiled
    ((2, 3, 5, 7), dict(kernel_size=2, padding=1), False),  # padding, and the padded 7x9 is not
    ((2, 3, 4, 6), dict(kernel_size=2, stride=1), False),  # stride != kernel: windows overlap
    ((2, 3, 5, 7), dict(kernel_size=2, ceil_mode=True), True),  # ceil_mode pads to 6x8 (with -inf): tiled
    ((2, 3, 5, 7), dict(kernel_size=3, stride=2, ceil_mode=True), False),  # partial, overlapping windows
]
POOL_IDS = ["k2", "k3", "k21", "odd", "pad1", "pad1_odd", "stride1", "ceil", "k3s2ceil"]


def _distinct(shape, seed=0):
    """Values with clear gaps, so no window has a tie and a nudge never changes its maximum."""
    n = int(np.prod(shape))
    return (np.random.default_rng(seed).permutation(n) * 0.1 - n * 0.05).reshape(shape)


def _derivatives(fn, arrays, seed=1):
    """fn's output, its first derivatives, and second derivatives through a random direction (float64).

    First: g_i = d(v . fn(x))/dx_i, built with create_graph=True. Second: the
    gradient of sum_i u_i . g_i with respect to v and every x_i (zeros where
    unused), which runs the backward of each op's backward.
    """
    rng = np.random.default_rng(seed)
    xs = [ag.tensor(a, dtype="float64", requires_grad=True) for a in arrays]
    y = fn(*xs)
    v = ag.tensor(rng.standard_normal(y.shape), dtype="float64", requires_grad=True)
    firsts = ag.grad((y * v).sum(), xs, create_graph=True)
    us = [rng.standard_normal(x.shape) for x in xs]
    total = sum((g * ag.tensor(u, dtype="float64")).sum() for g, u in zip(firsts, us))
    seconds = ag.grad(total, [v, *xs], allow_unused=True)
    seconds = [np.zeros(t.shape) if s is None else s.numpy() for s, t in zip(seconds, [v, *xs])]
    return [y.numpy()] + [g.numpy() for g in firsts] + seconds


def _assert_same(fast, plain):
    assert len(fast) == len(plain)
    for a, b in zip(fast, plain):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


# ---------------------------------------------------------------- tiled windows


@pytest.mark.parametrize("shape, settings, tiles", POOLS, ids=POOL_IDS)
@pytest.mark.parametrize("pool", [F.max_pool2d, F.avg_pool2d], ids=["max", "avg"])
def test_tiled_scatter_matches_the_general_scatter(monkeypatch, pool, shape, settings, tiles):
    geometry = Geometry.of("test", shape[2:], settings["kernel_size"], settings.get("stride"),
                           settings.get("padding", 0), 1, settings.get("ceil_mode", False))  # fmt: skip
    assert geometry.tiles() == tiles  # the cases cover both sides of the fast path's condition
    x = _distinct(shape)
    fast = _derivatives(lambda t: pool(t, **settings), [x])
    monkeypatch.setattr(Geometry, "tiles", lambda self: False)  # the plain path: zeros, then adds
    plain = _derivatives(lambda t: pool(t, **settings), [x])
    _assert_same(fast, plain)


def test_tiled_max_pool_gradient_goes_to_the_first_maximum_on_ties(monkeypatch):
    x = np.zeros((1, 1, 4, 4))  # every window ties (as after ReLU): the first offset wins, as in PyTorch
    x[0, 0, 3, 3] = 1.0
    xt = ag.tensor(x, dtype="float64", requires_grad=True)
    F.max_pool2d(xt, 2).sum().backward()
    expected = np.zeros((4, 4))
    expected[0, 0] = expected[0, 2] = expected[2, 0] = expected[3, 3] = 1.0
    np.testing.assert_array_equal(xt.grad.numpy()[0, 0], expected)
    fast = _derivatives(lambda t: F.max_pool2d(t, 2), [x])
    monkeypatch.setattr(Geometry, "tiles", lambda self: False)
    plain = _derivatives(lambda t: F.max_pool2d(t, 2), [x])
    _assert_same(fast, plain)


# ---------------------------------------------------------------- memory order


def test_memory_order_and_empty_like_order():
    a = np.zeros((2, 3, 4, 5))
    assert memory_order(a) == [0, 1, 2, 3]
    assert memory_order(a.transpose(1, 0, 2, 3)) == CHANNEL_MAJOR
    assert memory_order(np.broadcast_to(a[:1], a.shape)) is None  # a broadcast axis: no order to copy
    b = empty_like_order(np, CHANNEL_MAJOR, (2, 3, 4, 5), np.float32, lead=(6,))
    assert b.shape == (6, 2, 3, 4, 5) and b.dtype == np.float32
    assert b.base.shape == (6, 3, 2, 4, 5)  # lead first in memory, then the channel-major image
    assert empty_like_order(np, None, (2, 3), bool).flags.c_contiguous


@pytest.mark.parametrize("order", [[0, 1, 2, 3], CHANNEL_MAJOR], ids=["nchw", "channel_major"])
@pytest.mark.parametrize("value", [0.0, -np.inf])
def test_pad_equals_np_pad_and_keeps_the_memory_order(order, value):
    x = np.random.default_rng(0).standard_normal((2, 3, 4, 5))
    x = np.ascontiguousarray(x.transpose(order)).transpose(np.argsort(order))  # same values, other memory
    g = Geometry.of("test", (4, 5), 3, 1, (1, 2))
    out = g.pad(np, x, value)
    np.testing.assert_array_equal(out, np.pad(x, ((0, 0), (0, 0), (1, 1), (2, 2)), constant_values=value))
    assert memory_order(out) == order


CONVS = [
    dict(padding=1),  # the benchmark's convolution
    dict(),
    dict(stride=2, padding=1),
    dict(stride=(2, 1), dilation=2),
]
CONV_IDS = ["pad1", "plain", "stride2_pad1", "stride21_dil2"]


@pytest.mark.parametrize("settings", CONVS, ids=CONV_IDS)
@pytest.mark.parametrize("size", [(6, 6), (5, 7)], ids=["even", "odd"])
def test_conv2d_on_a_channel_major_input_matches_the_contiguous_input(settings, size):
    x, w = _distinct((2, 3) + size), _distinct((4, 3, 3, 3), seed=2) * 0.01
    fast = _derivatives(lambda xx, ww: F.conv2d(_as_channel_major(xx), ww, **settings), [x, w])
    plain = _derivatives(lambda xx, ww: F.conv2d(xx, ww, **settings), [x, w])
    _assert_same(fast, plain)


def _as_channel_major(t):
    """The same values as t, held channel-major in memory, through differentiable ops (a copy, then a view)."""
    c, n = t.shape[1], t.shape[0]
    held = t.swapaxes(0, 1).reshape(-1).reshape((c, n) + t.shape[2:])  # flattening the view copies, C-ordered
    return held.swapaxes(0, 1)


def test_as_channel_major_really_is_channel_major():
    t = _as_channel_major(ag.tensor(np.zeros((2, 3, 4, 5))))
    assert memory_order(t.data) == CHANNEL_MAJOR


@pytest.mark.parametrize("shape, settings, tiles", POOLS, ids=POOL_IDS)
@pytest.mark.parametrize("pool", [F.max_pool2d, F.avg_pool2d], ids=["max", "avg"])
def test_pooling_a_channel_major_input_matches_the_contiguous_input(pool, shape, settings, tiles):
    x = _distinct(shape)
    fast = _derivatives(lambda t: pool(_as_channel_major(t), **settings), [x])
    plain = _derivatives(lambda t: pool(t, **settings), [x])
    _assert_same(fast, plain)


def test_max_pool_with_dilation_on_a_channel_major_input():
    x = _distinct((2, 3, 7, 8))
    fast = _derivatives(lambda t: F.max_pool2d(_as_channel_major(t), 2, 1, 0, 2), [x])
    plain = _derivatives(lambda t: F.max_pool2d(t, 2, 1, 0, 2), [x])
    _assert_same(fast, plain)


@pytest.mark.parametrize("size", [(8, 8), (7, 9)], ids=["even", "odd"])
def test_the_cnn_block_stays_channel_major_forward_and_backward(size):
    """conv -> ReLU -> 2x2 max-pool -> conv: every activation and gradient keeps conv2d's channel-major order.

    That order is what spares the copies (conv2d's backward reads dL/dy as an
    (O, N*OH*OW) matrix as it lies); the values match the same block on C-ordered arrays.
    """
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 2) + size)
    w1, w2 = rng.standard_normal((4, 2, 3, 3)), rng.standard_normal((5, 4, 3, 3))
    xs = [ag.tensor(a, dtype="float64", requires_grad=True) for a in (x, w1, w2)]
    h = F.conv2d(xs[0], xs[1], padding=1)
    r = F.relu(h)
    p = F.max_pool2d(r, 2)
    z = F.conv2d(p, xs[2], padding=1)
    for t in (h, r, p):
        t.retain_grad()
        assert memory_order(t.data) == CHANNEL_MAJOR
    (z * z).sum().backward()
    for t in (h, r, p):
        assert memory_order(t.grad.data) == CHANNEL_MAJOR

    def block(xx, a, b):
        return F.conv2d(F.max_pool2d(F.relu(F.conv2d(xx, a, padding=1)), 2), b, padding=1)

    _assert_same(_derivatives(block, [x, w1, w2]), _derivatives(_plain_block, [x, w1, w2]))


@pytest.mark.parametrize(
    "settings", [dict(kernel_size=2), dict(kernel_size=3, stride=2, padding=1)], ids=["k2", "k3s2p1"]
)
def test_max_pool_backward_with_a_c_ordered_gradient_and_a_channel_major_mask(settings):
    """The pool before a flatten: dL/dy arrives C-ordered, the winners lie channel-major (copied to match)."""
    x = _distinct((3, 4, 6, 6))
    t = _as_channel_major(ag.tensor(x, dtype="float64", requires_grad=True))
    t.retain_grad()
    F.max_pool2d(t, **settings).reshape(3, -1).sum().backward()
    assert memory_order(t.grad.data) == CHANNEL_MAJOR
    fast = _derivatives(lambda a: F.max_pool2d(_as_channel_major(a), **settings).reshape(3, -1), [x])
    plain = _derivatives(lambda a: F.max_pool2d(a, **settings).reshape(3, -1), [x])
    _assert_same(fast, plain)


def _plain_block(x, w1, w2):
    """The block with every activation moved to C order first (the plain path)."""
    h = _c_ordered(F.conv2d(x, w1, padding=1))
    r = _c_ordered(F.relu(h))
    return F.conv2d(_c_ordered(F.max_pool2d(r, 2)), w2, padding=1)


def _c_ordered(t):
    """t's values in C-ordered memory, through differentiable ops (flattening copies a channel-major array)."""
    return t.reshape(-1).reshape(t.shape)


def test_c_ordered_really_is_c_ordered():
    t = F.conv2d(ag.tensor(np.ones((2, 3, 4, 4))), ag.tensor(np.ones((5, 3, 3, 3))))
    assert memory_order(t.data) == CHANNEL_MAJOR and memory_order(_c_ordered(t).data) == [0, 1, 2, 3]


# ---------------------------------------------------------------- same-size convolutions

# (input shape, weight shape, conv2d settings, does the fast path take it?)
SAME_CONVS = [
    ((2, 3, 5, 7), (4, 3, 3, 3), dict(padding=1), True),  # the benchmark's convolution, odd sizes
    ((2, 3, 6, 6), (4, 3, 5, 5), dict(padding=2), True),
    ((2, 3, 6, 7), (4, 3, 3, 3), dict(padding=2, dilation=2), True),
    ((2, 3, 6, 5), (4, 3, 2, 2), dict(padding=1, dilation=2), True),  # no centre offset: zeros first
    ((2, 3, 5, 6), (4, 3, 3, 1), dict(padding=(1, 0)), True),  # a non-square kernel
    ((2, 3, 4, 5), (2, 3, 1, 1), dict(), True),  # 1x1: one offset, no shift
    ((2, 3, 1, 1), (4, 3, 3, 3), dict(padding=1), True),  # a 1-pixel image: every other offset off it
    ((2, 3, 2, 9), (4, 3, 5, 5), dict(padding=2), True),  # offsets reaching past the whole height
    ((2, 6, 5, 5), (6, 2, 3, 3), dict(padding=1, groups=3), True),
    ((2, 3, 5, 7), (4, 3, 3, 3), dict(padding="same"), True),
    ((2, 3, 5, 7), (4, 3, 2, 2), dict(padding="same"), False),  # even kernel: more padding after than before
    ((2, 3, 5, 7), (4, 3, 3, 3), dict(padding=1, stride=2), False),
    ((2, 3, 5, 7), (4, 3, 3, 3), dict(), False),  # no padding: the output is smaller
    ((2, 3, 5, 7), (4, 3, 3, 3), dict(padding=(1, 2)), False),  # wider output than input
]
SAME_IDS = ["k3p1", "k5p2", "k3d2", "k2d2", "k31", "k1", "1px", "tall_k5", "groups", "same", "same_k2",
            "stride2", "valid", "wider"]  # fmt: skip


def _conv_derivatives(x_shape, w_shape, settings, layout=lambda t: t):
    x, w = _distinct(x_shape), _distinct(w_shape, seed=2) * 0.01
    b = np.linspace(-1, 1, w_shape[0])
    return _derivatives(lambda xx, ww, bb: F.conv2d(layout(xx), ww, bb, **settings), [x, w, b])


@pytest.mark.parametrize("x_shape, w_shape, settings, fast", SAME_CONVS, ids=SAME_IDS)
def test_same_size_convolution_matches_the_general_im2col(monkeypatch, x_shape, w_shape, settings, fast):
    calls = []
    for name in ("im2col_same", "col2im_same"):
        original = getattr(shifts, name)
        monkeypatch.setattr(conv, name, lambda *a, _f=original, _n=name: calls.append(_n) or _f(*a))
    fast_result = _conv_derivatives(x_shape, w_shape, settings)
    assert bool(calls) == fast  # the cases cover both sides of the fast path's condition
    if fast:
        assert {"im2col_same", "col2im_same"} <= set(calls)  # forward and dL/dx, first and second order
    monkeypatch.setattr(conv, "keeps_size", lambda geometry: False)
    _assert_same(fast_result, _conv_derivatives(x_shape, w_shape, settings))


@pytest.mark.parametrize("layout", ["channel_major", "transposed_pixels"])
def test_same_size_convolution_of_other_memory_layouts(monkeypatch, layout):
    """A channel-major input (what a conv block passes on) takes the fast path; an input whose
    pixels are not one run per image (a transposed view) falls back to the general im2col."""
    if layout == "channel_major":
        prepare = _as_channel_major
    else:
        prepare = lambda t: t.swapaxes(2, 3).reshape(-1).reshape(2, 3, 7, 5).swapaxes(2, 3)  # noqa: E731
    fast = _conv_derivatives((2, 3, 5, 7), (4, 3, 3, 3), dict(padding=1), prepare)
    monkeypatch.setattr(conv, "keeps_size", lambda geometry: False)
    _assert_same(fast, _conv_derivatives((2, 3, 5, 7), (4, 3, 3, 3), dict(padding=1), prepare))


def test_col2im_leaves_an_array_it_does_not_own_alone():
    """F.fold's input is the learner's tensor: col2im may overwrite only its own work arrays."""
    cols = ag.tensor(_distinct((1, 3 * 9, 20)))
    before = cols.numpy().copy()
    folded = F.fold(cols, (4, 5), 3, padding=1)
    np.testing.assert_array_equal(cols.numpy(), before)
    plain = F.fold(ag.tensor(before), (4, 5), 3, padding=1)
    np.testing.assert_array_equal(folded.numpy(), plain.numpy())


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(
    "p, q, n, blocked, transposed",
    [
        (16, 9, 50176, True, False),
        (16, 9, 50176 + 37, True, False),
        (40, 30, 5000, False, False),
        (32, 144, 3000, False, True),
        (16, 9, 2000, False, False),
        (9, 16, 2000, False, True),
    ],
    ids=["conv1", "ragged_last_block", "large_result", "wide_result", "short_axis", "short_axis_wide"],
)
def test_product_over_pixels_matches_one_product(p, q, n, blocked, transposed, dtype):
    """Blocks for a small result, else one product: (b @ a^T)^T when the result is wider than tall."""
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((p, n)).astype(dtype), rng.standard_normal((q, n)).astype(dtype)
    _CountedProducts.count, _CountedProducts.left_rows = 0, []
    got = conv._product_over_pixels(a.view(_CountedProducts), b.view(_CountedProducts))
    assert (_CountedProducts.count > 1) == blocked  # one product, or one per block
    assert _CountedProducts.left_rows[0] == (q if transposed else p)  # b @ a^T, or a @ b^T
    assert np.asarray(got).flags.c_contiguous  # in the weights' layout, whichever way it was taken
    expected = a.astype(np.float64) @ b.astype(np.float64).T
    tolerance = 1e-3 if dtype == np.float32 else 1e-10  # float32 sums of 50,000 products, in another order
    np.testing.assert_allclose(got, expected, rtol=tolerance, atol=tolerance)
    assert got.dtype == dtype and got.shape == (p, q)


class _CountedProducts(np.ndarray):
    """An array that counts the matrix products it takes part in (slices and transposes count too)."""

    count = 0
    left_rows = []  # the rows of the left operand of each product

    def __matmul__(self, other):
        type(self).count += 1
        type(self).left_rows.append(self.shape[0])
        return np.asarray(self) @ np.asarray(other)


def test_a_conv_weight_gradient_in_blocks_matches_one_product(monkeypatch):
    """Values, first and second derivatives with blocks of 256 pixels (forced) against one product."""
    x_shape, w_shape, settings = (2, 3, 16, 20), (4, 3, 3, 3), dict(padding=1)  # 640 pixels: 3 blocks
    monkeypatch.setattr(conv, "BLOCK_BYTES", 1)
    calls = []
    monkeypatch.setattr(conv, "_product_over_pixels", _counting(conv._product_over_pixels, calls))
    blocked = _conv_derivatives(x_shape, w_shape, settings)
    assert calls
    monkeypatch.setattr(conv, "BLOCK_BYTES", 2**40)
    _assert_same_close(blocked, _conv_derivatives(x_shape, w_shape, settings))


@pytest.mark.parametrize("kernel", [1, 3])
def test_a_wide_conv_weight_gradient_matches_one_product_and_is_c_ordered(monkeypatch, kernel):
    """More input taps than output channels (6 x 8*k*k): taken the other way round, in the weights' layout."""
    x_shape, w_shape, settings = (2, 8, 6, 5), (6, 8, kernel, kernel), dict(padding=kernel // 2)
    weights = ag.tensor(_distinct(w_shape, seed=2) * 0.01, requires_grad=True)
    F.conv2d(ag.tensor(_distinct(x_shape)), weights, **settings).sum().backward()
    assert weights.grad.data.flags.c_contiguous
    wide = _conv_derivatives(x_shape, w_shape, settings)
    monkeypatch.setattr(conv, "_product_over_pixels", lambda a, b: a @ b.T)
    _assert_same_close(wide, _conv_derivatives(x_shape, w_shape, settings))


def _counting(fn, calls):
    def counted(*args):
        calls.append(args[0].shape)
        return fn(*args)

    return counted


def _assert_same_close(fast, plain):
    """As _assert_same, allowing for sums taken in another order."""
    assert len(fast) == len(plain)
    for a, b in zip(fast, plain):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-10)


# ---------------------------------------------------------------- relu_grad


@pytest.mark.parametrize("layout", ["nchw", "channel_major"])
def test_relu_backward_matches_the_product_with_the_mask(layout):
    x = _distinct((2, 3, 4, 5))
    prepare = _as_channel_major if layout == "channel_major" else (lambda t: t)
    fast = _derivatives(lambda t: F.relu(prepare(t)), [x])
    plain = _derivatives(lambda t: t * ag.tensor((x > 0).astype(np.float64)), [x])
    _assert_same(fast, plain)


def test_relu_grad_keeps_the_dtype_and_the_memory_order():
    rng = np.random.default_rng(0)
    t = ag.tensor(rng.standard_normal((5, 2, 4, 4)).astype(np.float32), requires_grad=True).swapaxes(0, 1)
    g = ag.tensor(rng.standard_normal((5, 2, 4, 4)).astype(np.float32), requires_grad=True).swapaxes(0, 1)
    (dt,) = ag.grad(F.relu(t), [t], grad_outputs=[g], create_graph=True)
    assert dt.grad_fn.name == "relu_grad"  # one op, differentiable (its backward is itself)
    assert dt.dtype == np.float32 and memory_order(dt.data) == CHANNEL_MAJOR
    np.testing.assert_array_equal(dt.numpy(), g.numpy() * (t.numpy() > 0))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_relu_against_an_array_of_zeros_keeps_the_edge_values(dtype):
    """ReLU computes max(a, zeros) (NumPy's vectorised loop); -inf, -0.0 and NaN come out as max(a, 0) gives."""
    edges = np.array([-np.inf, -1.0, -0.0, 0.0, 1e-30, 2.5, np.inf, np.nan], dtype=dtype)
    x = np.tile(edges, (3, 4, 2, 1)).transpose(1, 0, 2, 3)  # a channel-major view, as a conv output
    y = F.relu(ag.tensor(x)).numpy()
    np.testing.assert_array_equal(y, np.maximum(x, 0))  # NaN where NaN, 0 for -inf
    assert y.dtype == dtype


def test_relu_gradgradcheck():
    x = ag.tensor(_distinct((3, 4)) + 0.05, dtype="float64", requires_grad=True)  # no element at the kink
    assert ag.gradgradcheck(F.relu, [x])


# ---------------------------------------------------------------- workspace


@pytest.fixture
def every_array_pooled(monkeypatch):
    """Send every array of the CNN ops through the workspace, small ones too, from an empty pool."""
    monkeypatch.setattr(workspace, "MIN_BYTES", 0)
    workspace.clear()
    yield
    workspace.clear()


def _cnn():
    import nn

    ag.manual_seed(0)
    return nn.Sequential(
        nn.Conv2d(2, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(4, 3, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
    )  # fmt: skip


def _train(steps, model=None):
    """``steps`` SGD steps of the small CNN on fixed data; every step's loss."""
    import nn

    model = _cnn() if model is None else model
    x = ag.tensor(np.random.default_rng(0).standard_normal((3, 2, 8, 8)), dtype="float32")
    optimizer = nn.optim.SGD(model.parameters(), lr=0.1)
    losses = []
    for _ in range(steps):
        optimizer.zero_grad()
        out = model(x)
        loss = (out * out).mean()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


def test_training_with_the_workspace_matches_plain_allocation(monkeypatch, every_array_pooled):
    pooled = _train(4)
    monkeypatch.setattr(workspace, "enabled", False)
    plain = _train(4)
    assert pooled == plain


def test_arrays_still_in_use_are_never_handed_out_again(every_array_pooled):
    """Activations and gradients a learner keeps from one step must not change in the next steps."""
    rng = np.random.default_rng(0)
    x = ag.tensor(rng.standard_normal((3, 2, 8, 8)), dtype="float32")
    w = ag.tensor(rng.standard_normal((4, 2, 3, 3)), dtype="float32", requires_grad=True)
    kept = []
    for _ in range(3):
        h = F.conv2d(x, w, padding=1)
        h.retain_grad()
        r = F.relu(h)
        p = F.max_pool2d(r, 2)
        (p * p).sum().backward()
        kept += [(a, a.copy()) for a in (h.data, r.data, p.data, h.grad.data)]  # live arrays, and copies
        w = (w - 0.1 * w.grad).detach().requires_grad_(True)
    for live, copy in kept:
        np.testing.assert_array_equal(live, copy)


def test_a_free_array_is_reused_and_a_used_one_is_not(every_array_pooled):
    a, b = workspace.empty(np, (4, 5), np.float32), workspace.empty(np, (4, 5), np.float32)
    assert b is not a  # a is in use: this test holds it
    a_id, view = id(a), a.T
    del a
    c = workspace.empty(np, (4, 5), np.float32)
    assert id(c) != a_id  # still seen through the transpose
    del view
    assert id(workspace.empty(np, (4, 5), np.float32)) == a_id  # nothing refers to it now: handed out again
    assert workspace.empty(np, (4, 5), np.float64).dtype == np.float64  # kinds are kept apart
    assert len({id(b), id(c)}) == 2


def test_the_workspace_is_bounded(monkeypatch, every_array_pooled):
    monkeypatch.setattr(workspace, "MAX_BYTES", 1000)
    held = [workspace.empty(np, (100,), np.float32) for _ in range(5)]  # 400 bytes each
    assert workspace._kept[0] == 800 and len(held) == 5  # two kept, three not: no room
    del held
    big = workspace.empty(np, (200,), np.float32)  # 800 bytes: the two unused arrays make room
    assert workspace._kept[0] == 800 and workspace._arrays == {((200,), np.dtype(np.float32)): [big]}
    workspace.clear()
    monkeypatch.setattr(workspace, "MAX_BYTES", 600)
    first, middle, last = (workspace.empty(np, (100,), np.float16) for _ in range(3))  # 200 bytes each: full
    del middle, big
    other = workspace.empty(np, (50,), np.float32)  # 200 bytes: the unused middle one goes
    kept = workspace._arrays[((100,), np.dtype(np.float16))]
    assert (
        len(kept) == 2
        and kept[0] is first
        and kept[1] is last
        and workspace._arrays[((50,), np.dtype(np.float32))] == [other]
    )


def test_threads_never_share_a_work_array(every_array_pooled):
    """Two threads training at once (each its own model) get the same losses as one alone."""
    import threading

    alone = _train(10)
    models, results = [_cnn(), _cnn()], [None, None]  # drawn here: the random generator is shared

    def run(i):
        results[i] = _train(10, models[i])

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [alone, alone]
