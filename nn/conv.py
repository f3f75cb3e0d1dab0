"""Convolution layers: ``Conv1d``, ``Conv2d`` and ``ConvTranspose2d`` (the way back up)."""

import autograd.functional as F
from autograd.ops.windows import as_pair

from .linear import _new_parameter, as_input, layer_size, reset_torch_default
from .module import Module

__all__ = ["Conv1d", "Conv2d", "ConvTranspose2d"]

PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


def _as_tuple(v, n, what):
    """An int or an n-tuple of ints as an n-tuple (``3`` -> ``(3, 3)`` for 2-D layers)."""
    if n == 2:
        return as_pair(v, what)
    v = tuple(v) if isinstance(v, (tuple, list)) else (v,)
    if len(v) != 1 or isinstance(v[0], bool) or not isinstance(v[0], int):
        raise ValueError(f"{what} must be an int, got {v}")
    return v


class _ConvNd(Module):
    """What the convolution layers share: their settings, parameters, initialisation and repr."""

    dims = 2  # spatial axes
    transposed = False
    layout = "(batch, in_channels, height, width)"

    def __init__(self, in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                 padding_mode, device, dtype, output_padding=0):  # fmt: skip
        super().__init__()
        name, n = type(self).__name__, self.dims
        self.in_channels = layer_size(in_channels, f"{name}: in_channels")
        self.out_channels = layer_size(out_channels, f"{name}: out_channels")
        self.groups = layer_size(groups, f"{name}: groups")
        if self.groups < 1 or self.in_channels % self.groups or self.out_channels % self.groups:
            raise ValueError(
                f"{name}: groups={groups} must be >= 1 and divide in_channels ({in_channels}) and "
                f"out_channels ({out_channels})"
            )
        if padding_mode not in PADDING_MODES:
            raise ValueError(f"{name}: padding_mode must be one of {', '.join(PADDING_MODES)}, got {padding_mode!r}")
        if padding_mode != "zeros" and self.transposed:
            raise ValueError(f"{name}: only padding_mode='zeros' is supported (as in PyTorch)")
        if isinstance(padding, str):
            if padding not in ("same", "valid") or self.transposed:
                raise ValueError(f"{name}: padding must be a number, a tuple, 'valid' or 'same', got {padding!r}")
        else:
            padding = _as_tuple(padding, n, f"{name}: padding")
        self.kernel_size = _as_tuple(kernel_size, n, f"{name}: kernel_size")
        self.stride = _as_tuple(stride, n, f"{name}: stride")
        self.padding, self.padding_mode = padding, padding_mode
        self.dilation = _as_tuple(dilation, n, f"{name}: dilation")
        self.output_padding = _as_tuple(output_padding, n, f"{name}: output_padding")
        if padding == "same" and self.stride != (1,) * n:
            raise ValueError(f"{name}: padding='same' needs stride 1 (as in PyTorch), got stride={stride}")
        if self.transposed:  # the weight of the conv2d it is the transpose of: (in, out / groups, ...)
            shape = (self.in_channels, self.out_channels // self.groups, *self.kernel_size)
        else:
            shape = (self.out_channels, self.in_channels // self.groups, *self.kernel_size)
        self.weight = _new_parameter(shape, device, dtype)
        if bias:
            self.bias = _new_parameter((self.out_channels,), device, dtype)
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        """Draw fresh weights and biases with PyTorch's default initialisation."""
        reset_torch_default(self.weight, self.bias)

    def _check(self, x):
        x = as_input(x)
        if x.ndim != self.dims + 2 or x.shape[1] != self.in_channels:
            raise ValueError(
                f"{self._display_name()} expects inputs of shape {self.layout} with in_channels="
                f"{self.in_channels}, but got an input of shape {tuple(x.shape)}. "
                + ("Add a batch axis with x.unsqueeze(0)." if x.ndim == self.dims + 1 and x.shape[0] == self.in_channels else "")
            )  # fmt: skip
        return x

    def _padded(self, x):
        """``x`` and the padding left for the convolution: a padding_mode other than zeros pads here first."""
        if self.padding_mode == "zeros" or self.padding in ("valid", (0,) * self.dims):
            return x, self.padding
        if self.padding == "same":  # PyTorch's split of d*(k-1): the odd one after
            total = [d * (k - 1) for k, d in zip(self.kernel_size, self.dilation)]
            pairs = [(t // 2, t - t // 2) for t in total]
        else:
            pairs = [(p, p) for p in self.padding]
        flat = tuple(v for pair in reversed(pairs) for v in pair)  # F.pad's order: last axis first
        return F.pad(x, flat, mode=self.padding_mode), 0

    def extra_repr(self):
        n = self.dims
        s = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        if self.padding != (0,) * n:
            s += f", padding={self.padding}"  # padding=same, as torch.nn prints it
        if self.output_padding != (0,) * n:
            s += f", output_padding={self.output_padding}"
        if self.dilation != (1,) * n:
            s += f", dilation={self.dilation}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode}"
        return s


class Conv2d(_ConvNd):
    """A 2-D convolution (cross-correlation, as in every framework) over NCHW images.

    out[n, o, i, j] = b[o] + sum_{c, u, v} w[o, c, u, v] * x[n, c, s*i + d*u - p, s*j + d*v - p]

    with stride s, dilation d and padding p (``padding`` a number, a pair,
    "valid" or "same"; ``padding_mode`` "zeros", "reflect", "replicate" or
    "circular"). ``weight`` has shape ``(out_channels, in_channels/groups, kh, kw)``
    and ``bias`` ``(out_channels,)``; ``groups=G`` splits the channels into G
    independent convolutions. Output size per axis: floor((H + 2p - d*(k - 1) - 1) / s) + 1.
    Initialised as PyTorch does: U(-1/sqrt(fan_in), 1/sqrt(fan_in)) with
    fan_in = in_channels/groups * kh * kw.
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True,
                 padding_mode="zeros", device=None, dtype=None):  # fmt: skip
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                         padding_mode, device, dtype)  # fmt: skip

    def forward(self, x):
        x, padding = self._padded(self._check(x))
        return F.conv2d(x, self.weight, self.bias, self.stride, padding, self.dilation, self.groups)


class Conv1d(_ConvNd):
    """A 1-D convolution over (batch, channels, length) sequences, as ``torch.nn.Conv1d``.

    out[n, o, i] = b[o] + sum_{c, u} w[o, c, u] * x[n, c, s*i + d*u - p]

    The same arguments as ``Conv2d`` with one number each; ``weight`` has shape
    ``(out_channels, in_channels/groups, k)``. Output length
    floor((L + 2p - d*(k - 1) - 1) / s) + 1.
    """

    dims = 1
    layout = "(batch, in_channels, length)"

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True,
                 padding_mode="zeros", device=None, dtype=None):  # fmt: skip
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                         padding_mode, device, dtype)  # fmt: skip

    def forward(self, x):
        x, padding = self._padded(self._check(x))
        return F.conv1d(x, self.weight, self.bias, self.stride[0], padding, self.dilation[0], self.groups)


class ConvTranspose2d(_ConvNd):
    """A transposed 2-D convolution: the adjoint of ``Conv2d``, which enlarges feature maps.

    Each input pixel adds its value times the kernel into the output window
    it would have been read from by a Conv2d with the same settings:

        out[n, o, s*i + d*u - p, s*j + d*v - p] += x[n, c, i, j] * w[c, o, u, v]   (then + b[o])

    Output size per axis: (H - 1)*s - 2p + d*(k - 1) + output_padding + 1, so
    ``ConvTranspose2d(c, c2, 4, stride=2, padding=1)`` doubles H and W (the
    decoder of an autoencoder, the generator of a GAN). ``weight`` has shape
    ``(in_channels, out_channels/groups, kh, kw)``, as in PyTorch.
    ``forward(x, output_size=None)``: ``output_size`` picks the output_padding
    that gives that size.
    """

    transposed = True

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1,
                 bias=True, dilation=1, padding_mode="zeros", device=None, dtype=None):  # fmt: skip
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                         padding_mode, device, dtype, output_padding)  # fmt: skip

    def forward(self, x, output_size=None):
        x = self._check(x)
        extra = self.output_padding
        if output_size is not None:
            wanted = tuple(output_size)[-2:]
            smallest = [
                (n - 1) * s - 2 * p + d * (k - 1) + 1
                for n, s, p, d, k in zip(x.shape[2:], self.stride, self.padding, self.dilation, self.kernel_size)
            ]
            extra = tuple(w - m for w, m in zip(wanted, smallest))
            if any(e < 0 or e >= max(s, d) for e, s, d in zip(extra, self.stride, self.dilation)):
                raise ValueError(
                    f"{self._display_name()}: output_size {wanted} is not reachable from an input of shape "
                    f"{tuple(x.shape)}: each size must be between {tuple(smallest)} and that plus stride - 1"
                )
        return F.conv_transpose2d(
            x, self.weight, self.bias, self.stride, self.padding, extra, self.groups, self.dilation
        )
