"""Time to accuracy: the CNN of ``cnn_step.py`` trained for one epoch on the full Fashion-MNIST.

Reads the 60,000 training and 10,000 test images with ``nn.datasets.FashionMNIST``
(Debian's ``dataset-fashion-mnist`` package installs them in
``/usr/share/datasets/fashion-mnist/``; ``--root`` points elsewhere), trains one
epoch with SGD + momentum at batch 64, and reports the wall-clock seconds of the
epoch and the test accuracy: for this engine and for PyTorch on the same network,
each in a fresh process of its own, one after the other. Both start from the same
weights and see the same batches in the same order (the engine's ``DataLoader``
makes them; PyTorch gets each batch with ``torch.from_numpy``, no copy), so the
seconds differ by the model's step only. ``--rounds N`` runs the pair N times,
taking turns (the first contender alternating), and reports the median seconds
and the median of the per-round ratios: one epoch each is exposed to the
machine's slow minutes, which move a single ratio by 30% or more.

Run: ``python bench/fashion_mnist_epoch.py [--device cuda] [--epochs 1] [--root DIR] [--contender engine|torch|both] [--rounds N]``
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
    model = common.with_weights(torch, build_cnn(torch.nn), weights, device)
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
    parser.add_argument("--rounds", type=int, default=1, help="run the contenders this many times, taking turns")
    args = parser.parse_args()
    names = ["engine", "torch"] if args.contender == "both" else [args.contender]
    print(common.machine_info(args.device))
    print(f"Fashion-MNIST CNN, {args.epochs} epoch(s) at batch {args.batch_size} on {args.device}, "
          f"each contender alone in a fresh process, {args.rounds} round(s) taking turns:")  # fmt: skip
    seconds = {name: [] for name in names}
    for r in range(args.rounds):
        for name in names[r % len(names) :] + names[: r % len(names)]:  # one at a time, never together
            with multiprocessing.get_context("spawn").Pool(1) as pool:
                work = (name, args.device, args.epochs, args.batch_size, 0.05, args.root)
                (took, accuracy), threads = pool.apply(_alone, work)
            seconds[name].append(took)
            print(f"  {name:<6} training time {took:6.1f} s, test accuracy {accuracy:.4f}  ({threads})")
    if len(names) == 2:
        ratios = [e / t for e, t in zip(seconds["engine"], seconds["torch"])]
        engine, torch_ = common.median(seconds["engine"]), common.median(seconds["torch"])
        print(f"  median: engine {engine:.1f} s, torch {torch_:.1f} s; engine / torch = {engine / torch_:.2f} "
              f"(median of the rounds' ratios {common.median(ratios):.2f}, rounds {', '.join(f'{x:.2f}' for x in ratios)})")  # fmt: skip


if __name__ == "__main__":
    main()
