# %% [markdown]
# # D10: optimizers (deck 001, deck 004): SGD and Adam on the same problem, loss curves side by side
#
# Same network (64-32-10 on the 8x8 digits), same starting weights, same batches
# in the same order: only the update rule differs, each with its usual learning
# rate (SGD 0.1, Adam 0.01; SGD at 0.01 hardly moves in 15 epochs: try it).
#
# * SGD: $w \leftarrow w - lr \cdot g$
# * Adam: $m \leftarrow \beta_1 m + (1 - \beta_1) g$, $\; v \leftarrow \beta_2 v + (1 - \beta_2) g^2$,
#   $\; w \leftarrow w - lr \cdot \hat m / (\sqrt{\hat v} + \epsilon)$
#   ($\hat m, \hat v$: $m$ and $v$ corrected for starting at 0). Each weight gets its own step size.

# %%
import numpy as np
from common import bar, begin, done, fast_or, picture

import autograd as ag
import nn

OPTIMIZERS = {"SGD": (nn.optim.SGD, 0.1), "Adam": (nn.optim.Adam, 0.01)}  # name: (class, learning rate)


# %%
def loss_curves(epochs=15, seed=0, limit=None, optimizers=OPTIMIZERS):
    """Train one copy of the same network per optimizer; returns `{name: per-epoch training losses}`."""
    digits = nn.datasets.load_digits()
    x, y = digits["data"] / np.float32(16.0), digits["target"]
    if limit is not None:
        x, y = x[:limit], y[:limit]
    ag.manual_seed(seed)
    start = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10)).state_dict()
    curves = {}
    for name, (optimizer_class, lr) in optimizers.items():
        model = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))
        model.load_state_dict(start)  # the same starting weights for both
        loader = nn.data.DataLoader(nn.data.TensorDataset(x, y), batch_size=64, shuffle=True, seed=seed)
        optimizer = optimizer_class(model.parameters(), lr=lr)
        history = nn.fit(model, nn.CrossEntropyLoss(), optimizer, loader, epochs=epochs, verbose=False)
        curves[name] = history["loss"]
    return curves


def plot_curves(curves, save):
    """Each optimizer's training loss per epoch, side by side on a shared loss axis."""
    from viz import plots

    fig = plots.figure(10, 3.6)
    axes = fig.subplots(1, len(curves), sharey=True)
    for ax, (name, losses) in zip(axes, curves.items()):
        ax.plot(range(1, len(losses) + 1), losses, marker="o")
        ax.set_title(f"{name} (lr {OPTIMIZERS[name][1]:g})")
        ax.set_xlabel("epoch")
        ax.xaxis.get_major_locator().set_params(integer=True)  # epochs are whole numbers
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("training loss (cross-entropy)")
    return plots.finish(fig, save)


# %% [markdown]
# ## Run the lesson

# %%
out = begin(__name__, "25_optimizers")
curves = loss_curves(epochs=fast_or(15, 2), limit=fast_or(None, 300))
for name, losses in curves.items():
    print(f"{name:>4}: training loss epoch 1 {losses[0]:.4f} -> epoch {len(losses)} {losses[-1]:.4f}")
winner = min(curves, key=lambda k: curves[k][-1])
print(f"lower final loss: {winner}")
for name, losses in curves.items():
    bar(f"{name}: fraction by which the loss fell", 1 - losses[-1] / losses[0], 0.1)

picture(plot_curves, curves, save=out / "sgd_vs_adam.png")
done(out)
