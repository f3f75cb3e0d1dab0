# %% [markdown]
# # Lesson 10: activation functions and their derivatives (worked example A6, decks 001, 003, 004)
#
# Activations bring the non-linearity (lesson 05). Backpropagation multiplies by
# their derivatives, so the shape of f'(x) decides how well gradients flow:
#
# | activation | formula | output | derivative |
# |---|---|---|---|
# | sigmoid | $s(x) = 1 / (1 + e^{-x})$ | 0 to 1 | $s(x)(1 - s(x))$, at most 1/4 |
# | tanh | $\tanh(x)$ | -1 to +1 | $1 - \tanh(x)^2$ |
# | ReLU | $\max(0, x)$ | 0 if $x < 0$, else $x$ | 0 for $x < 0$, 1 for $x > 0$ (a "dead" unit gets 0) |
# | leaky ReLU (deck 004) | $\max(a x, x)$, $0 < a < 1$ | | $a$ for $x < 0$, 1 for $x > 0$ |
# | softmax | $e^{z_i} / \sum_j e^{z_j}$ | probabilities summing to 1 | $\partial s_i / \partial z_j = s_i (\delta_{ij} - s_j)$ |
#
#
# Each derivative here is computed by autograd (``backward()``), then compared with
# the formula above.
#
# Run:  python tutorials/10_activation_functions.py   (writes a plot of each function and its derivative)


# %%
import common  # noqa: F401  (puts the repository on sys.path)
import numpy as np
from common import begin, check, done, holds, picture

import autograd as ag
import autograd.functional as F

LEAKY_SLOPE = 0.1  # "a" of max(a x, x); larger than the usual 0.01 so the plot shows it

ACTIVATIONS = {
    "sigmoid": F.sigmoid,
    "tanh": F.tanh,
    "ReLU": F.relu,
    "leaky ReLU": lambda x: F.leaky_relu(x, LEAKY_SLOPE),
}

# the textbook derivatives, only used to check what autograd computed
FORMULAS = {
    "sigmoid": lambda x: (1 / (1 + np.exp(-x))) * (1 - 1 / (1 + np.exp(-x))),
    "tanh": lambda x: 1 - np.tanh(x) ** 2,
    "ReLU": lambda x: (x > 0).astype(float),
    "leaky ReLU": lambda x: np.where(x > 0, 1.0, LEAKY_SLOPE),
}


# %%
def grid(points=400, limit=5.0):
    """Evenly spaced inputs; an even count keeps x = 0 (where ReLU has no derivative) out of it."""
    return np.linspace(-limit, limit, points)


def activation_and_derivative(fn, xs):
    """f(x) and f'(x) at every x: backward of sum f(x) gives each f'(x_i), as f acts elementwise."""
    x = ag.tensor(xs, dtype="float64", requires_grad=True)
    y = fn(x)
    y.sum().backward()
    return y.detach().numpy(), x.grad.numpy()


def leaky_relu_matches_slide(xs, a=LEAKY_SLOPE):
    """F.leaky_relu against the slide's max(a x, x), values and derivatives."""
    v1, d1 = activation_and_derivative(lambda x: F.leaky_relu(x, a), xs)
    v2, d2 = activation_and_derivative(lambda x: F.maximum(a * x, x), xs)
    return (v1, v2), (d1, d2)


def softmax_and_jacobian(logits):
    """Softmax of a vector and its Jacobian, row i from backward of s_i (``autograd.grad``)."""
    z = ag.tensor(logits, dtype="float64", requires_grad=True)
    s = F.softmax(z, axis=-1)
    rows = [ag.grad(s[i], [z], retain_graph=True)[0].numpy() for i in range(len(logits))]
    return s.detach().numpy(), np.array(rows)


def plot_softmax(logits, probs, save):
    """Logits beside the softmax probabilities they turn into."""
    from viz import plots

    fig = plots.figure(8, 3)
    ax1, ax2 = fig.subplots(1, 2)
    ax1.bar(range(len(logits)), logits, color="grey")
    ax1.set_title("logits z")
    ax2.bar(range(len(probs)), probs, color="seagreen")
    ax2.set_title(f"softmax(z): sums to {probs.sum():.6f}")
    for ax, what in ((ax1, "z_i"), (ax2, "s_i")):
        ax.set_xticks(range(len(logits)))
        ax.set_xlabel("class i")
        ax.set_ylabel(what)
    return plots.finish(fig, save)


# %% [markdown]
# ## Run the lesson

# %%
out = begin(__name__, "10_activation_functions")
xs = grid()
results = {name: activation_and_derivative(fn, xs) for name, fn in ACTIVATIONS.items()}
print("Activation functions; derivatives from backward(), compared with the textbook formula:\n")
for name, (values, derivative) in results.items():
    print(
        f"{name:10s} output range [{values.min() + 0:+.3f}, {values.max():+.3f}], largest slope {derivative.max():.3f}"
    )
    check(f"  d {name}/dx on {len(xs)} points", derivative, FORMULAS[name](xs), tol=1e-12, source="formula")
holds("sigmoid's output lies in (0, 1)", np.all((results["sigmoid"][0] > 0) & (results["sigmoid"][0] < 1)))
holds("tanh's output lies in (-1, 1)", np.all(np.abs(results["tanh"][0]) < 1))
check("ReLU is 0 for x < 0 and x otherwise", results["ReLU"][0], np.where(xs < 0, 0, xs), source="slide's rule")
check(
    "sigmoid's largest slope is 1/4 (why deep sigmoid nets learn slowly)",
    results["sigmoid"][1].max(),
    0.25,
    tol=1e-3,
    source="formula",
)

# %% [markdown]
# ## Leaky ReLU as the slide writes it, and softmax

# %%
(v1, v2), (d1, d2) = leaky_relu_matches_slide(xs)
check("F.leaky_relu equals the slide's max(a x, x)", v1, v2, tol=0, source="max(a x, x)")
check("and so do their derivatives", d1, d2, tol=0, source="max(a x, x)")

logits = np.array([2.0, 1.0, 0.1, -1.0])
probs, jac = softmax_and_jacobian(logits)
print(f"\nsoftmax({logits.tolist()}) = {probs.round(4)}")
check("softmax sums to 1", probs.sum(), 1.0, tol=1e-12, source="definition")
check(
    "softmax's Jacobian s_i (delta_ij - s_j)",
    jac,
    np.diag(probs) - np.outer(probs, probs),
    tol=1e-12,
    source="formula",
)

# %% [markdown]
# ## The pictures: each function with its derivative (by backward), and softmax

# %%
# the same functions through viz.plots, whose derivatives also come from backward()
picture("plot_activations", list(ACTIVATIONS.items()), points=len(xs), save=out / "activations.png")
picture(plot_softmax, logits, probs, save=out / "softmax.png")
done(out)
