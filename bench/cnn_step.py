"""One training step of a small CNN: this engine vs a hand-written im2col NumPy step vs PyTorch.

The network (batch of 1x28x28 images, float32)::

    conv3x3(1 -> 16, pad 1) + ReLU + maxpool 2    -> 16 x 14 x 14
    conv3x3(16 -> 32, pad 1) + ReLU + maxpool 2   -> 32 x 7 x 7
    flatten, linear(32*7*7 -> 10), softmax cross-entropy, SGD

* ``engine``: ``nn.Conv2d``, ``nn.MaxPool2d``, ``nn.Linear``... as a learner writes it;
* ``numpy``:  the straightforward hand-written version: im2col (a strided window
  view copied into rows) and one matmul per convolution; backward sums the
  column gradients back per kernel offset (9 slice-adds, no ``np.add.at``);
  max-pool backward through a mask of the window maxima; on CuPy with ``--device cuda``;
* ``torch``:  PyTorch (CUDA with ``--device cuda``).

All three start from the same weights and batch; the first losses must agree.

Run: ``python bench/cnn_step.py [--device cuda] [--batch-size 64] [--repeats 40]``
"""

from __future__ import annotations

import common
import numpy as np

LR = 0.01


def build_cnn(nn):
    """The benchmark's network, built from ``nn`` (this project's) or ``torch.nn``: the same names."""
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(32 * 7 * 7, 10),
    )


def engine_step(device, x, y):
    """The engine's step and its model (to share the initial weights)."""
    import nn  # here, so that a process timing only the NumPy step never imports the engine

    model = build_cnn(nn).to(device)
    return common.engine_training_step(model, LR, x, y, device), model


def numpy_step(xp, weights, x, y):
    """The step by hand; ``weights`` = [K1, c1, K2, c2, W, b] in PyTorch's layouts."""
    params = [xp.array(w) for w in weights]
    x, y = xp.asarray(x), xp.asarray(y)
    rows = xp.arange(len(y))

    def im2col(a):
        """(N, C, H, W) -> rows (N*H*W, C*9) of 3x3 windows, zero padding 1."""
        n, c, h, w = a.shape
        padded = xp.pad(a, ((0, 0), (0, 0), (1, 1), (1, 1)))
        win = xp.lib.stride_tricks.sliding_window_view(padded, (3, 3), axis=(2, 3))  # (N, C, H, W, 3, 3)
        return win.transpose(0, 2, 3, 1, 4, 5).reshape(n * h * w, c * 9)

    def col2im(dcols, shape):
        """The adjoint of im2col: each kernel offset's column gradients added back (9 slice-adds)."""
        n, c, h, w = shape
        d = dcols.reshape(n, h, w, c, 3, 3)
        dpad = xp.zeros((n, c, h + 2, w + 2), dtype=dcols.dtype)
        for i in range(3):
            for j in range(3):
                dpad[:, :, i : i + h, j : j + w] += d[:, :, :, :, i, j].transpose(0, 3, 1, 2)
        return dpad[:, :, 1:-1, 1:-1]

    def conv(a, k, c):
        cols = im2col(a)
        out = cols @ k.reshape(k.shape[0], -1).T + c
        n, _, h, w = a.shape
        return out.reshape(n, h, w, -1).transpose(0, 3, 1, 2), cols

    def conv_backward(dout, cols, k, a_shape, need_input):
        drows = dout.transpose(0, 2, 3, 1).reshape(-1, k.shape[0])
        dk = (drows.T @ cols).reshape(k.shape)
        dc = drows.sum(axis=0)
        da = col2im(drows @ k.reshape(k.shape[0], -1), a_shape) if need_input else None
        return da, dk, dc

    def pool(a):
        n, c, h, w = a.shape
        windows = a.reshape(n, c, h // 2, 2, w // 2, 2)
        out = windows.max(axis=(3, 5))
        return out, windows

    def pool_backward(dout, out, windows):
        mask = windows == out[:, :, :, None, :, None]
        n, c, h, w = out.shape
        return (mask * dout[:, :, :, None, :, None]).reshape(n, c, 2 * h, 2 * w)

    def step():
        K1, c1, K2, c2, W, b = params
        # forward
        h1, cols1 = conv(x, K1, c1)
        r1 = xp.maximum(h1, 0)
        p1, win1 = pool(r1)
        h2, cols2 = conv(p1, K2, c2)
        r2 = xp.maximum(h2, 0)
        p2, win2 = pool(r2)
        f = p2.reshape(len(y), -1)
        z = f @ W.T + b
        shifted = z - z.max(axis=1, keepdims=True)
        log_p = shifted - xp.log(xp.exp(shifted).sum(axis=1, keepdims=True))
        loss = -log_p[rows, y].mean()
        # backward
        dz = xp.exp(log_p)
        dz[rows, y] -= 1
        dz /= len(y)
        dW, db = dz.T @ f, dz.sum(axis=0)
        dp2 = (dz @ W).reshape(p2.shape)
        dh2 = pool_backward(dp2, p2, win2) * (h2 > 0)
        dp1, dK2, dc2 = conv_backward(dh2, cols2, K2, p1.shape, True)
        dh1 = pool_backward(dp1, p1, win1) * (h1 > 0)
        _, dK1, dc1 = conv_backward(dh1, cols1, K1, x.shape, False)
        # SGD
        for p, g in zip(params, (dK1, dc1, dK2, dc2, dW, db)):
            p -= LR * g
        return loss

    return step


def torch_step(torch, device, weights, x, y):
    return common.torch_training_step(torch, build_cnn(torch.nn), weights, LR, x, y, device)


def make_contenders(device, batch_size, torch):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((batch_size, 1, 28, 28), dtype=np.float32)
    y = rng.integers(0, 10, batch_size)
    return common.training_contenders(engine_step, numpy_step, torch_step, device, x, y, torch)


def main():
    common.run_training_benchmark(
        __doc__.splitlines()[0],
        make_contenders,
        batch_size=64,
        repeats=40,
        title=lambda a: (
            f"cnn_step: CNN conv16-pool-conv32-pool-linear, batch {a.batch_size} of 1x28x28, float32, {a.device}"
        ),
        bench_file=__file__,
    )


if __name__ == "__main__":
    main()
