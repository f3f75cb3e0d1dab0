# %% [markdown]
# # D3 and C8: handwritten digits, classified by an MLP and by a CNN; then what the CNN learned
#
# Decks 002 and 003 classify handwritten digits. With MNIST's files present
# (`nn.datasets.MNIST`: 60,000 training images of 28x28) this lesson uses them;
# otherwise it uses the bundled 8x8 digits (1,797 images) and says how to get MNIST.
#
# * The MLP flattens each image into a vector of pixels: it does not know which
#   pixels are neighbours.
# * The CNN slides small 3x3 filters over the image (convolution, weights shared
#   across positions), keeps the strongest responses (max pooling), twice, then
#   classifies the resulting feature maps.
#
# Bars: 8x8 digits >= 0.95 (MLP), >= 0.97 (CNN); MNIST >= 0.97 (MLP), >= 0.98 (CNN).
#
# C8 ("What does a CNN learn?", deck 001): the first layer's 16 filters, and the
# 16 feature maps they produce for one test image, as pictures.

# %%
import numpy as np
from common import bar, begin, done, fast_or, flag, picture

import autograd as ag
import nn

BARS = {"8x8 digits": {"MLP": 0.95, "CNN": 0.97}, "MNIST": {"MLP": 0.97, "CNN": 0.98}}


# %%
def load_digit_data(prefer_mnist=True, limit=None, seed=0):
    """Images as float32 (N, 1, H, W) in [0, 1] with int64 labels.

    Returns a dict with `source` ("MNIST" or "8x8 digits"), `x_train`,
    `y_train`, `x_test`, `y_test`. MNIST uses its own test set; the 8x8
    digits are split 80:20 (stratified). `limit` keeps only that many
    training (and a quarter as many test) images.
    """
    if prefer_mnist:
        try:
            train, test = nn.datasets.MNIST(train=True), nn.datasets.MNIST(train=False)
        except FileNotFoundError as missing:
            print(f"(MNIST not found, so the bundled 8x8 digits are used. {str(missing).splitlines()[-2]})")
        else:
            data = {"source": "MNIST"}
            for part, ds in (("train", train), ("test", test)):
                n = len(ds) if limit is None else min(len(ds), limit if part == "train" else max(limit // 4, 10))
                x, y = ds.get_batch(np.arange(n))
                data[f"x_{part}"], data[f"y_{part}"] = x, y
            return data
    digits = nn.datasets.load_digits()
    x = (digits["images"] / np.float32(16.0))[:, None].astype(np.float32)
    (x_train, y_train), (x_test, y_test) = nn.data.train_val_test_split(
        x, digits["target"], fractions=(0.8, 0.2), seed=seed, stratify=digits["target"]
    )
    if limit is not None:
        x_train, y_train, x_test, y_test = x_train[:limit], y_train[:limit], x_test[: limit // 4], y_test[: limit // 4]
    return {"source": "8x8 digits", "x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test}


def build_mlp(side):
    """Flatten -> side*side inputs -> 128 ReLU -> 10 scores."""
    return nn.Sequential(nn.Flatten(), nn.Linear(side * side, 128), nn.ReLU(), nn.Linear(128, 10))


def build_cnn(side):
    """conv3x3(1->16, pad 1) + ReLU + maxpool2, conv3x3(16->32, pad 1) + ReLU + maxpool2, flatten, linear -> 10."""
    final = side // 4  # two 2x2 poolings halve the side twice (8 -> 2, 28 -> 7)
    return nn.Sequential(
        nn.Conv2d(1, 16, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(32 * final * final, 10),
    )  # fmt: skip


def train_and_test(model, data, epochs, lr=0.003, batch_size=64, seed=0):
    """Train with `nn.fit` (the loop of the Iris lesson) and Adam; returns `(history, test_accuracy, predicted)`."""
    loader = nn.data.DataLoader(
        nn.data.TensorDataset(data["x_train"], data["y_train"]), batch_size=batch_size, shuffle=True, seed=seed
    )
    optimizer = nn.optim.Adam(model.parameters(), lr=lr)
    history = nn.fit(model, nn.CrossEntropyLoss(), optimizer, loader, epochs=epochs, verbose=False)
    predicted = predict_classes(model, data["x_test"])
    return history, float((predicted == data["y_test"]).mean()), predicted


def predict_classes(model, x, batch_size=500):
    """The predicted class of every image (evaluation mode, no graph, in batches)."""
    model.eval()
    with ag.no_grad():
        return np.concatenate([model(ag.tensor(x[i : i + batch_size])).numpy().argmax(axis=1)
                               for i in range(0, len(x), batch_size)])  # fmt: skip


def epochs_for(source, kind):
    """Enough epochs to reach the bar: few on MNIST's 60,000 images, more on 1,437 small ones."""
    return {"MNIST": {"MLP": 3, "CNN": 2}, "8x8 digits": {"MLP": 30, "CNN": 20}}[source][kind]


def train_digits(kind, data=None, epochs=None, seed=0):
    """Train the MLP or the CNN (`kind`) on `data` (default: MNIST if present, else 8x8 digits).

    Returns `(model, test_accuracy, data, predicted, history)`.
    """
    data = data if data is not None else load_digit_data()
    ag.manual_seed(seed)
    side = data["x_train"].shape[-1]
    model = build_mlp(side) if kind == "MLP" else build_cnn(side)
    epochs = epochs if epochs is not None else epochs_for(data["source"], kind)
    batch_size = 64 if data["source"] == "MNIST" else 32
    history, accuracy, predicted = train_and_test(model, data, epochs, batch_size=batch_size, seed=seed)
    return model, accuracy, data, predicted, history


def first_layer_pictures(cnn, image):
    """C8: the first conv layer's filters (16, 1, 3, 3) and the feature maps (16, H, W) for one image.

    The feature maps are relu(conv2d(image, filters) + bias), the first two layers of the CNN.
    """
    conv, relu = cnn[0], cnn[1]
    with ag.no_grad():
        maps = relu(conv(ag.tensor(image[None])))
    return conv.weight.numpy(), maps.numpy()[0]


# %% [markdown]
# ## Run the lesson

# %%
out = begin(__name__, "18_digits_mlp_and_cnn")
data = load_digit_data(prefer_mnist=not flag("--digits8x8"), limit=fast_or(None, 300))
print(f"Data: {data['source']}, {len(data['y_train'])} training and {len(data['y_test'])} test images "
      f"of {data['x_train'].shape[-2]}x{data['x_train'].shape[-1]} pixels")  # fmt: skip
results = {}
for kind in ("MLP", "CNN"):
    model, accuracy, _, predicted, history = train_digits(kind, data, epochs=fast_or(None, 1))
    losses = history["loss"]
    print(
        f"\n{kind}: {sum(p.numel() for p in model.parameters())} weights and biases; "
        f"training loss {losses[0]:.4f} (epoch 1) -> {losses[-1]:.4f} (epoch {len(losses)})"
    )
    bar(f"{kind} test accuracy on {data['source']}", accuracy, BARS[data["source"]][kind])
    results[kind] = (model, predicted)

# %% [markdown]
# ## C8: what the CNN learned
#
# The first layer's 16 filters, each a 3x3 grey tile (weight of shape (16, 1, 3, 3)), and the
# 16 feature maps $\text{relu}(\text{conv2d}(\text{image}, \text{filter}) + b)$ they produce for one test image.

# %%
cnn, predicted = results["CNN"]
filters, maps = first_layer_pictures(cnn, data["x_test"][0])
picture(
    "show_images",
    filters,
    titles=[f"filter {i}" for i in range(len(filters))],
    title="C8: the CNN's first-layer filters (3x3)",
    save=out / "first_layer_filters.png",
)
picture(
    "show_images",
    data["x_test"][:1],
    titles=[f"label {data['y_test'][0]}"],
    title="the input",
    save=out / "sample_input.png",
)
picture(
    "show_images",
    maps,
    titles=[f"map {i}" for i in range(len(maps))],
    title="C8: its 16 feature maps for the input",
    save=out / "feature_maps.png",
)
picture("plot_confusion_matrix", data["y_test"], predicted, save=out / "cnn_confusion_matrix.png")
if (predicted != data["y_test"]).any():
    picture("show_misclassified", data["x_test"], data["y_test"], predicted, save=out / "cnn_misclassified.png")
print("\nC8: the first layer's filters, one input and its feature maps are pictures in the output folder.")
done(out)
