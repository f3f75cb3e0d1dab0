# %% [markdown]
# # D6: data augmentation for a small data set (deck 001): does it help here? Measured, and said honestly
#
# Only 100 labelled 8x8 digits to train on. Augmentation makes new training
# images out of the old ones each time a batch is drawn: here
# `transforms.RandomCrop(8, padding=1)` pads each image by one pixel and cuts a
# random 8x8 window back out, shifting the digit by up to one pixel each way. The
# same CNN, same starting weights and same number of epochs is trained with and
# without it, and both are tested on ~900 images neither has seen.
#
# Augmentation helps when it adds the kind of variation the test images have.
# The bundled digits are already centred and size-normalised, so a shift may not
# be such a variation: the script reports which won, whichever it was.

# %%
import numpy as np
from common import begin, done, fast_or, picture

import autograd as ag
import nn


# %%
def small_digit_set(n_train=100, seed=0):
    """`n_train` training images (1, 8, 8) in [0, 1] and about half of the digits as the test set."""
    digits = nn.datasets.load_digits()
    x = (digits["images"] / np.float32(16.0))[:, None].astype(np.float32)
    (x_train, y_train), (x_test, y_test) = nn.data.train_val_test_split(
        x, digits["target"], fractions=(0.5, 0.5), seed=seed, stratify=digits["target"]
    )
    return (x_train[:n_train], y_train[:n_train]), (x_test, y_test)


def build_cnn():
    """conv3x3(1->16) + ReLU + maxpool2, conv3x3(16->32) + ReLU + maxpool2, flatten, linear(128 -> 10)."""
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(128, 10),
    )  # fmt: skip


def train_small(augment, epochs=60, n_train=100, seed=0):
    """Train the CNN on the small set, with or without random shifts; returns its test accuracy."""
    (x_train, y_train), (x_test, y_test) = small_digit_set(n_train, seed)
    ag.manual_seed(seed)
    model = build_cnn()
    transform = nn.transforms.RandomCrop(8, padding=1, seed=seed) if augment else None
    loader = nn.data.DataLoader(
        nn.data.TensorDataset(x_train, y_train), batch_size=32, shuffle=True, seed=seed, transform=transform
    )
    optimizer = nn.optim.Adam(model.parameters(), lr=0.003)
    nn.fit(model, nn.CrossEntropyLoss(), optimizer, loader, epochs=epochs, verbose=False)
    model.eval()
    with ag.no_grad():
        return nn.metrics.accuracy(model(ag.tensor(x_test)), y_test)


def compare_augmentation(epochs=60, n_train=100, seed=0):
    """`{"plain": accuracy, "augmented": accuracy}` on the same small subset, same start."""
    return {name: train_small(name == "augmented", epochs, n_train, seed) for name in ("plain", "augmented")}


# %% [markdown]
# ## Run the lesson

# %%
out = begin(__name__, "21_data_augmentation")
(x_train, _), (x_test, _) = small_digit_set()
shifted = nn.transforms.RandomCrop(8, padding=1, seed=1)(np.repeat(x_train[:1], 7, axis=0))
picture("show_images", np.concatenate([x_train[:1], shifted]), titles=["original"] + [f"shifted {i}" for i in range(7)],
                      title="RandomCrop(8, padding=1): one training image, shifted at random",
                      save=out / "augmented_examples.png")  # fmt: skip
results = compare_augmentation(epochs=fast_or(60, 2))
print(f"training images: {len(x_train)}; test images: {len(x_test)}")
for name, acc in results.items():
    print(f"  {name:<9} training: test accuracy {acc:.3f}")
if results["augmented"] > results["plain"]:
    print("Augmentation won here: random shifts gave the CNN more variety than 100 images hold.")
else:
    print("Plain training won here (or tied): on these centred, size-normalised digits, one-pixel shifts")
    print("likely add variation the test images do not have, so the extra images cost more than they teach.")
    print("Other transforms, or more varied test data, may change the verdict: measure on your own data.")
(out / "results.txt").write_text("".join(f"{k} {v:.4f}\n" for k, v in results.items()), encoding="utf-8")
done(out)
