"""Lesson 08: what a network is made of, and how data flows through training (A1, A2, A4; deck 003).

* A1, weights and biases: a dense layer with n inputs and m nodes holds n*m weights
  (one per connection) and m biases (one per node). For 3 inputs, hidden layers of
  4, 5 and 3 nodes and 2 outputs, ``nn.summary`` counts them from the layers themselves.
* A2, batches and epochs: one epoch sends every training sample through the network
  once, in batches; batches per epoch = ceil(samples / batch size), and every batch
  is one iteration (one parameter update). Counted here by iterating a real
  ``nn.data.DataLoader``.
* A4, splitting the data 80:10:10 into training, validation and test sets with
  ``nn.data.train_val_test_split``: the sizes add up and no sample is in two sets.

Run:  python tutorials/08_network_anatomy.py   (writes the network's graph and a picture of the split)
"""

import common  # noqa: F401  (puts the repository on sys.path)
import numpy as np
from common import check, done, output_dir

import autograd as ag
import nn
from nn.data import DataLoader, TensorDataset, train_val_test_split

LAYER_SIZES = [3, 4, 5, 3, 2]  # inputs, hidden layers 1-3, outputs (deck 003, "Weights and Biases for a Layer")
SLIDE_COUNTS = [(12, 4), (20, 5), (15, 3), (6, 2)]
SLIDE_TOTALS = (53, 14)


def build_network(sizes=LAYER_SIZES):
    """Dense layers between consecutive sizes, ReLU between them (activations add no parameters)."""
    layers = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Linear(n_in, n_out))
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


def count_weights_and_biases(sizes=LAYER_SIZES):
    """A1: the summary of the network, and per dense layer its (weights, biases), from ``nn.summary``."""
    summary = nn.summary(build_network(sizes), (sizes[0],), print_fn=None)
    per_layer = [(r.weights, r.biases) for r in summary.rows if r.type == "Linear"]
    return summary, per_layer


def epoch_arithmetic(samples=1000, batch_size=128, epochs=50, features=3):
    """A2: batches per epoch and total iterations, counted by iterating a real DataLoader.

    Returns (len(loader), the batch sizes of one epoch, iterations over all epochs).
    """
    x = ag.randn(samples, features)
    y = ag.randn(samples, 1)
    loader = DataLoader(TensorDataset(x, y), batch_size=batch_size, shuffle=True, seed=0)
    batch_sizes = [xb.shape[0] for xb, _ in loader]
    iterations = 0
    for _ in range(epochs):
        for _xb, _yb in loader:
            iterations += 1  # one forward pass, one backward pass, one update
    return len(loader), batch_sizes, iterations


def split_80_10_10(samples=1000):
    """A4: split sample ids 0..samples-1 80:10:10; returns the three id arrays (train, validation, test)."""
    ids = np.arange(samples)
    features = np.random.default_rng(0).normal(size=(samples, 3))
    (_, id_train), (_, id_val), (_, id_test) = train_val_test_split(features, ids, fractions=(0.8, 0.1, 0.1), seed=0)
    return np.asarray(id_train), np.asarray(id_val), np.asarray(id_test)


def plot_split(parts, path):
    """Which set each sample id landed in."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n = sum(len(p) for p in parts)
    where = np.zeros(n)
    for k, p in enumerate(parts):
        where[p] = k
    fig, ax = plt.subplots(figsize=(8, 1.8))
    ax.imshow(where[None, :], aspect="auto", cmap="viridis", interpolation="nearest")
    ax.set_yticks([])
    ax.set_xlabel("sample id")
    sizes = ", ".join(f"{name} {len(p)}" for name, p in zip(("train", "validation", "test"), parts))
    ax.set_title(f"80:10:10 split, shuffled: {sizes}")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def main():
    out = output_dir("08_network_anatomy")
    print("A1: weights and biases of a 3 -> 4 -> 5 -> 3 -> 2 network (deck 003)\n")
    summary, per_layer = count_weights_and_biases()
    print(summary)
    print()
    for i, (n_in, n_out) in enumerate(zip(LAYER_SIZES[:-1], LAYER_SIZES[1:])):
        print(f"  layer {i + 1}: {n_in} inputs x {n_out} nodes = {n_in * n_out} weights, {n_out} biases")
    check("(weights, biases) per layer", per_layer, SLIDE_COUNTS)
    check("total weights, total biases", (summary.total_weights, summary.total_biases), SLIDE_TOTALS)

    print("\nA2: 1000 samples, batch size 128, 50 epochs (deck 003)")
    batches, sizes, iterations = epoch_arithmetic()
    print(f"  one epoch's batch sizes: {sizes}  (the last batch holds the {sizes[-1]} samples left over)")
    check("batches per epoch = ceil(1000/128)", batches, 8)
    check("batches actually seen in one epoch", len(sizes), 8)
    check("every sample seen once per epoch", sum(sizes), 1000)
    check("iterations over 50 epochs = 8 * 50", iterations, 400)

    print("\nA4: the usual 80:10:10 split into training, validation and test sets (deck 003)")
    parts = split_80_10_10()
    sizes = [len(p) for p in parts]
    print(f"  sizes: train {sizes[0]}, validation {sizes[1]}, test {sizes[2]}")
    check("sizes 80:10:10 of 1000", sizes, [800, 100, 100])
    check("sizes add up to 1000", sum(sizes), 1000)
    every = np.concatenate(parts)
    check("no sample in two sets (distinct ids)", len(np.unique(every)), 1000)

    model = build_network()
    x = ag.randn(1, 3)
    x.name = "x"
    graph_file = out / "network_graph.svg"
    import viz

    viz.save(viz.draw_graph(model(x)), graph_file)
    plot_split(parts, out / "split.png")
    done(out)


if __name__ == "__main__":
    main()
