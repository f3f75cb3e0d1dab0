# %% [markdown]
# # Lesson 07: backpropagation through a 4-4-2 network, checked number by number (G7, slide deck 004)
#
# The slide's network has 4 inputs, a hidden layer of 4 nodes and 2 outputs, each
# layer $Y = f(W X + b)$ with an activation $f$ (here the sigmoid), and the loss
#
# $$L(w, b) = \frac{1}{2} \sum (Y - Y')^2 \qquad (Y \text{ predicted}, Y' \text{ the true labels})$$
#
# `L.backward()` gives $dL/dw$ for every one of the 30 weights and biases. Three
# independent ways of getting the same numbers are compared with it:
#
# 1. central differences: nudge one weight by $\pm\epsilon$ and watch $L$,
#    $dL/dw \approx (L(w + \epsilon) - L(w - \epsilon)) / (2 \epsilon)$, for every weight in turn;
# 2. the chain rule written out by hand for this network (the "delta rule"):
#    $\delta_2 = (Y - Y') \odot Y (1 - Y)$, $dL/dW_2 = \delta_2 H^T$, $dL/db_2 = \sum \delta_2$;
#    $\delta_1 = (W_2^T \delta_2) \odot H (1 - H)$, $dL/dW_1 = \delta_1 X^T$, $dL/db_1 = \sum \delta_1$;
# 3. `autograd.gradcheck` (random upstream gradients, float64).
#
# The slide states the method, not numbers: each check names what it compares with.
#
# Run: `python tutorials/07_backprop_4_4_2.py` (writes the network's computation graph)

# %%

import common  # noqa: F401  (puts the repository on sys.path)
import numpy as np
from common import begin, check, done, graph_picture, holds

import autograd as ag
import autograd.functional as F
import viz

PARAMETER_NAMES = ["W1", "b1", "W2", "b2"]


# %% [markdown]
# ## The network, its loss, and four ways to its gradients


# %%
def make_problem(samples=3, seed=0):
    """Inputs X (4, samples) as columns, true labels Y' (2, samples) and the parameters, all float64.

    W1 is (4, 4) and W2 is (2, 4), so W2 X maps 4 hidden values to 2 outputs
    (the slide writes W2 as (4, 2) and multiplies by its transpose; same numbers).
    """
    rng = np.random.default_rng(seed)
    x = ag.tensor(rng.normal(size=(4, samples)), name="X")
    y_true = ag.tensor(rng.uniform(size=(2, samples)), name="Y'")
    params = {
        "W1": rng.normal(0, 0.8, size=(4, 4)),
        "b1": rng.normal(0, 0.1, size=(4, 1)),
        "W2": rng.normal(0, 0.8, size=(2, 4)),
        "b2": rng.normal(0, 0.1, size=(2, 1)),
    }
    params = {k: ag.tensor(v, requires_grad=True, name=k) for k, v in params.items()}
    return x, y_true, params


def forward(x, y_true, W1, b1, W2, b2):
    """H = f(W1 X + b1), Y = f(W2 H + b2), L = 1/2 sum (Y - Y')^2 with f the sigmoid; returns (L, H, Y)."""
    hidden = F.sigmoid(W1 @ x + b1)
    hidden.name = "H"
    y = F.sigmoid(W2 @ hidden + b2)
    y.name = "Y"
    loss = 0.5 * ((y - y_true) ** 2).sum()
    loss.name = "L"
    return loss, hidden, y


def backprop_gradients(x, y_true, params):
    """dL/dparameter for each parameter, from ``L.backward()``."""
    for p in params.values():
        p.zero_grad()
    loss, _, _ = forward(x, y_true, *params.values())
    loss.backward()
    return {k: p.grad.numpy() for k, p in params.items()}


def numerical_gradients(x, y_true, params, eps=1e-6):
    """Central differences, one weight at a time: (L(w + eps) - L(w - eps)) / (2 eps)."""
    grads = {}
    with ag.no_grad():
        for name, p in params.items():
            g = np.zeros(p.shape)
            flat = p.data.reshape(-1)  # a view: nudging it nudges the parameter
            for i in range(flat.size):
                old = flat[i].item()
                flat[i] = old + eps
                plus = forward(x, y_true, *params.values())[0].item()
                flat[i] = old - eps
                minus = forward(x, y_true, *params.values())[0].item()
                flat[i] = old
                g.reshape(-1)[i] = (plus - minus) / (2 * eps)
            grads[name] = g
    return grads


def delta_rule_gradients(x, y_true, params):
    """The chain rule written out for this network, in NumPy (see the module docstring)."""
    with ag.no_grad():
        _, hidden, y = forward(x, y_true, *params.values())
    X, H, Y, T = x.numpy(), hidden.numpy(), y.numpy(), y_true.numpy()
    W2 = params["W2"].numpy()
    delta2 = (Y - T) * Y * (1 - Y)
    delta1 = (W2.T @ delta2) * H * (1 - H)
    return {
        "W1": delta1 @ X.T,
        "b1": delta1.sum(axis=1, keepdims=True),
        "W2": delta2 @ H.T,
        "b2": delta2.sum(axis=1, keepdims=True),
    }


def passes_gradcheck(x, y_true, params):
    """``autograd.gradcheck`` of L with respect to all four parameters."""
    return ag.gradcheck(lambda *ps: forward(x, y_true, *ps)[0], list(params.values()))


# %% [markdown]
# ## Run the lesson

# %%
out = begin(__name__, "07_backprop_4_4_2")
x, y_true, params = make_problem()
loss = forward(x, y_true, *params.values())[0]
print(f"4-4-2 network, sigmoid activations, {x.shape[1]} samples; L = 1/2 sum (Y - Y')^2 = {loss.item():.6f}\n")
backprop = backprop_gradients(x, y_true, params)
numeric = numerical_gradients(x, y_true, params)
by_hand = delta_rule_gradients(x, y_true, params)

print("dL/dW2 element by element (backward | central differences | delta rule):")
for (i, j), g in np.ndenumerate(backprop["W2"]):
    print(f"  W2[{i},{j}]  {g:+.10f} | {numeric['W2'][i, j]:+.10f} | {by_hand['W2'][i, j]:+.10f}")

# %% [markdown]
# Every parameter's gradient, against central differences and the delta rule:

# %%
count = 0
for name in PARAMETER_NAMES:
    count += backprop[name].size
    check(f"dL/d{name} {backprop[name].shape}: central differences", backprop[name], numeric[name], tol=1e-8,
          source="numerical")  # fmt: skip
    check(f"dL/d{name}: the delta rule", backprop[name], by_hand[name], tol=1e-12, source="delta rule")
check("weights and biases checked (16 + 4 + 8 + 2)", count, 30, source="4-4-2 network")
holds("autograd.gradcheck with random upstream gradients passes", passes_gradcheck(x, y_true, params))

# %% [markdown]
# ## The network's computation graph, with its gradients
#
# (Drawing needs Graphviz's `dot` program; without it the lesson says so and carries on.)

# %%
for p in params.values():
    p.zero_grad()
loss = forward(x, y_true, *params.values())[0]
loss.backward(retain_graph=True)
graph = graph_picture(lambda: viz.draw_graph(loss), out / "network_graph.svg")
done(out)
graph
