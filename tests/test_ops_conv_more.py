"""Convolution, pooling, padding, resizing, normalisation and attention ops beyond conv2d/pool basics.

Each case runs our op and PyTorch's on the same inputs with the same random
upstream gradient (float64 tight, float32 with round-off, dtype kept), then
checks first and second derivatives numerically (float64). The transposed
convolution and fold are also checked as the adjoints of conv2d and unfold.
"""

from dataclasses import dataclass, field

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from op_cases import assert_matches_torch, assert_same_as_torch, float64_inputs

import autograd as ag
import autograd.functional as F

pytestmark = pytest.mark.filterwarnings("ignore:Using padding='same'")  # PyTorch's note on even kernels

TOLERANCE = {np.float64: dict(rtol=1e-10, atol=1e-12), np.float32: dict(rtol=2e-5, atol=2e-5)}


def _torch():
    import torch

    return torch


def _tf(name):
    return lambda *a, **k: getattr(_torch().nn.functional, name)(*a, **k)


@dataclass(frozen=True)
class Case:
    id: str
    fn: object
    torch_fn: object
    shapes: tuple
    kinds: tuple = ()
    gradcheck: bool = True  # numerical checks (small shapes only)
    extra: dict = field(default_factory=dict)

    def arrays(self, seed=0, dtype=np.float64):
        rng = np.random.default_rng(seed)
        kinds = self.kinds or ("n",) * len(self.shapes)
        return [_draw(rng, shape, kind).astype(dtype) for shape, kind in zip(self.shapes, kinds)]


def _draw(rng, shape, kind):
    if kind == "n":
        return rng.standard_normal(shape)
    if kind == "distinct":  # all values different and well apart: no ties for max pooling
        return (rng.permutation(int(np.prod(shape))).reshape(shape) - np.prod(shape) / 2) * 0.1
    if kind == "pos":
        return rng.uniform(0.5, 2.0, shape)
    raise ValueError(kind)


def conv_case(id, x, w, **kw):
    return Case(
        f"conv2d-{id}",
        lambda a, b, c: F.conv2d(a, b, c, **kw),
        lambda a, b, c: _tf("conv2d")(a, b, c, **kw),
        (x, w, (w[0],)),
    )


def conv_t_case(id, x, w, groups=1, **kw):
    return Case(
        f"conv_transpose2d-{id}",
        lambda a, b, c: F.conv_transpose2d(a, b, c, groups=groups, **kw),
        lambda a, b, c: _tf("conv_transpose2d")(a, b, c, groups=groups, **kw),
        (x, w, (w[1] * groups,)),
    )


def one(id, fn, torch_fn, shape, kind="n", gradcheck=True):
    return Case(id, fn, torch_fn, (shape,), (kind,), gradcheck)


def _sdpa(**kw):
    def ours(q, k, v):
        return F.scaled_dot_product_attention(q, k, v, **_mask(kw, ag, q.device))

    def theirs(q, k, v):
        masked = _mask(kw, _torch())
        if kw.get("attn_mask") == "float":  # PyTorch wants the mask in the query's dtype; ours converts it
            masked["attn_mask"] = masked["attn_mask"].to(q.dtype)
        return _tf("scaled_dot_product_attention")(q, k, v, **masked)

    return ours, theirs


_BOOL_MASK = np.array(
    [[True, False, True, True, False], [True, True, False, False, True], [False, True, True, True, True]]
)
_FLOAT_MASK = np.random.default_rng(5).standard_normal((3, 5))


def _mask(kw, lib, device=None):
    kw = dict(kw)
    mask = {"bool": _BOOL_MASK, "float": _FLOAT_MASK}.get(kw.get("attn_mask"))
    if mask is not None:
        kw["attn_mask"] = ag.tensor(mask, device=device) if lib is ag else lib.from_numpy(mask)
    return kw


def _batch_norm(training):
    """batch_norm with running statistics made fresh per call (the update is checked separately)."""

    def ours(x, w, b):
        mean = ag.tensor(np.linspace(-1, 1, 3), dtype=x.dtype, device=x.device)
        var = ag.tensor(np.linspace(0.5, 2, 3), dtype=x.dtype, device=x.device)
        return F.batch_norm(x, mean, var, w, b, training=training)

    def theirs(x, w, b):
        torch = _torch()
        mean = torch.tensor(np.linspace(-1, 1, 3), dtype=x.dtype)
        var = torch.tensor(np.linspace(0.5, 2, 3), dtype=x.dtype)
        return torch.nn.functional.batch_norm(x, mean, var, w, b, training=training)

    return ours, theirs


CASES = [
    # conv2d: groups, padding strings, size-1 axes, non-square everything
    conv_case("groups2", (2, 4, 5, 6), (6, 2, 3, 3), stride=2, padding=1, groups=2),
    conv_case("depthwise", (1, 3, 5, 4), (3, 1, 3, 2), padding=(1, 0), groups=3),
    conv_case("same-even-kernel", (1, 2, 5, 4), (3, 2, 2, 3), padding="same"),
    conv_case("same-dilated", (1, 2, 5, 6), (2, 2, 3, 2), padding="same", dilation=(2, 1)),
    conv_case("valid", (2, 2, 4, 5), (3, 2, 2, 3), padding="valid", stride=(1, 2)),
    conv_case("size1", (1, 1, 1, 5), (2, 1, 1, 3), padding=(0, 1)),
    conv_case("groups-dilated", (1, 4, 6, 6), (4, 2, 2, 2), groups=2, dilation=2, stride=2, padding=1),
    Case(
        "conv1d",
        lambda x, w, b: F.conv1d(x, w, b, stride=2, padding=1, dilation=2, groups=2),
        lambda x, w, b: _tf("conv1d")(x, w, b, stride=2, padding=1, dilation=2, groups=2),
        ((2, 4, 9), (6, 2, 3), (6,)),
    ),
    Case(
        "conv1d-same",
        lambda x, w: F.conv1d(x, w, padding="same"),
        lambda x, w: _tf("conv1d")(x, w, padding="same"),
        ((2, 3, 7), (2, 3, 4)),
    ),
    # transposed convolution: stride, padding, output_padding, dilation, groups
    conv_t_case("stride2", (2, 3, 3, 4), (3, 2, 3, 3), stride=2, padding=1, output_padding=1),
    conv_t_case("groups", (1, 4, 3, 3), (4, 1, 2, 3), groups=2, stride=(2, 1)),
    conv_t_case("dilated", (1, 2, 3, 2), (2, 3, 3, 2), dilation=2, padding=(1, 0)),
    conv_t_case("k4s2p1", (2, 2, 3, 3), (2, 2, 4, 4), stride=2, padding=1),
    conv_t_case("size1", (1, 2, 1, 1), (2, 3, 2, 2)),
    conv_t_case("out-pad-dilation", (1, 1, 3, 3), (1, 2, 3, 3), stride=2, dilation=3, output_padding=2),
    # unfold / fold
    one("unfold", lambda x: F.unfold(x, (2, 3), dilation=(1, 2), padding=1, stride=(2, 1)),
        lambda x: _tf("unfold")(x, (2, 3), dilation=(1, 2), padding=1, stride=(2, 1)), (2, 2, 5, 6)),
    one("unfold-overlap", lambda x: F.unfold(x, 2), lambda x: _tf("unfold")(x, 2), (1, 3, 3, 4)),
    one("fold", lambda x: F.fold(x, (4, 5), 2), lambda x: _tf("fold")(x, (4, 5), 2), (2, 8, 12)),
    one("fold-strided", lambda x: F.fold(x, (5, 5), 3, padding=1, stride=2),
        lambda x: _tf("fold")(x, (5, 5), 3, padding=1, stride=2), (1, 9, 9)),
    # padding modes (PyTorch's flat form, last axis first)
    one("pad-constant-flat", lambda x: F.pad(x, (1, 2, 0, 1), value=0.5),
        lambda x: _tf("pad")(x, (1, 2, 0, 1), value=0.5), (2, 3, 4)),
    one("pad-reflect-1d", lambda x: F.pad(x, (2, 3), mode="reflect"),
        lambda x: _tf("pad")(x, (2, 3), mode="reflect"), (2, 3, 4)),
    one("pad-reflect-2d", lambda x: F.pad(x, (1, 2, 2, 0), mode="reflect"),
        lambda x: _tf("pad")(x, (1, 2, 2, 0), mode="reflect"), (1, 2, 3, 4)),
    one("pad-replicate", lambda x: F.pad(x, (2, 1, 1, 3), mode="replicate"),
        lambda x: _tf("pad")(x, (2, 1, 1, 3), mode="replicate"), (1, 2, 3, 2)),
    one("pad-replicate-size1", lambda x: F.pad(x, (2, 2), mode="replicate"),
        lambda x: _tf("pad")(x, (2, 2), mode="replicate"), (2, 1)),
    one("pad-circular-3d", lambda x: F.pad(x, (1, 1, 0, 2, 1, 0), mode="circular"),
        lambda x: _tf("pad")(x, (1, 1, 0, 2, 1, 0), mode="circular"), (1, 1, 2, 3, 3)),
    # pooling
    one("max_pool2d-dilation", lambda x: F.max_pool2d(x, 2, stride=1, dilation=2),
        lambda x: _tf("max_pool2d")(x, 2, stride=1, dilation=2), (1, 2, 5, 6), "distinct"),
    one("max_pool2d-dilation-pad-ceil", lambda x: F.max_pool2d(x, 3, 2, 1, dilation=(2, 1), ceil_mode=True),
        lambda x: _tf("max_pool2d")(x, 3, 2, 1, dilation=(2, 1), ceil_mode=True), (2, 1, 7, 6), "distinct"),
    one("adaptive_avg-global", lambda x: F.adaptive_avg_pool2d(x, 1),
        lambda x: _tf("adaptive_avg_pool2d")(x, 1), (2, 3, 5, 4)),
    one("adaptive_avg-uneven", lambda x: F.adaptive_avg_pool2d(x, (3, 2)),
        lambda x: _tf("adaptive_avg_pool2d")(x, (3, 2)), (2, 2, 7, 5)),
    one("adaptive_avg-grow", lambda x: F.adaptive_avg_pool2d(x, (4, None)),
        lambda x: _tf("adaptive_avg_pool2d")(x, (4, None)), (1, 2, 3, 3)),
    one("adaptive_avg-tiles", lambda x: F.adaptive_avg_pool2d(x, (2, 3)),
        lambda x: _tf("adaptive_avg_pool2d")(x, (2, 3)), (1, 2, 4, 6)),
    one("adaptive_max-uneven", lambda x: F.adaptive_max_pool2d(x, (3, 2)),
        lambda x: _tf("adaptive_max_pool2d")(x, (3, 2)), (2, 2, 7, 5), "distinct"),
    one("adaptive_max-global", lambda x: F.adaptive_max_pool2d(x, 1),
        lambda x: _tf("adaptive_max_pool2d")(x, 1), (2, 2, 3, 4), "distinct"),
    one("adaptive_max-unbatched", lambda x: F.adaptive_max_pool2d(x, (2, 3)),
        lambda x: _tf("adaptive_max_pool2d")(x, (2, 3)), (2, 5, 4), "distinct"),
    # interpolate
    one("nearest-size", lambda x: F.interpolate(x, size=(5, 3)),
        lambda x: _tf("interpolate")(x, size=(5, 3)), (1, 2, 3, 4)),
    one("nearest-scale", lambda x: F.interpolate(x, scale_factor=2),
        lambda x: _tf("interpolate")(x, scale_factor=2), (2, 1, 3, 2)),
    one("nearest-1d", lambda x: F.interpolate(x, scale_factor=1.5),
        lambda x: _tf("interpolate")(x, scale_factor=1.5), (2, 2, 5)),
    one("bilinear", lambda x: F.interpolate(x, size=(5, 7), mode="bilinear"),
        lambda x: _tf("interpolate")(x, size=(5, 7), mode="bilinear"), (1, 2, 3, 4)),
    one("bilinear-align", lambda x: F.interpolate(x, scale_factor=(2, 1.5), mode="bilinear", align_corners=True),
        lambda x: _tf("interpolate")(x, scale_factor=(2, 1.5), mode="bilinear", align_corners=True), (1, 2, 3, 4)),
    one("bilinear-shrink", lambda x: F.interpolate(x, size=(2, 1), mode="bilinear"),
        lambda x: _tf("interpolate")(x, size=(2, 1), mode="bilinear"), (2, 1, 5, 4)),
    one("linear-1d", lambda x: F.interpolate(x, size=7, mode="linear", align_corners=False),
        lambda x: _tf("interpolate")(x, size=7, mode="linear", align_corners=False), (2, 2, 4)),
    # normalisation
    Case("batch_norm-train", *_batch_norm(True), ((4, 3, 2, 2), (3,), (3,))),
    Case("batch_norm-eval", *_batch_norm(False), ((2, 3, 5), (3,), (3,))),
    Case(
        "layer_norm",
        lambda x, w, b: F.layer_norm(x, (3, 4), w, b),
        lambda x, w, b: _tf("layer_norm")(x, (3, 4), w, b),
        ((2, 3, 4), (3, 4), (3, 4)),
    ),
    one("layer_norm-plain", lambda x: F.layer_norm(x, 5, eps=1e-3),
        lambda x: _tf("layer_norm")(x, (5,), eps=1e-3), (2, 3, 5)),
    Case(
        "group_norm",
        lambda x, w, b: F.group_norm(x, 2, w, b),
        lambda x, w, b: _tf("group_norm")(x, 2, w, b),
        ((2, 4, 3, 2), (4,), (4,)),
    ),
    one("group_norm-instance", lambda x: F.group_norm(x, 3), lambda x: _tf("group_norm")(x, 3), (2, 3, 4)),
    # attention
    Case("sdpa", *_sdpa(), ((2, 3, 4), (2, 5, 4), (2, 5, 2))),
    Case("sdpa-heads-bool-mask", *_sdpa(attn_mask="bool"), ((1, 2, 3, 4), (1, 2, 5, 4), (1, 2, 5, 3))),
    Case("sdpa-float-mask-scale", *_sdpa(attn_mask="float", scale=0.3), ((2, 3, 2), (2, 5, 2), (2, 5, 3))),
    Case("sdpa-causal", *_sdpa(is_causal=True), ((2, 4, 3), (2, 4, 3), (2, 4, 2))),
]  # fmt: skip
CASE_IDS = [c.id for c in CASES]
assert len(set(CASE_IDS)) == len(CASE_IDS)


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_forward_and_gradients_match_torch(case, dtype):
    pytest.importorskip("torch")
    assert_matches_torch(case, dtype, TOLERANCE)


@pytest.mark.parametrize("case", [c for c in CASES if c.gradcheck], ids=[c.id for c in CASES if c.gradcheck])
def test_gradcheck_and_gradgradcheck(case):
    assert ag.gradcheck(case.fn, float64_inputs(case))
    assert ag.gradgradcheck(case.fn, float64_inputs(case, seed=1))


# ------------------------------------------------------------------ adjoints


@pytest.mark.parametrize(
    "x_shape, w_shape, settings",
    [
        ((2, 4, 7, 6), (6, 2, 3, 3), dict(stride=2, padding=1, groups=2)),
        ((1, 3, 8, 5), (2, 3, 2, 3), dict(stride=(2, 1), dilation=(1, 2))),
        ((2, 2, 9, 9), (4, 2, 4, 4), dict(stride=2, padding=1, output_padding=1)),
        ((1, 2, 11, 10), (2, 1, 3, 3), dict(stride=3, padding=0, groups=2, output_padding=(0, 2), dilation=(1, 3))),
    ],
)
def test_conv_transpose2d_is_the_adjoint_of_conv2d(x_shape, w_shape, settings):
    """<conv2d(x, w), y> = <x, conv_transpose2d(y, w)> for every x and y: the defining property of a transpose."""
    rng = np.random.default_rng(0)
    extra = settings.pop("output_padding", 0)
    w = ag.tensor(rng.standard_normal(w_shape))
    y_shape = F.conv2d(ag.zeros(*x_shape, dtype="float64"), w, **settings).shape
    y = ag.tensor(rng.standard_normal(y_shape))
    back = F.conv_transpose2d(y, w, output_padding=extra, **settings)
    # output_padding pads the bottom/right of x; conv2d never reads those rows, so they come back as 0
    x = ag.tensor(rng.standard_normal(back.shape))
    assert back.shape[:2] == x_shape[:2]
    lhs = float((F.conv2d(x, w, **settings).numpy() * y.numpy()).sum())
    rhs = float((x.numpy() * back.numpy()).sum())
    assert lhs == pytest.approx(rhs, rel=1e-12)


def test_fold_is_the_adjoint_of_unfold_and_counts_overlaps():
    rng = np.random.default_rng(1)
    x = ag.tensor(rng.standard_normal((2, 3, 5, 6)))
    settings = dict(kernel_size=(3, 2), dilation=(1, 2), padding=1, stride=(2, 1))
    cols = F.unfold(x, **settings)
    c = ag.tensor(rng.standard_normal(cols.shape))
    lhs = float((cols.numpy() * c.numpy()).sum())
    rhs = float((x.numpy() * F.fold(c, (5, 6), **settings).numpy()).sum())
    assert lhs == pytest.approx(rhs, rel=1e-12)
    # fold(unfold(ones)) counts how many windows cover each pixel
    counts = F.fold(F.unfold(ag.ones(1, 1, 3, 3), 2), (3, 3), 2).numpy()[0, 0]
    np.testing.assert_array_equal(counts, [[1, 2, 1], [2, 4, 2], [1, 2, 1]])


def test_conv_as_unfold_then_matmul():
    """A convolution is a matrix product with the unfolded windows (the im2col view of the lectures)."""
    rng = np.random.default_rng(2)
    x, w = ag.tensor(rng.standard_normal((2, 3, 5, 5))), ag.tensor(rng.standard_normal((4, 3, 3, 3)))
    via_unfold = (w.reshape(4, -1) @ F.unfold(x, 3, padding=1)).reshape(2, 4, 5, 5)
    np.testing.assert_allclose(via_unfold.numpy(), F.conv2d(x, w, padding=1).numpy(), rtol=1e-12, atol=1e-12)


def test_conv_transpose2d_doubles_the_size_of_a_feature_map():
    y = F.conv_transpose2d(ag.ones(1, 2, 4, 3), ag.ones(2, 5, 4, 4), stride=2, padding=1)
    assert y.shape == (1, 5, 8, 6)


# ------------------------------------------------------------------ indices, unpooling, empty batches


@pytest.mark.parametrize(
    "settings",
    [dict(kernel_size=2), dict(kernel_size=3, stride=2, padding=1), dict(kernel_size=3, stride=2, ceil_mode=True),
     dict(kernel_size=(2, 3), stride=1, dilation=(2, 1))],
)  # fmt: skip
def test_max_pool_indices_and_unpool_match_torch(settings):
    torch = pytest.importorskip("torch")
    x = np.maximum(np.random.default_rng(3).integers(-2, 3, (2, 3, 7, 6)), 0).astype(np.float64)  # many ties
    y, idx = F.max_pool2d(ag.tensor(x), return_indices=True, **settings)
    ty, tidx = torch.nn.functional.max_pool2d(torch.tensor(x), return_indices=True, **settings)
    np.testing.assert_array_equal(y.numpy(), ty.numpy())
    np.testing.assert_array_equal(idx.numpy(), tidx.numpy())
    assert idx.dtype == np.int64 and not idx.requires_grad
    if "dilation" in settings:
        return  # PyTorch's max_unpool2d has no dilation
    unpool = {k: v for k, v in settings.items() if k in ("kernel_size", "stride", "padding")}
    values = np.random.default_rng(4).standard_normal(y.shape)
    ours = ag.tensor(values, requires_grad=True)
    theirs = torch.tensor(values, requires_grad=True)
    out = F.max_unpool2d(ours, idx, output_size=(7, 6), **unpool)
    expected = torch.nn.functional.max_unpool2d(theirs, tidx, output_size=(7, 6), **unpool)
    np.testing.assert_array_equal(out.numpy(), expected.detach().numpy())
    g = np.random.default_rng(5).standard_normal(out.shape)
    out.backward(ag.tensor(g))
    expected.backward(torch.tensor(g))
    np.testing.assert_array_equal(ours.grad.numpy(), theirs.grad.numpy())


def test_max_unpool_gradcheck_and_its_default_size():
    x = ag.tensor(np.random.default_rng(6).permutation(32).reshape(1, 2, 4, 4).astype(np.float64))
    y, idx = F.max_pool2d(x, 2, return_indices=True)
    out = F.max_unpool2d(y, idx, 2)
    assert out.shape == (1, 2, 4, 4)
    np.testing.assert_array_equal(out.numpy(), np.where(out.numpy() != 0, x.numpy(), 0))  # maxima back in place
    assert (out.numpy() != 0).sum() == 8
    y = y.detach().requires_grad_()
    assert ag.gradcheck(lambda v: F.max_unpool2d(v, idx, 2), [y])
    assert ag.gradgradcheck(lambda v: F.max_unpool2d(v, idx, 2), [y])


def test_adaptive_max_pool_indices_match_torch():
    torch = pytest.importorskip("torch")
    x = np.maximum(np.random.default_rng(7).integers(-2, 3, (2, 2, 7, 5)), 0).astype(np.float64)
    for size in [(3, 2), 1, (2, 5)]:
        y, idx = F.adaptive_max_pool2d(ag.tensor(x), size, return_indices=True)
        ty, tidx = torch.nn.functional.adaptive_max_pool2d(torch.tensor(x), size, return_indices=True)
        np.testing.assert_array_equal(y.numpy(), ty.numpy())
        np.testing.assert_array_equal(idx.numpy(), tidx.numpy())


@pytest.mark.parametrize(
    "fn",
    [
        lambda x: F.conv2d(x, ag.ones(4, 1, 3, 3, dtype="float64"), padding="same", groups=2),
        lambda x: F.conv_transpose2d(x, ag.ones(2, 3, 3, 3, dtype="float64"), stride=2),
        lambda x: F.unfold(x, 2),
        lambda x: F.pad(x, (1, 1, 2, 0), mode="reflect"),
        lambda x: F.max_pool2d(x, 2, return_indices=True)[0],
        lambda x: F.adaptive_avg_pool2d(x, 3),
        lambda x: F.adaptive_max_pool2d(x, 3),
        lambda x: F.interpolate(x, scale_factor=2, mode="bilinear"),
        lambda x: F.group_norm(x, 2),
        lambda x: F.layer_norm(x, (4, 4)),
    ],
    ids=["conv2d", "conv_t", "unfold", "pad", "max_pool", "aavg", "amax", "bilinear", "group_norm", "layer_norm"],
)
def test_empty_batch_gives_empty_outputs_and_gradients(fn):
    torch = pytest.importorskip("torch")
    x = ag.zeros(0, 2, 4, 4, dtype="float64", requires_grad=True)
    out = fn(x)
    assert out.shape[0] == 0
    out.sum().backward()
    assert x.grad.shape == x.shape
    del torch


# ------------------------------------------------------------------ batch_norm's running statistics, attention


def test_batch_norm_updates_running_stats_as_torch():
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(8).standard_normal((5, 3, 4))
    mean, var = ag.zeros(3, dtype="float64"), ag.ones(3, dtype="float64")
    tmean, tvar = torch.zeros(3, dtype=torch.float64), torch.ones(3, dtype=torch.float64)
    for _ in range(2):
        F.batch_norm(ag.tensor(x), mean, var, training=True, momentum=0.3)
        torch.nn.functional.batch_norm(torch.tensor(x), tmean, tvar, training=True, momentum=0.3)
    np.testing.assert_allclose(mean.numpy(), tmean.numpy(), rtol=1e-12)
    np.testing.assert_allclose(var.numpy(), tvar.numpy(), rtol=1e-12)


def test_attention_weights_respect_the_causal_mask():
    rng = np.random.default_rng(9)
    q, k = ag.tensor(rng.standard_normal((4, 3))), ag.tensor(rng.standard_normal((4, 3)))
    v = ag.tensor(np.eye(4))  # out = the attention weights themselves
    weights = F.scaled_dot_product_attention(q, k, v, is_causal=True).numpy()
    np.testing.assert_allclose(np.triu(weights, 1), 0)
    np.testing.assert_allclose(weights.sum(-1), 1)
    assert weights[0, 0] == 1.0  # the first query can only see the first key


def test_attention_dropout_is_applied():
    ag.manual_seed(0)
    q = ag.ones(1, 50, 2, dtype="float64")
    out = F.scaled_dot_product_attention(q, q, ag.ones(1, 50, 1, dtype="float64"), dropout_p=0.5).numpy()
    assert not np.allclose(out, 1.0)  # without dropout every output would be exactly 1
    assert abs(out.mean() - 1.0) < 0.2  # inverted dropout keeps the expectation


# ------------------------------------------------------------------ errors that say what to write


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: F.conv2d(ag.zeros(1, 4, 5, 5), ag.zeros(2, 2, 3, 3), groups=3), r"conv2d: groups=3 must divide"),
        (lambda: F.conv2d(ag.zeros(1, 4, 5, 5), ag.zeros(2, 3, 3, 3), groups=2), r"expects 3 \* 2 = 6 input channels"),
        (lambda: F.conv2d(ag.zeros(1, 1, 5, 5), ag.zeros(1, 1, 3, 3), padding="same", stride=2),
         r"padding='same' needs stride 1"),
        (lambda: F.conv2d(ag.zeros(1, 1, 5, 5), ag.zeros(1, 1, 3, 3), padding="full"), r"'valid' or 'same'"),
        (lambda: F.conv_transpose2d(ag.zeros(1, 2, 3, 3), ag.zeros(3, 2, 3, 3)), r"weight is \(C_in, C_out/groups"),
        (lambda: F.conv_transpose2d(ag.zeros(1, 2, 3, 3), ag.zeros(2, 2, 3, 3), stride=2, output_padding=2),
         r"output_padding \(2\) must be smaller than the stride"),
        (lambda: F.fold(ag.zeros(1, 8, 5), (4, 4), 2), r"axis 2 must be 9"),
        (lambda: F.pad(ag.zeros(2, 3), 1, mode="reflect"), r"PyTorch's flat pad"),
        (lambda: F.pad(ag.zeros(2, 3), (1, 1, 1)), r"even length"),
        (lambda: F.pad(ag.zeros(2, 3), (3, 0), mode="reflect"), r"at most 2 on each side.*pad < size"),
        (lambda: F.pad(ag.zeros(2, 3), (1, 1), mode="wrap"), r"mode must be one of"),
        (lambda: F.max_pool2d(ag.zeros(1, 1, 4, 4), 2, 2, 0, True), r"5th argument is dilation.*ceil_mode=True"),
        (lambda: F.max_unpool2d(ag.zeros(1, 1, 2, 2), ag.zeros(1, 1, 2, 2, dtype="int64"), 2, output_size=(9, 9)),
         r"output_size \(9, 9\) does not fit"),
        (lambda: F.interpolate(ag.zeros(1, 1, 4), size=3, mode="bilinear"), r"'bilinear' takes inputs with 4 axes"),
        (lambda: F.interpolate(ag.zeros(1, 1, 4, 4)), r"exactly one of size and scale_factor"),
        (lambda: F.layer_norm(ag.zeros(2, 3), (2,)), r"normalized_shape \(2,\) must match the last axes"),
        (lambda: F.group_norm(ag.zeros(2, 3, 4), 2), r"num_groups=2 must divide the 3 channels"),
        (lambda: F.scaled_dot_product_attention(ag.zeros(2, 3), ag.zeros(4, 2), ag.zeros(4, 1)), r"must agree on E"),
    ],
)  # fmt: skip
def test_errors_name_the_op_and_the_fix(call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call()


def test_numpy_style_pad_still_works():
    x = ag.tensor(np.arange(6.0).reshape(2, 3))
    np.testing.assert_array_equal(F.pad(x, ((0, 1), (2, 0))).numpy(), np.pad(x.numpy(), ((0, 1), (2, 0))))
    np.testing.assert_array_equal(F.pad(x, (2, 0, 0, 1)).numpy(), np.pad(x.numpy(), ((0, 1), (2, 0))))


# ------------------------------------------------------------------ the same ops on the simulated GPU


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_op_on_cuda_matches_cpu_without_host_copies(fake_cuda, case):
    arrays = case.arrays(seed=4)
    cpu = [ag.tensor(a, requires_grad=True) for a in arrays]
    gpu = [ag.tensor(a, device="cuda", requires_grad=True) for a in arrays]
    out_cpu = case.fn(*cpu)
    upstream = np.random.default_rng(1).standard_normal(out_cpu.shape)
    out_cpu.backward(ag.tensor(upstream))
    upstream = ag.tensor(upstream, device="cuda")
    cuda = ag.get_backend("cuda")
    before = cuda.device_to_host_copies + fake_cuda.device_to_host
    out_gpu = case.fn(*gpu)
    out_gpu.backward(upstream)
    assert cuda.device_to_host_copies + fake_cuda.device_to_host == before, fake_cuda.implicit_sites
    assert fake_cuda.numpy_calls == [] and fake_cuda.host_syncs == []
    assert out_gpu.device == "cuda"
    np.testing.assert_allclose(cuda.to_numpy(out_gpu.data), out_cpu.numpy(), rtol=1e-12, atol=1e-12)
    for t_cpu, t_gpu in zip(cpu, gpu):
        np.testing.assert_allclose(cuda.to_numpy(t_gpu.grad.data), t_cpu.grad.numpy(), rtol=1e-12, atol=1e-12)


def test_a_query_that_may_see_no_key_gets_zeros_as_torch():
    torch = pytest.importorskip("torch")
    q = np.random.default_rng(10).standard_normal((3, 2))
    hidden = np.array([[False, False, False], [True, False, True], [True, True, True]])
    for mask in (hidden, np.where(hidden, 0.0, -np.inf)):  # bool, and float with -inf
        x, t = ag.tensor(q, requires_grad=True), torch.tensor(q, requires_grad=True)
        out = F.scaled_dot_product_attention(x, x, x, attn_mask=ag.tensor(mask))
        expected = torch.nn.functional.scaled_dot_product_attention(t, t, t, attn_mask=torch.tensor(mask))
        np.testing.assert_allclose(out.numpy(), expected.detach().numpy(), rtol=1e-12, atol=1e-15)
        np.testing.assert_array_equal(out.numpy()[0], 0.0)
        out.sum().backward()
        expected.sum().backward()
        np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_the_step_viewer_checks_every_backward_step(case):
    """viz.backprop_steps re-derives each step's gradient numerically: every op here must agree (no inf, no NaN)."""
    import viz

    xs = float64_inputs(case)
    out = case.fn(*xs)
    weights = ag.tensor(np.random.default_rng(1).standard_normal(out.shape), dtype="float64")
    checks = viz.backprop_steps((out * weights).sum()).check_all()
    assert checks
    assert not [c.text() for c in checks if c.agree is not True]


# ------------------------------------------------------------------ random geometries (hypothesis) against PyTorch


def _match_torch(fn, torch_fn, arrays):
    pytest.importorskip("torch")
    assert_same_as_torch(fn, torch_fn, arrays, upstream_seed=0)  # float64 arrays: tolerance 1e-10


@settings(max_examples=25, deadline=None, derandomize=True)
@given(
    size=st.tuples(st.integers(1, 5), st.integers(1, 5)), kernel=st.tuples(st.integers(1, 3), st.integers(1, 3)),
    stride=st.tuples(st.integers(1, 3), st.integers(1, 3)), padding=st.tuples(st.integers(0, 2), st.integers(0, 2)),
    dilation=st.tuples(st.integers(1, 2), st.integers(1, 2)), groups=st.sampled_from([1, 2]),
    extra=st.tuples(st.integers(0, 2), st.integers(0, 2)), batch=st.integers(0, 2),
)  # fmt: skip
def test_conv_transpose2d_random_geometry_matches_torch(size, kernel, stride, padding, dilation, groups, extra, batch):
    extra = tuple(min(e, max(s, d) - 1) for e, s, d in zip(extra, stride, dilation))  # PyTorch's limit
    out_size = [(n - 1) * s - 2 * p + d * (k - 1) + e + 1 for n, s, p, d, k, e in zip(size, stride, padding, dilation, kernel, extra)]  # fmt: skip
    assume(min(out_size) >= 1)  # PyTorch refuses an empty output
    rng = np.random.default_rng(1)
    arrays = [rng.standard_normal((batch, 2 * groups, *size)), rng.standard_normal((2 * groups, 3, *kernel)),
              rng.standard_normal(3 * groups)]  # fmt: skip
    settings_ = dict(stride=stride, padding=padding, output_padding=extra, groups=groups, dilation=dilation)
    _match_torch(lambda x, w, b: F.conv_transpose2d(x, w, b, **settings_),
                 lambda x, w, b: _tf("conv_transpose2d")(x, w, b, **settings_), arrays)  # fmt: skip


@settings(max_examples=25, deadline=None, derandomize=True)
@given(
    size=st.tuples(st.integers(1, 7), st.integers(1, 7)), kernel=st.tuples(st.integers(1, 4), st.integers(1, 4)),
    dilation=st.tuples(st.integers(1, 2), st.integers(1, 2)), groups=st.sampled_from([1, 3]),
    padding=st.sampled_from(["same", "valid", 0, 1, (2, 0)]),
)  # fmt: skip
def test_conv2d_random_padding_and_groups_match_torch(size, kernel, dilation, groups, padding):
    span = [d * (k - 1) + 1 for k, d in zip(kernel, dilation)]
    pads = (0, 0) if padding in ("same", "valid") else (padding, padding) if isinstance(padding, int) else padding
    assume(padding == "same" or all(n + 2 * p >= s for n, p, s in zip(size, pads, span)))  # the kernel fits
    rng = np.random.default_rng(2)
    arrays = [rng.standard_normal((2, 3, *size)), rng.standard_normal((3 * groups, 3 // groups, *kernel))]
    _match_torch(lambda x, w: F.conv2d(x, w, padding=padding, dilation=dilation, groups=groups),
                 lambda x, w: _tf("conv2d")(x, w, padding=padding, dilation=dilation, groups=groups), arrays)  # fmt: skip


@settings(max_examples=25, deadline=None, derandomize=True)
@given(
    size=st.tuples(st.integers(1, 8), st.integers(1, 8)), out=st.tuples(st.integers(1, 8), st.integers(1, 8)),
    mode=st.sampled_from(["avg", "max", "nearest", "bilinear", "bilinear-corners"]),
)  # fmt: skip
def test_resizing_to_random_sizes_matches_torch(size, out, mode):
    x = np.random.default_rng(3).permutation(2 * size[0] * size[1]).reshape(1, 2, *size) * 0.1  # no ties
    if mode in ("avg", "max"):
        name = f"adaptive_{mode}_pool2d"
        _match_torch(lambda a: getattr(F, name)(a, out), lambda a: _tf(name)(a, out), [x])
    else:
        kw = dict(mode=mode.split("-")[0], align_corners=True if mode.endswith("corners") else None)
        _match_torch(lambda a: F.interpolate(a, size=out, **kw), lambda a: _tf("interpolate")(a, size=out, **kw), [x])
