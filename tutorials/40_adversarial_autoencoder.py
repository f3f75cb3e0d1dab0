# %% [markdown]
# # D11: an adversarial autoencoder (deck 004) pushes its 2-D codes toward a standard normal prior
#
# An autoencoder (lesson 22) squeezes each 8x8 digit through a small code and rebuilds
# it, but nothing says *where* the codes go: they may crowd into a corner, stretch into
# a line, or leave holes, so picking a code at random and decoding it gives rubbish.
#
# The adversarial autoencoder adds a third network, as a GAN does (lesson 23), but on the codes:
#
# * the **encoder** $q(z \mid x)$ maps 64 pixels to a code $z$ of 2 numbers; the **decoder** maps $z$
#   back to 64 pixels. Reconstruction loss: $\text{mean}((\text{decoder}(z) - x)^2)$.
# * the **discriminator** $D(z)$ scores a code: high for "drawn from the prior" $p(z) = N(0, I)$,
#   low for "made by the encoder". It learns with binary cross-entropy (prior codes labelled 1,
#   encoder codes 0).
# * the encoder, now also a **generator**, learns to fool $D$: the same loss with its codes labelled 1.
#
# Each batch takes three steps: reconstruction (encoder + decoder), discriminator, generator
# (encoder). The codes' distribution is pushed toward $N(0, I)$ without the prior's formula ever
# entering a loss: only samples of it, through $D$'s gradients.
#
# Measured here, before and after training, on test digits:
#
# * the reconstruction error falls;
# * the distance of the codes from the prior falls, with the distance of their first two moments
#   (computed by the engine): $\; d = \lVert \text{mean}(z) \rVert^2 + \lVert \text{cov}(z) - I \rVert_F^2$,
#   0 for any distribution with the prior's mean and covariance.
#
# Bars (D11): both fall by at least half (`1 - after/before >= 0.5`).

# %%
import common  # noqa: F401  (puts the repository on sys.path)
import numpy as np
from common import bar, begin, done, fast_or, picture

import autograd as ag
import nn

CODE_SIZE = 2  # two numbers per digit, so the codes can be drawn over the prior's density


# %% [markdown]
# ## The three networks


# %%
def build_networks(code_size=CODE_SIZE):
    """Encoder 64 -> 64 -> code, decoder code -> 64 -> 64 (sigmoid: pixels in [0, 1]), discriminator code -> 32 -> 32 -> 1."""
    encoder = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, code_size))
    decoder = nn.Sequential(nn.Linear(code_size, 64), nn.ReLU(), nn.Linear(64, 64), nn.Sigmoid())
    discriminator = nn.Sequential(
        nn.Linear(code_size, 32), nn.LeakyReLU(0.2), nn.Linear(32, 32), nn.LeakyReLU(0.2), nn.Linear(32, 1)
    )
    return encoder, decoder, discriminator


def digit_splits(seed=0):
    """The 8x8 digits as (N, 64) in [0, 1], split 80:20 (stratified): ``(x_train, y_train), (x_test, y_test)``."""
    digits = nn.datasets.load_digits()
    x = digits["data"] / np.float32(16.0)
    return nn.data.train_val_test_split(x, digits["target"], fractions=(0.8, 0.2), seed=seed, stratify=digits["target"])


# %% [markdown]
# ## How far are the codes from the prior?
#
# $d = \lVert \bar z \rVert^2 + \lVert C - I \rVert_F^2$ with $\bar z$ the codes' mean and
# $C = \frac{1}{N - 1} \sum_i (z_i - \bar z)(z_i - \bar z)^T$ their covariance, written with the engine's ops.


# %%
def distance_to_prior(codes):
    """||mean||^2 + ||cov - I||_F^2 of codes (N, k), by engine ops: 0 when they have N(0, I)'s mean and covariance."""
    z = ag.tensor(np.asarray(codes, dtype=np.float64))
    mean = z.mean(axis=0)
    centred = z - mean
    cov = centred.T @ centred / (z.shape[0] - 1)
    return ((mean**2).sum() + ((cov - ag.eye(z.shape[1], dtype="float64")) ** 2).sum()).item()


def encode(encoder, x):
    """The codes of ``x`` (evaluation mode, no graph)."""
    encoder.eval()
    with ag.no_grad():
        return encoder(ag.tensor(x)).numpy()


def reconstruction_error(encoder, decoder, x):
    """mean((decoder(encoder(x)) - x)^2) over all pixels, no graph."""
    encoder.eval()
    decoder.eval()
    with ag.no_grad():
        return nn.MSELoss()(decoder(encoder(ag.tensor(x))), ag.tensor(x)).item()


# %% [markdown]
# ## Training: three steps per batch


# %%
def train_aae(epochs=60, batch_size=64, lr=0.002, seed=0):
    """Train the adversarial autoencoder on the training digits.

    Returns a dict: the three networks, the test set, and before/after values of
    the test reconstruction error (``error``) and of ``distance_to_prior`` of the
    test codes (``distance``), plus the test codes before and after (``codes``).
    """
    ag.manual_seed(seed)
    rng = np.random.default_rng(seed)
    (x_train, _), (x_test, y_test) = digit_splits(seed)
    encoder, decoder, discriminator = build_networks()
    before = {"error": reconstruction_error(encoder, decoder, x_test), "codes": encode(encoder, x_test)}
    before["distance"] = distance_to_prior(before["codes"])

    mse, bce = nn.MSELoss(), nn.BCEWithLogitsLoss()
    opt_ae = nn.optim.Adam(list(encoder.parameters()) + list(decoder.parameters()), lr=lr)
    opt_d = nn.optim.Adam(discriminator.parameters(), lr=lr, betas=(0.5, 0.999))
    opt_g = nn.optim.Adam(encoder.parameters(), lr=lr, betas=(0.5, 0.999))
    loader = nn.data.DataLoader(nn.data.TensorDataset(x_train), batch_size=batch_size, shuffle=True, seed=seed)
    for _ in range(epochs):
        for module in (encoder, decoder, discriminator):
            module.train()
        for x in loader:
            n = x.shape[0]
            # 1. reconstruction: encoder and decoder rebuild the input
            loss_rec = mse(decoder(encoder(x)), x)
            opt_ae.zero_grad()
            loss_rec.backward()
            opt_ae.step()
            # 2. discriminator: codes drawn from the prior -> 1, the encoder's codes -> 0 (detached: D's step only)
            prior = ag.tensor(rng.standard_normal((n, CODE_SIZE)).astype(np.float32))
            fake = encoder(x).detach()
            loss_d = bce(discriminator(prior), ag.ones(n, 1)) + bce(discriminator(fake), ag.zeros(n, 1))
            opt_d.zero_grad()
            loss_d.backward()
            opt_d.step()
            # 3. generator: the encoder makes D answer "prior" for its codes
            loss_g = bce(discriminator(encoder(x)), ag.ones(n, 1))
            opt_g.zero_grad()
            loss_g.backward()
            opt_g.step()
    after = {"error": reconstruction_error(encoder, decoder, x_test), "codes": encode(encoder, x_test)}
    after["distance"] = distance_to_prior(after["codes"])
    return {"networks": (encoder, decoder, discriminator), "test": (x_test, y_test), "before": before, "after": after}


def plot_codes(runs, labels, save):
    """The test codes (coloured by digit, legend) over the prior's density (labelled colour bar), per run."""
    from viz import plots

    grid = np.linspace(-3.5, 3.5, 141)
    gx, gy = np.meshgrid(grid, grid)
    density = np.exp(-(gx**2 + gy**2) / 2) / (2 * np.pi)  # N(0, I) in two dimensions
    fig = plots.figure(6.2 * len(runs) + 1.6, 5.6)
    axes = fig.subplots(1, len(runs), squeeze=False)[0]
    colours = [f"C{k}" for k in range(10)]
    for ax, (title, codes) in zip(axes, runs.items()):
        shade = ax.contourf(gx, gy, density, levels=12, cmap="Greys")
        for digit in range(10):
            chosen = codes[labels == digit]
            ax.scatter(chosen[:, 0], chosen[:, 1], s=9, color=colours[digit], label=str(digit), alpha=0.8)
        ax.set_xlim(-3.5, 3.5)
        ax.set_ylim(-3.5, 3.5)
        ax.set_aspect("equal")
        ax.set_xlabel("code z1")
        ax.set_ylabel("code z2")
        ax.set_title(title, fontsize=10)
    fig.colorbar(shade, ax=list(axes), label="prior density N(0, I)")
    handles, names = axes[0].get_legend_handles_labels()
    fig.legend(handles, names, title="digit", loc="outside right center", markerscale=2)
    fig.suptitle("Adversarial autoencoder: test digits' codes over the prior N(0, I)")
    return plots.finish(fig, save)


# %% [markdown]
# ## Run the lesson

# %%
out = begin(__name__, "40_adversarial_autoencoder")
result = train_aae(epochs=fast_or(60, 20))
before, after = result["before"], result["after"]
reference = distance_to_prior(np.random.default_rng(1).standard_normal((len(after["codes"]), CODE_SIZE)))
print(f"test reconstruction error (mean squared, per pixel): before training {before['error']:.4f}, "
      f"after {after['error']:.4f}")  # fmt: skip
print(f"distance of the test codes from N(0, I) (||mean||^2 + ||cov - I||_F^2): before {before['distance']:.3f}, "
      f"after {after['distance']:.3f}")  # fmt: skip
print(f"  (for reference: {len(after['codes'])} samples of N(0, I) itself are at {reference:.3f})")
mean, cov = after["codes"].mean(axis=0), np.cov(after["codes"].T)
print(f"  the codes' mean after training {np.round(mean, 2)}, covariance {np.round(cov, 2).tolist()}")
bar("fraction by which the reconstruction error fell (1 - after/before)", 1 - after["error"] / before["error"], 0.5)
bar("fraction by which the codes' distance from the prior fell (1 - after/before)",
    1 - after["distance"] / before["distance"], 0.5)  # fmt: skip

# %% [markdown]
# ## The codes over the prior's density
#
# Before training the codes sit in a small cloud; after it they spread over the prior's
# bulk, and digits of one kind gather in regions of it. A code drawn from $N(0, I)$ now lands
# among real codes, so decoding it gives a digit-like image.

# %%
labels = result["test"][1]
picture(plot_codes, {"before training": before["codes"], "after training": after["codes"]}, labels,
        save=out / "codes_over_prior.png")  # fmt: skip

# %% [markdown]
# Decoding codes drawn from the prior: the generative use of the trained decoder.

# %%
encoder, decoder, _ = result["networks"]
decoder.eval()
with ag.no_grad():
    drawn = decoder(ag.tensor(np.random.default_rng(2).standard_normal((16, CODE_SIZE)).astype(np.float32)))
picture("show_images", drawn.numpy().reshape(-1, 8, 8), ncols=8,
        title="Decoded from codes drawn from the prior N(0, I)", save=out / "decoded_prior_samples.png")  # fmt: skip
done(out)
