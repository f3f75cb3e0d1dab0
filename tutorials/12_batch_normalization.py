# %% [markdown]
# # Lesson 12: batch normalization, the four formulas (worked example A8, slide deck 001)
#
# "Remember that normalization on the inputs allows for easier training": batch
# normalization does the same to a layer's inputs, per feature, over a mini-batch
# x_1 .. x_m, then lets the network scale and shift the result back as it needs:
#
# $$\mu_B = \frac{1}{m} \sum_i x_i \quad \text{(mini-batch mean)}$$
# $$\sigma_B^2 = \frac{1}{m} \sum_i (x_i - \mu_B)^2 \quad \text{(mini-batch variance)}$$
# $$\hat{x}_i = \frac{x_i - \mu_B}{\sqrt{\sigma_B^2 + \epsilon}} \quad \text{(normalize)}$$
# $$y_i = \gamma \hat{x}_i + \beta \quad \text{(scale and shift; } \gamma, \beta \text{ learned)}$$
#
# The lesson writes the four lines with autograd ops, one by one, and checks that
# ``nn.BatchNorm1d`` in training mode gives the same output and the same gradients,
# and that both pass a numerical gradient check. In training the layer also keeps
# running averages of mu_B and sigma_B^2 for evaluation mode (checked too).
#
# Run:  python tutorials/12_batch_normalization.py   (writes a before/after histogram)


# %%
import common  # noqa: F401  (puts the repository on sys.path)
import numpy as np
from common import begin, check, done, holds, picture

import autograd as ag
import nn

EPS = 1e-5


# %%
def make_batch(m=8, features=3, seed=0):
    """A mini-batch of ``m`` samples whose features have very different means and spreads, float64."""
    rng = np.random.default_rng(seed)
    return rng.normal(loc=[5.0, -2.0, 100.0], scale=[2.0, 0.5, 30.0], size=(m, features))


def batch_norm_by_formulas(x, gamma, beta, eps=EPS):
    """The slide's four lines, over the batch axis 0; returns (y, mu, sigma2, x_hat)."""
    m = x.shape[0]
    mu = x.sum(axis=0) / m  # mini-batch mean
    sigma2 = ((x - mu) ** 2).sum(axis=0) / m  # mini-batch variance
    x_hat = (x - mu) / (sigma2 + eps) ** 0.5  # normalize
    y = gamma * x_hat + beta  # scale and shift
    return y, mu, sigma2, x_hat


def make_layer(features=3, seed=1):
    """``nn.BatchNorm1d`` in float64 with gamma and beta set away from their defaults 1 and 0."""
    rng = np.random.default_rng(seed)
    layer = nn.BatchNorm1d(features, eps=EPS, dtype="float64")
    layer.weight.data[...] = rng.uniform(0.5, 2.0, size=features)
    layer.bias.data[...] = rng.normal(size=features)
    layer.train()
    return layer


def compare_layer_and_formulas(batch, seed=7):
    """Forward both with the same gamma and beta; backward both with the same random upstream gradient.

    Returns a dict of (layer value, formula value) pairs: y, dL/dx, dL/dgamma, dL/dbeta.
    """
    layer = make_layer(batch.shape[1])
    upstream = ag.tensor(np.random.default_rng(seed).normal(size=batch.shape))

    x1 = ag.tensor(batch, requires_grad=True)
    y1 = layer(x1)
    y1.backward(upstream)

    x2 = ag.tensor(batch, requires_grad=True)
    gamma = ag.tensor(layer.weight.numpy(), requires_grad=True)
    beta = ag.tensor(layer.bias.numpy(), requires_grad=True)
    y2 = batch_norm_by_formulas(x2, gamma, beta)[0]
    y2.backward(upstream)
    return {
        "y": (y1.detach().numpy(), y2.detach().numpy()),
        "dL/dx": (x1.grad.numpy(), x2.grad.numpy()),
        "dL/dgamma": (layer.weight.grad.numpy(), gamma.grad.numpy()),
        "dL/dbeta": (layer.bias.grad.numpy(), beta.grad.numpy()),
    }


def gradchecks_pass(batch):
    """``autograd.gradcheck`` of the layer (in x, gamma, beta) and of the formulas; True if both pass."""
    layer = make_layer(batch.shape[1])
    x = ag.tensor(batch, requires_grad=True)
    # gamma and beta are the layer's own tensors, so gradcheck's nudges reach the layer
    layer_ok = ag.gradcheck(lambda x, g, b: layer(x), [x, layer.weight, layer.bias])
    gamma = ag.tensor(layer.weight.numpy(), requires_grad=True)
    beta = ag.tensor(layer.bias.numpy(), requires_grad=True)
    formula_ok = ag.gradcheck(lambda x, g, b: batch_norm_by_formulas(x, g, b)[0], [x, gamma, beta])
    return layer_ok and formula_ok


def running_statistics(batch, momentum=0.1):
    """The layer's running mean and variance after one training batch, and the update rule's values."""
    layer = make_layer(batch.shape[1])
    layer(ag.tensor(batch))
    m = batch.shape[0]
    expected_mean = (1 - momentum) * 0.0 + momentum * batch.mean(axis=0)
    expected_var = (1 - momentum) * 1.0 + momentum * batch.var(axis=0) * m / (m - 1)  # unbiased, as PyTorch
    return (layer.running_mean.numpy(), expected_mean), (layer.running_var.numpy(), expected_var)


def plot_before_after(batch, y, save):
    """Each feature's values before (wildly different scales) and after batch normalization."""
    from viz import plots

    fig = plots.figure(10, 3.6)
    axes = fig.subplots(1, 2)
    for j in range(batch.shape[1]):
        axes[0].plot(batch[:, j], [j] * len(batch), "o", label=f"feature {j}")
        axes[1].plot(y[:, j], [j] * len(y), "o", label=f"feature {j}")
    axes[0].set_xscale("symlog")
    axes[0].set_title("a mini-batch before (symlog x axis)")
    axes[1].set_title("after BatchNorm1d: gamma * x_hat + beta")
    for ax in axes:
        ax.set_yticks(range(batch.shape[1]))
        ax.set_ylabel("feature")
        ax.set_xlabel("value")
        ax.legend(fontsize=8)
    return plots.finish(fig, save)


# %% [markdown]
# ## Run the lesson

# %%
out = begin(__name__, "12_batch_normalization")
batch = make_batch()
x = ag.tensor(batch)
layer = make_layer()
gamma, beta = ag.tensor(layer.weight.numpy()), ag.tensor(layer.bias.numpy())
y, mu, sigma2, x_hat = batch_norm_by_formulas(x, gamma, beta)
print(f"A mini-batch of m = {batch.shape[0]} samples with {batch.shape[1]} features, eps = {EPS}\n")
print(f"  mu_B      = {mu.numpy().round(4)}")
print(f"  sigma_B^2 = {sigma2.numpy().round(4)}")
print(
    f"  x_hat: mean per feature {x_hat.numpy().mean(axis=0).round(6) + 0}, variance {x_hat.numpy().var(axis=0).round(4)}"
)
print(f"  gamma = {gamma.numpy().round(4)}, beta = {beta.numpy().round(4)}\n")

# %% [markdown]
# ## The layer against the four formulas: output, gradients, gradcheck, running statistics

# %%
pairs = compare_layer_and_formulas(batch)
check("nn.BatchNorm1d (training) output = gamma x_hat + beta", *pairs["y"], tol=1e-12, source="formulas")
for name in ("dL/dx", "dL/dgamma", "dL/dbeta"):
    check(f"{name}: layer's backward = backward through the four formulas", *pairs[name], tol=1e-12, source="formulas")
holds("gradcheck passes for the layer and for the formulas", gradchecks_pass(batch))
(run_mean, want_mean), (run_var, want_var) = running_statistics(batch)
check("running_mean after one batch (momentum 0.1)", run_mean, want_mean, tol=1e-12, source="update rule")
check("running_var (unbiased batch variance, as PyTorch)", run_var, want_var, tol=1e-12, source="update rule")
picture(plot_before_after, batch, pairs["y"][0], save=out / "batch_norm.png")
done(out)
