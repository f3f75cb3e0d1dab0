# %% [markdown]
# # D2: a binary classifier answers "is this digit an 8?" for 8x8 handwritten digit images (deck 003)
#
# Each 8x8 image is flattened into 64 pixel values (scaled to [0, 1]), the input
# of a small network with one output: a score (logit) that is positive for "8".
# `BCEWithLogitsLoss` is the binary cross-entropy of $p = \sigma(\text{score})$,
# $L = -[y \log p + (1 - y) \log(1 - p)]$, computed stably. Only about 1 digit in 10 is an 8, so "always say: not 8" already scores
# about 0.90: the lesson also reports how many of the real 8s were found (the recall of
# class "8"), without a bar on it.
#
# Bar (D2): test accuracy >= 0.95.

# %%
import numpy as np
from common import bar, begin, done, fast_or, picture

import autograd as ag
import nn

EIGHT = 8


# %%
def eight_or_not_splits(seed=0, limit=None):
    """Digits as (N, 64) in [0, 1] with float labels 1.0 for an 8, 0.0 otherwise: `(train, val, test)`."""
    digits = nn.datasets.load_digits()
    x = digits["data"] / np.float32(16.0)
    y = (digits["target"] == EIGHT).astype(np.float32)
    if limit is not None:
        x, y = x[:limit], y[:limit]
    return nn.data.train_val_test_split(x, y, fractions=(0.7, 0.1, 0.2), seed=seed, stratify=y)


def train_eight_or_not(epochs=30, lr=0.01, batch_size=32, seed=0, limit=None):
    """Train a 64-32-1 network with BCEWithLogitsLoss and Adam; returns `(model, test_accuracy, test_recall_of_8)`."""
    ag.manual_seed(seed)
    (x_train, y_train), (x_val, y_val), (x_test, y_test) = eight_or_not_splits(seed, limit)
    loader = nn.data.DataLoader(
        nn.data.TensorDataset(x_train, y_train[:, None]), batch_size=batch_size, shuffle=True, seed=seed
    )
    model = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 1))
    loss_fn = nn.BCEWithLogitsLoss()
    optimizer = nn.optim.Adam(model.parameters(), lr=lr)
    for _ in range(epochs):
        model.train()
        for x, y in loader:
            loss = loss_fn(model(x), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    model.eval()
    with ag.no_grad():
        predicted = (model(ag.tensor(x_test)).numpy()[:, 0] > 0).astype(np.int64)  # logit > 0 <=> p > 0.5
    truth = y_test.astype(np.int64)
    accuracy = float((predicted == truth).mean())
    recall = float(predicted[truth == 1].mean())
    return model, accuracy, recall, (x_test, truth, predicted)


# %% [markdown]
# ## Run the lesson

# %%
out = begin(__name__, "17_digit_eight_or_not")
model, accuracy, recall, (x_test, truth, predicted) = train_eight_or_not(epochs=fast_or(30, 2))
print(f"test images: {len(truth)}, of which 8s: {int(truth.sum())}")
print(f"always answering 'not 8' would score {1 - truth.mean():.3f}")
bar("test accuracy (the bar of D2)", accuracy, 0.95)
print(f"  recall of the 8s (share of the real 8s answered '8'; reported, no bar): {recall:.3f}")

# %% [markdown]
# ## What it got wrong
#
# The confusion matrix splits the errors: 8s missed (false negatives) and other digits taken for 8s (false positives).

# %%
picture("plot_confusion_matrix", truth, predicted, class_names=["not 8", "8"], save=out / "confusion_matrix.png")
if (predicted != truth).any():
    picture("show_misclassified", x_test.reshape(-1, 8, 8), truth, predicted, class_names=["not 8", "8"],
            save=out / "misclassified.png")  # fmt: skip
done(out)
