# %% [markdown]
# # Lesson 09: centering and scaling the inputs (worked example A3, slide deck 003)
#
# Features on very different scales (age in years, salary in dollars) make gradient
# descent slow: the weight of the large feature dominates every step. Standardising
# puts each feature on the same footing:
#
#     z = (x - mean) / std        per feature (column), std the *population* standard deviation
#                                 std = sqrt( 1/N * sum (x - mean)^2 )
#
# The slide standardises three employees' Age, Salary and Service and prints the
# result to two decimals; ``nn.transforms.Standardize`` reproduces it. With the
# sample standard deviation (dividing by N - 1) the numbers would differ, which
# the lesson shows too.
#
# Run:  python tutorials/09_scaling_data.py   (writes a before/after picture)


# %%
import common  # noqa: F401  (puts the repository on sys.path)
import numpy as np
from common import begin, check, done, picture

import autograd as ag
from nn import transforms

FEATURES = ["Age", "Salary", "Service"]
RAW = [[28, 40000, 5], [47, 60000, 20], [35, 55000, 10]]  # one row per employee (deck 003, "Samples to Input Vectors")
SLIDE_SCALED = [[-1.10, -1.37, -1.07], [1.32, 0.98, 1.34], [-0.21, 0.39, -0.27]]


# %%
def standardize_features(raw=RAW):
    """Centre and scale each column with ``nn.transforms.Standardize`` (population std).

    Returns (scaled values, fitted mean, fitted std) as NumPy arrays.
    """
    x = ag.tensor(raw, dtype="float64")
    scaler = transforms.Standardize()
    z = scaler.fit_transform(x)
    return np.asarray(z.numpy()), np.ravel(scaler.mean), np.ravel(scaler.std)


def standardize_with_sample_std(raw=RAW):
    """The same with the sample standard deviation (divide by N - 1), for comparison."""
    x = ag.tensor(raw, dtype="float64")
    return ((x - x.mean(axis=0)) / x.std(axis=0, correction=1)).numpy()


def plot_scaling(raw, scaled, save):
    """The raw features (on wildly different scales) beside the standardised ones."""
    from viz import plots

    raw = np.asarray(raw, dtype=float)
    fig = plots.figure(10, 3.8)
    ax1, ax2 = fig.subplots(1, 2)
    for j, name in enumerate(FEATURES):
        ax1.plot([j] * len(raw), raw[:, j], "o", label=name)
        ax2.plot([j] * len(raw), scaled[:, j], "o", label=name)
    ax1.set_yscale("symlog")
    ax1.set_title("raw (log scale): salary dwarfs the rest")
    ax2.axhline(0, color="black", lw=0.8)
    ax2.set_title("standardised: mean 0, std 1 per feature")
    for ax in (ax1, ax2):
        ax.set_xticks(range(len(FEATURES)), FEATURES)
    return plots.finish(fig, save)


# %% [markdown]
# ## Run the lesson

# %%
out = begin(__name__, "09_scaling_data")
print("Centering and scaling: z = (x - mean) / std, population std (deck 003)\n")
scaled, mean, std = standardize_features()
for j, name in enumerate(FEATURES):
    column = [row[j] for row in RAW]
    print(f"  {name:8s} {column}: mean {mean[j]:.4g}, std {std[j]:.4g} -> {np.round(scaled[:, j], 2)}")
print()
for j, name in enumerate(FEATURES):
    check(f"{name} standardised, to the slide's 2 decimals", np.round(scaled[:, j], 2), [r[j] for r in SLIDE_SCALED])
check("each feature now has mean 0", scaled.mean(axis=0), [0, 0, 0], tol=1e-12, source="definition")
check("and population std 1", scaled.std(axis=0), [1, 1, 1], tol=1e-12, source="definition")
sample = standardize_with_sample_std()
print(f"\nWith the sample std (divide by N-1) Age would be {np.round(sample[:, 0], 2)}, not the slide's numbers:")
print("the slide divides by N. Fit the scaler on the training set only, then apply it to all sets.")
picture(plot_scaling, RAW, scaled, save=out / "scaling.png")
done(out)
