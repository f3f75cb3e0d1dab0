# %% [markdown]
# # The flagship demo: backpropagation through a real network, gradient descent on one weight (G1), then the network learns Iris
#
# Start here: the 4-16-3 network of Part 3 (Linear, ReLU, Linear, cross-entropy)
# runs one backward pass on six Iris flowers, recorded step by step
# (`viz.record_backward`) and written as a page: one box per layer, the first
# layer opened to its op, each step's local rule with its numbers and a numerical
# check beside it; click a tensor for its numbers and heat maps.
#
# Part 1 (deck 000, "Simple Example"): the prediction is y_pred = x * w and the
# loss E = (x*w - y)^2. With learning rate 0.1, w starting at 0.5 and the samples
# (2, 4), (1, 2), (3, 6), one update per sample, the slide finds
# w: 0.5 -> 1.7 -> 1.76 -> 2.192, heading to 2. Here dE/dw = 2x(xw - y) is not typed
# in: `backward()` computes it, and the first update is written out as a page
# you can click through, one backward step at a time.
#
# Part 2: the same loop (forward, loss, zero_grad, backward, step) trains the
# 4-16-3 network on the Iris flowers, and its training curves are plotted.
#
# Run: `python tutorials/00_flagship_demo.py` (or `bash scripts/demo.sh`).


# %%
import time

import numpy as np
from common import FAST, bar, begin, check, done, fast_or, picture

import autograd as ag
import nn
import viz

G1_SAMPLES = [(2.0, 4.0), (1.0, 2.0), (3.0, 6.0)]
G1_SLIDE_WEIGHTS = [0.5, 1.7, 1.76, 2.192]


# %%
def squared_error(w, x_value, y_value):
    """E = (x*w - y)^2 for one sample, with the slide's names: x, y, y_pred, E."""
    x = ag.tensor(x_value, dtype="float64", name="x")
    y = ag.tensor(y_value, dtype="float64", name="y")
    y_pred = x * w
    y_pred.name = "y_pred"
    E = (y_pred - y) ** 2
    E.name = "E"
    return E


def one_weight_descent(w0=0.5, lr=0.1, samples=G1_SAMPLES):
    """Gradient descent on one weight: w <- w - lr * dE/dw with E = (x*w - y)^2, one update per sample.

    Returns `(weights, gradients)`: the weight before the first and after each
    update, and each dE/dw as `backward()` computed it.
    """
    w = ag.tensor(w0, dtype="float64", requires_grad=True, name="w")
    optimizer = nn.optim.SGD([w], lr=lr)
    weights, gradients = [w.item()], []
    for x_value, y_value in samples:
        optimizer.zero_grad()
        E = squared_error(w, x_value, y_value)
        E.backward()
        gradients.append(w.grad.item())
        optimizer.step()  # w <- w - lr * dE/dw
        weights.append(w.item())
    return weights, gradients


def first_update_page(folder, w0=0.5, sample=G1_SAMPLES[0]):
    """The first update's backward pass (w = 0.5 on the sample (2, 4)), step by step, as a page.

    The learner's own `E.backward()` is recorded (`viz.record_backward`) and written
    to `folder/index.html` (without graphviz's dot: a text stepper). Returns the
    steps; in a notebook, `steps.show()` as a cell's last line shows the page inline.
    """
    w = ag.tensor(w0, dtype="float64", requires_grad=True, name="w")
    E = squared_error(w, *sample)
    with viz.record_backward(E) as steps:  # records this backward pass; .grad fills in as usual
        E.backward()
    steps.write_html(folder / "index.html")
    return steps


def iris_network(hidden=16):
    """The 4-16-3 network: Linear(4 -> 16), ReLU, Linear(16 -> 3); the loss is cross-entropy."""
    return nn.Sequential(nn.Linear(4, hidden), nn.ReLU(), nn.Linear(hidden, 3))


def network_backward_page(folder, per_species=2, seed=0):
    """One backward pass of the (untrained) 4-16-3 network on a few Iris flowers, as a stepper page.

    ``per_species`` flowers of each species, standardised; the pass is the learner's
    own ``loss.backward()``, recorded with ``viz.record_backward``. The page
    (``folder/index.html``) opens at layer level with layer ``0`` opened to its op.
    Returns ``(model, steps, page)``.
    """
    ag.manual_seed(seed)
    iris = nn.datasets.load_iris()
    rows = np.concatenate([np.flatnonzero(iris["target"] == c)[:per_species] for c in range(3)])
    features = nn.transforms.Standardize().fit(iris["data"])(iris["data"][rows])
    x = ag.tensor(features, name="x")
    y = ag.tensor(iris["target"][rows], name="y")
    model = iris_network()
    loss = nn.CrossEntropyLoss()(model(x), y)
    with viz.record_backward(loss) as steps:
        loss.backward()  # the gradients land in .grad once, as without the recording
    page = steps.write_html(folder / "index.html", level="0")
    return model, steps, page


def train_iris_network(epochs=60, hidden=16, lr=0.01, seed=0):
    """Train a 4-hidden-3 network (Linear, ReLU, Linear) on Iris with the explicit loop and Adam.

    Features are standardised with the training split's mean and population
    standard deviation. Returns `(history, test_accuracy)`; `history` holds the
    per-epoch training and validation loss and accuracy.
    """
    ag.manual_seed(seed)
    iris = nn.datasets.load_iris()
    (x_train, y_train), (x_val, y_val), (x_test, y_test) = nn.data.train_val_test_split(
        iris["data"], iris["target"], fractions=(0.6, 0.2, 0.2), seed=seed, stratify=iris["target"]
    )
    scaler = nn.transforms.Standardize().fit(x_train)
    x_train, x_val, x_test = scaler(x_train), scaler(x_val), scaler(x_test)

    train_loader = nn.data.DataLoader(nn.data.TensorDataset(x_train, y_train), batch_size=16, shuffle=True, seed=seed)
    val_loader = nn.data.DataLoader(nn.data.TensorDataset(x_val, y_val), batch_size=len(y_val))
    model = iris_network(hidden)
    loss_fn = nn.CrossEntropyLoss()
    optimizer = nn.optim.Adam(model.parameters(), lr=lr)

    history = nn.History()
    for epoch in range(1, epochs + 1):
        model.train()
        total, correct, count = 0.0, 0, 0
        for x, y in train_loader:
            logits = model(x)  # forward
            loss = loss_fn(logits, y)  # loss
            optimizer.zero_grad()  # forget the last batch's gradients
            loss.backward()  # dLoss/dw for every weight and bias
            optimizer.step()  # update them
            total += loss.item() * len(y)
            correct += nn.metrics.correct_count(logits, y).item()
            count += len(y)
        logs = {"loss": total / count, "accuracy": correct / count}
        logs.update({f"val_{k}": v for k, v in nn.evaluate(model, loss_fn, val_loader).items()})
        history.append(epoch, logs)

    model.eval()
    with ag.no_grad():
        test_accuracy = nn.metrics.accuracy(model(ag.tensor(x_test)), y_test)
    return history, test_accuracy


# %% [markdown]
# ## Run the lesson

# %%
out = begin(__name__, "00_flagship_demo")
start = time.perf_counter()

print("Start here - one backward pass through the 4-16-3 Iris network, step by step")
_, network_steps, network_page = network_backward_page(out / "network")
print(f"  {len(network_steps)} backward steps at op level; the page opens at layer level with layer 0 opened.")
print(f"  Open it: {network_page}")
network_steps.show(level="0")  # in a notebook: the same page, inline

# %% [markdown]
# ## Part 1: gradient descent on one weight (the slide's numbers)

# %%

print("\nPart 1 - gradient descent on one weight (deck 000): y_pred = x*w, E = (x*w - y)^2, lr = 0.1")
weights, gradients = one_weight_descent()
check("w before any update", weights[0], G1_SLIDE_WEIGHTS[0])
for (x, y), w_before, grad, w_after, slide in zip(G1_SAMPLES, weights, gradients, weights[1:], G1_SLIDE_WEIGHTS[1:]):
    print(
        f"  sample (x={x:g}, y={y:g}): dE/dw from backward() = {grad:g}  [2x(xw - y) = {2 * x * (x * w_before - y):g}]"
    )
    check(f"w after the update on ({x:g}, {y:g})", w_after, slide)
print("  w is heading to 2, the weight that fits y = 2x exactly.")

# %% [markdown]
# The first update's backward pass, one step at a time: each op's local rule with the numbers,
# from dE/dE = 1 at the loss to dE/dw = 2x(xw - y) = -12 at the weight.

# %%
first_steps = first_update_page(out / "backprop")
print(f"  Click through the first update's backward pass: {out / 'backprop' / 'index.html'}")
first_steps.show()  # in a notebook: the page, inline

# %% [markdown]
# ## Part 2: a network learns Iris with the explicit training loop

# %%

print("\nPart 2 - the 4-16-3 network learns the Iris species (explicit loop: forward, loss, zero_grad, backward, step)")
history, test_accuracy = train_iris_network(epochs=fast_or(60, 10))
for epoch in sorted({1, len(history.epochs) // 2, len(history.epochs)}):
    i = epoch - 1
    print(
        f"  epoch {epoch:3d}: loss {history['loss'][i]:.3f}, accuracy {history['accuracy'][i]:.3f} | "
        f"validation loss {history['val_loss'][i]:.3f}, accuracy {history['val_accuracy'][i]:.3f}"
    )
bar("Iris test accuracy (held-out 20%)", test_accuracy, 0.93)
picture("plot_history", history, save=out / "training_curves.png")
print(f"  Training curves: {out / 'training_curves.png'}")

print(f"\nDone in {time.perf_counter() - start:.1f} s{' (--fast)' if FAST else ''}.")
done(out)
