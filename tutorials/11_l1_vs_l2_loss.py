# %% [markdown]
# # Lesson 11: L1 vs L2 loss when the data has an outlier (worked example A7, slide deck 001)
#
# "Be careful when choosing the loss function! Example: outliers with L1/L2 loss.
# L2 overemphasizes outliers!"
#
# * L2 (mean squared error): $\frac{1}{N} \sum (y_{pred} - y)^2$; an error of 30 costs 900
# * L1 (mean absolute error): $\frac{1}{N} \sum |y_{pred} - y|$; an error of 30 costs 30
#
# Ten points lie exactly on y = 2x + 1, except one, pushed 30 up. The same linear
# layer is trained on them twice, once with ``nn.MSELoss`` and once with
# ``nn.L1Loss``. The L2 fit is dragged toward the outlier; the L1 fit stays on the
# line through the other nine. The lesson measures how far each fitted line moved
# away from the clean line.
#
# Run:  python tutorials/11_l1_vs_l2_loss.py [--fast]   (writes both fitted lines over the data)


# %%
import common  # noqa: F401  (puts the repository on sys.path)
import numpy as np
from common import FAST, begin, check, done, holds, picture

import autograd as ag
import nn

SLOPE, INTERCEPT = 2.0, 1.0
OUTLIER_INDEX, OUTLIER_SHIFT = 8, 30.0


# %%
def data_with_outlier():
    """x = 0..9 and y = 2x + 1, with y[8] raised by 30; both as (10, 1) float arrays."""
    x = np.arange(10, dtype=np.float32)[:, None]
    y = SLOPE * x + INTERCEPT
    y[OUTLIER_INDEX] += OUTLIER_SHIFT
    return x, y


def fit_line(loss_fn, x, y, steps=1500, lr=0.1, seed=0):
    """Train ``nn.Linear(1, 1)`` with Adam and a cosine-decaying learning rate; returns (slope, intercept)."""
    ag.manual_seed(seed)
    model = nn.Linear(1, 1)
    optimizer = nn.optim.Adam(model.parameters(), lr=lr)
    # the decay lets the L1 fit settle: its gradient keeps the same size right up to the optimum
    schedule = nn.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=steps)
    xt, yt = ag.tensor(x), ag.tensor(y)
    for _ in range(steps):
        loss = loss_fn(model(xt), yt)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        schedule.step()
    return model.weight.item(), model.bias.item()


def distance_from_clean_line(slope, intercept, x):
    """Mean |fitted line - clean line| over the data's x range: how far the outlier dragged the fit."""
    xs = np.ravel(x)
    return float(np.mean(np.abs((slope * xs + intercept) - (SLOPE * xs + INTERCEPT))))


def plot_fits(x, y, fits, save):
    """The data, the clean line and each loss's fitted line."""
    from viz import plots

    xs = np.linspace(-0.5, 9.5, 50)
    fig = plots.figure(6.5, 4.5)
    ax = fig.subplots()
    ax.plot(np.ravel(x), np.ravel(y), "o", color="black", label="data")
    ax.plot(x[OUTLIER_INDEX], y[OUTLIER_INDEX], "o", ms=12, mfc="none", mec="crimson", label="outlier")
    ax.plot(xs, SLOPE * xs + INTERCEPT, ":", color="grey", label="clean line y = 2x + 1")
    for (name, (a, b)), color in zip(fits.items(), ["darkorange", "royalblue"]):
        ax.plot(xs, a * xs + b, color=color, label=f"{name} fit: y = {a:.2f}x {b:+.2f}")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title("L2 overemphasizes outliers")
    ax.legend(fontsize=8)
    return plots.finish(fig, save)


# %% [markdown]
# ## Run the lesson

# %%
out = begin(__name__, "11_l1_vs_l2_loss")
steps = 1000 if FAST else 1500
x, y = data_with_outlier()
print(f"Ten points on y = 2x + 1, point {OUTLIER_INDEX} raised by {OUTLIER_SHIFT:g}; Adam, {steps} steps\n")
fits = {"L2 (MSELoss)": fit_line(nn.MSELoss(), x, y, steps), "L1 (L1Loss)": fit_line(nn.L1Loss(), x, y, steps)}
moved = {name: distance_from_clean_line(a, b, x) for name, (a, b) in fits.items()}
for name, (a, b) in fits.items():
    print(f"  {name:13s} y = {a:.3f} x + {b:.3f}   moved {moved[name]:.2g} from the clean line on average")
print()
lsq = np.polyfit(np.ravel(x), np.ravel(y), 1)
check(
    "the L2 fit is the least-squares line (slope, intercept)",
    fits["L2 (MSELoss)"],
    lsq,
    tol=1e-2,
    source="least squares",
)
check(
    "the L1 fit stays on the line through the other nine",
    fits["L1 (L1Loss)"],
    (SLOPE, INTERCEPT),
    tol=0.05,
    source="clean line",
)
holds("L2 overemphasizes the outlier: its fit moves more than 5 times as far as L1's",
      moved["L2 (MSELoss)"] > 5 * moved["L1 (L1Loss)"])  # fmt: skip
picture(plot_fits, x, y, fits, save=out / "l1_vs_l2.png")
done(out)
