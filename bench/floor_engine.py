"""The cheapest Python autograd engine for ``mlp_step``: a yardstick for what the engine's features cost.

Seven graph nodes per step (three linear layers, two ReLUs, one softmax
cross-entropy, the input), each holding a closure that applies the chain rule
with plain NumPy. It has none of what the engine offers: no backward written
with differentiable ops (so no second derivatives), no modules, no argument
checks or error messages, no hooks, no devices, no dtype rules. Whatever time
the engine takes beyond this contender is the price of those.

It reuses one work array per parameter in its SGD update, as the engine's
``nn.optim.SGD`` does, so both take no fresh pages from the kernel.
"""

from __future__ import annotations

import numpy as np


class Value:
    """An array, its gradient, the values it was made from and the closure that sends its gradient to them."""

    __slots__ = ("data", "grad", "parents", "backward")

    def __init__(self, data, parents=(), backward=None):
        self.data, self.grad, self.parents, self.backward = data, None, parents, backward


def _accumulate(v, g):
    v.grad = g if v.grad is None else v.grad + g


def linear(x, w, b):
    """y = x w^T + b  ->  dL/dx = g w,  dL/dw = g^T x,  dL/db = sum of g over the batch."""

    def backward(g):
        if x.parents:  # the network's input wants no gradient
            _accumulate(x, g @ w.data)
        _accumulate(w, g.T @ x.data)
        _accumulate(b, g.sum(axis=0))

    return Value(x.data @ w.data.T + b.data, (x, w, b), backward)


def relu(a):
    """y = max(a, 0)  ->  dL/da = g where a > 0."""
    positive = a.data > 0
    return Value(np.maximum(a.data, 0), (a,), lambda g: _accumulate(a, g * positive))


def cross_entropy(z, y):
    """L = mean_i -log softmax(z_i)[y_i]  ->  dL/dz = (softmax(z) - one_hot(y)) / N."""
    rows = np.arange(len(y))
    shifted = z.data - z.data.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))

    def backward(g):
        dz = np.exp(log_p)
        dz[rows, y] -= 1
        dz *= g / len(y)
        _accumulate(z, dz)

    return Value(-log_p[rows, y].mean(), (z,), backward)


def backward(loss):
    """Run every node's closure once, each after all the nodes that use its output."""
    order, seen, stack = [], set(), [(loss, False)]
    while stack:
        v, parents_done = stack.pop()
        if parents_done:
            order.append(v)
        elif id(v) not in seen:
            seen.add(id(v))
            stack.append((v, True))
            stack.extend((p, False) for p in v.parents)
    loss.grad = np.ones_like(loss.data)
    for v in reversed(order):
        if v.backward is not None:
            v.backward(v.grad)


def floor_step(weights, x, y, lr):
    """One SGD step of the 784-256-256-10 MLP; ``weights`` is [W1, b1, W2, b2, W3, b3], W of shape (out, in)."""
    params = [Value(np.array(w)) for w in weights]
    work = [np.empty_like(p.data) for p in params]
    inputs = Value(np.asarray(x))

    def step():
        w1, b1, w2, b2, w3, b3 = params
        for p in params:
            p.grad = None
        loss = cross_entropy(linear(relu(linear(relu(linear(inputs, w1, b1)), w2, b2)), w3, b3), y)
        backward(loss)
        for p, buffer in zip(params, work):
            p.data -= np.multiply(p.grad, lr, out=buffer)
        return loss.data

    return step
