"""The second table of differentiable ops (PyTorch's breadth: trig, rounding, activations, scans,
sorting, gather/scatter, rearranging, einsum), walked by tests/test_ops_more.py.

The same ``Case`` as tests/op_cases.py: ``fn`` takes our Tensors, ``torch_fn``
the same inputs as torch tensors; ``kinds`` draws inputs away from kinks and
outside each op's domain (see op_cases.py). Ops that return ``(values, indices)``
are checked through their values; the indices are compared in test_ops_more.py.
"""

from __future__ import annotations

import numpy as np
from op_cases import Case

import autograd.functional as F


def _torch():
    import torch

    return torch


def _t(name):
    """torch.<name>, looked up only when torch is there."""
    return lambda *a, **k: getattr(_torch(), name)(*a, **k)


def _tf(name):
    """torch.nn.functional.<name>."""
    return lambda *a, **k: getattr(_torch().nn.functional, name)(*a, **k)


def _ti(values):
    """An int64 index tensor for torch from the same values our ops get as a NumPy array."""
    return _torch().tensor(np.asarray(values))


def _tb(values):
    return _torch().tensor(np.asarray(values, dtype=bool))


_IDX0 = np.array([[2, 0, 1, 1], [0, 2, 2, 0]])  # gather/scatter along dim 0 of a (3, 4) input
_IDX1 = np.array([[3, 0], [1, 1], [0, 2]])  # along dim 1 of a (3, 4) input (repeats: scatter_add sums them)
_PERM1 = np.array([[3, 0, 2, 1], [1, 2, 0, 3], [0, 1, 3, 2]])  # no repeats within a row: scatter is well defined
_MASK = np.array([[True, False, True, False], [False, False, True, True], [True, True, False, False]])
_ROWMASK = np.array([True, False, True, True])

C = Case
CASES = [
    # ---------------------------------------------------------------- trigonometric and hyperbolic
    C("tan", lambda a: F.tan(a), lambda a: a.tan(), ((2, 3),), ("unit",)),
    C("asin", lambda a: a.asin(), lambda a: a.asin(), ((2, 3),), ("unit",)),
    C("acos", lambda a: F.acos(a), lambda a: a.acos(), ((2, 3),), ("unit",)),
    C("atan", lambda a: F.atan(a), lambda a: a.atan(), ((2, 3),)),
    C("atan2", lambda y, x: F.atan2(y, x), lambda y, x: _torch().atan2(y, x), ((2, 3), (2, 3)), ("n", "away")),
    C("atan2_bcast", lambda y, x: y.atan2(x), lambda y, x: y.atan2(x), ((3, 1), (4,)), ("n", "away")),
    C("sinh", lambda a: F.sinh(a), lambda a: a.sinh(), ((2, 3),)),
    C("cosh", lambda a: a.cosh(), lambda a: a.cosh(), ((2, 3),)),
    C("asinh", lambda a: F.asinh(a), lambda a: a.asinh(), ((2, 3),)),
    C("acosh", lambda a: F.acosh(a + 1.0), lambda a: (a + 1.0).acosh(), ((2, 3),), ("pos",)),
    C("atanh", lambda a: a.atanh(), lambda a: a.atanh(), ((2, 3),), ("unit",)),
    # ---------------------------------------------------------------- exponentials and logarithms
    C("exp2", lambda a: F.exp2(a), lambda a: a.exp2(), ((2, 3),)),
    C("expm1", lambda a: a.expm1(), lambda a: a.expm1(), ((2, 3),)),
    C("log2", lambda a: F.log2(a), lambda a: a.log2(), ((2, 3),), ("pos",)),
    C("log10", lambda a: a.log10(), lambda a: a.log10(), ((2, 3),), ("pos",)),
    C("log1p", lambda a: F.log1p(a), lambda a: a.log1p(), ((2, 3),), ("unit",)),
    C("rsqrt", lambda a: a.rsqrt(), lambda a: a.rsqrt(), ((2, 3),), ("pos",)),
    C("erf", lambda a: F.erf(a * 2.0), lambda a: (a * 2.0).erf(), ((3, 4),)),
    C("logaddexp", lambda a, b: F.logaddexp(a, b), lambda a, b: _torch().logaddexp(a, b), ((2, 3), (2, 3))),
    C("logaddexp_bcast", lambda a, b: a.logaddexp(b), lambda a, b: a.logaddexp(b), ((2, 1), (3,))),
    # ---------------------------------------------------------------- rounding (zero gradient) and remainders
    C("floor", lambda a: F.floor(a * 3.0), lambda a: (a * 3.0).floor(), ((2, 3),)),
    C("ceil", lambda a: a.ceil(), lambda a: a.ceil(), ((2, 3),)),
    C("round", lambda a: F.round(a * 3.0), lambda a: (a * 3.0).round(), ((2, 3),)),
    C("round_decimals", lambda a: a.round(decimals=1), lambda a: a.round(decimals=1), ((2, 3),)),
    C("trunc", lambda a: F.trunc(a * 3.0), lambda a: (a * 3.0).trunc(), ((2, 3),)),
    C("sign", lambda a: F.sign(a), lambda a: a.sign(), ((2, 3),), ("away",)),
    C("fmod", lambda a, b: F.fmod(a * 3.0, b), lambda a, b: _torch().fmod(a * 3.0, b), ((2, 3), (2, 3)), ("n", "pos")),
    C("fmod_scalar", lambda a: a.fmod(0.7), lambda a: a.fmod(0.7), ((2, 3),)),
    C("remainder_op", lambda a, b: (a * 3.0) % b, lambda a, b: (a * 3.0) % b, ((2, 3), (3,)), ("n", "pos")),
    C("remainder_neg", lambda a, b: F.remainder(a, -b), lambda a, b: _torch().remainder(a, -b), ((4,), (4,)), ("n", "pos")),
    # PyTorch has no derivative of % in its divisor when the dividend is a number: the definition instead
    C("rmod_scalar", lambda a: 5.0 % a, lambda a: 5.0 - a * _torch().floor(5.0 / a), ((4,),), ("pos",)),
    C("lerp_scalar", lambda a, b: F.lerp(a, b, 0.3), lambda a, b: _torch().lerp(a, b, 0.3), ((2, 3), (2, 3))),
    C("lerp_tensor", lambda a, b, w: a.lerp(b, w), lambda a, b, w: a.lerp(b, w), ((2, 3), (3,), (2, 1)), ("n", "n", "unit")),
    # ---------------------------------------------------------------- activations
    C("gelu", lambda a: F.gelu(a * 2.0), lambda a: _tf("gelu")(a * 2.0), ((3, 4),)),
    C("gelu_tanh", lambda a: F.gelu(a, approximate="tanh"), lambda a: _tf("gelu")(a, approximate="tanh"), ((3, 4),)),
    C("silu", lambda a: F.silu(a), _tf("silu"), ((3, 4),)),
    C("mish", lambda a: F.mish(a), _tf("mish"), ((3, 4),)),
    C("selu", lambda a: F.selu(a), _tf("selu"), ((3, 4),), ("away",)),
    C("celu", lambda a: F.celu(a, 0.5), lambda a: _tf("celu")(a, 0.5), ((3, 4),), ("away",)),
    C("relu6", lambda a: F.relu6(a * 4.0), lambda a: _tf("relu6")(a * 4.0), ((3, 4),), ("away",)),
    C("hardtanh", lambda a: F.hardtanh(a * 2.0), lambda a: _tf("hardtanh")(a * 2.0), ((3, 4),), ("away",)),
    C("hardtanh_range", lambda a: F.hardtanh(a, -0.5, 1.5), lambda a: _tf("hardtanh")(a, -0.5, 1.5), ((3, 4),)),
    # PyTorch's hardsigmoid backward rounds 1/6 to float32 even in float64: the definition instead
    C("hardsigmoid", lambda a: F.hardsigmoid(a * 3.0), lambda a: _tf("relu6")(a * 3.0 + 3.0) / 6.0, ((3, 4),)),
    C("hardswish", lambda a: F.hardswish(a * 3.0), lambda a: _tf("hardswish")(a * 3.0), ((3, 4),)),
    C("logsigmoid", lambda a: F.logsigmoid(a * 3.0), lambda a: _tf("logsigmoid")(a * 3.0), ((3, 4),)),
    C("softsign", lambda a: F.softsign(a), _tf("softsign"), ((3, 4),), ("away",)),
    C("softmin", lambda a: F.softmin(a, dim=1), lambda a: _tf("softmin")(a, dim=1), ((3, 4),)),
    C("softmin_dim0", lambda a: F.softmin(a, 0), lambda a: _tf("softmin")(a, dim=0), ((3, 4),)),
    C("normalize", lambda a: F.normalize(a), lambda a: _tf("normalize")(a), ((3, 4),)),
    C("normalize_p1_dim0", lambda a: F.normalize(a, p=1, dim=0), lambda a: _tf("normalize")(a, p=1, dim=0), ((3, 4),), ("away",)),
    C("rrelu_eval", lambda a: F.rrelu(a), lambda a: _tf("rrelu")(a, training=False), ((3, 4),), ("away",)),
    # ---------------------------------------------------------------- reductions and scans
    C("prod_all", lambda a: a.prod(), lambda a: a.prod(), ((2, 3),)),
    C("prod_dim", lambda a: F.prod(a, 1), lambda a: a.prod(1), ((2, 3),)),
    C("prod_keepdim", lambda a: a.prod(dim=0, keepdim=True), lambda a: a.prod(0, keepdim=True), ((3, 2),)),
    C("prod_size1", lambda a: a.prod(1), lambda a: a.prod(1), ((3, 1),)),
    C("prod_empty", lambda a: a.prod(0), lambda a: a.prod(0), ((0, 3),)),
    C("cumsum", lambda a: F.cumsum(a, 1), lambda a: a.cumsum(1), ((3, 4),)),
    C("cumsum_dim0", lambda a: a.cumsum(dim=0), lambda a: a.cumsum(0), ((3, 4),)),
    C("cumsum_empty", lambda a: a.cumsum(0), lambda a: a.cumsum(0), ((0, 3),)),
    C("cumprod", lambda a: F.cumprod(a, 1), lambda a: a.cumprod(1), ((3, 4),)),
    C("cumprod_1d", lambda a: a.cumprod(0), lambda a: a.cumprod(0), ((5,),)),
    C("cummax", lambda a: F.cummax(a, 1).values, lambda a: a.cummax(1).values, ((3, 5),)),
    C("cummin", lambda a: a.cummin(0).values, lambda a: a.cummin(0).values, ((4, 3),)),
    C("logcumsumexp", lambda a: F.logcumsumexp(a, 1), lambda a: a.logcumsumexp(1), ((3, 4),)),
    C("logcumsumexp_dim0", lambda a: a.logcumsumexp(0), lambda a: a.logcumsumexp(0), ((4, 2),)),
    C("std_mean", lambda a: F.std_mean(a, 1)[0] + F.std_mean(a, 1)[1], lambda a: sum(_torch().std_mean(a, 1, correction=0)), ((3, 4),)),
    C("var_mean", lambda a: F.var_mean(a, dim=0, correction=1)[0] * 2 - F.var_mean(a, 0)[1], lambda a: (lambda v, m: v * 2 - m)(*_torch().var_mean(a, 0)), ((3, 4),)),
    C("sum_keepdim", lambda a: a.sum(dim=1, keepdim=True), lambda a: a.sum(1, keepdim=True), ((3, 4),)),
    C("mean_keepdim", lambda a: F.mean(a, 0, keepdim=True), lambda a: a.mean(0, keepdim=True), ((3, 4),)),
    C("var_unbiased", lambda a: a.var(1, unbiased=True), lambda a: a.var(1), ((3, 4),)),
    C("amax", lambda a: a.amax(1), lambda a: a.amax(1), ((3, 4),)),
    C("amin_tuple", lambda a: F.amin(a, (0, 2), keepdim=True), lambda a: a.amin((0, 2), keepdim=True), ((2, 3, 2),)),
    C("max_dim", lambda a: a.max(1).values, lambda a: a.max(1).values, ((3, 4),)),
    C("max_dim_keepdim", lambda a: a.max(0, keepdim=True)[0], lambda a: a.max(0, keepdim=True)[0], ((3, 4),)),
    C("min_dim", lambda a: a.min(dim=-1).values, lambda a: a.min(dim=-1).values, ((3, 4),)),
    C("sort", lambda a: F.sort(a, 1).values, lambda a: a.sort(1).values, ((3, 4),)),
    C("sort_desc", lambda a: a.sort(0, descending=True)[0], lambda a: a.sort(0, descending=True)[0], ((3, 4),)),
    C("topk", lambda a: F.topk(a, 2).values, lambda a: a.topk(2).values, ((3, 4),)),
    C("topk_smallest", lambda a: a.topk(3, dim=0, largest=False)[0], lambda a: a.topk(3, 0, largest=False)[0], ((4, 2),)),
    C("median_all", lambda a: a.median(), lambda a: a.median(), ((3, 4),)),
    C("median_dim", lambda a: F.median(a, 1).values, lambda a: a.median(1).values, ((3, 5),)),
    C("median_even", lambda a: a.median(dim=1, keepdim=True)[0], lambda a: a.median(1, keepdim=True)[0], ((3, 4),)),
    # ---------------------------------------------------------------- rearranging
    C("flip", lambda a: F.flip(a, 1), lambda a: a.flip(1), ((3, 4),)),
    C("flip_dims", lambda a: a.flip(0, 2), lambda a: a.flip(0, 2), ((2, 3, 2),)),
    C("roll", lambda a: F.roll(a, 1, 1), lambda a: a.roll(1, 1), ((3, 4),)),
    C("roll_dims", lambda a: a.roll((2, -1), (0, 1)), lambda a: a.roll((2, -1), (0, 1)), ((3, 4),)),
    C("roll_flat", lambda a: a.roll(5), lambda a: a.roll(5), ((3, 4),)),
    C("repeat", lambda a: a.repeat(2, 3), lambda a: a.repeat(2, 3), ((2, 3),)),
    C("repeat_new_dim", lambda a: F.repeat(a, (2, 1, 2)), lambda a: a.repeat(2, 1, 2), ((3, 1),)),
    C("repeat_interleave", lambda a: a.repeat_interleave(2), lambda a: a.repeat_interleave(2), ((2, 3),)),
    C("repeat_interleave_dim", lambda a: F.repeat_interleave(a, np.array([1, 0, 3]), 0), lambda a: a.repeat_interleave(_ti([1, 0, 3]), 0), ((3, 2),)),
    C("split", lambda a: F.split(a, 2, 1)[1] * 2.0 + F.split(a, 2, 1)[0], lambda a: a.split(2, 1)[1] * 2.0 + a.split(2, 1)[0], ((3, 4),)),
    C("split_sections", lambda a: a.split([1, 3], dim=1)[1], lambda a: a.split([1, 3], dim=1)[1], ((3, 4),)),
    C("chunk", lambda a: a.chunk(3, 1)[2], lambda a: a.chunk(3, 1)[2], ((2, 5),)),
    C("unbind", lambda a: F.unbind(a)[0] * F.unbind(a)[2], lambda a: a.unbind()[0] * a.unbind()[2], ((3, 4),)),
    C("unflatten", lambda a: F.unflatten(a, 1, (2, -1)), lambda a: a.unflatten(1, (2, -1)), ((3, 4),)),
    C("movedim", lambda a: a.movedim(0, -1), lambda a: a.movedim(0, -1), ((2, 3, 4),)),
    C("movedim_pair", lambda a: F.movedim(a, (0, 1), (2, 0)), lambda a: a.movedim((0, 1), (2, 0)), ((2, 3, 4),)),
    C("diag_vector", lambda a: F.diag(a), lambda a: _torch().diag(a), ((3,),)),
    C("diag_vector_offset", lambda a: a.diag(-1), lambda a: a.diag(-1), ((3,),)),
    C("diag_matrix", lambda a: F.diag(a, 1), lambda a: _torch().diag(a, 1), ((3, 4),)),
    C("diagonal", lambda a: a.diagonal(), lambda a: a.diagonal(), ((3, 4),)),
    C("diagonal_batched", lambda a: F.diagonal(a, 0, 1, 2), lambda a: a.diagonal(0, 1, 2), ((2, 3, 3),)),
    C("tril", lambda a: F.tril(a), lambda a: a.tril(), ((3, 4),)),
    C("tril_offset", lambda a: a.tril(-1), lambda a: a.tril(-1), ((2, 3, 3),)),
    C("triu", lambda a: a.triu(1), lambda a: a.triu(1), ((3, 4),)),
    C("expand_minus1", lambda a: a.expand(2, -1, 4), lambda a: a.expand(2, -1, 4), ((3, 1),)),
    C("meshgrid", lambda a, b: F.meshgrid(a, b)[0] * F.meshgrid(a, b)[1], lambda a, b: (lambda x, y: x * y)(*_torch().meshgrid(a, b, indexing="ij")), ((3,), (4,))),
    C("meshgrid_xy", lambda a, b: F.meshgrid(a, b, indexing="xy")[0] + 2 * F.meshgrid(a, b, indexing="xy")[1], lambda a, b: (lambda x, y: x + 2 * y)(*_torch().meshgrid(a, b, indexing="xy")), ((3,), (2,))),
    # ---------------------------------------------------------------- gather, scatter, masks
    C("gather_dim0", lambda a: F.gather(a, 0, _IDX0), lambda a: a.gather(0, _ti(_IDX0)), ((3, 4),)),
    C("gather_dim1", lambda a: a.gather(1, _IDX1), lambda a: a.gather(1, _ti(_IDX1)), ((3, 4),)),
    C("scatter", lambda a, s: F.scatter(a, 1, _PERM1[:, :2], s), lambda a, s: a.scatter(1, _ti(_PERM1[:, :2]), s), ((3, 4), (3, 2))),
    C("scatter_value", lambda a: a.scatter(1, _PERM1[:, :2], 0.5), lambda a: a.scatter(1, _ti(_PERM1[:, :2]), 0.5), ((3, 4),)),
    C("scatter_big_src", lambda a, s: a.scatter(0, _IDX0[:1], s), lambda a, s: a.scatter(0, _ti(_IDX0[:1]), s[:1]), ((3, 4), (2, 4))),
    C("scatter_add", lambda a, s: F.scatter_add(a, 1, _IDX1, s), lambda a, s: a.scatter_add(1, _ti(_IDX1), s), ((3, 4), (3, 2))),
    C("scatter_add_dim0", lambda a, s: a.scatter_add(0, _IDX0, s), lambda a, s: a.scatter_add(0, _ti(_IDX0), s), ((3, 4), (2, 4))),
    C("index_select", lambda a: F.index_select(a, 1, np.array([3, 0, 3])), lambda a: a.index_select(1, _ti([3, 0, 3])), ((3, 4),)),
    C("index_select_dim0", lambda a: a.index_select(0, np.array([2])), lambda a: a.index_select(0, _ti([2])), ((3, 4),)),
    C("masked_fill", lambda a: F.masked_fill(a, _MASK, -1.5), lambda a: a.masked_fill(_tb(_MASK), -1.5), ((3, 4),)),
    C("masked_fill_bcast", lambda a: a.masked_fill(_ROWMASK, 0.0), lambda a: a.masked_fill(_tb(_ROWMASK), 0.0), ((3, 4),)),
    C("masked_select", lambda a: F.masked_select(a, _MASK), lambda a: a.masked_select(_tb(_MASK)), ((3, 4),)),
    C("masked_select_bcast", lambda a: a.masked_select(_ROWMASK), lambda a: a.masked_select(_tb(_ROWMASK)), ((3, 4),)),
    C("where_tensor_scalar", lambda a: F.where(_MASK, 2.0, a), lambda a: _torch().where(_tb(_MASK), 2.0, a), ((3, 4),)),
    # ---------------------------------------------------------------- einsum
    C("einsum_matmul", lambda a, b: F.einsum("ij,jk->ik", a, b), lambda a, b: _torch().einsum("ij,jk->ik", a, b), ((2, 3), (3, 4))),
    C("einsum_batched", lambda a, b: F.einsum("bij,bjk->bik", a, b), lambda a, b: _torch().einsum("bij,bjk->bik", a, b), ((2, 2, 3), (2, 3, 2))),
    C("einsum_outer", lambda a, b: F.einsum("i,j->ij", a, b), lambda a, b: _torch().einsum("i,j->ij", a, b), ((3,), (4,))),
    C("einsum_trace", lambda a: F.einsum("ii", a), lambda a: _torch().einsum("ii", a), ((3, 3),)),
    C("einsum_diag", lambda a: F.einsum("ii->i", a), lambda a: _torch().einsum("ii->i", a), ((3, 3),)),
    C("einsum_sum_rows", lambda a: F.einsum("ij->i", a), lambda a: _torch().einsum("ij->i", a), ((3, 4),)),
    C("einsum_implicit_T", lambda a: F.einsum("ji", a), lambda a: _torch().einsum("ji", a), ((3, 4),)),
    C("einsum_ellipsis", lambda a, b: F.einsum("...ij,...jk", a, b), lambda a, b: _torch().einsum("...ij,...jk", a, b), ((2, 3, 4), (4, 2))),
    C("einsum_three", lambda a, b, c: F.einsum("i,ij,j->", a, b, c), lambda a, b, c: _torch().einsum("i,ij,j->", a, b, c), ((3,), (3, 4), (4,))),
    C("einsum_bcast_size1", lambda a, b: F.einsum("bij,bj->bi", a, b), lambda a, b: _torch().einsum("bij,bj->bi", a, b), ((1, 2, 3), (4, 3))),
    # ---------------------------------------------------------------- PyTorch's other spellings
    C("square", lambda a: F.square(a), lambda a: a.square(), ((2, 3),)),
    C("reciprocal", lambda a: a.reciprocal(), lambda a: a.reciprocal(), ((2, 3),), ("away",)),
    C("clone", lambda a: a.clone() * a, lambda a: a.clone() * a, ((2, 3),)),
    C("methods_add_sub_mul_div_neg", lambda a, b: a.add(b).mul(a).sub(1.5).div(b).neg(), lambda a, b: a.add(b).mul(a).sub(1.5).div(b).neg(), ((2, 3), (3,)), ("n", "pos")),
    C("mm", lambda a, b: F.mm(a, b), lambda a, b: _torch().mm(a, b), ((2, 3), (3, 4))),
    C("bmm", lambda a, b: a.bmm(b), lambda a, b: a.bmm(b), ((2, 2, 3), (2, 3, 4))),
    C("dot", lambda a, b: F.dot(a, b), lambda a, b: _torch().dot(a, b), ((4,), (4,))),
    C("outer", lambda a, b: a.outer(b), lambda a, b: a.outer(b), ((3,), (2,))),
    C("trace", lambda a: F.trace(a), lambda a: a.trace(), ((3, 4),)),
    C("t", lambda a: a.t(), lambda a: a.t(), ((3, 4),)),
    C("norm", lambda a: a.norm(), lambda a: a.norm(), ((3, 4),)),
    C("norm_dim_keepdim", lambda a: F.norm(a, dim=1, keepdim=True), lambda a: a.norm(dim=1, keepdim=True), ((3, 4),)),
    C("norm_p1", lambda a: a.norm(p=1, dim=0), lambda a: a.norm(p=1, dim=0), ((3, 4),), ("away",)),
    C("norm_p3", lambda a: F.norm(a, 3), lambda a: a.norm(3), ((3, 4),), ("away",)),
    C("narrow", lambda a: a.narrow(1, 1, 2), lambda a: a.narrow(1, 1, 2), ((3, 4),)),
    C("narrow_neg_start", lambda a: F.narrow(a, 0, -2, 2), lambda a: a.narrow(0, -2, 2), ((3, 4),)),
    C("select", lambda a: a.select(1, -1), lambda a: a.select(1, -1), ((3, 4),)),
    C("clamp_min", lambda a: a.clamp_min(0.2), lambda a: a.clamp_min(0.2), ((3, 4),)),
    C("clamp_max", lambda a: F.clamp_max(a, -0.1), lambda a: a.clamp_max(-0.1), ((3, 4),)),
]  # fmt: skip

CASE_IDS = [c.id for c in CASES]
