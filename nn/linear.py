"""Fully connected layers: ``Linear`` (y = x W^T + b), ``Flatten`` and ``Identity``."""

import math

import autograd as ag
import autograd.functional as F
from autograd.dtypes import is_whole_number

from . import init
from .module import Module, Parameter

__all__ = ["Flatten", "Identity", "Linear"]


def layer_size(value, what):
    """A layer's size argument (features, channels) as an int; ``Linear(2.5, 2)`` is refused, not truncated."""
    if not is_whole_number(value):
        raise TypeError(
            f"{what} must be a whole number, got {value!r} ({type(value).__name__}); sizes count features or "
            f"channels, e.g. 784 for a flattened 28x28 image (round first if you computed it: int(n))"
        )
    if value < 0:
        raise ValueError(f"{what} must be 0 or more, got {value}")
    return int(value)


def _new_parameter(shape, device=None, dtype=None):
    return Parameter(ag.zeros(shape, dtype=dtype, device=device))


def reset_torch_default(weight, bias):
    """PyTorch's default initialisation of Linear and Conv2d.

    weight: kaiming_uniform_ with a = sqrt(5), i.e. U(-1/sqrt(fan_in), 1/sqrt(fan_in));
    bias:   U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
    """
    init.kaiming_uniform_(weight, a=math.sqrt(5))
    if bias is not None:
        fan_in = math.prod(weight.shape[1:])
        bound = 1.0 / math.sqrt(fan_in) if fan_in > 0 else 0.0
        init.uniform_(bias, -bound, bound)


def as_input(x):
    """Layers accept Tensors; anything else (lists, arrays) is wrapped in one.

    Floating arrays get the default dtype (float32), as the data loaders do,
    so a NumPy float64 array does not silently turn the whole network float64.
    """
    if isinstance(x, ag.Tensor):
        return x
    x = ag.tensor(x)
    return x.astype(ag.get_default_dtype()) if x.dtype.kind == "f" and x.dtype != ag.get_default_dtype() else x


class Linear(Module):
    """A fully connected layer: y = x W^T + b.

    ``Linear(in_features, out_features, bias=True)``; ``weight`` has shape
    ``(out_features, in_features)`` (PyTorch's layout: one row of weights per
    output neuron) and ``bias`` shape ``(out_features,)``. So it holds
    in*out weights and out biases. Initialised as PyTorch does: both drawn from
    U(-1/sqrt(in_features), 1/sqrt(in_features)).

    >>> layer = Linear(3, 4)
    >>> layer(ag.zeros(2, 3)).shape
    (2, 4)
    """

    def __init__(self, in_features, out_features, bias=True, device=None, dtype=None):
        super().__init__()
        self.in_features = layer_size(in_features, "Linear: in_features")
        self.out_features = layer_size(out_features, "Linear: out_features")
        self.weight = _new_parameter((self.out_features, self.in_features), device, dtype)
        if bias:
            self.bias = _new_parameter((self.out_features,), device, dtype)
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        """Draw fresh weights and biases with PyTorch's default initialisation."""
        reset_torch_default(self.weight, self.bias)

    def forward(self, x):
        x = as_input(x)
        try:
            return F.linear(x, self.weight, self.bias)
        except ValueError:  # F.linear checked the shapes: say which layer, and what to look at
            if x.ndim == 0 or x.shape[-1] != self.in_features:
                raise ValueError(
                    f"{self._display_name()} expects inputs whose last dimension is in_features="
                    f"{self.in_features}, but got an input of shape {tuple(x.shape)}. Check the layer "
                    f"sizes (the previous layer's output size, or the number of input features)."
                ) from None
            raise

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


class Flatten(Module):
    """Merge the axes from ``start_dim`` (default 1) to ``end_dim`` into one: (N, C, H, W) -> (N, C*H*W).

    The batch axis 0 is kept, as the fully connected layer after a convolution needs.
    """

    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, x):
        return F.flatten(as_input(x), self.start_dim, self.end_dim)

    def extra_repr(self):
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Identity(Module):
    """y = x: a placeholder layer (arguments are accepted and ignored, as in PyTorch)."""

    def __init__(self, *args, **kwargs):
        super().__init__()

    def forward(self, x):
        return x
