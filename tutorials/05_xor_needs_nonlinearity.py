# %% [markdown]
# # Lesson 05: XOR needs a non-linearity (worked example G5, slide deck 001)
#
# "Without these non-linearities, it becomes impossible to model non-linear
# classification problems such as the XOR classifier." Two networks with the same
# layers are trained the same way (Adam, mean squared error, full batch) on XOR:
#
# * no activation: `Linear(2, 4) -> Linear(4, 1)`.
#   A stack of linear layers is one linear layer ($W = W_2 W_1$, $b = W_2 b_1 + b_2$; checked
#   below), and the best a straight line can do on XOR is to answer 0.5 everywhere:
#   mean squared error 0.25, no decision at all.
# * one hidden non-linearity: `Linear(2, 4) -> tanh -> Linear(4, 1) -> sigmoid`
#   bends the decision boundary and gets all four points right.
#
# A prediction counts as right only when it is decided: on the target's side of 0.5
# by at least `MARGIN`. (Thresholding an output of 0.5000001 at 0.5 would count
# float noise as an answer.)
#
# Run: `python tutorials/05_xor_needs_nonlinearity.py [--fast]` (writes both decision maps)

# %%
import common  # noqa: F401  (puts the repository on sys.path)
import numpy as np
from common import FAST, begin, check, done, holds, picture

import autograd as ag
import nn

XOR_INPUTS = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
XOR_TARGETS = [[0.0], [1.0], [1.0], [0.0]]
MARGIN = 0.1


# %%
def linear_network():
    """Two dense layers and no activation between them."""
    return nn.Sequential(nn.Linear(2, 4), nn.Linear(4, 1))


def nonlinear_network():
    """One hidden layer of 4 tanh nodes and a sigmoid output."""
    return nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 1), nn.Sigmoid())


def decided_accuracy(outputs, targets, margin=MARGIN):
    """Share of samples whose output is on the target's side of 0.5 by at least ``margin``."""
    outputs, targets = np.ravel(outputs), np.ravel(targets)
    return float(np.mean(np.abs(outputs - targets) <= 0.5 - margin))


def train_xor(model, epochs=1000, lr=0.05):
    """Full-batch training on the four XOR points with Adam and MSE.

    Returns (final outputs, final loss, accuracy per epoch) as NumPy / floats.
    """
    x, y = ag.tensor(XOR_INPUTS), ag.tensor(XOR_TARGETS)
    optimizer = nn.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.MSELoss()
    accuracies = []
    for _ in range(epochs):
        output = model(x)
        loss = loss_fn(output, y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        accuracies.append(decided_accuracy(output.numpy(), XOR_TARGETS))
    with ag.no_grad():
        output = model(x)
        final_loss = loss_fn(output, y).item()
    return output.numpy().ravel(), final_loss, accuracies


def collapse_linear_stack(model):
    """W = W2 W1 and b = W2 b1 + b2: the single linear layer a linear stack amounts to."""
    first, second = model[0], model[1]
    weight = second.weight @ first.weight
    bias = second.weight @ first.bias + second.bias
    return weight, bias


def best_straight_line_mse():
    """The least mean squared error any affine map y = w.x + b can reach on XOR (least squares)."""
    design = np.hstack([np.array(XOR_INPUTS), np.ones((4, 1))])
    coef, *_ = np.linalg.lstsq(design, np.array(XOR_TARGETS), rcond=None)
    return float(np.mean((design @ coef - np.array(XOR_TARGETS)) ** 2))


def plot_decisions(models, save):
    """Each network's output over the unit square (labelled colour bar), with the four XOR points (legend)."""
    from viz import plots

    grid = np.linspace(-0.25, 1.25, 61)
    gx, gy = np.meshgrid(grid, grid)
    points = np.stack([gx.ravel(), gy.ravel()], axis=1).astype(np.float32)
    pts, tgt = np.array(XOR_INPUTS), np.ravel(XOR_TARGETS)
    fig = plots.figure(5.4 * len(models), 4.4)
    axes = fig.subplots(1, len(models))
    for ax, (title, model) in zip(axes, models.items()):
        with ag.no_grad():
            z = model(ag.tensor(points)).numpy().reshape(gx.shape)
        im = ax.contourf(gx, gy, z, levels=np.linspace(min(z.min(), 0), max(z.max(), 1), 21), cmap="coolwarm")
        ax.contour(gx, gy, z, levels=[0.5], colors="black")
        for value, colour, marker in ((0, "royalblue", "o"), (1, "crimson", "s")):
            chosen = pts[tgt == value]
            ax.scatter(chosen[:, 0], chosen[:, 1], c=colour, marker=marker, s=150, edgecolors="black",
                       label=f"XOR target {value}")  # fmt: skip
        ax.plot([], [], color="black", label="output = 0.5")
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("x1")
        ax.set_ylabel("x2")
        fig.colorbar(im, ax=ax, label="network output (0 = class 0, 1 = class 1)")
    fig.legend(*axes[0].get_legend_handles_labels(), loc="outside lower center", ncol=3)  # off the maps
    return plots.finish(fig, save)


# %% [markdown]
# ## Run the lesson: the same training for both networks

# %%
out = begin(__name__, "05_xor_needs_nonlinearity")
epochs = 400 if FAST else 1000
print(f"XOR: inputs {XOR_INPUTS}, targets {np.ravel(XOR_TARGETS).tolist()}; Adam lr 0.05, MSE, {epochs} epochs\n")

ag.manual_seed(0)
linear = linear_network()
lin_out, lin_loss, lin_acc = train_xor(linear, epochs)
ag.manual_seed(0)
bent = nonlinear_network()
nl_out, nl_loss, nl_acc = train_xor(bent, epochs)

print(f"no activation:      outputs {np.round(lin_out, 3)}  loss {lin_loss:.4f}")
print(f"tanh hidden layer:  outputs {np.round(nl_out, 3)}  loss {nl_loss:.2e}\n")

# %% [markdown]
# ## Why the linear stack fails: it is one linear layer
#
# $W_2 (W_1 x + b_1) + b_2 = (W_2 W_1) x + (W_2 b_1 + b_2)$, and no straight line separates XOR.

# %%
weight, bias = collapse_linear_stack(linear)
x = ag.tensor(XOR_INPUTS)
with ag.no_grad():
    collapsed = (x @ weight.T + bias).numpy().ravel()
    stacked = linear(x).numpy().ravel()
check("the linear stack equals one linear layer W2 W1 x + (W2 b1 + b2)", stacked, collapsed, tol=1e-5,
      source="one layer")  # fmt: skip
best = best_straight_line_mse()
print(f"  the best any straight line can do on XOR (least squares): MSE {best:g}, answering 0.5 everywhere")
check("no activation: the loss is stuck at the straight line's best", lin_loss, best, tol=1e-3,
      source="least squares")  # fmt: skip
holds("no activation: decided accuracy <= 50%", decided_accuracy(lin_out, XOR_TARGETS) <= 0.5)
check("one hidden non-linearity: decided accuracy (all four points)", decided_accuracy(nl_out, XOR_TARGETS), 1.0,
      source="all four")  # fmt: skip
reached = next(i for i, a in enumerate(nl_acc) if a == 1.0) + 1
print(f"\nThe non-linear network first decided all four points at epoch {reached};")
print(f"the linear one decided at best {max(lin_acc):.0%} of them at any epoch, and ends at {lin_acc[-1]:.0%}.")

# %%
picture(plot_decisions, {"no activation (a straight boundary at best)": linear, "tanh hidden layer": bent},
        save=out / "xor.png")  # fmt: skip
done(out)
