# %% [markdown]
# # D9: transfer learning (deck 004): reuse what a network learned on one task for another with little data
#
# Task A, plenty of data: recognise the digit (0-9) in 900 8x8 images.
# Task B, little data: say whether a digit is odd or even, from only 2 labelled
# images per digit (20 in all).
#
# Transfer: train a network on task A; keep its feature layers (64 -> 128 -> 32)
# and freeze them with `requires_grad_(False)` (their weights get no gradient
# and the optimizer leaves them alone); put a new head on top (32 -> 32 -> 2) and
# train only the head on the 20 images of task B.
# From scratch: the same whole network, trained on the same 20 images only.
# Both are tested on ~500 images neither has seen. Measured: transfer wins.

# %%
import numpy as np
from common import bar, begin, done, fast_or

import autograd as ag
import nn


# %%
def feature_layers():
    """The part that is transferred: 64 pixels -> 128 -> 32 features (ReLU)."""
    return nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 32), nn.ReLU())


def new_head():
    """The new task's head: 32 features -> 32 -> 2 scores (odd, even)."""
    return nn.Sequential(nn.Linear(32, 32), nn.ReLU(), nn.Linear(32, 2))


def train(model, x, y, epochs, lr, seed=0, batch_size=64):
    """Train the parameters of `model` that require grad, with Adam and cross-entropy."""
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimizer = nn.optim.Adam(trainable, lr=lr)
    loader = nn.data.DataLoader(nn.data.TensorDataset(x, y), batch_size=batch_size, shuffle=True, seed=seed)
    return nn.fit(model, nn.CrossEntropyLoss(), optimizer, loader, epochs=epochs, verbose=False)


def accuracy(model, x, y):
    """Test accuracy in evaluation mode, no graph built."""
    model.eval()
    with ag.no_grad():
        return nn.metrics.accuracy(model(ag.tensor(x)), y)


def task_data(per_digit=2, seed=0):
    """Task A (digit, 900 images), task B's little training set (odd/even, `per_digit` per digit) and its test set."""
    digits = nn.datasets.load_digits()
    x, digit = digits["data"] / np.float32(16.0), digits["target"]
    order = np.random.default_rng(seed).permutation(len(x))
    a, pool, test = order[:900], order[900:1300], order[1300:]
    rng = np.random.default_rng(seed)
    little = np.concatenate([rng.choice(pool[digit[pool] == d], per_digit, replace=False) for d in range(10)])
    parity = digit % 2  # task B's label: 1 for odd
    return (x[a], digit[a]), (x[little], parity[little]), (x[test], parity[test])


def transfer_vs_scratch(epochs_a=15, epochs_b=100, per_digit=2, seed=0):
    """Returns `(task_a_accuracy_on_its_training_set, transfer_accuracy, scratch_accuracy, frozen_ok)`."""
    (x_a, y_a), (x_b, y_b), (x_test, y_test) = task_data(per_digit, seed)

    ag.manual_seed(seed)
    features = feature_layers()
    model_a = nn.Sequential(features, nn.Linear(32, 10))
    train(model_a, x_a, y_a, epochs_a, lr=0.003, seed=seed)
    accuracy_a = accuracy(model_a, x_a, y_a)

    features.requires_grad_(False)  # freeze: the learned features stay as they are
    frozen_before = [p.numpy().copy() for p in features.parameters()]
    transfer = nn.Sequential(features, new_head())
    train(transfer, x_b, y_b, epochs_b, lr=0.01, seed=seed)
    frozen_ok = all(np.array_equal(b, p.numpy()) for b, p in zip(frozen_before, features.parameters()))

    ag.manual_seed(seed)
    scratch = nn.Sequential(feature_layers(), new_head())
    train(scratch, x_b, y_b, epochs_b, lr=0.01, seed=seed)
    return accuracy_a, accuracy(transfer, x_test, y_test), accuracy(scratch, x_test, y_test), frozen_ok


# %% [markdown]
# ## Run the lesson

# %%
out = begin(__name__, "24_transfer_learning")
acc_a, transfer, scratch, frozen_ok = transfer_vs_scratch(epochs_a=fast_or(15, 2), epochs_b=fast_or(100, 5))
print(f"task A (which digit?), 900 images: training accuracy {acc_a:.3f}")
print("task B (odd or even?), 20 labelled images, tested on ~500 others:")
print(f"  frozen features from task A + new head: {transfer:.3f}")
print(f"  the same network trained from scratch:  {scratch:.3f}")
print(f"  the frozen layers' weights were left unchanged: {frozen_ok}")
if not frozen_ok:
    raise AssertionError("requires_grad_(False) did not freeze the feature layers")
print(f"  transfer's gain: {100 * (transfer - scratch):+.1f} percentage points of test accuracy")
bar("transfer's test accuracy (the bar: the accuracy from scratch)", transfer, scratch)
(out / "results.txt").write_text(
    f"task A training accuracy {acc_a:.4f}\ntransfer {transfer:.4f}\nscratch {scratch:.4f}\n", encoding="utf-8"
)
done(out)
