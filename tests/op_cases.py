"""The table of differentiable ops the op tests walk through: ours beside PyTorch's.

Each ``Case`` is one op on inputs of given shapes. ``fn`` takes our Tensors,
``torch_fn`` the same inputs as torch tensors (None where torch has no such op).
``kinds`` says how to draw each input so the numerical check stays away from
kinks and outside the domain of log/sqrt:

* ``"n"``     standard normal
* ``"pos"``   uniform in [0.5, 2]           (log, sqrt, pow bases, divisors)
* ``"away"``  +-[0.3, 2], random sign       (relu, abs, leaky_relu, elu: no 0)
* ``"unit"``  uniform in [-0.9, 0.9]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import autograd as ag
import autograd.functional as F


@dataclass(frozen=True)
class Case:
    id: str
    fn: object
    torch_fn: object
    shapes: tuple
    kinds: tuple = ()

    def arrays(self, seed=0, dtype=np.float64):
        """The inputs as NumPy arrays (deterministic per seed)."""
        rng = np.random.default_rng(seed)
        kinds = self.kinds or ("n",) * len(self.shapes)
        return [draw(rng, shape, kind).astype(dtype) for shape, kind in zip(self.shapes, kinds)]


def draw(rng, shape, kind="n"):
    """Random values of ``shape`` of one ``kind`` (see the module docstring)."""
    if kind == "n":
        return rng.standard_normal(shape)
    if kind == "pos":
        return rng.uniform(0.5, 2.0, shape)
    if kind == "away":
        return rng.uniform(0.3, 2.0, shape) * rng.choice([-1.0, 1.0], shape)
    if kind == "unit":
        return rng.uniform(-0.9, 0.9, shape)
    raise ValueError(kind)


TOLERANCE = {np.float64: dict(rtol=1e-10, atol=1e-12), np.float32: dict(rtol=2e-5, atol=2e-6)}


def float64_inputs(case, seed=0):
    """The case's inputs as float64 leaf Tensors that require grad (for gradcheck and gradgradcheck)."""
    return [ag.tensor(a, dtype="float64", requires_grad=True) for a in case.arrays(seed)]


def assert_matches_torch(case, dtype, tolerance=TOLERANCE):
    """Our op and PyTorch's on the case's inputs in ``dtype``: see :func:`assert_same_as_torch`."""
    assert_same_as_torch(case.fn, case.torch_fn, case.arrays(seed=2, dtype=dtype), tolerance, case.id)


def assert_same_as_torch(fn, torch_fn, arrays, tolerance=TOLERANCE, what="", upstream_seed=3):
    """``fn`` on our Tensors and ``torch_fn`` on torch's, from the same ``arrays``: the same values, the
    arrays' dtype kept, and the same gradients for the same random upstream gradient (``tolerance[dtype]``:
    float64 tight, float32 round-off)."""
    torch = _torch()
    dtype = arrays[0].dtype.type
    ours = [ag.tensor(a, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]  # the array's dtype
    out, expected = fn(*ours), torch_fn(*theirs)
    assert out.shape == tuple(expected.shape)
    assert out.dtype == dtype, f"{what} turned {np.dtype(dtype)} into {out.dtype}"
    np.testing.assert_allclose(out.numpy(), expected.detach().numpy(), **tolerance[dtype])

    upstream = np.random.default_rng(upstream_seed).standard_normal(out.shape).astype(dtype)
    out.backward(ag.tensor(upstream))
    expected.backward(torch.tensor(upstream))
    for i, (x, t) in enumerate(zip(ours, theirs)):
        assert x.grad is not None, f"{what}: no gradient for input {i}"
        assert x.grad.dtype == dtype, f"{what}: gradient of input {i} is {x.grad.dtype}, not {np.dtype(dtype)}"
        np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), **tolerance[dtype], err_msg=f"input {i}")


def _torch():
    import torch

    return torch


def _tf(name):
    """torch.nn.functional.<name>, looked up only when torch is there."""
    return lambda *a, **k: getattr(_torch().nn.functional, name)(*a, **k)


_cond = np.random.default_rng(7).random((3, 4)) > 0.5
_mask = np.array([[True, False, True, True], [False, False, True, False], [True, True, False, False]])


def _t_cond(like):
    return _torch().from_numpy(_cond)


def _t_mask(like):
    return _torch().from_numpy(_mask)


def _t_index(values):
    return _torch().tensor(values)


_TARGETS = np.array([2, 0, 2, 1])  # class indices for nll, one repeated
_SAMPLE_WEIGHTS = np.array([0.5, -1.0, 2.0, 0.25])

C = Case
CASES = [
    # ---------------------------------------------------------------- arithmetic, broadcasting
    C("add", lambda a, b: a + b, lambda a, b: a + b, ((3, 4), (3, 4))),
    C("add_bcast_row", lambda a, b: a + b, lambda a, b: a + b, ((3, 4), (4,))),
    C("add_bcast_size1", lambda a, b: a + b, lambda a, b: a + b, ((2, 1, 3), (4, 1))),
    C("add_scalar_tensor", lambda a, b: a + b, lambda a, b: a + b, ((2, 3), ())),
    C("F.add", lambda a, b: F.add(a, b), lambda a, b: a + b, ((1, 3), (2, 1))),
    C("sub", lambda a, b: a - b, lambda a, b: a - b, ((2, 3), (3,))),
    C("F.sub", lambda a, b: F.sub(a, b), lambda a, b: a - b, ((2, 1), (1, 3))),
    C("mul", lambda a, b: a * b, lambda a, b: a * b, ((2, 3), (2, 3))),
    C("mul_bcast", lambda a, b: F.mul(a, b), lambda a, b: a * b, ((4, 1, 3), (2, 1))),
    C("div", lambda a, b: a / b, lambda a, b: a / b, ((2, 3), (2, 3)), ("n", "pos")),
    C("div_bcast", lambda a, b: F.div(a, b), lambda a, b: a / b, ((3,), (2, 1)), ("n", "pos")),
    C("neg", lambda a: -a, lambda a: -a, ((2, 3),)),
    C("F.neg", lambda a: F.neg(a), lambda a: -a, ((3,),)),
    C("pow_tensor_tensor", lambda a, b: a**b, lambda a, b: a**b, ((2, 3), (2, 3)), ("pos", "n")),
    C("pow_bcast", lambda a, b: F.pow(a, b), lambda a, b: a**b, ((2, 3), (3,)), ("pos", "n")),
    C("pow_scalar_exp", lambda a: a**2.5, lambda a: a**2.5, ((2, 3),), ("pos",)),
    C("pow_int_exp", lambda a: a**3, lambda a: a**3, ((2, 3),)),
    C("pow_neg_exp", lambda a: a**-1.5, lambda a: a**-1.5, ((4,),), ("pos",)),
    C("method_pow", lambda a: a.pow(2), lambda a: a.pow(2), ((4,),)),
    C("sqrt_via_pow", lambda a: a**0.5, lambda a: a**0.5, ((3,),), ("pos",)),
    # Python scalars on either side of every operator
    C("scalar+x", lambda a: 2.0 + a, lambda a: 2.0 + a, ((3,),)),
    C("x+scalar", lambda a: a + 2, lambda a: a + 2, ((3,),)),
    C("scalar-x", lambda a: 2.0 - a, lambda a: 2.0 - a, ((3,),)),
    C("x-scalar", lambda a: a - 0.5, lambda a: a - 0.5, ((3,),)),
    C("scalar*x", lambda a: 3.0 * a, lambda a: 3.0 * a, ((3,),)),
    C("x*scalar", lambda a: a * 3, lambda a: a * 3, ((3,),)),
    C("scalar/x", lambda a: 2.0 / a, lambda a: 2.0 / a, ((3,),), ("away",)),
    C("x/scalar", lambda a: a / 4.0, lambda a: a / 4.0, ((3,),)),
    C("scalar**x", lambda a: 2.0**a, lambda a: 2.0**a, ((3,),)),
    C("x**scalar", lambda a: a**2, lambda a: a**2, ((3,),)),
    # ---------------------------------------------------------------- matmul, every rank
    C("matmul_2d", lambda a, b: a @ b, lambda a, b: a @ b, ((3, 4), (4, 2))),
    C("matmul_batched", lambda a, b: a @ b, lambda a, b: a @ b, ((2, 3, 4), (2, 4, 2))),
    C("matmul_batch_bcast", lambda a, b: F.matmul(a, b), lambda a, b: a @ b, ((2, 1, 3, 4), (3, 4, 2))),
    C("matmul_batch_x_2d", lambda a, b: a.matmul(b), lambda a, b: a @ b, ((2, 3, 4), (4, 2))),
    C("matmul_1d_1d", lambda a, b: a @ b, lambda a, b: a @ b, ((4,), (4,))),
    C("matmul_1d_2d", lambda a, b: a @ b, lambda a, b: a @ b, ((4,), (4, 3))),
    C("matmul_2d_1d", lambda a, b: a @ b, lambda a, b: a @ b, ((3, 4), (4,))),
    C("linear", lambda x, w, b: F.linear(x, w, b), _tf("linear"), ((5, 4), (3, 4), (3,))),
    C("linear_batched_no_bias", lambda x, w: F.linear(x, w), _tf("linear"), ((2, 5, 4), (3, 4))),
    C("linear_1d", lambda x, w, b: F.linear(x, w, b), _tf("linear"), ((4,), (3, 4), (3,))),
    C("matmul_1d_3d", lambda a, b: a @ b, lambda a, b: a @ b, ((4,), (2, 4, 3))),
    C("matmul_3d_1d", lambda a, b: a @ b, lambda a, b: a @ b, ((2, 3, 4), (4,))),
    # ---------------------------------------------------------------- elementwise
    C("exp", lambda a: a.exp(), lambda a: a.exp(), ((2, 3),)),
    C("log", lambda a: F.log(a), lambda a: a.log(), ((2, 3),), ("pos",)),
    C("sqrt", lambda a: F.sqrt(a), lambda a: a.sqrt(), ((2, 3),), ("pos",)),
    C("abs", lambda a: F.abs(a), lambda a: a.abs(), ((2, 3),), ("away",)),
    C("sin", lambda a: F.sin(a), lambda a: a.sin(), ((2, 3),)),
    C("cos", lambda a: F.cos(a), lambda a: a.cos(), ((2, 3),)),
    C("tanh", lambda a: F.tanh(a), lambda a: a.tanh(), ((2, 3),)),
    C("sigmoid", lambda a: F.sigmoid(a), lambda a: a.sigmoid(), ((2, 3),)),
    C("relu", lambda a: F.relu(a), lambda a: a.relu(), ((2, 3),), ("away",)),
    C("leaky_relu", lambda a: F.leaky_relu(a, 0.1), lambda a: _tf("leaky_relu")(a, 0.1), ((2, 3),), ("away",)),
    C("elu", lambda a: F.elu(a), lambda a: _tf("elu")(a), ((2, 3),), ("away",)),
    C("elu_alpha", lambda a: F.elu(a, alpha=0.5), lambda a: _tf("elu")(a, alpha=0.5), ((5,),), ("away",)),
    C("softplus", lambda a: F.softplus(a), lambda a: _tf("softplus")(a), ((2, 3),)),
    C("softplus_beta", lambda a: F.softplus(a, beta=2.0), lambda a: _tf("softplus")(a, beta=2.0), ((2, 3),)),
    C("clip", lambda a: F.clip(a, -0.5, 0.8), lambda a: a.clamp(-0.5, 0.8), ((3, 4),)),
    C("clip_min_only", lambda a: a.clip(min=0.1), lambda a: a.clamp(min=0.1), ((3, 4),)),
    C("clamp_max_only", lambda a: F.clamp(a, max=0.2), lambda a: a.clamp(max=0.2), ((3, 4),)),
    C("maximum", lambda a, b: F.maximum(a, b), lambda a, b: _torch().maximum(a, b), ((3, 4), (3, 4))),
    C("maximum_bcast", lambda a, b: F.maximum(a, b), lambda a, b: _torch().maximum(a, b), ((3, 1), (4,))),
    C("maximum_scalar", lambda a: F.maximum(a, 0.3), lambda a: a.clamp(min=0.3), ((3, 4),), ("away",)),
    C("minimum", lambda a, b: F.minimum(a, b), lambda a, b: _torch().minimum(a, b), ((3, 4), (3, 4))),
    C("minimum_bcast", lambda a, b: F.minimum(a, b), lambda a, b: _torch().minimum(a, b), ((2, 1, 4), (3, 1))),
    C("where", lambda a, b: F.where(_cond, a, b), lambda a, b: _torch().where(_t_cond(a), a, b), ((3, 4), (3, 4))),
    C(
        "where_bcast",
        lambda a, b: F.where(_cond, a, b),
        lambda a, b: _torch().where(_t_cond(a), a, b),
        ((3, 1), (4,)),
    ),
    C("where_scalar", lambda a: F.where(_cond, a, 0.0), lambda a: _torch().where(_t_cond(a), a, 0.0), ((3, 4),)),
    # ---------------------------------------------------------------- reductions
    C("sum_all", lambda a: a.sum(), lambda a: a.sum(), ((2, 3),)),
    C("sum_axis", lambda a: F.sum(a, axis=1), lambda a: a.sum(dim=1), ((2, 3, 4),)),
    C("sum_tuple_keep", lambda a: a.sum((0, 2), keepdims=True), lambda a: a.sum((0, 2), keepdim=True), ((2, 3, 4),)),
    C("sum_dim_neg", lambda a: a.sum(dim=-1), lambda a: a.sum(dim=-1), ((2, 1, 4),)),
    C("mean_all", lambda a: a.mean(), lambda a: a.mean(), ((2, 3),)),
    C("mean_axis", lambda a: F.mean(a, 0), lambda a: a.mean(0), ((3, 4),)),
    C("mean_tuple_keep", lambda a: a.mean(dim=(0, 1), keepdims=True), lambda a: a.mean((0, 1), True), ((2, 3, 2),)),
    C("var_all", lambda a: a.var(), lambda a: a.var(correction=0), ((3, 4),)),
    C("var_axis", lambda a: F.var(a, axis=0), lambda a: a.var(0, correction=0), ((5, 3),)),
    C("var_corr1", lambda a: a.var(1, correction=1), lambda a: a.var(1, correction=1), ((3, 4),)),
    C("var_keep", lambda a: a.var((0, 2), True), lambda a: a.var((0, 2), keepdim=True, correction=0), ((2, 3, 2),)),
    C("std_all", lambda a: a.std(), lambda a: a.std(correction=0), ((3, 4),)),
    C("std_axis", lambda a: F.std(a, dim=1), lambda a: a.std(1, correction=0), ((3, 4),)),
    C("std_corr1", lambda a: a.std(0, correction=1), lambda a: a.std(0, correction=1), ((4, 3),)),
    C("max_all", lambda a: a.max(), lambda a: a.amax(), ((3, 4),)),
    C("max_axis", lambda a: F.max(a, axis=1), lambda a: a.amax(1), ((3, 4),)),
    C("max_tuple_keep", lambda a: a.max((0, 2), keepdims=True), lambda a: a.amax((0, 2), True), ((2, 3, 4),)),
    C("min_all", lambda a: a.min(), lambda a: a.amin(), ((3, 4),)),
    C("min_axis", lambda a: F.min(a, axis=0), lambda a: a.amin(0), ((3, 4),)),
    C("sum_0d_dim0", lambda a: a.sum(0), lambda a: a.sum(0), ((),)),
    C("max_0d_dim_neg", lambda a: a.max(axis=-1), lambda a: a.amax(-1), ((),)),
    C("softmax_0d", lambda a: a.softmax(), lambda a: a.softmax(-1), ((),)),
    C("logsumexp_all", lambda a: a.logsumexp(), lambda a: a.logsumexp((0, 1)), ((3, 4),)),
    C("logsumexp_axis", lambda a: F.logsumexp(a, 1), lambda a: a.logsumexp(1), ((3, 4),)),
    C("logsumexp_keep", lambda a: a.logsumexp(0, keepdims=True), lambda a: a.logsumexp(0, True), ((3, 1, 2),)),
    C("softmax_last", lambda a: F.softmax(a), lambda a: a.softmax(-1), ((3, 4),)),
    C("softmax_axis0", lambda a: F.softmax(a, axis=0), lambda a: a.softmax(0), ((3, 4),)),
    C("softmax_mid", lambda a: a.softmax(dim=1), lambda a: a.softmax(1), ((2, 3, 2),)),
    C("log_softmax_last", lambda a: F.log_softmax(a), lambda a: a.log_softmax(-1), ((3, 4),)),
    C("log_softmax_axis0", lambda a: a.log_softmax(0), lambda a: a.log_softmax(0), ((3, 4),)),
    C("log_softmax_mid", lambda a: F.log_softmax(a, dim=1), lambda a: a.log_softmax(1), ((2, 3, 2),)),
    # nll: -sum_i v_i a[i, t_i]; with v_i = 1/N it is PyTorch's nll_loss (the mean)
    C(
        "nll_mean",
        lambda a: F.nll(a, _TARGETS, np.full(4, 0.25, a.dtype)),
        lambda a: _tf("nll_loss")(a, _t_index(_TARGETS)),
        ((4, 3),),
    ),
    C(
        "nll_weighted",
        lambda a: F.nll(a, _TARGETS, _SAMPLE_WEIGHTS.astype(a.dtype)),
        lambda a: -(_torch().tensor(_SAMPLE_WEIGHTS, dtype=a.dtype) * a[_torch().arange(4), _t_index(_TARGETS)]).sum(),
        ((4, 3),),
    ),
    C(
        "nll_of_log_softmax",
        lambda a: F.nll(F.log_softmax(a, 1), _TARGETS, np.full(4, 0.25, a.dtype)),
        lambda a: _tf("cross_entropy")(a, _t_index(_TARGETS)),
        ((4, 3),),
    ),
    # ---------------------------------------------------------------- shape ops
    C("reshape", lambda a: a.reshape(4, 3), lambda a: a.reshape(4, 3), ((3, 4),)),
    C("reshape_infer", lambda a: F.reshape(a, (2, -1)), lambda a: a.reshape(2, -1), ((3, 4),)),
    C("view", lambda a: a.view(12), lambda a: a.view(12), ((3, 4),)),
    C("flatten", lambda a: a.flatten(), lambda a: a.flatten(), ((2, 3, 2),)),
    C("flatten_from1", lambda a: F.flatten(a, 1), lambda a: a.flatten(1), ((2, 3, 2),)),
    C("transpose_2d", lambda a: a.transpose(), lambda a: a.T, ((3, 4),)),
    C("transpose_pair_2d", lambda a: a.transpose(0, 1), lambda a: a.transpose(0, 1), ((3, 4),)),
    C("transpose_pair_3d", lambda a: F.transpose(a, 0, 2), lambda a: a.transpose(0, 2), ((2, 3, 4),)),
    C("T", lambda a: a.T, lambda a: a.T, ((3, 4),)),
    C("mT", lambda a: a.mT, lambda a: a.mT, ((2, 3, 4),)),
    C("permute", lambda a: a.permute(2, 0, 1), lambda a: a.permute(2, 0, 1), ((2, 3, 4),)),
    C("swapaxes", lambda a: F.swapaxes(a, 0, -1), lambda a: a.swapaxes(0, -1), ((2, 3, 4),)),
    C("unsqueeze", lambda a: a.unsqueeze(1), lambda a: a.unsqueeze(1), ((2, 3),)),
    C("unsqueeze_neg", lambda a: F.unsqueeze(a, -1), lambda a: a.unsqueeze(-1), ((2, 3),)),
    C("expand_dims", lambda a: F.expand_dims(a, 0), lambda a: a.unsqueeze(0), ((2, 3),)),
    C("squeeze_all", lambda a: a.squeeze(), lambda a: a.squeeze(), ((2, 1, 3, 1),)),
    C("squeeze_axis", lambda a: a.squeeze(1), lambda a: a.squeeze(1), ((2, 1, 3, 1),)),
    C("broadcast_to", lambda a: F.broadcast_to(a, (2, 3, 4)), lambda a: a.expand(2, 3, 4), ((3, 1),)),
    C("expand", lambda a: a.expand((4, 3)), lambda a: a.expand(4, 3), ((3,),)),
    C("sum_to", lambda a: F.sum_to(a, (3, 1)), lambda a: a.sum_to_size(3, 1), ((2, 3, 4),)),
    C("sum_to_row", lambda a: a.sum_to((4,)), lambda a: a.sum_to_size(4), ((2, 3, 4),)),
    # ---------------------------------------------------------------- indexing
    C("getitem_int", lambda a: a[1], lambda a: a[1], ((3, 4),)),
    C("getitem_slices", lambda a: a[1:, ::2], lambda a: a[1:, ::2], ((3, 4),)),
    C("getitem_neg_step", lambda a: a[::-1], lambda a: a.flip(0), ((4, 2),)),
    C("getitem_ellipsis_none", lambda a: a[..., None, 1], lambda a: a[..., None, 1], ((2, 3, 4),)),
    C("getitem_int_array_repeat", lambda a: a[[0, 2, 0, 0]], lambda a: a[[0, 2, 0, 0]], ((3, 4),)),
    C("getitem_pair_arrays", lambda a: a[[0, 1, 1], [3, 3, 0]], lambda a: a[[0, 1, 1], [3, 3, 0]], ((3, 4),)),
    C("getitem_slice_array", lambda a: a[:, [1, 1, 3]], lambda a: a[:, [1, 1, 3]], ((3, 4),)),
    C(
        "getitem_index_tensor",
        lambda a: a[F.detach(a).argmax(axis=1)],
        lambda a: a[a.detach().argmax(1)],
        ((3, 3),),
    ),
    C("getitem_2d_index", lambda a: a[np.array([[0, 1], [1, 1]])], lambda a: a[_t_index([[0, 1], [1, 1]])], ((3,),)),
    C("getitem_bool_mask", lambda a: a[_mask], lambda a: a[_t_mask(a)], ((3, 4),)),
    C(
        "getitem_bool_rows",
        lambda a: a[np.array([True, False, True])],
        lambda a: a[_t_index([1, 0, 1]).bool()],
        ((3, 2),),
    ),
    C("concatenate", lambda a, b: F.concatenate([a, b]), lambda a, b: _torch().cat([a, b]), ((2, 3), (1, 3))),
    C(
        "cat_axis1",
        lambda a, b, c: F.cat([a, b, c], axis=1),
        lambda a, b, c: _torch().cat([a, b, c], 1),
        ((2, 1), (2, 3), (2, 2)),
    ),
    C("cat_dim_neg", lambda a, b: F.cat((a, b), dim=-1), lambda a, b: _torch().cat([a, b], -1), ((2, 2, 1), (2, 2, 3))),
    C("stack", lambda a, b: F.stack([a, b]), lambda a, b: _torch().stack([a, b]), ((2, 3), (2, 3))),
    C(
        "stack_last",
        lambda a, b, c: F.stack([a, b, c], axis=-1),
        lambda a, b, c: _torch().stack([a, b, c], -1),
        ((2, 3),) * 3,
    ),
    C("stack_dim1", lambda a, b: F.stack([a, b], dim=1), lambda a, b: _torch().stack([a, b], 1), ((2, 3), (2, 3))),
    C("pad_int", lambda a: F.pad(a, 1), lambda a: _tf("pad")(a, (1, 1, 1, 1)), ((2, 3),)),
    C("pad_pairs", lambda a: F.pad(a, ((0, 0), (2, 1), (0, 3))), lambda a: _tf("pad")(a, (0, 3, 2, 1)), ((1, 2, 2),)),
    C("pad_value", lambda a: F.pad(a, ((1, 0),), value=5.0), lambda a: _tf("pad")(a, (1, 0), value=5.0), ((3,),)),
]

CASE_IDS = [c.id for c in CASES]
