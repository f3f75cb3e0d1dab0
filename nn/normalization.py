"""Normalisation layers: ``BatchNorm1d``, ``BatchNorm2d``, ``LayerNorm`` and ``GroupNorm``.

Over a mini-batch B = {x_1 ... x_m} of one feature (channel):

    mu_B      = (1/m) sum_i x_i                       mini-batch mean
    sigma_B^2 = (1/m) sum_i (x_i - mu_B)^2            mini-batch variance
    x_hat_i   = (x_i - mu_B) / sqrt(sigma_B^2 + eps)  normalize
    y_i       = gamma * x_hat_i + beta                scale and shift

gamma (``weight``) and beta (``bias``) are learned. The layer calls
``F.batch_norm`` (``autograd/ops/norm.py``), written with autograd ops, so its
gradient (and second derivative) comes from the chain rule through these four lines.
"""

import autograd as ag
import autograd.functional as F

from .linear import as_input
from .module import Module, Parameter

__all__ = ["BatchNorm1d", "BatchNorm2d", "GroupNorm", "LayerNorm"]


def _scale_and_shift(module, shape, weight, bias, device, dtype):
    """Register gamma (``weight``, ones) and beta (``bias``, zeros) of ``shape``, each None where switched off."""
    module.register_parameter("weight", Parameter(ag.ones(shape, dtype=dtype, device=device)) if weight else None)
    module.register_parameter("bias", Parameter(ag.zeros(shape, dtype=dtype, device=device)) if bias else None)


class _BatchNorm(Module):
    #: the input ranks this layer accepts, and the text that names them in errors
    ranks = ()
    layout = ""

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True, device=None,
                 dtype=None):  # fmt: skip
        super().__init__()
        self.num_features, self.eps, self.momentum = int(num_features), eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        _scale_and_shift(self, self.num_features, affine, affine, device, dtype)
        if track_running_stats:
            self.register_buffer("running_mean", ag.zeros(self.num_features, dtype=dtype, device=device))
            self.register_buffer("running_var", ag.ones(self.num_features, dtype=dtype, device=device))
            self.register_buffer("num_batches_tracked", ag.zeros((), dtype="int64", device=device))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)

    def reset_running_stats(self):
        """Running mean 0, running variance 1, no batches counted."""
        if self.track_running_stats:
            self.running_mean.data[...] = 0
            self.running_var.data[...] = 1
            self.num_batches_tracked.data[...] = 0

    def forward(self, x):
        x = as_input(x)
        if x.ndim not in self.ranks or x.shape[1] != self.num_features:
            raise ValueError(
                f"{self._display_name()} expects inputs of shape {self.layout} with "
                f"C = num_features = {self.num_features}, but got an input of shape {tuple(x.shape)}"
            )
        if self.training and x.numel() < 2 * self.num_features:
            raise ValueError(
                f"{self._display_name()}: training needs more than one value per channel to compute a "
                f"batch variance, got an input of shape {tuple(x.shape)}; use a batch size > 1 or call "
                f"model.eval()"
            )
        momentum = self.momentum
        if self.training and self.track_running_stats:
            self.num_batches_tracked.data += 1
            if momentum is None:  # a cumulative average over all batches seen
                # computed on the device: .item() would copy the count to the host every step
                momentum = (1.0 / self.num_batches_tracked.data).astype(self.running_mean.dtype)
        # The four lines of the module docstring, and the running statistics' update, are F.batch_norm's:
        # batch statistics in training (or without running statistics), running ones in evaluation.
        return F.batch_norm(
            x, self.running_mean, self.running_var, self.weight, self.bias,
            training=self.training or not self.track_running_stats, momentum=momentum, eps=self.eps,
        )  # fmt: skip

    def extra_repr(self):
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
            f"track_running_stats={self.track_running_stats}"
        )


class BatchNorm1d(_BatchNorm):
    """Batch normalisation of (N, C) or (N, C, L) inputs, per feature C (see the module docstring).

    ``BatchNorm1d(num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True)``.
    In training it normalises with the batch's mean and (population) variance
    and updates ``running_mean`` / ``running_var`` by
    running = (1 - momentum) * running + momentum * batch statistic
    (the variance there unbiased, m/(m-1) times the batch variance, as PyTorch);
    in evaluation (``model.eval()``) it normalises with the running statistics.
    """

    ranks = (2, 3)
    layout = "(N, C) or (N, C, L)"


class BatchNorm2d(_BatchNorm):
    """Batch normalisation of (N, C, H, W) images, per channel C, over the batch and all pixels.

    The same formulas and arguments as ``BatchNorm1d`` (see the module
    docstring), with the mean and variance taken over axes N, H and W.
    """

    ranks = (4,)
    layout = "(N, C, H, W)"


class LayerNorm(Module):
    """Layer normalisation: each sample standardised over its last axes, then scaled and shifted.

    ``LayerNorm(normalized_shape, eps=1e-5, elementwise_affine=True, bias=True)``:
    for an input (..., *normalized_shape), mu and sigma^2 are taken over the
    normalized_shape axes of each sample (not over the batch, so it behaves the
    same in training and evaluation, for any batch size); ``weight`` (ones) and
    ``bias`` (zeros) have shape ``normalized_shape``. The norm of transformers.
    """

    def __init__(self, normalized_shape, eps=1e-5, elementwise_affine=True, bias=True, device=None, dtype=None):
        super().__init__()
        shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
        self.normalized_shape, self.eps, self.elementwise_affine = tuple(int(n) for n in shape), eps, elementwise_affine
        _scale_and_shift(self, self.normalized_shape, elementwise_affine, elementwise_affine and bias, device, dtype)

    def forward(self, x):
        return F.layer_norm(as_input(x), self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return (
            f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}, "
            f"bias={self.bias is not None}"
        )


class GroupNorm(Module):
    """Group normalisation: the channels of each sample split into groups, each group standardised.

    ``GroupNorm(num_groups, num_channels, eps=1e-5, affine=True, *, bias=True)`` on (N, C, ...)
    inputs: mu and sigma^2 over each group's C/num_groups channels and all
    positions, per sample (independent of the batch size); then per-channel
    ``weight`` (ones) and ``bias`` (zeros) of shape (C,).
    """

    def __init__(self, num_groups, num_channels, eps=1e-5, affine=True, device=None, dtype=None, *, bias=True):
        super().__init__()
        if num_groups < 1 or num_channels % num_groups:
            raise ValueError(f"GroupNorm: num_groups={num_groups} must divide num_channels={num_channels}")
        self.num_groups, self.num_channels, self.eps, self.affine = int(num_groups), int(num_channels), eps, affine
        _scale_and_shift(self, self.num_channels, affine, affine and bias, device, dtype)

    def forward(self, x):
        x = as_input(x)
        if x.ndim < 2 or x.shape[1] != self.num_channels:
            raise ValueError(
                f"{self._display_name()} expects inputs of shape (N, C, ...) with C = num_channels = "
                f"{self.num_channels}, but got an input of shape {tuple(x.shape)}"
            )
        return F.group_norm(x, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}, bias={self.bias is not None}"
