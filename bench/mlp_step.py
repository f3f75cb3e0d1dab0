"""One training step of an MLP 784-256-256-10 (ReLU): this engine vs hand-written NumPy vs PyTorch.

A step is: forward, softmax cross-entropy, backward, SGD update, float32.

* ``engine``: written as a learner writes it, with ``nn.Sequential``, ``nn.Linear``,
  ``nn.ReLU``, ``nn.CrossEntropyLoss`` and ``nn.optim.SGD``;
* ``numpy``:  the same math by hand (the chain rule written out layer by layer),
  on CuPy with ``--device cuda``;
* ``torch``:  PyTorch, on CUDA with ``--device cuda``;
* ``floor``:  (CPU only) the cheapest Python autograd engine for this step
  (``floor_engine.py``): what the engine's features cost is its distance to this.

All three start from the same weights and see the same batch; the first step's
losses are checked to agree before anything is timed.

Run: ``python bench/mlp_step.py [--device cuda] [--batch-size 128] [--repeats 200]``
"""

from __future__ import annotations

import common
import floor_engine
import numpy as np

SIZES = (784, 256, 256, 10)
LR = 0.01


def build_mlp(nn):
    """784-256-256-10 with ReLU, from ``nn`` (this project's) or ``torch.nn``: the same names."""
    layers = []
    for n_in, n_out in zip(SIZES[:-1], SIZES[1:]):
        layers += [nn.Linear(n_in, n_out), nn.ReLU()]
    return nn.Sequential(*layers[:-1])


def engine_step(device, x, y):
    """The engine's step and its model (to share the initial weights)."""
    # imported here, so that bench/memory.py can run the NumPy step in a process without the engine
    import nn

    model = build_mlp(nn).to(device)
    return common.engine_training_step(model, LR, x, y, device), model


def numpy_step(xp, weights, x, y):
    """The same step by hand; ``weights`` is [W1, b1, W2, b2, W3, b3] with W of shape (out, in)."""
    params = [xp.array(w) for w in weights]
    x, y = xp.asarray(x), xp.asarray(y)
    rows = xp.arange(len(y))

    def step():
        W1, b1, W2, b2, W3, b3 = params
        # forward
        h1 = x @ W1.T + b1
        a1 = xp.maximum(h1, 0)
        h2 = a1 @ W2.T + b2
        a2 = xp.maximum(h2, 0)
        z = a2 @ W3.T + b3
        shifted = z - z.max(axis=1, keepdims=True)
        log_p = shifted - xp.log(xp.exp(shifted).sum(axis=1, keepdims=True))
        loss = -log_p[rows, y].mean()
        # backward: dL/dz = (softmax - one_hot) / N, then layer by layer
        dz = xp.exp(log_p)
        dz[rows, y] -= 1
        dz /= len(y)
        dW3, db3 = dz.T @ a2, dz.sum(axis=0)
        dh2 = (dz @ W3) * (h2 > 0)
        dW2, db2 = dh2.T @ a1, dh2.sum(axis=0)
        dh1 = (dh2 @ W2) * (h1 > 0)
        dW1, db1 = dh1.T @ x, dh1.sum(axis=0)
        # SGD
        for p, g in zip(params, (dW1, db1, dW2, db2, dW3, db3)):
            p -= LR * g
        return loss

    return step


def torch_step(torch, device, weights, x, y):
    return common.torch_training_step(torch, build_mlp(torch.nn), weights, LR, x, y, device)


def floor_contender(x, y, weights):
    return floor_engine.floor_step(weights, x, y, LR)


def make_contenders(device, batch_size, torch):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((batch_size, SIZES[0]), dtype=np.float32)
    y = rng.integers(0, SIZES[-1], batch_size)
    contenders = common.training_contenders(engine_step, numpy_step, torch_step, device, x, y, torch)
    if device == "cpu":
        contenders["floor"] = floor_contender(x, y, contenders.setup[2])
    return contenders


def main():
    common.run_training_benchmark(
        __doc__.splitlines()[0],
        make_contenders,
        batch_size=128,
        repeats=200,
        title=lambda a: f"mlp_step: MLP {'-'.join(map(str, SIZES))}, batch {a.batch_size}, float32, {a.device}",
        bench_file=__file__,
    )


if __name__ == "__main__":
    main()
