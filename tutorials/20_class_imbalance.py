# %% [markdown]
# # D5: class imbalance (deck 001): good overall accuracy, terrible accuracy on the rare class; a weighted loss helps
#
# The 8x8 digits are made imbalanced on purpose: the training set keeps only 5%
# of its 8s (about 6 images against ~120 of every other digit); the test set is
# left as it is. A network trained on it scores well overall but rarely answers
# "8": the rare class is sacrificed, since getting it wrong costs the loss little.
#
# The remedy on the slide, a weighted loss function: `CrossEntropyLoss(weight=w)`
# multiplies each sample's loss by the weight of its true class. With
# $w_k = N / (K N_k)$ (inverse class frequency; $N$ samples, $K$ classes, $N_k$ of class $k$), the few 8s count as much in
# total as any other digit. Measured here: the recall (per-class accuracy) of "8"
# rises with the weighted loss.

# %%
import numpy as np
from common import bar, begin, done, fast_or, picture

import autograd as ag
import nn

RARE = 8


# %%
def imbalanced_digits(keep_fraction=0.05, seed=0, limit=None):
    """Digits (N, 64) in [0, 1], split 70:30 (stratified); the training part keeps only `keep_fraction` of the 8s."""
    digits = nn.datasets.load_digits()
    x, y = digits["data"] / np.float32(16.0), digits["target"]
    if limit is not None:
        x, y = x[:limit], y[:limit]
    (x_train, y_train), (x_test, y_test) = nn.data.train_val_test_split(
        x, y, fractions=(0.7, 0.3), seed=seed, stratify=y
    )
    rng = np.random.default_rng(seed)
    keep = (y_train != RARE) | (rng.random(len(y_train)) < keep_fraction)
    keep[np.flatnonzero(y_train == RARE)[:2]] = True  # at least two 8s, so the class exists in training
    return (x_train[keep], y_train[keep]), (x_test, y_test)


def inverse_frequency_weights(labels, num_classes=10):
    """w_k = N / (K * N_k): a class with half the average count gets weight 2."""
    counts = np.bincount(labels, minlength=num_classes).astype(np.float32)
    return len(labels) / (num_classes * counts)


def train_imbalanced(weighted, epochs=20, lr=0.003, seed=0, limit=None):
    """Train a 64-32-10 network on the imbalanced digits, with or without class weights.

    Returns `(overall_test_accuracy, per_class_recall)` (recall[k] = share of
    the test images of digit k classified as k).
    """
    (x_train, y_train), (x_test, y_test) = imbalanced_digits(seed=seed, limit=limit)
    ag.manual_seed(seed)
    model = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))
    weight = ag.tensor(inverse_frequency_weights(y_train)) if weighted else None
    loss_fn = nn.CrossEntropyLoss(weight=weight)
    optimizer = nn.optim.Adam(model.parameters(), lr=lr)
    loader = nn.data.DataLoader(nn.data.TensorDataset(x_train, y_train), batch_size=64, shuffle=True, seed=seed)
    nn.fit(model, loss_fn, optimizer, loader, epochs=epochs, verbose=False)
    model.eval()
    with ag.no_grad():
        predicted = model(ag.tensor(x_test)).numpy().argmax(axis=1)
    return float((predicted == y_test).mean()), nn.metrics.per_class_accuracy(predicted, y_test, num_classes=10)


def plot_recalls(results, save):
    """Per-class recall of each training, side by side; the legend sits above the bars, covering none."""
    from viz import plots

    fig = plots.figure(7.5, 4.0)
    ax = fig.subplots()
    width = 0.4
    for i, (label, recall) in enumerate(results.items()):
        ax.bar(np.arange(10) + (i - 0.5) * width, recall, width, label=label)
    ax.set_xticks(range(10))
    ax.set_xlabel("digit (8 is the rare class)")
    ax.set_ylabel("per-class accuracy (recall)")
    ax.set_ylim(0, 1.0)
    ax.set_title("Class imbalance: plain vs weighted cross-entropy")
    fig.legend(loc="outside upper center", ncol=2)  # outside the axes: no bar hidden behind it
    return plots.finish(fig, save)


# %% [markdown]
# ## Run the lesson

# %%
out = begin(__name__, "20_class_imbalance")
limit = fast_or(None, 600)
(_, y_train), (_, y_test) = imbalanced_digits(limit=limit)
counts = np.bincount(y_train, minlength=10)
print("training images per digit:", dict(enumerate(counts.tolist())))
print(f"class weights N/(K*N_k): {[round(float(w), 2) for w in inverse_frequency_weights(y_train)]}")
results = {}
for weighted in (False, True):
    label = "weighted loss" if weighted else "plain loss"
    accuracy, recall = train_imbalanced(weighted, epochs=fast_or(20, 2), limit=limit)
    results[label] = recall
    print(f"\n{label}: overall test accuracy {accuracy:.3f}; accuracy on the rare '8': {recall[RARE]:.3f}; "
          f"on the other digits: {np.nanmean(np.delete(recall, RARE)):.3f}")  # fmt: skip
gain = results["weighted loss"][RARE] - results["plain loss"][RARE]
print()
bar("rise of the rare class's recall with the weighted loss", gain, 0.2)
picture(plot_recalls, results, save=out / "per_class_accuracy.png")
done(out)
