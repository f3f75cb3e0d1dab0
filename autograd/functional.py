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
    sign,
    sin,
    sqrt,
    to_device,
    where,
)
from .ops.embedding import embedding
from .ops.fold import fold, unfold
from .ops.indexing import cat, concatenate, getitem, stack
from .ops.interpolate import interpolate
from .ops.linalg import linear, matmul
from .ops.nll import nll
from .ops.norm import batch_norm, group_norm, layer_norm
from .ops.padding import pad
from .ops.pool import avg_pool2d, max_pool2d
from .ops.reductions import argmax, argmin, logsumexp, max, mean, min, std, sum, var
from .ops.shape import (
    broadcast_to,
    expand_dims,
    flatten,
    permute,
    reshape,
    squeeze,
    sum_to,
    swapaxes,
    transpose,
    unsqueeze,
)
from .ops.softmax import log_softmax, softmax
from .ops.unpool import max_unpool2d

__all__ = [
    "abs", "add", "argmax", "argmin", "astype", "avg_pool2d", "broadcast_to", "cat", "clamp", "clip",
    "compare", "concatenate", "conv2d", "cos", "dropout", "detach", "div", "elu", "embedding", "exp", "expand_dims",
    "flatten", "getitem", "is_tensor", "leaky_relu", "linear", "log", "log_softmax", "logsumexp", "matmul", "max", "max_pool2d",
    "maximum", "mean", "min", "minimum", "mul", "neg", "nll", "pad", "permute", "pow", "relu",
    "reshape", "sigmoid", "sign", "sin", "softmax", "softplus", "sqrt", "squeeze", "stack",
    "std", "sub", "sum", "sum_to", "swapaxes", "tanh", "to_device", "transpose", "unsqueeze",
    "var", "where",
]  # fmt: skip
__all__ += [
    "adaptive_avg_pool2d", "adaptive_max_pool2d", "batch_norm", "conv1d", "conv_transpose2d", "fold", "group_norm",
    "interpolate", "layer_norm", "max_unpool2d", "scaled_dot_product_attention", "unfold",
]  # fmt: skip
