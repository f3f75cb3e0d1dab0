# %% [markdown]
# # Lesson 14: max pooling and flattening (worked examples C5 and C6)
#
# Max pooling keeps the largest value of each window: with a 2x2 window and
# stride 2 it halves the height and width of a feature map. It has no weights, so
# it learns nothing; it only downsamples.
#
# * C5 (deck 000): a 5x5 feature map pooled to 3x3. A 5-wide map has no room for
#   a third full 2-wide window, so the slide keeps the partial windows at the edge:
#   that is ``ceil_mode=True`` (the default, floor mode, would drop them and give 2x2).
#   Flattening the pooled map row by row gives the vector fed to the dense layers.
# * C6 (deck 003): a 4x4 map pooled to 2x2.
#
# The maps come from ``F.max_pool2d`` and ``nn.MaxPool2d``; the vector from ``nn.Flatten``.
#
# Run:  python tutorials/14_pooling.py   (writes a picture of the windows and their maxima)


# %%
import common  # noqa: F401  (puts the repository on sys.path)
import numpy as np
from common import begin, check, done, picture

import autograd as ag
import autograd.functional as F
import nn

# C5, slide deck 000, "Max Pooling" / "Flattening"
C5_MAP = [[0, 1, 0, 0, 0], [0, 1, 1, 1, 0], [1, 0, 1, 2, 1], [1, 4, 2, 1, 0], [0, 0, 1, 2, 1]]
C5_SLIDE_POOLED = [[1, 1, 0], [4, 2, 1], [0, 2, 1]]
C5_SLIDE_FLAT = [1, 1, 0, 4, 2, 1, 0, 2, 1]

# C6, slide deck 003, "Max Pooling"
C6_MAP = [[0.1, 0.2, 0.5, 0.9], [0.1, 0.3, 0.8, 0.9], [0.0, 0.0, 0.4, 0.4], [0.0, 0.0, 0.0, 0.1]]
C6_SLIDE_POOLED = [[0.3, 0.9], [0.0, 0.4]]


# %%
def as_batch(feature_map):
    """A 2-D map as a (N=1, C=1, H, W) float64 tensor."""
    return ag.tensor(np.asarray(feature_map, dtype=np.float64)[None, None])


def max_pool(feature_map, ceil_mode=False):
    """2x2 max pooling with stride 2 through ``F.max_pool2d``; returns the 2-D pooled map."""
    return F.max_pool2d(as_batch(feature_map), kernel_size=2, stride=2, ceil_mode=ceil_mode).numpy()[0, 0]


def pool_and_flatten(feature_map):
    """The layers a CNN uses: ``nn.MaxPool2d(2, stride=2, ceil_mode=True)`` then ``nn.Flatten()``.

    Returns (pooled map, flattened vector) as NumPy arrays.
    """
    pool = nn.MaxPool2d(kernel_size=2, stride=2, ceil_mode=True)
    pooled = pool(as_batch(feature_map))
    flat = nn.Flatten()(pooled)  # (N, C*H*W): row by row, as the slide stacks the numbers
    return pooled.numpy()[0, 0], flat.numpy()[0]


def pooling_gradient(feature_map):
    """d(sum of pooled map)/d(map): backward sends each window's gradient to the place of its maximum."""
    x = as_batch(feature_map)
    x.requires_grad_(True)
    F.max_pool2d(x, 2, 2, ceil_mode=True).sum().backward()
    return x.grad.numpy()[0, 0]


def plot_pooling(save):
    """The 5x5 map with its 2x2 windows outlined, beside the pooled map."""
    from matplotlib.patches import Rectangle

    from viz import plots

    fmap = np.array(C5_MAP, dtype=float)
    pooled, _ = pool_and_flatten(C5_MAP)
    fig = plots.figure(8, 4)
    axes = fig.subplots(1, 2, gridspec_kw={"width_ratios": [5, 3]})
    for ax, a, title in ((axes[0], fmap, "feature map 5x5"), (axes[1], pooled, "max pooled 3x3 (ceil mode)")):
        ax.imshow(a, cmap="Oranges", vmin=0, vmax=4)
        for (i, j), v in np.ndenumerate(a):
            ax.text(j, i, f"{v:g}", ha="center", va="center", color="white" if v > 2 else "black")
        ax.set_title(title)
        ax.set_xticks([])
        ax.set_yticks([])
    for i in range(0, 5, 2):
        for j in range(0, 5, 2):
            w, h = min(2, 5 - j), min(2, 5 - i)
            axes[0].add_patch(Rectangle((j - 0.5, i - 0.5), w, h, fill=False, lw=2, ec="black"))
    return plots.finish(fig, save)


# %% [markdown]
# ## Run the lesson

# %%
out = begin(__name__, "14_pooling")
print("C5: 2x2 max pooling, stride 2, on the 5x5 feature map (slide deck 000)")
floor = max_pool(C5_MAP, ceil_mode=False)
print(f"  floor mode (PyTorch's default) drops the partial windows at the edge:\n{floor}")
check("C5 pooled map, F.max_pool2d with ceil_mode=True", max_pool(C5_MAP, ceil_mode=True), C5_SLIDE_POOLED)
pooled, flat = pool_and_flatten(C5_MAP)
check("C5 pooled map, nn.MaxPool2d(2, stride=2, ceil_mode=True)", pooled, C5_SLIDE_POOLED)
check("C5 flattened by nn.Flatten", flat, C5_SLIDE_FLAT)
print(f"  backward through the pooling: each window's gradient goes to its maximum\n{pooling_gradient(C5_MAP)}")
print("  (where a window holds two equal maxima, one of them gets the gradient)")

# %% [markdown]
# ## C6

# %%
print("\nC6: 2x2 max pooling of the 4x4 map (slide deck 003)")
check("C6 pooled map", max_pool(C6_MAP), C6_SLIDE_POOLED, tol=1e-12)
pool = nn.MaxPool2d(2)
check("number of parameters in a pooling layer", sum(p.numel() for p in pool.parameters()), 0)
picture(plot_pooling, save=out / "c5_max_pooling.png")
done(out)
