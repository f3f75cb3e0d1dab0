"""Normalisation as functions: ``batch_norm``, ``layer_norm`` and ``group_norm``.

All three standardise values over some axes and then scale and shift:

    mu      = mean of x over the axes
    sigma^2 = mean of (x - mu)^2 over the axes        (population variance)
    x_hat   = (x - mu) / sqrt(sigma^2 + eps)
    y       = gamma * x_hat + beta

They differ only in which axes are pooled:

* batch norm: per channel, over the batch and every position (axes N, H, W);
* layer norm: per sample, over the last axes (``normalized_shape``), the
  norm of transformers;
* group norm: per sample and group of channels, over the group's channels and
  positions (independent of the batch size, unlike batch norm).

Each is written with engine ops, so the gradient, and the second derivative,
come from the chain rule through these four lines.
"""


def _standardize(x, axes, eps):
    mean = x.mean(axis=axes, keepdims=True)  # mu
    centered = x - mean
    var = (centered * centered).mean(axis=axes, keepdims=True)  # sigma^2
    return centered / (var + eps).sqrt(), mean, var  # x_hat


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-5):
    """Batch normalisation of (N, C, ...) inputs per channel C, as ``F.batch_norm``.

    training=True: normalise with the batch's mean and variance and, when given,
    update running = (1 - momentum) * running + momentum * batch statistic in
    place (the variance there unbiased, m/(m-1) times the batch variance, as PyTorch).
    training=False: normalise with ``running_mean`` and ``running_var``.
    """
    if input.ndim < 2:
        raise ValueError(f"batch_norm: expected input (N, C, ...), got shape {input.shape}")
    c = input.shape[1]
    shape = (1, c) + (1,) * (input.ndim - 2)
    for name, t in (("running_mean", running_mean), ("running_var", running_var), ("weight", weight), ("bias", bias)):
        if t is not None and tuple(t.shape) != (c,):
            raise ValueError(f"batch_norm: {name} must have shape ({c},) for an input of shape {input.shape}, got {tuple(t.shape)}")  # fmt: skip
    if training:
        axes = (0,) + tuple(range(2, input.ndim))
        m = input.numel() // max(c, 1)
        if m < 2:
            raise ValueError(
                f"batch_norm: training needs more than one value per channel, got an input of shape {input.shape}"
            )
        x_hat, mean, var = _standardize(input, axes, eps)
        # The running statistics are bookkeeping, not part of the graph: updated in place on the arrays.
        if running_mean is not None:
            running_mean.data *= 1.0 - momentum
            running_mean.data += momentum * mean.data.reshape(-1).astype(running_mean.dtype, copy=False)
        if running_var is not None:
            running_var.data *= 1.0 - momentum
            unbiased = var.data.reshape(-1) * (m / (m - 1))
            running_var.data += momentum * unbiased.astype(running_var.dtype, copy=False)
    else:
        if running_mean is None or running_var is None:
            raise ValueError("batch_norm: training=False normalises with running_mean and running_var; pass both")
        x_hat = (input - running_mean.reshape(shape)) / (running_var.reshape(shape) + eps).sqrt()
    if weight is not None:
        x_hat = x_hat * weight.reshape(shape)
    if bias is not None:
        x_hat = x_hat + bias.reshape(shape)
    return x_hat


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """Layer normalisation over the last ``len(normalized_shape)`` axes, as ``F.layer_norm``.

    Each sample (each position of a sequence) is standardised over its own
    features; ``weight`` and ``bias`` have shape ``normalized_shape``.
    """
    normalized_shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    k = len(normalized_shape)
    if k == 0 or k > input.ndim or tuple(input.shape[input.ndim - k :]) != normalized_shape:
        raise ValueError(
            f"layer_norm: normalized_shape {normalized_shape} must match the last axes of the input, "
            f"got an input of shape {input.shape}"
        )
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and tuple(t.shape) != normalized_shape:
            raise ValueError(f"layer_norm: {name} must have shape {normalized_shape}, got {tuple(t.shape)}")
    y, _, _ = _standardize(input, tuple(range(input.ndim - k, input.ndim)), eps)
    if weight is not None:
        y = y * weight
    if bias is not None:
        y = y + bias
    return y


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):
    """Group normalisation of (N, C, ...) inputs, as ``F.group_norm``.

    The C channels split into ``num_groups`` groups of C/G; each sample's group
    is standardised over its channels and positions; then a per-channel
    ``weight`` and ``bias`` (shape (C,)). One group is layer norm over (C, ...);
    C groups is instance norm.
    """
    if input.ndim < 2:
        raise ValueError(f"group_norm: expected input (N, C, ...), got shape {input.shape}")
    n, c = input.shape[:2]
    if num_groups < 1 or c % num_groups:
        raise ValueError(f"group_norm: num_groups={num_groups} must divide the {c} channels of an input of shape {input.shape}")  # fmt: skip
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and tuple(t.shape) != (c,):
            raise ValueError(f"group_norm: {name} must have shape ({c},), got {tuple(t.shape)}")
    grouped = input.reshape(n, num_groups, input.numel() // max(n * num_groups, 1))  # (N, G, C/G * positions)
    y = _standardize(grouped, (2,), eps)[0].reshape(input.shape)
    shape = (1, c) + (1,) * (input.ndim - 2)
    if weight is not None:
        y = y * weight.reshape(shape)
    if bias is not None:
        y = y + bias.reshape(shape)
    return y
