"""Matrix multiplication ``a @ b``, batched, with NumPy's rules for 1-D operands."""

import numpy as np

from ..dtypes import require_same_dtype
from ..function import Function
from ..tensor import Tensor
from ._util import pair, promote


class MatMul(Function):
    """C = A @ B  ->  dL/dA = dL/dC @ B^T,  dL/dB = A^T @ dL/dC

    A 1-D operand is treated as a row (left) or column (right) vector, and the
    added axis is removed again; batch axes broadcast (the engine sums them back).
    """

    name = "matmul"

    def forward(self, a, b):
        return a @ b

    def backward(self, grad):
        a, b = self.inputs
        need_a, need_b = self.needs_input_grad
        # as matrices: a 1-D a is a (1, k) row, a 1-D b a (k, 1) column; g is dL/d(a2 @ b2)
        a2 = a.reshape(1, -1) if a.ndim == 1 else a
        b2 = b.reshape(-1, 1) if b.ndim == 1 else b
        batch = np.broadcast_shapes(a2.shape[:-2], b2.shape[:-2])
        g = grad.reshape(batch + (a2.shape[-2], b2.shape[-1]))
        grad_a = grad_b = None
        if need_a:
            grad_a = g @ b2.mT
            grad_a = grad_a.squeeze(-2) if a.ndim == 1 else grad_a
            if a.ndim == 1 and grad_a.ndim > 1:
                grad_a = grad_a.sum_to(a.shape)
        if need_b:
            grad_b = a2.mT @ g
            grad_b = grad_b.squeeze(-1) if b.ndim == 1 else grad_b
            if b.ndim == 1 and grad_b.ndim > 1:
                grad_b = grad_b.sum_to(b.shape)
        return grad_a, grad_b


def matmul(a, b):
    """Matrix product ``a @ b`` (batched over leading axes; 1-D operands as vectors)."""
    if not (isinstance(a, Tensor) and isinstance(b, Tensor)):  # an array or list on one side
        a, b = pair(a, b)
    if a.data.dtype is not b.data.dtype:  # PyTorch's promotion (float32 @ int64 is float32, not float64)
        a, b = promote(a, b)
    try:
        return MatMul.apply(a, b)
    except ValueError:  # NumPy's message names no op: say which shapes don't fit, and why
        _check_matmul_shapes(a.shape, b.shape)
        raise


def _check_matmul_shapes(shape_a, shape_b):
    if not shape_a or not shape_b:
        raise ValueError(
            f"matmul: both operands need at least 1 dimension, got shapes {shape_a} and {shape_b}; use * for scalars"
        ) from None
    k_a = shape_a[-1]
    k_b = shape_b[-2] if len(shape_b) > 1 else shape_b[0]
    if k_a != k_b:
        raise ValueError(
            f"matmul: shapes {shape_a} and {shape_b} don't fit: the last axis of the first ({k_a}) "
            f"must equal the {'second-to-last' if len(shape_b) > 1 else 'only'} axis of the second ({k_b})"
        ) from None
    try:
        np.broadcast_shapes(shape_a[:-2], shape_b[:-2])
    except ValueError:
        raise ValueError(
            f"matmul: the batch axes of shapes {shape_a} and {shape_b} (all but the last two) cannot be "
            f"broadcast together: each pair of sizes must be equal or one of them 1"
        ) from None


class Linear(Function):
    """y = a @ b^T + c  ->  dL/da = dL/dy @ b,  dL/db = dL/dy^T @ a,  dL/dc = dL/dy summed over the batch

    The fully connected layer in one op: inputs a (..., in), weights b (out, in)
    as PyTorch stores them, bias c (out,). One op instead of transpose, matmul
    and add keeps the weight's gradient in the weight's own memory layout, which
    makes the optimizer's in-place update fast.
    """

    name = "linear"

    def forward(self, x, w, b=None):
        out = x @ w.T
        if b is not None:
            out += b
        return out

    def backward(self, grad):
        x, w = self.inputs[:2]
        need = self.needs_input_grad
        batch_shape = None
        if grad.ndim != 2:  # every sample of the batch as one row: (..., out) -> (samples, out)
            batch_shape = x.shape
            grad, x = grad.reshape(-1, grad.shape[-1]), x.reshape(-1, x.shape[-1])
        grad_x = grad @ w if need[0] else None
        if grad_x is not None and batch_shape is not None:
            grad_x = grad_x.reshape(batch_shape)
        grad_w = grad.mT @ x if need[1] else None
        grad_b = grad.sum(0) if len(need) > 2 and need[2] else None
        return grad_x, grad_w, grad_b


def linear(input, weight, bias=None):
    """y = input @ weight^T + bias, as ``torch.nn.functional.linear`` (weight of shape (out, in))."""
    x_shape, w_shape = input.shape, weight.shape
    if not x_shape or len(w_shape) != 2 or x_shape[-1] != w_shape[1]:
        raise ValueError(
            f"linear: input of shape {x_shape} and weight of shape {w_shape} don't fit: the weight must "
            f"be (out_features, in_features) with in_features = the input's last axis"
        )
    if bias is not None and bias.shape != w_shape[:1]:
        raise ValueError(f"linear: bias must have shape ({w_shape[0]},), got {bias.shape}")
    require_same_dtype("linear", input, weight)
    return Linear.apply(input, weight) if bias is None else Linear.apply(input, weight, bias)
