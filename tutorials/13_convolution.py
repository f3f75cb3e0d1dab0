# %% [markdown]
# # Lesson 13: convolution, the CNN's feature extractor (worked examples C1, C2, C3, C4, C7)
#
# A kernel (filter) slides over the image; at every position the output is the sum
# of the window's pixels times the kernel's weights:
#
# $$\text{out}[i, j] = \sum_{u, v} \text{image}[i + u, j + v] \cdot \text{kernel}[u, v]$$
#
# Deep-learning libraries (PyTorch, Keras, this engine) call this "convolution",
# and the slides compute exactly this, but mathematicians call it
# cross-correlation: a true convolution flips the kernel first. The lesson shows
# both, so the word never confuses you.
#
# * C1 (deck 004): a vertical-edge kernel on a 5x5 image: top-left 7+4+3 - 3-3-2 = 6.
# * C2 (deck 001): the 5x5 binary image and the "X" kernel: first feature 4.
# * C3 (deck 000, "The depth in convolution layer"): a 9x9 image with an all-ones kernel.
# * C4 (deck 000): smoothing and sharpening kernels on a real handwritten digit.
# * C7 (decks 000, 001): 10 filters give 10 activation maps; a pooling layer has 0 parameters.
#
# Every map is computed by ``F.conv2d`` (NCHW tensors, weight (out, in, kh, kw)).
#
# Run:  python tutorials/13_convolution.py   (writes the kernels-on-a-digit picture and the C3 maps)


# %%
import common  # noqa: F401  (puts the repository on sys.path)
import numpy as np
from common import begin, check, done, holds, picture

import autograd as ag
import autograd.functional as F
import nn

# C1, slide deck 004, "Convolution in Image Processing"
C1_IMAGE = [[7, 2, 3, 3, 8], [4, 5, 3, 8, 4], [3, 3, 2, 8, 4], [2, 8, 7, 2, 7], [5, 4, 4, 5, 4]]
C1_KERNEL = [[1, 0, -1], [1, 0, -1], [1, 0, -1]]
C1_SLIDE_MAP = [[6, -9, -8], [-3, -2, -3], [-3, 0, -2]]

# C2, slide deck 001, "Convolution and Kernels"
C2_IMAGE = [[1, 1, 1, 0, 0], [0, 1, 1, 1, 0], [0, 0, 1, 1, 1], [0, 0, 1, 1, 0], [0, 1, 1, 0, 0]]
C2_KERNEL = [[1, 0, 1], [0, 1, 0], [1, 0, 1]]
C2_SLIDE_MAP = [[4, 3, 4], [2, 4, 3], [2, 3, 4]]

# C3, slide deck 000, "The depth in convolution layer": the image, the kernel and the printed map
C3_IMAGE = [
    [0, 0, 0, 0, 0, 0, 0, 0, 0],
    [0, 1, 1, 1, 0, 0, 1, 1, 0],
    [0, 1, 1, 0, 1, 0, 1, 1, 0],
    [0, 1, 0, 0, 1, 1, 1, 0, 0],
    [0, 0, 0, 0, 0, 0, 1, 1, 0],
    [0, 1, 1, 0, 0, 0, 0, 1, 0],
    [0, 1, 0, 0, 1, 1, 1, 0, 0],
    [0, 1, 1, 1, 0, 0, 1, 1, 0],
    [0, 0, 0, 0, 0, 0, 0, 0, 0],
]
C3_KERNEL = [[1, 1, 1], [1, 1, 1], [1, 1, 1]]
C3_SLIDE_MAP = [
    [4, 5, 4, 2, 3, 4, 4],
    [5, 6, 5, 4, 6, 6, 5],
    [3, 3, 3, 3, 6, 6, 5],
    [3, 3, 2, 2, 4, 5, 4],
    [3, 3, 2, 2, 4, 5, 4],
    [5, 6, 4, 3, 4, 5, 4],
    [3, 4, 3, 3, 4, 4, 3],
]

# C4, slide deck 000, "Kernel Matrix examples"
C4_KERNELS = {
    "unweighted smoothing": [[1, 1, 1], [1, 1, 1], [1, 1, 1]],
    "weighted smoothing": [[0, 1, 0], [1, 4, 1], [0, 1, 0]],
    "sharpen": [[0, -1, 0], [-1, 5, -1], [0, -1, 0]],
    "intensified sharpen": [[-1, -1, -1], [-1, 9, -1], [-1, -1, -1]],
}


# %%
def convolve(image, kernel, flip=False):
    """One single-channel image and one kernel through ``F.conv2d``; returns the 2-D feature map (NumPy).

    ``flip=True`` turns the kernel by 180 degrees first: that is the mathematicians' convolution.
    """
    x = ag.tensor(np.asarray(image, dtype=np.float64)[None, None])  # (N=1, C=1, H, W)
    k = np.asarray(kernel, dtype=np.float64)
    if flip:
        k = k[::-1, ::-1].copy()
    weight = ag.tensor(k[None, None])  # (out=1, in=1, kh, kw)
    return F.conv2d(x, weight).numpy()[0, 0]


def first_window_products(image, kernel):
    """The top-left window times the kernel, element by element (engine ops), and its sum."""
    window = ag.tensor(image, dtype="float64")[:3, :3]
    products = window * ag.tensor(kernel, dtype="float64")
    return products.numpy(), products.sum().item()


def digit_image(scale=4):
    """A real handwritten digit: the first "0" of the bundled 8x8 digits set, scaled to 0..1.

    A border of one black pixel is added (so zero padding adds no edge), and each
    pixel becomes a ``scale`` x ``scale`` block, so the image is (10*scale) x (10*scale).
    """
    digits = nn.datasets.load_digits()
    first_zero = int(np.flatnonzero(np.asarray(digits.target) == 0)[0])
    image = np.asarray(digits.images[first_zero], dtype=np.float64).reshape(8, 8) / 16.0  # pixels run 0..16
    image = np.pad(image, 1)
    return np.kron(image, np.ones((scale, scale)))


def roughness(image):
    """Mean squared difference between neighbouring pixels: large for sharp edges, small for smooth images."""
    return float((np.diff(image, axis=0) ** 2).mean() + (np.diff(image, axis=1) ** 2).mean())


def apply_kernels(image, kernels=C4_KERNELS):
    """Each kernel of the slide, divided by its sum (so brightness is kept), over ``image`` with padding 1."""
    x = ag.tensor(image[None, None])
    weight = ag.tensor(np.stack([np.asarray(k, np.float64) / np.sum(k) for k in kernels.values()])[:, None])
    maps = F.conv2d(x, weight, padding=1).numpy()[0]  # all four kernels at once: 4 output channels
    return dict(zip(kernels, maps))


def depth_of_conv_layer(image=C3_IMAGE, filters=10):
    """C7: a Conv2d with ``filters`` 3x3 filters on the 9x9 image, then 2x2 max pooling.

    Returns (activation maps shape, pooled shape, summary of the conv + pool model).
    """
    model = nn.Sequential(nn.Conv2d(1, filters, kernel_size=3), nn.ReLU(), nn.MaxPool2d(2))
    x = ag.tensor(np.asarray(image, dtype=np.float32)[None, None])
    maps = model[0](x)
    pooled = model(x)
    return maps.shape, pooled.shape, nn.summary(model, (1, 9, 9), print_fn=None)


def plot_kernels(image, results, save):
    """The digit before and after each kernel."""
    from viz import plots

    fig = plots.figure(3 * (len(results) + 1), 3.8)
    axes = fig.subplots(1, len(results) + 1)
    # shown as an image editor would: values outside 0..1 are clipped to black or white
    axes[0].imshow(image, cmap="gray", vmin=0, vmax=1)
    axes[0].set_title("original (digit 0)")
    for ax, (name, out) in zip(axes[1:], results.items()):
        ax.imshow(out, cmap="gray", vmin=0, vmax=1)
        ax.set_title(f"{name}\nroughness {roughness(out):.3f}", fontsize=9)
    for ax in axes:
        ax.axis("off")
    return plots.finish(fig, save)


def plot_c3(save):
    """C3's image, kernel and activation map side by side, numbers written in the cells."""
    from viz import plots

    panels = [("9x9 image", np.array(C3_IMAGE)), ("3x3 kernel", np.array(C3_KERNEL))]
    panels.append(("7x7 activation map (F.conv2d)", convolve(C3_IMAGE, C3_KERNEL)))
    fig = plots.figure(11, 4)
    axes = fig.subplots(1, 3, gridspec_kw={"width_ratios": [9, 3, 7]})
    for ax, (title, a) in zip(axes, panels):
        ax.imshow(a, cmap="Blues")
        for (i, j), v in np.ndenumerate(a):
            dark = v > (a.min() + a.max()) / 2  # white digits on dark cells, black on light ones
            ax.text(j, i, f"{v:g}", ha="center", va="center", fontsize=8, color="white" if dark else "black")
        ax.set_title(title, fontsize=10)
        ax.set_xticks([])
        ax.set_yticks([])
    return plots.finish(fig, save)


# %% [markdown]
# ## Run the lesson

# %% [markdown]
# ## C1

# %%
out = begin(__name__, "13_convolution")

print("C1: vertical-edge kernel on the 5x5 image (slide deck 004)")
products, total = first_window_products(C1_IMAGE, C1_KERNEL)
print(f"  top-left window * kernel, element by element:\n{products}\n  summed: {total:g}")
check("C1 top-left output (7+4+3 - 3-3-2)", total, 6)
c1 = convolve(C1_IMAGE, C1_KERNEL)
check("C1 full 3x3 map from F.conv2d", c1, C1_SLIDE_MAP)
flipped = convolve(C1_IMAGE, C1_KERNEL, flip=True)
print(f"  with the kernel flipped (true convolution) the map is\n{flipped}")
check("C1 flipped kernel gives the negated map (this kernel is antisymmetric)", flipped, -c1, source="-(the map)")

# %% [markdown]
# ## C2

# %%
print("\nC2: the 5x5 binary image and the X-shaped kernel (slide deck 001)")
c2 = convolve(C2_IMAGE, C2_KERNEL)
check("C2 full map", c2, C2_SLIDE_MAP)
check("C2 first convolved feature", c2[0, 0], 4)

# %% [markdown]
# ## C3

# %%
print("\nC3: 9x9 image, 3x3 all-ones kernel (slide deck 000, 'The depth in convolution layer')")
c3 = convolve(C3_IMAGE, C3_KERNEL)
check("C3 7x7 activation map", c3, C3_SLIDE_MAP)
check("C3 first row", c3[0], [4, 5, 4, 2, 3, 4, 4])
picture(plot_c3, save=out / "c3_activation_map.png")

# %% [markdown]
# ## C4

# %%
print("\nC4: the slide's kernels on a real handwritten digit (divided by their sums)")
image = digit_image()
results = apply_kernels(image)
before = roughness(image)
for name, res in results.items():
    print(f"  {name:20s} roughness {roughness(res):.4f}  (original {before:.4f})")
holds("smoothing lowers the roughness", roughness(results["unweighted smoothing"]) < before)
holds("weighted smoothing lowers it too", roughness(results["weighted smoothing"]) < before)
holds("sharpening raises it", roughness(results["sharpen"]) > before)
holds(
    "intensified sharpening raises it more", roughness(results["intensified sharpen"]) > roughness(results["sharpen"])
)
picture(plot_kernels, image, results, save=out / "c4_kernels_on_a_digit.png")

# %% [markdown]
# ## C7

# %%
print("\nC7: depth: 10 filters give 10 activation maps; pooling adds no parameters")
maps_shape, pooled_shape, summary = depth_of_conv_layer()
print(summary)
check("the depth: 10 filters give 10 activation maps", maps_shape[1], 10)
check("activation maps (batch, depth, height, width)", maps_shape, (1, 10, 7, 7), source="10 maps of C3's 7x7")
check("after 2x2 max pooling (floor(7/2) = 3)", pooled_shape, (1, 10, 3, 3), source="formula")
check("Conv2d weights: 10 filters x 3x3", summary.rows[0].weights, 90, source="10 * 3 * 3")
check("Conv2d biases (one per filter)", summary.rows[0].biases, 10, source="one per filter")
check("number of parameters in the pooling layer", summary.rows[2].weights + summary.rows[2].biases, 0)
done(out)
