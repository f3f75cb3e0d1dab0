# %% [markdown]
# # D7: an autoencoder (deck 004) squeezes each 8x8 digit through 8 numbers and rebuilds it
#
# The encoder maps 64 pixels to a code of 8 numbers; the decoder maps the code
# back to 64 pixels. The target is the input itself, so no labels are needed: the
# loss is the reconstruction error $\frac{1}{64} \sum_i (\hat x_i - x_i)^2$ (averaged over the batch). It falls as the
# network learns a compact description of digits. The picture puts test inputs
# beside their reconstructions.

# %%
import numpy as np
from common import bar, begin, done, fast_or, picture

import autograd as ag
import nn


# %%
def build_autoencoder(code_size=8):
    """Encoder 64 -> 32 -> code_size, decoder code_size -> 32 -> 64 (sigmoid: pixels in [0, 1])."""
    encoder = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, code_size))
    decoder = nn.Sequential(nn.Linear(code_size, 32), nn.ReLU(), nn.Linear(32, 64), nn.Sigmoid())
    return nn.Sequential(encoder, decoder)


def reconstruction_error(model, x):
    """mean((model(x) - x)^2) over all pixels of all images, with no graph built."""
    model.eval()
    with ag.no_grad():
        return nn.MSELoss()(model(ag.tensor(x)), ag.tensor(x)).item()


def train_autoencoder(epochs=30, lr=0.003, seed=0, limit=None):
    """Train on 80% of the digits; returns `(model, test_error_before, test_error_after, x_test)`."""
    digits = nn.datasets.load_digits()
    x = digits["data"] / np.float32(16.0)
    if limit is not None:
        x = x[:limit]
    x_train, x_test = nn.data.train_val_test_split(x, fractions=(0.8, 0.2), seed=seed)
    ag.manual_seed(seed)
    model = build_autoencoder()
    before = reconstruction_error(model, x_test)
    loss_fn = nn.MSELoss()
    optimizer = nn.optim.Adam(model.parameters(), lr=lr)
    loader = nn.data.DataLoader(nn.data.TensorDataset(x_train), batch_size=32, shuffle=True, seed=seed)
    for _ in range(epochs):
        model.train()
        for xb in loader:
            loss = loss_fn(model(xb), xb)  # the input is its own target
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    return model, before, reconstruction_error(model, x_test), x_test


# %% [markdown]
# ## Run the lesson

# %%
out = begin(__name__, "22_autoencoder")
model, before, after, x_test = train_autoencoder(epochs=fast_or(30, 2), limit=fast_or(None, 300))
print(f"test reconstruction error (mean squared, per pixel): before training {before:.4f}, after {after:.4f}")
bar("fraction by which the reconstruction error fell (1 - after/before)", 1 - after / before, 0.5)
shown = x_test[:8]
with ag.no_grad():
    rebuilt = model(ag.tensor(shown)).numpy()
pairs = np.stack([shown, rebuilt], axis=1).reshape(-1, 8, 8)  # input, reconstruction, input, ...
titles = [t for i in range(len(shown)) for t in (f"input {i}", f"rebuilt {i}")]
picture("show_images", pairs, titles=titles, ncols=8, title="Autoencoder: inputs beside their reconstructions",
                      save=out / "reconstructions.png")  # fmt: skip
done(out)
