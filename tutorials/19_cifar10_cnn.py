# %% [markdown]
# # D4: a CNN on CIFAR-10 colour images, its misclassified images ("True: X / Pred: Y") and per-class accuracy
#
# CIFAR-10 (decks 000, 001, 003): 32x32 colour images (3 channels: red, green,
# blue) of 10 classes: airplane, automobile, bird, cat, deer, dog, frog, horse,
# ship, truck. Its files are not bundled: with them present (`nn.datasets.CIFAR10`
# looks in ~/.teachgrad/data/cifar10, ./data/cifar10, $TEACHGRAD_DATA/cifar10) the
# CNN trains on a subset of its 50,000 training images (`--train-size`, default
# 10,000) and is tested on its 10,000 test images. Without them the script says
# how to get them and stops, unless asked with `--stand-in` to run on a small
# synthetic stand-in: 32x32 colour images whose class is a colour and a stripe
# direction, buried in noise (not CIFAR-10: it shows the pipeline, not CIFAR's numbers).
#
# What to look at: the misclassified grid (the slides' "True: automobile / Pred:
# truck") and the per-class accuracy, which is far from equal across classes.
#
# Without the files and without `--stand-in` it stops with exit status 2: nothing is trained.

# %%
import argparse

import common
import numpy as np
from common import FAST, begin, done, fast_or, picture

import autograd as ag
import nn

STAND_IN_COLOURS = {"red": (1, 0, 0), "green": (0, 1, 0), "blue": (0, 0, 1), "yellow": (1, 1, 0), "purple": (1, 0, 1)}


# %%
def stand_in_data(n_train=1000, n_test=300, noise=1.6, seed=0):
    """A synthetic CIFAR-shaped stand-in: float32 (N, 3, 32, 32) images in [0, 1], 10 classes.

    Class k has colour ``k // 2`` (red, green, blue, yellow, purple) painted in
    stripes, horizontal for even k and vertical for odd k, plus Gaussian noise.
    """
    names = [f"{colour}-{way}" for colour in STAND_IN_COLOURS for way in ("H", "V")]  # H/V: stripe direction
    rng = np.random.default_rng(seed)
    colours = np.array(list(STAND_IN_COLOURS.values()), dtype=np.float32)
    stripes = (np.arange(32) // 4 % 2).astype(np.float32)

    def make(n):
        labels = rng.integers(0, 10, n)
        horizontal = np.broadcast_to(stripes[:, None], (32, 32))
        pattern = np.where((labels % 2 == 0)[:, None, None], horizontal, horizontal.T)  # (n, 32, 32)
        images = colours[labels // 2][:, :, None, None] * pattern[:, None]  # (n, 3, 32, 32)
        images = images + noise * rng.standard_normal(images.shape).astype(np.float32)
        return np.clip(images, 0, 1).astype(np.float32), labels.astype(np.int64)

    (x_train, y_train), (x_test, y_test) = make(n_train), make(n_test)
    return {"source": "synthetic stand-in", "classes": names,
            "x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test}  # fmt: skip


def cifar10_data(train_size=10000, test_size=None, seed=0):
    """CIFAR-10 from its files: a random ``train_size`` subset of the training images, and the test images.

    Raises FileNotFoundError (saying where it looked and how to get the files) when they are absent.
    """
    train, test = nn.datasets.CIFAR10(train=True), nn.datasets.CIFAR10(train=False)
    rng = np.random.default_rng(seed)
    pick = np.sort(rng.permutation(len(train))[: min(train_size, len(train))])
    x_train, y_train = train.get_batch(pick)
    x_test, y_test = test.get_batch(np.arange(len(test) if test_size is None else min(test_size, len(test))))
    return {"source": "CIFAR-10", "classes": list(train.classes),
            "x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test}  # fmt: skip


def build_cnn():
    """conv3x3(3->16, pad 1) + ReLU + maxpool2, conv3x3(16->32, pad 1) + ReLU + maxpool2, flatten, linear(32*8*8 -> 10)."""
    return nn.Sequential(
        nn.Conv2d(3, 16, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(32 * 8 * 8, 10),
    )  # fmt: skip


def train_cifar(data, epochs=3, lr=0.002, batch_size=64, seed=0):
    """Train the CNN with the explicit loop and Adam; returns ``(model, test_accuracy, predicted, per_class)``."""
    ag.manual_seed(seed)
    model = build_cnn()
    loss_fn = nn.CrossEntropyLoss()
    optimizer = nn.optim.Adam(model.parameters(), lr=lr)
    loader = nn.data.DataLoader(
        nn.data.TensorDataset(data["x_train"], data["y_train"]), batch_size=batch_size, shuffle=True, seed=seed
    )
    for epoch in range(1, epochs + 1):
        model.train()
        total, count = 0.0, 0
        for x, y in loader:
            loss = loss_fn(model(x), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total, count = total + loss.item() * len(y), count + len(y)
        print(f"  epoch {epoch}/{epochs}: training loss {total / count:.4f}")
    model.eval()
    with ag.no_grad():
        predicted = np.concatenate([model(ag.tensor(data["x_test"][i : i + 500])).numpy().argmax(axis=1)
                                    for i in range(0, len(data["x_test"]), 500)])  # fmt: skip
    accuracy = float((predicted == data["y_test"]).mean())
    per_class = nn.metrics.per_class_accuracy(predicted, data["y_test"], num_classes=10)
    return model, accuracy, predicted, per_class


def parse_args():
    """--stand-in, --train-size, --epochs and --fast (in a notebook kernel: the defaults)."""
    parser = argparse.ArgumentParser(description="D4: a CNN on CIFAR-10", allow_abbrev=False)
    parser.add_argument("--stand-in", action="store_true", help="without CIFAR-10's files, use the synthetic stand-in")
    parser.add_argument("--train-size", type=int, default=10000, help="CIFAR-10 training images to use")
    parser.add_argument("--epochs", type=int, default=3)
    return common.parse_args(parser)


# %% [markdown]
# ## Run the lesson: CIFAR-10 if its files are here; otherwise stop, or (asked) the synthetic stand-in
#
# In a notebook, set `args.stand_in = True` in the cell below to use the stand-in.

# %%
out = begin(__name__, "19_cifar10_cnn")
args = parse_args()
try:
    data = cifar10_data(train_size=fast_or(args.train_size, 200), test_size=fast_or(None, 100))
except FileNotFoundError as missing:
    print(f"CIFAR-10's files are not here.\n{missing}")
    if not args.stand_in:
        print("\nNothing was trained. Get the files (above), or run again with --stand-in to see the whole")
        print("pipeline on a small synthetic stand-in (NOT CIFAR-10: coloured stripes in noise).")
        raise SystemExit(2) from None
    print("\n--stand-in: SYNTHETIC 32x32 colour images, not CIFAR-10 (10 classes: a colour and a stripe direction).")
    data = stand_in_data(n_train=fast_or(1000, 200), n_test=fast_or(300, 100))
print(f"Data: {data['source']}, {len(data['y_train'])} training and {len(data['y_test'])} test images")
synthetic = data["source"] != "CIFAR-10"

# %%
epochs = 1 if FAST else args.epochs
_, accuracy, predicted, per_class = train_cifar(data, epochs=epochs)
print(f"\nTest accuracy: {accuracy:.3f} (guessing: 0.100)")
print("Per-class accuracy:")
for name, acc in zip(data["classes"], per_class):
    print(f"  {name:<18} {acc:.3f}" if np.isfinite(acc) else f"  {name:<18} (no test images)")

# %% [markdown]
# ## The misclassified images ("True: X / Pred: Y") and the confusion matrix

# %%
heading = "SYNTHETIC stand-in, not CIFAR-10" if synthetic else "CIFAR-10 test images"
if (predicted != data["y_test"]).any():
    picture("show_misclassified", data["x_test"], data["y_test"], predicted, class_names=data["classes"],
            max_images=15, title=heading, save=out / "misclassified.png")  # fmt: skip
picture("plot_confusion_matrix", data["y_test"], predicted, class_names=data["classes"], normalize=True,
        title=heading, save=out / "confusion_matrix.png")  # fmt: skip
done(out)
