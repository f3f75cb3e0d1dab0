"""im2col and col2im for convolutions that keep the image size, as shifted copies of whole images.

A 3x3 convolution with padding 1 and stride 1 (a "same" convolution, the
commonest in teaching CNNs) reads, for its kernel offset (k, l), every pixel
moved by dy = k - 1 rows and dx = l - 1 columns. Numbering the pixels of an
H x W image q = row * W + column, that move is one shift of the whole image:

    cols[(c, k, l), (n, q)] = x[n, c, q + s]      with s = dy * W + dx,

except where (row + dy, column + dx) falls outside the image, which reads the
padding's zero. So one offset's row of ``cols`` is one long copy of the image
moved by s, followed by zeroing the columns that wrapped round to the next row
(and the rows past the top or bottom edge, which the copy leaves out). The
general im2col (``conv.py``) copies window by window, runs of OW values at a
time: for a 14 x 14 image its inner loops are 14 values long, here they are 196.

col2im, im2col's adjoint, is the same moves backwards, as adds:

    dx[n, c, q + s] += dcols[(c, k, l), (n, q)]   for every in-image (row + dy, column + dx).

The centre offset (s = 0) covers every pixel once, so it is written first
instead of zero-filling the output. Both paths are tested against the general
ones (``tests/test_fast_paths.py``).
"""

from . import workspace
from .windows import empty_like_order

CHANNEL_MAJOR = [1, 0, 2, 3]  # the memory order conv2d's outputs and gradients have: (C, N, H, W) under (N, C, H, W)


def keeps_size(geometry):
    """True for stride 1 with as much padding before as after and output size = input size ("same")."""
    return geometry.stride == (1, 1) and geometry.out_size == geometry.in_size and geometry.padding == geometry.pad_end


def _offsets(geometry):
    """(k, l, dy, dx) for every kernel offset: how far its pixels lie from the output pixel."""
    (kh, kw), (dh, dw), (pt, pl) = geometry.kernel, geometry.dilation, geometry.padding
    return [(k, l, k * dh - pt, l * dw - pl) for k in range(kh) for l in range(kw)]


def _pixels(x):
    """x (N, C, H, W) as a (C, N, H*W) view, or None when an image's pixels are not one contiguous run."""
    n, c, h, w = x.shape
    if x.strides[3] != x.itemsize or x.strides[2] != w * x.itemsize:
        return None
    return x.transpose(1, 0, 2, 3).reshape(c, n, h * w)  # merges H and W only: a view


def _zero_wrapped_columns(block, h, w, dx):
    """Zero the output pixels whose column + dx leaves the image (a (C, N, H*W) block of one offset)."""
    rows = block.reshape(block.shape[0], block.shape[1], h, w)
    if dx > 0:
        rows[..., max(w - dx, 0) :] = 0
    elif dx < 0:
        rows[..., : min(-dx, w)] = 0


def im2col_same(xp, geometry, x):
    """im2col's (C*KH*KW, N*H*W) columns by whole-image shifts, or None when x's images are not contiguous."""
    pixels = _pixels(x)
    if pixels is None:
        return None
    n, c, (h, w), (kh, kw) = x.shape[0], x.shape[1], geometry.in_size, geometry.kernel
    hw = h * w
    cols = workspace.empty(xp, (c * kh * kw, n * hw), x.dtype)  # kept across steps
    per_offset = cols.reshape(c, kh, kw, n, hw)
    for k, l, dy, dx in _offsets(geometry):
        block, s = per_offset[:, k, l], dy * w + dx
        if abs(s) >= hw:  # the whole image moved out of view
            block[...] = 0
        elif s >= 0:
            block[:, :, : hw - s] = pixels[:, :, s:]
            block[:, :, hw - s :] = 0  # rows past the bottom edge
        else:
            block[:, :, -s:] = pixels[:, :, : hw + s]
            block[:, :, :-s] = 0  # rows above the top edge
        _zero_wrapped_columns(block, h, w, dx)
    return cols


def col2im_same(xp, geometry, dcols, x_shape):
    """col2im by whole-image shifted adds; returns dL/dx (N, C, H, W), channel-major in memory.

    ``dcols`` (C*KH*KW, N*H*W) is a work array the caller owns: its wrapped
    columns are zeroed in place, so the adds can run over whole images.
    """
    n, c, (h, w), (kh, kw) = x_shape[0], x_shape[1], geometry.in_size, geometry.kernel
    hw = h * w
    out = empty_like_order(xp, CHANNEL_MAJOR, x_shape, dcols.dtype)  # (N, C, H, W) view of (C, N, H, W)
    flat = out.transpose(1, 0, 2, 3).reshape(c, n, hw)  # a view: out is contiguous in this order
    per_offset = dcols.reshape(c, kh, kw, n, hw)
    offsets = _offsets(geometry)
    centre = next(((k, l) for k, l, dy, dx in offsets if dy == 0 and dx == 0), None)
    if centre is None:
        flat[...] = 0
    else:
        flat[...] = per_offset[:, centre[0], centre[1]]  # every pixel once: a write, not an add
    for k, l, dy, dx in offsets:
        s = dy * w + dx
        if (k, l) == centre or abs(s) >= hw:
            continue
        block = per_offset[:, k, l]
        _zero_wrapped_columns(block, h, w, dx)
        if s >= 0:
            flat[:, :, s:] += block[:, :, : hw - s]
        else:
            flat[:, :, : hw + s] += block[:, :, -s:]
    return out
