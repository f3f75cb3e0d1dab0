"""``autograd.grad``: gradients of outputs with respect to chosen inputs, returned, not stored."""

from . import engine
from .tensor import Tensor, as_tensor_like


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, allow_unused=False):
    """Return d(outputs)/d(inputs) without touching any ``.grad``.

    ``grad_outputs`` weights each output (default 1 for scalar outputs), so the
    result is the vector-Jacobian product sum_k grad_outputs_k * d outputs_k / d inputs.
    With ``create_graph=True`` the result is itself differentiable.

    >>> x = Tensor(3.0, requires_grad=True)
    >>> (dy,) = grad(x ** 3, [x], create_graph=True)   # 3 x^2 = 27
    >>> (d2y,) = grad(dy, [x])                          # 6 x = 18
    """
    single_out = isinstance(outputs, Tensor)
    outputs = [outputs] if single_out else list(outputs)
    inputs = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    if grad_outputs is None:
        grad_outputs = [None] * len(outputs)
    elif isinstance(grad_outputs, Tensor):
        grad_outputs = [grad_outputs]
    root_grads = []
    for out, g in zip(outputs, grad_outputs):
        if not out.requires_grad:
            raise RuntimeError("autograd.grad: an output does not require grad (was it computed inside no_grad()?)")
        if g is None:
            if out.numel() != 1:
                raise RuntimeError(f"autograd.grad: output of shape {out.shape} is not a scalar; pass grad_outputs")
            g = Tensor._make(out._backend.xp.ones_like(out.data), out._backend, False, None)
        root_grads.append(as_tensor_like(g, out))
    for t in inputs:
        if not t.requires_grad:
            raise RuntimeError(f"autograd.grad: an input (shape {t.shape}) does not require grad")
    if retain_graph is None:
        retain_graph = create_graph
    grads = engine.run_backward(outputs, root_grads, retain_graph, create_graph, inputs=inputs)
    for i, (g, t) in enumerate(zip(grads, inputs)):
        if g is None and not allow_unused:
            raise RuntimeError(
                f"autograd.grad: input {i} (shape {t.shape}) was not used to compute the outputs; "
                f"pass allow_unused=True to get None for it"
            )
    return tuple(grads)
