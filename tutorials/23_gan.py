# %% [markdown]
# # D8: a generative adversarial network (deck 004) learns to produce numbers distributed like N(4, 1.25^2)
#
# Two networks play against each other:
#
# * the generator G turns random noise z ~ N(0, 1) into a sample G(z);
# * the discriminator D scores a sample: a high score for "real" (drawn from the
#   data, here a normal distribution with mean 4 and standard deviation 1.25),
#   a low score for "fake" (made by G).
#
# Each step trains D to tell real from fake (binary cross-entropy, labels 1 and 0),
#
# $$L_D = -\log \sigma(D(x_{real})) - \log(1 - \sigma(D(G(z)))),$$
#
# then G to fool D (the same loss, G's samples labelled 1): $L_G = -\log \sigma(D(G(z)))$. Neither network
# is ever told the mean or the spread: G only learns from D's gradients. Measured
# here: the distance |mean - 4| + |std - 1.25| of G's samples falls.

# %%
import numpy as np
from common import bar, begin, done, fast_or, picture

import autograd as ag
import nn

TARGET_MEAN, TARGET_STD = 4.0, 1.25


# %%
def distance_to_target(samples):
    """|mean - 4| + |std - 1.25| of the samples (population std): 0 when they match the data's first two moments."""
    return abs(float(samples.mean()) - TARGET_MEAN) + abs(float(samples.std()) - TARGET_STD)


def train_gan(steps=1500, batch_size=64, lr=0.002, seed=0):
    """Alternate discriminator and generator updates; returns `(generator, distance_before, distance_after)`."""
    ag.manual_seed(seed)
    rng = np.random.default_rng(seed)
    generator = nn.Sequential(nn.Linear(1, 16), nn.Tanh(), nn.Linear(16, 1))
    discriminator = nn.Sequential(nn.Linear(1, 32), nn.LeakyReLU(0.2), nn.Linear(32, 1))
    bce = nn.BCEWithLogitsLoss()  # binary cross-entropy of sigmoid(score)
    opt_g = nn.optim.Adam(generator.parameters(), lr=lr, betas=(0.5, 0.999))
    opt_d = nn.optim.Adam(discriminator.parameters(), lr=lr, betas=(0.5, 0.999))
    real_label, fake_label = ag.ones(batch_size, 1), ag.zeros(batch_size, 1)
    z_eval = ag.tensor(rng.standard_normal((2000, 1)).astype(np.float32))

    def generated():
        with ag.no_grad():
            return generator(z_eval).numpy()[:, 0]

    before = distance_to_target(generated())
    for _ in range(steps):
        real = ag.tensor(rng.normal(TARGET_MEAN, TARGET_STD, (batch_size, 1)).astype(np.float32))
        fake = generator(ag.tensor(rng.standard_normal((batch_size, 1)).astype(np.float32)))
        # discriminator: real -> 1, fake -> 0 (detach: this step must not change G)
        loss_d = bce(discriminator(real), real_label) + bce(discriminator(fake.detach()), fake_label)
        opt_d.zero_grad()
        loss_d.backward()
        opt_d.step()
        # generator: make D answer "real" for G's samples
        loss_g = bce(discriminator(fake), real_label)
        opt_g.zero_grad()
        loss_g.backward()
        opt_g.step()
    return generator, before, distance_to_target(generated()), generated()


def plot_samples(samples, real, save):
    """Histograms of the generator's samples and of real data, as densities."""
    from viz import plots

    fig = plots.figure(6.5, 3.8)
    ax = fig.subplots()
    ax.hist(real, bins=50, alpha=0.5, density=True, label="data: N(4, 1.25^2)")
    ax.hist(samples, bins=50, alpha=0.5, density=True, label="generator's samples")
    ax.set_xlabel("value")
    ax.set_ylabel("density")
    ax.set_title("GAN: the generator's samples against the data")
    ax.legend()
    return plots.finish(fig, save)


# %% [markdown]
# ## Run the lesson

# %%
out = begin(__name__, "23_gan")
rng = np.random.default_rng(1)
generator, before, after, samples = train_gan(steps=fast_or(1500, 100))
print(f"target: mean {TARGET_MEAN}, std {TARGET_STD}")
print(f"generator's samples after training: mean {samples.mean():.3f}, std {samples.std():.3f}")
print(f"distance |mean - 4| + |std - 1.25|: before training {before:.3f}, after {after:.3f}")
bar("fraction by which the distance fell (1 - after/before)", 1 - after / before, 0.75)

picture(plot_samples, samples, rng.normal(TARGET_MEAN, TARGET_STD, len(samples)), save=out / "generated_vs_real.png")
done(out)
