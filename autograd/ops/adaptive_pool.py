"""Adaptive pooling: pool to a chosen output size, whatever the input size.

Along an axis of size n pooled to size m, output i covers the input cells

    start_i = floor(i * n / m)   to   end_i = ceil((i + 1) * n / m)   (end excluded)

so the windows cover the axis and may overlap by one cell when m does not
divide n. ``adaptive_avg_pool2d(x, 1)`` is global average pooling (the mean of
each channel), the head of most modern CNNs.

* When m divides n every window has n / m cells and the windows tile the axis:
  that is ordinary pooling with kernel = stride = n / m, and it runs as such.
* Otherwise the average is linear and separable: a matrix A (m, n) with
  A[i, start_i:end_i] = 1 / (end_i - start_i) per axis, y = A_h @ x @ A_w^T,
  two engine matmuls with constant matrices (backward: dL/dx = A_h^T @ dL/dy @ A_w).
* The maximum reads each window through an index (cells repeated to pad short
  windows, which does not change a maximum) and keeps the first largest one, so
  dL/dx gets dL/dy at each window's maximum, as in ``max_pool2d``.
"""

from ._util import constant
from .pool import avg_pool2d, max_pool2d
from .unpool import gather_plane


def _bounds(n, m):
    """(start, end) of each of the m windows on an axis of size n."""
    return [(i * n // m, -(-(i + 1) * n // m)) for i in range(m)]


def _sizes(op, x, output_size):
    """The (OH, OW) to pool to; None in output_size keeps that axis's size."""
    if x.ndim != 4:
        raise ValueError(f"{op}: expected input (N, C, H, W) or (C, H, W), got shape {x.shape}")
    sizes = (output_size, output_size) if output_size is None or isinstance(output_size, int) else tuple(output_size)
    if len(sizes) != 2:
        raise ValueError(f"{op}: output_size must be an int or a pair (None keeps a size), got {output_size!r}")
    sizes = tuple(n if m is None else int(m) for n, m in zip(x.shape[2:], sizes))
    if min(sizes) < 1 or min(x.shape[2:]) < 1:
        raise ValueError(f"{op}: output_size {sizes} and the input's height and width {x.shape[2:]} must be >= 1")
    return sizes


def _unbatched(fn, x, *args):
    """Run a 4-D op on a (C, H, W) image by adding, then removing, the batch axis."""
    out = fn(x.unsqueeze(0), *args)
    return tuple(o.squeeze(0) for o in out) if isinstance(out, tuple) else out.squeeze(0)


def _average_matrix(xp, n, m, dtype):
    a = xp.zeros((m, n), dtype=dtype)
    for i, (s, e) in enumerate(_bounds(n, m)):  # one row per output: m rows, not a loop over pixels
        a[i, s:e] = 1.0 / (e - s)
    return a


def adaptive_avg_pool2d(input, output_size):
    """The mean of each adaptive window, to an (OH, OW) output, as ``F.adaptive_avg_pool2d``."""
    if input.ndim == 3:
        return _unbatched(adaptive_avg_pool2d, input, output_size)
    (oh, ow), (h, w) = _sizes("adaptive_avg_pool2d", input, output_size), input.shape[2:]
    if h % oh == 0 and w % ow == 0:  # the windows tile the image: plain average pooling
        return avg_pool2d(input, (h // oh, w // ow))
    xp, dtype = input.backend.xp, input.dtype
    a_h = constant(_average_matrix(xp, h, oh, dtype), input)
    a_w = constant(_average_matrix(xp, w, ow, dtype).T.copy(), input)
    return a_h @ input @ a_w


def _window_index(xp, n, m):
    """(m, K) input positions of each window, K the longest window; short windows repeat their last cell."""
    bounds = _bounds(n, m)
    k = max(e - s for s, e in bounds)
    start = xp.asarray([s for s, _ in bounds])[:, None]
    last = xp.asarray([e - 1 for _, e in bounds])[:, None]
    return xp.minimum(start + xp.arange(k)[None, :], last)


def adaptive_max_pool2d(input, output_size, return_indices=False):
    """The largest value of each adaptive window, as ``F.adaptive_max_pool2d`` (indices: flat h * W + w)."""
    if input.ndim == 3:
        return _unbatched(adaptive_max_pool2d, input, output_size, return_indices)
    (oh, ow), (h, w) = _sizes("adaptive_max_pool2d", input, output_size), input.shape[2:]
    if h % oh == 0 and w % ow == 0:
        return max_pool2d(input, (h // oh, w // ow), return_indices=return_indices)
    xp = input.backend.xp
    rows, cols = _window_index(xp, h, oh), _window_index(xp, w, ow)  # (OH, KH), (OW, KW)
    flat = (rows[:, None, :, None] * w + cols[None, :, None, :]).reshape(oh, ow, -1)  # flat plane positions
    n, c = input.shape[:2]
    values = input.data.reshape(n, c, h * w)[:, :, flat.reshape(-1)].reshape(n, c, oh, ow, flat.shape[-1])
    winner = values.argmax(-1)  # the first maximum of each window, row-major
    indices = xp.take_along_axis(flat[None, None], winner[..., None], axis=-1)[..., 0]
    y = gather_plane(input, indices)
    return (y, constant(indices.astype(xp.int64), input)) if return_indices else y
