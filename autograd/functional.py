"""Every differentiable op as a function: ``import autograd.functional as F``.

Each op lives with its backward in ``autograd/ops/``; this module only gathers
them under the names PyTorch uses, so ``F.relu(x)``, ``F.conv2d(x, w)`` read the
same as in ``torch.nn.functional``.
"""

from .ops.activations import elu, leaky_relu, relu, sigmoid, softplus, tanh
from .ops.adaptive_pool import adaptive_avg_pool2d, adaptive_max_pool2d
from .ops.arithmetic import add, div, mul, neg, pow, sub
from .ops.attention import scaled_dot_product_attention
from .ops.conv import conv1d, conv2d
from .ops.conv_transpose import conv_transpose2d
from .ops.dropout import dropout
from .ops.einsum import einsum
from .ops.elementwise import (
    abs,
    astype,
    clamp,
    clip,
    compare,
    cos,
    detach,
    exp,
    is_tensor,
    log,
    maximum,
    minimum,
    sin,
    sqrt,
    to_device,
)
from .ops.embedding import embedding
from .ops.exp_log import erf, exp2, expm1, log1p, log2, log10, logaddexp, rsqrt
from .ops.fold import fold, unfold
from .ops.gather import gather, index_select, masked_fill, masked_select, nonzero, one_hot, scatter, scatter_add
from .ops.hard_activations import hardsigmoid, hardswish, hardtanh, relu6, rrelu
from .ops.indexing import cat, concatenate, getitem, stack
from .ops.interpolate import interpolate
from .ops.linalg import linear, matmul
from .ops.logical import (
    all,
    any,
    isclose,
    isfinite,
    isinf,
    isnan,
    logical_and,
    logical_not,
    logical_or,
    logical_xor,
    where,
)
from .ops.nll import nll
from .ops.norm import batch_norm, group_norm, layer_norm
from .ops.padding import pad
from .ops.pool import avg_pool2d, max_pool2d
from .ops.rearrange import (
    chunk,
    diag,
    diagonal,
    expand,
    flip,
    meshgrid,
    movedim,
    repeat,
    repeat_interleave,
    roll,
    split,
    squeeze,
    tril,
    triu,
    unbind,
    unflatten,
    unsqueeze,
)
from .ops.rounding import ceil, floor, floor_divide, fmod, lerp, remainder, round, sign, trunc
from .ops.scans import cummax, cummin, cumprod, cumsum, logcumsumexp, prod
from .ops.shape import (
    broadcast_to,
    expand_dims,
    flatten,
    permute,
    reshape,
    sum_to,
    swapaxes,
    transpose,
)
from .ops.smooth_activations import celu, gelu, logsigmoid, mish, normalize, selu, silu, softmin, softsign
from .ops.softmax import log_softmax, softmax
from .ops.sorting import argsort, median, sort, topk
from .ops.torch_aliases import (
    bmm,
    clamp_max,
    clamp_min,
    clone,
    dot,
    mm,
    narrow,
    norm,
    outer,
    reciprocal,
    select,
    square,
    trace,
)
from .ops.torch_reductions import (
    amax,
    amin,
    argmax,
    argmin,
    logsumexp,
    max,
    mean,
    min,
    std,
    std_mean,
    sum,
    var,
    var_mean,
)
from .ops.trig import acos, acosh, asin, asinh, atan, atan2, atanh, cosh, sinh, tan
from .ops.unpool import max_unpool2d

__all__ = [
    "abs", "acos", "acosh", "adaptive_avg_pool2d", "adaptive_max_pool2d", "add", "all", "amax", "amin", "any",
    "argmax", "argmin", "argsort", "asin", "asinh", "astype", "atan", "atan2", "atanh", "avg_pool2d",
    "batch_norm", "bmm", "broadcast_to", "cat", "ceil", "celu", "chunk", "clamp", "clamp_max", "clamp_min",
    "clip", "clone", "compare", "concatenate", "conv1d", "conv2d", "conv_transpose2d", "cos", "cosh", "cummax",
    "cummin", "cumprod", "cumsum", "detach", "diag", "diagonal", "div", "dot", "dropout", "einsum", "elu",
    "embedding", "erf", "exp", "exp2", "expand", "expand_dims", "expm1", "flatten", "flip", "floor",
    "floor_divide", "fmod", "fold", "gather", "gelu", "getitem", "group_norm", "hardsigmoid", "hardswish",
    "hardtanh", "index_select", "interpolate", "is_tensor", "isclose", "isfinite", "isinf", "isnan", "layer_norm",
    "leaky_relu", "lerp", "linear", "log", "log10", "log1p", "log2", "log_softmax", "logaddexp", "logcumsumexp",
    "logical_and", "logical_not", "logical_or", "logical_xor", "logsigmoid", "logsumexp", "masked_fill",
    "masked_select", "matmul", "max", "max_pool2d", "max_unpool2d", "maximum", "mean", "median", "meshgrid",
    "min", "minimum", "mish", "mm", "movedim", "mul", "narrow", "neg", "nll", "nonzero", "norm", "normalize",
    "one_hot", "outer", "pad", "permute", "pow", "prod", "reciprocal", "relu", "relu6", "remainder", "repeat",
    "repeat_interleave", "reshape", "roll", "round", "rrelu", "rsqrt", "scaled_dot_product_attention", "scatter",
    "scatter_add", "select", "selu", "sigmoid", "sign", "silu", "sin", "sinh", "softmax", "softmin", "softplus",
    "softsign", "sort", "split", "sqrt", "square", "squeeze", "stack", "std", "std_mean", "sub", "sum", "sum_to",
    "swapaxes", "tan", "tanh", "to_device", "topk", "trace", "transpose", "tril", "triu", "trunc", "unbind",
    "unflatten", "unfold", "unsqueeze", "var", "var_mean", "where",
]  # fmt: skip
