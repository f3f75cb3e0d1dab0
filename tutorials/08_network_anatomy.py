# %% [markdown]
# # Lesson 08: what a network is made of, and how data flows through training (A1, A2, A4; deck 003)
#
# * **A1, weights and biases**: a dense layer with $n$ inputs and $m$ nodes holds $n \cdot m$ weights
#   (one per connection) and $m$ biases (one per node). For 3 inputs, hidden layers of
#   4, 5 and 3 nodes and 2 outputs, `nn.summary` counts them from the layers themselves.
# * **A2, batches and epochs**: one epoch sends every training sample through the network
#   once, in batches; batches per epoch = $\lceil \text{samples} / \text{batch size} \rceil$, and every batch
#   is one iteration (one parameter update). Counted here by iterating a real `nn.data.DataLoader`.
# * **A4**, splitting the data 80:10:10 into training, validation and test sets with
#   `nn.data.train_val_test_split`: the sizes add up and no sample is in two sets.
#
# Run: `python tutorials/08_network_anatomy.py` (writes the network's graph and a picture of the split)

# %%

import common  # noqa: F401  (puts the repository on sys.path)
import numpy as np
from common import begin, check, done, graph_picture, holds, picture

import autograd as ag
import nn
import viz
from nn.data import DataLoader, TensorDataset, train_val_test_split

LAYER_SIZES = [3, 4, 5, 3, 2]  # inputs, hidden layers 1-3, outputs (deck 003, "Weights and Biases for a Layer")
SLIDE_COUNTS = [(12, 4), (20, 5), (15, 3), (6, 2)]
SLIDE_TOTALS = (53, 14)


# %%
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


def plot_split(parts, save):
    """Which set each sample id landed in: one colour per set, named in the legend."""
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    from viz import plots

    names, colours = ("train", "validation", "test"), ("#4c72b0", "#dd8452", "#55a868")
    n = sum(len(p) for p in parts)
    where = np.zeros(n)
    for k, p in enumerate(parts):
        where[p] = k
    fig = plots.figure(9, 2.6)
    ax = fig.subplots()
    ax.imshow(where[None, :], aspect="auto", cmap=ListedColormap(colours), vmin=0, vmax=2, interpolation="nearest")
    ax.set_yticks([])
    ax.set_xlabel("sample id")
    ax.set_title("80:10:10 split, shuffled: each sample id coloured by the set it landed in")
    sizes = [f"{name} ({len(p)})" for name, p in zip(names, parts)]
    fig.legend(handles=[Patch(color=c, label=s) for c, s in zip(colours, sizes)], loc="outside lower center",
               ncol=3, fontsize=9)  # fmt: skip
    return plots.finish(fig, save)


# %% [markdown]
# ## A1: weights and biases of a 3 -> 4 -> 5 -> 3 -> 2 network

# %%
out = begin(__name__, "08_network_anatomy")
summary, per_layer = count_weights_and_biases()
print(summary)
print()
for i, (n_in, n_out) in enumerate(zip(LAYER_SIZES[:-1], LAYER_SIZES[1:])):
    print(f"  layer {i + 1}: {n_in} inputs x {n_out} nodes = {n_in * n_out} weights, {n_out} biases")
check("(weights, biases) per layer", per_layer, SLIDE_COUNTS)
check("total weights, total biases", (summary.total_weights, summary.total_biases), SLIDE_TOTALS)

# %% [markdown]
# ## A2: 1000 samples, batch size 128, 50 epochs

# %%
batches, sizes, iterations = epoch_arithmetic()
print(f"  one epoch's batch sizes: {sizes}  (the last batch holds the {sizes[-1]} samples left over)")
check("batches per epoch = ceil(1000/128) (len(loader))", batches, 8)
check("batches actually drawn in one epoch", len(sizes), 8)
check("samples seen in one epoch (every sample once)", sum(sizes), 1000, source="data set size")
check("iterations over 50 epochs = 8 * 50", iterations, 400)

# %% [markdown]
# ## A4: the usual 80:10:10 split into training, validation and test sets

# %%
parts = split_80_10_10()
sizes = [len(p) for p in parts]
print(f"  sizes: train {sizes[0]}, validation {sizes[1]}, test {sizes[2]}")
check("sizes 80:10:10 of 1000", sizes, [800, 100, 100], source="80:10:10 of 1000")
holds("the sizes add up to 1000", sum(sizes) == 1000)
holds("no sample is in two sets (1000 distinct ids)", len(np.unique(np.concatenate(parts))) == 1000)
picture(plot_split, parts, save=out / "split.png")

# %% [markdown]
# ## The network's computation graph
#
# (Drawing needs Graphviz's `dot` program; without it the lesson says so and carries on.)

# %%
model = build_network()
x = ag.randn(1, 3)
x.name = "x"
graph = graph_picture(lambda: viz.draw_graph(model(x)), out / "network_graph.svg")
done(out)
graph
