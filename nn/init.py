"""Weight initialisation, in place, as ``torch.nn.init``: ``nn.init.kaiming_uniform_(layer.weight)``.

Each function overwrites ``tensor.data`` with fresh values from the tensor's
own device generator (so ``autograd.manual_seed`` makes it repeatable) and
returns the tensor. The fan of a weight comes from its shape, as in PyTorch:
for a Linear weight ``(out, in)``, fan_in = in and fan_out = out; for a Conv2d
weight ``(out, in, kh, kw)``, fan_in = in*kh*kw and fan_out = out*kh*kw.
"""

import math

import numpy as np

__all__ = [
    "calculate_gain", "constant_", "kaiming_normal_", "kaiming_uniform_", "normal_", "ones_",
    "uniform_", "xavier_normal_", "xavier_uniform_", "zeros_",
]  # fmt: skip


def _fill(tensor, values):
    tensor.data[...] = values.astype(tensor.dtype, copy=False)
    return tensor


def _random_dtype(tensor):
    # the generators draw float32 or float64 directly; other dtypes are cast afterwards
    return tensor.dtype if tensor.dtype in (np.float32, np.float64) else np.float64


def _uniform(tensor, low, high):
    r = tensor.backend.random().random(tensor.shape, dtype=_random_dtype(tensor))
    return _fill(tensor, low + (high - low) * r)


def _normal(tensor, mean, std):
    r = tensor.backend.random().standard_normal(tensor.shape, dtype=_random_dtype(tensor))
    return _fill(tensor, mean + std * r)


def zeros_(tensor):
    """Fill with 0."""
    tensor.data[...] = 0
    return tensor


def ones_(tensor):
    """Fill with 1."""
    tensor.data[...] = 1
    return tensor


def constant_(tensor, val):
    """Fill with the constant ``val``."""
    tensor.data[...] = val
    return tensor


def uniform_(tensor, a=0.0, b=1.0):
    """Fill with values drawn from the uniform distribution U(a, b)."""
    return _uniform(tensor, a, b)


def normal_(tensor, mean=0.0, std=1.0):
    """Fill with values drawn from the normal distribution N(mean, std^2)."""
    return _normal(tensor, mean, std)


def calculate_gain(nonlinearity, param=None):
    """The recommended gain for an activation, as in PyTorch.

    linear, conv, sigmoid: 1;  tanh: 5/3;  relu: sqrt(2);
    leaky_relu with slope a (default 0.01): sqrt(2 / (1 + a^2));  selu: 3/4.
    """
    if nonlinearity in ("linear", "identity", "sigmoid") or nonlinearity.startswith("conv"):
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3.0
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else float(param)
        return math.sqrt(2.0 / (1.0 + slope**2))
    if nonlinearity == "selu":
        return 3.0 / 4.0
    raise ValueError(
        f"calculate_gain: unknown nonlinearity {nonlinearity!r}; use one of linear, sigmoid, tanh, relu, "
        f"leaky_relu, selu, conv2d"
    )


def _fans(tensor, who):
    if tensor.ndim < 2:
        raise ValueError(
            f"{who}: fan in and fan out need a weight with at least 2 dimensions, got shape {tensor.shape}"
        )
    receptive_field = math.prod(tensor.shape[2:])
    return tensor.shape[1] * receptive_field, tensor.shape[0] * receptive_field


def _fan(tensor, mode, who):
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"{who}: mode must be 'fan_in' or 'fan_out', got {mode!r}")
    fan_in, fan_out = _fans(tensor, who)
    return fan_in if mode == "fan_in" else fan_out


def xavier_uniform_(tensor, gain=1.0):
    """Glorot/Xavier uniform: U(-bound, bound) with bound = gain * sqrt(6 / (fan_in + fan_out))."""
    fan_in, fan_out = _fans(tensor, "xavier_uniform_")
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return _uniform(tensor, -bound, bound)


def xavier_normal_(tensor, gain=1.0):
    """Glorot/Xavier normal: N(0, std^2) with std = gain * sqrt(2 / (fan_in + fan_out))."""
    fan_in, fan_out = _fans(tensor, "xavier_normal_")
    return _normal(tensor, 0.0, gain * math.sqrt(2.0 / (fan_in + fan_out)))


def kaiming_uniform_(tensor, a=0.0, mode="fan_in", nonlinearity="leaky_relu"):
    """He/Kaiming uniform: U(-bound, bound) with bound = gain * sqrt(3 / fan).

    gain = calculate_gain(nonlinearity, a); fan is fan_in (default) or fan_out.
    PyTorch's Linear and Conv2d use a = sqrt(5), which gives bound = 1 / sqrt(fan_in).
    """
    fan = _fan(tensor, mode, "kaiming_uniform_")
    bound = calculate_gain(nonlinearity, a) * math.sqrt(3.0 / fan)
    return _uniform(tensor, -bound, bound)


def kaiming_normal_(tensor, a=0.0, mode="fan_in", nonlinearity="leaky_relu"):
    """He/Kaiming normal: N(0, std^2) with std = gain / sqrt(fan), gain = calculate_gain(nonlinearity, a)."""
    fan = _fan(tensor, mode, "kaiming_normal_")
    return _normal(tensor, 0.0, calculate_gain(nonlinearity, a) / math.sqrt(fan))
