"""Time to accuracy: the CNN of ``cnn_step.py`` trained for one epoch on the full Fashion-MNIST.

Reads the 60,000 training and 10,000 test images with ``nn.datasets.FashionMNIST``
(Debian's ``dataset-fashion-mnist`` package installs them in
``/usr/share/datasets/fashion-mnist/``; ``--root`` points elsewhere), trains one
epoch with SGD + momentum at batch 64, and reports the wall-clock seconds of the
epoch and the test accuracy.

Run: ``python bench/fashion_mnist_epoch.py [--device cuda] [--epochs 1] [--root DIR]``
"""

from __future__ import annotations

import argparse
import time

import common
from cnn_step import build_cnn

import autograd as ag
import nn


def train_and_test(device="cpu", epochs=1, batch_size=64, lr=0.05, root=None, seed=0):
    """Train for ``epochs`` and return (seconds of training, test accuracy)."""
    ag.manual_seed(seed)
    train, test = nn.datasets.FashionMNIST(root, train=True), nn.datasets.FashionMNIST(root, train=False)
    train_loader = nn.data.DataLoader(train, batch_size=batch_size, shuffle=True, seed=seed, device=device)
    test_loader = nn.data.DataLoader(test, batch_size=1000, device=device)
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--root", default=None)
    args = parser.parse_args()
    seconds, accuracy = train_and_test(args.device, args.epochs, args.batch_size, root=args.root)
    print(common.machine_info(args.device))
    print(f"Fashion-MNIST CNN, {args.epochs} epoch(s) at batch {args.batch_size} on {args.device}:")
    print(f"  training time {seconds:.1f} s, test accuracy {accuracy:.4f}")


if __name__ == "__main__":
    main()
