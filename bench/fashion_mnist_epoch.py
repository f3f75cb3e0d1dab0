"""Time to accuracy: the CNN of ``cnn_step.py`` trained for one epoch on the full Fashion-MNIST.

Reads the 60,000 training and 10,000 test images with ``nn.datasets.FashionMNIST``
(Debian's ``dataset-fashion-mnist`` package installs them in
``/usr/share/datasets/fashion-mnist/``; ``--root`` points elsewhere), trains one
epoch with SGD + momentum at batch 64, and reports the wall-clock seconds of the
epoch and the test accuracy: for this engine and for PyTorch on the same network,
each in a fresh process of its own, one after the other. Both start from the same
weights and see the same batches in the same order (the engine's ``DataLoader``
makes them; PyTorch gets each batch with ``torch.from_numpy``, no copy), so the
seconds differ by the model's step only.

Run: ``python bench/fashion_mnist_epoch.py [--device cuda] [--epochs 1] [--root DIR] [--contender engine|torch|both]``
"""

from __future__ import annotations

import argparse
import multiprocessing
import time

import common
from cnn_step import build_cnn

import autograd as ag
import nn


def _loaders(device, batch_size, root, seed):
    train, test = nn.datasets.FashionMNIST(root, train=True), nn.datasets.FashionMNIST(root, train=False)
    train_loader = nn.data.DataLoader(train, batch_size=batch_size, shuffle=True, seed=seed, device=device)
    return train_loader, nn.data.DataLoader(test, batch_size=1000, device=device)


def train_and_test(device="cpu", epochs=1, batch_size=64, lr=0.05, root=None, seed=0):
    """Train the engine's network for ``epochs`` and return (seconds of training, test accuracy)."""
    ag.manual_seed(seed)
    train_loader, test_loader = _loaders(device, batch_size, root, seed)
    model = build_cnn(nn).to(device)
    loss_fn = nn.CrossEntropyLoss()
    optimizer = nn.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    sync = common.synchronizer(device)
    sync()
    start = time.perf_counter()
    for _ in range(epochs):
        for x, y in train_loader:
            optimizer.zero_grad()
            loss_fn(model(x), y).backward()
            optimizer.step()
    sync()
    seconds = time.perf_counter() - start
    return seconds, nn.evaluate(model, loss_fn, test_loader)["accuracy"]


def train_and_test_torch(device="cpu", epochs=1, batch_size=64, lr=0.05, root=None, seed=0):
    """The same for PyTorch: the engine's initial weights, batches and order; (seconds, test accuracy)."""
    import torch

    ag.manual_seed(seed)
    train_loader, test_loader = _loaders("cpu", batch_size, root, seed)
    weights = [p.numpy() for p in build_cnn(nn).parameters()]  # the engine's first draw, as above
    model = build_cnn(torch.nn)
    with torch.no_grad():
        for p, w in zip(model.parameters(), weights):
            p.copy_(torch.from_numpy(w))
    model.to(device)
    loss_fn = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)

    def batch(x, y):
        return torch.from_numpy(x.numpy()).to(device), torch.from_numpy(y.numpy()).long().to(device)

    sync = common.synchronizer(device)
    sync()
    start = time.perf_counter()
    for _ in range(epochs):
        for x, y in train_loader:
            x, y = batch(x, y)
            optimizer.zero_grad()
            loss_fn(model(x), y).backward()
            optimizer.step()
    sync()
    seconds = time.perf_counter() - start
    correct = total = 0
    with torch.no_grad():
        for x, y in test_loader:
            x, y = batch(x, y)
            correct += int((model(x).argmax(1) == y).sum())
            total += len(y)
    return seconds, correct / total


def _alone(contender, *args):
    """Run one contender in this (fresh) process; its result and this process's libraries and threads."""
    run = train_and_test_torch if contender == "torch" else train_and_test
    return run(*args), common.threads_info()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--root", default=None)
    parser.add_argument("--contender", choices=["engine", "torch", "both"], default="both")
    args = parser.parse_args()
    names = ["engine", "torch"] if args.contender == "both" else [args.contender]
    print(common.machine_info(args.device))
    print(f"Fashion-MNIST CNN, {args.epochs} epoch(s) at batch {args.batch_size} on {args.device}, "
          f"each contender alone in a fresh process:")  # fmt: skip
    results = {}
    for name in names:  # one after the other, never at the same time
        with multiprocessing.get_context("spawn").Pool(1) as pool:
            work = (name, args.device, args.epochs, args.batch_size, 0.05, args.root)
            (seconds, accuracy), threads = pool.apply(_alone, work)
        results[name] = seconds
        print(f"  {name:<6} training time {seconds:6.1f} s, test accuracy {accuracy:.4f}  ({threads})")
    if len(results) == 2:
        print(f"  engine / torch = {results['engine'] / results['torch']:.2f}")


if __name__ == "__main__":
    main()
