"""The backward pass: visit the graph in reverse topological order, applying the chain rule.

For every op node, from the output back to the inputs:

    grad arriving at the node's output  --node.backward-->  grad for each input

Where a tensor feeds several ops, the gradients arriving from each of them are
added (the multivariable chain rule). Nodes are visited newest first, in the
reverse of the order the forward pass made them; nothing recurses, so a chain
of 100,000 ops works.

Observers (``observe_backward``) see each step as it happens: the node, the
gradient arriving at its output and the gradients it sends to its inputs. The
step-by-step visualiser is built on that and nothing else.
"""

from __future__ import annotations

from contextlib import contextmanager
from operator import attrgetter

from . import anomaly, inplace
from .modes import _local

_inplace_clock = inplace.clock
_number = attrgetter("number")


@contextmanager
def observe_backward(callback):
    """Call ``callback(node, grad_output, grads_to_inputs)`` for every backward step.

    ``grads_to_inputs`` has one entry per ``node.inputs`` (None where an input
    wants no gradient), already summed back to each input's shape. Only the
    backward passes this thread runs are observed.
    """
    observers = _local.modes.observers
    observers.append(callback)
    try:
        yield callback
    finally:
        observers.remove(callback)


def topological_order(root_fns):
    """The op nodes reachable from ``root_fns``, each before the nodes it depends on.

    A node is recorded after the nodes that made its inputs (it needs their
    outputs), so the reachable nodes sorted newest first (by ``node.number``)
    are in such an order: when backward reaches a node, every node that uses
    its output has already sent it a gradient. PyTorch orders its backward pass
    by the same numbers. Finding the nodes is one sweep (no recursion).
    """
    found = set(root_fns)
    order = list(found)  # grows while it is read: each reachable node joins it once
    for fn in order:
        if fn.inputs is None:
            _raise_freed(fn)
        for t in fn.inputs:
            node = t._grad_fn
            if node is not None and node not in found:
                found.add(node)
                order.append(node)
    order.sort(key=_number, reverse=True)
    return order


def _raise_freed(fn):
    raise RuntimeError(
        f"backward through the graph a second time: the graph behind '{fn.name}' was "
        f"freed by the first backward(). Call backward(retain_graph=True) the first "
        f"time if you need to go through the same graph again."
    )


def run_backward(roots, root_grads, retain_graph=False, create_graph=False, inputs=None):
    """Send ``root_grads`` back from ``roots`` through the graph.

    Without ``inputs``, leaf tensors that require grad get the result added to
    their ``.grad``. With ``inputs`` (a list of tensors), nothing is written to
    ``.grad`` and their gradients are returned instead (``autograd.grad``).
    """
    pending = {}  # op node or leaf tensor -> gradient summed so far
    leaves = []  # leaf tensors reached, in the order they were reached
    for root, g in zip(roots, root_grads):
        key = root._grad_fn
        if key is None:
            key = root
            leaves.append(root)
        pending[key] = pending[key] + g if key in pending else g
    capture = None
    if inputs is not None:
        capture = {t._grad_fn: None for t in inputs if t._grad_fn is not None}

    modes = _local.modes  # recording is off during backward, in this thread only
    previous_mode = modes.grad
    modes.grad = create_graph
    try:
        root_fns = [r._grad_fn for r in roots if r._grad_fn is not None]
        for fn in topological_order(root_fns) if root_fns else ():
            grad = pending.pop(fn, None)
            if grad is None:  # no gradient reached this node (its consumers sent none)
                continue
            if capture is not None and fn in capture:
                capture[fn] = grad
            _step(fn, grad, pending, leaves, retain_graph, modes)
    finally:
        modes.grad = previous_mode

    if inputs is not None:
        return [pending.get(t) if t._grad_fn is None else capture[t._grad_fn] for t in inputs]
    # memory someone else holds gets copied into a .grad, so that an in-place op on one .grad
    # (zero_(), +=) never changes another tensor (add sends one gradient to both its inputs)
    given = {id(inplace.memory_of(g.data)) for g in root_grads}
    for leaf in leaves:
        g = pending[leaf]
        for hook in leaf._hooks or ():
            g = _call_hook(hook, g)
        if leaf.grad is None:
            memory = id(inplace.memory_of(g.data))
            if memory in given:
                g = type(g)._make(g._backend.xp.array(g.data, copy=True), g._backend, g.requires_grad, g._grad_fn)
            else:
                given.add(memory)
            leaf.grad = g
        else:
            leaf.grad = leaf.grad + g
    return None


def _step(fn, grad, pending, leaves, retain_graph, modes):
    """One backward step: the node's output gradient ``grad`` in, its inputs' gradients out.

    Each input's gradient is matched to the input's shape and dtype, then added
    to what that input has received so far (``pending``).
    """
    if _inplace_clock.now and fn.recorded_at != _inplace_clock.now:  # changed in place since recorded?
        inplace.check_saved(fn)
    if fn.hooks is not None:  # register_hook / retain_grad on the node's output
        grad = _run_output_hooks(fn, grad)

    grads = fn.backward(grad) if not modes.anomaly else anomaly.checked_backward(fn, grad)
    if type(grads) is not tuple:
        grads = (grads,)
    sent = []  # one gradient per input, None where the input wants none
    for t, g, need in zip(fn.inputs, grads, fn.needs_input_grad):
        if g is None or not need:
            sent.append(None)
            continue
        g_data, t_data = g.data, t.data
        if g_data.shape != t_data.shape or g_data.dtype is not t_data.dtype:  # (_match compares exactly)
            g = _match(g, t)
        sent.append(g)
        key = t._grad_fn
        if key is None:  # a leaf: its gradient goes to .grad at the end
            key = t
            if key not in pending:
                leaves.append(t)
        so_far = pending.get(key)
        pending[key] = g if so_far is None else so_far + g
    if modes.anomaly:
        anomaly.check_backward(fn, sent)
    for observer in modes.observers:
        observer(fn, grad, sent)
    if not retain_graph:
        fn.__dict__.clear()  # free the node: its inputs and the arrays it saved for backward


def _run_output_hooks(fn, grad):
    """Apply the hooks registered on the node's output tensor; keep its .grad if retained."""
    for hook in fn.hooks:
        grad = _call_hook(hook, grad)
    t = fn.retained() if fn.retained is not None else None
    if t is not None:
        t.grad = grad if t.grad is None else t.grad + grad
    return grad


def _call_hook(hook, grad):
    """``hook(grad)``: None keeps ``grad``; a Tensor of the same shape and dtype replaces it."""
    out = hook(grad)
    if out is None:
        return grad
    if not isinstance(out, type(grad)) or out.shape != grad.shape or out.dtype != grad.dtype:
        got = (
            f"a Tensor of shape {tuple(out.shape)} and dtype {out.dtype}"
            if isinstance(out, type(grad))
            else f"{type(out).__name__} {out!r:.60}"
        )
        raise TypeError(
            f"gradient hook {getattr(hook, '__name__', repr(hook))!r} returned {got}, but a hook must "
            f"return None (keep the gradient) or a Tensor of the gradient's shape {tuple(grad.shape)} "
            f"and dtype {grad.dtype} (e.g. grad * 0.5 or grad.clamp(-1, 1))."
        )
    return out


def _match(g, t):
    """Sum a broadcast gradient back to its tensor's shape and cast to its dtype.

    This is the one place broadcasting is undone: if ``a`` of shape (3, 1) was
    broadcast to (3, 4), dL/da is dL/d(broadcast a) summed over the copied axis.
    """
    if g.data.shape != t.data.shape:
        g = g.sum_to(t.data.shape)
    if g.data.dtype != t.data.dtype:
        g = g.astype(t.data.dtype)
    return g
