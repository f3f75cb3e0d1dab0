# %% [markdown]
# # Lesson 01: gradient descent on a single weight (worked example G1, slide deck 000)
#
# The model is one weight: $y_{pred} = x \cdot w$. Its error on a sample $(x, y)$ is
# $E = (x w - y)^2$, and gradient descent moves the weight against the slope:
#
# $$w \leftarrow w - lr \cdot \frac{dE}{dw} \qquad \text{(the slide's rule: } \frac{dE}{dw} = 2x(xw - y)\text{)}$$
#
# Starting from $w = 0.5$ with $lr = 0.1$ and the samples (2, 4), (1, 2), (3, 6), one
# update per sample, the slide finds $w$ = 1.7, 1.76, 2.192, heading to 2. Here the
# derivative is never typed in: `E.backward()` computes it, and the slide's
# formula is only evaluated beside it as a check.
#
# Run: `python tutorials/01_gradient_descent_one_weight.py`. It writes the step-by-step
# backprop page of the first update (open `backprop/index.html`), the computation graph,
# and a plot of the descent.

# %%
import common  # noqa: F401  (puts the repository on sys.path)
from common import backprop_page, begin, check, done, graph_picture, picture

import autograd as ag
import viz

SAMPLES = [(2.0, 4.0), (1.0, 2.0), (3.0, 6.0)]  # (x, y) pairs of y = 2x, in the slide's order
SLIDE_WEIGHTS = [0.5, 1.7, 1.76, 2.192]

# %% [markdown]
# ## The error of one sample, as a graph
#
# Each operation the forward pass runs is recorded: $y_{pred} = x w$, the residual
# $y_{pred} - y$, and its square $E$. `backward()` walks that graph back from $E$ to $w$.


# %%
def squared_error(w, x, y):
    """E = (y_pred - y)^2 with y_pred = x * w, as a graph of named tensors (residual = y_pred - y)."""
    x = ag.tensor(x, dtype=w.dtype, name="x")
    y = ag.tensor(y, dtype=w.dtype, name="y")
    y_pred = x * w
    y_pred.name = "y_pred"
    diff = y_pred - y
    diff.name = "residual"
    error = diff**2
    error.name = "E"
    return error


def gradient_of_error(w_value, x, y):
    """dE/dw at ``w_value`` for one sample, computed by ``backward()``; returns (E, dE/dw) as floats."""
    w = ag.tensor(w_value, requires_grad=True, dtype="float64", name="w")
    error = squared_error(w, x, y)
    error.backward()
    return error.item(), w.grad.item()


# %% [markdown]
# ## Stochastic gradient descent: one update per sample
#
# $w \leftarrow w - lr \cdot dE/dw$, with $dE/dw$ from `backward()`. The slide's hand-derived
# $2x(xw - y)$ is kept only to check the engine.


# %%
def gradient_descent_one_weight(w0=0.5, lr=0.1, samples=SAMPLES, passes=1):
    """Stochastic gradient descent, one update per sample: w <- w - lr * dE/dw.

    Returns the list of weights (starting with ``w0``) and the list of gradients used.
    """
    weights, grads = [w0], []
    for _ in range(passes):
        for x, y in samples:
            _, g = gradient_of_error(weights[-1], x, y)
            grads.append(g)
            weights.append(weights[-1] - lr * g)
    return weights, grads


def slide_rule(w, x, y):
    """The slide's hand-derived derivative 2x(xw - y), only used to check backward()."""
    return 2 * x * (x * w - y)


def plot_descent(weights, samples, save):
    """The total error over the samples as a function of w, with the weights visited marked on it."""
    import numpy as np

    from viz import plots

    ws = np.linspace(-0.5, 3.5, 200)
    total = lambda w: sum((x * w - y) ** 2 for x, y in samples)  # noqa: E731
    visited = np.array(weights)
    fig = plots.figure(6.5, 4.2)
    ax = fig.subplots()
    ax.plot(ws, total(ws), label="total error  sum (x w - y)^2")
    ax.plot(visited, total(visited), "o-", color="crimson", label="w after each update")
    # 1.7 and 1.76 lie almost on top of each other: their labels go to opposite sides, with arrows
    offsets = [(8, 6), (-62, -12), (20, 34), (16, -16)]
    for w, offset in zip(weights[:4], offsets):
        ax.annotate(f"w = {w:g}", (w, total(w)), textcoords="offset points", xytext=offset, fontsize=9,
                    arrowprops={"arrowstyle": "-", "color": "grey", "lw": 0.8})  # fmt: skip
    ax.set_ylim(-12, None)  # room for the labels below the minimum
    ax.set_xlabel("weight w")
    ax.set_ylabel("error E")
    ax.set_title("Gradient descent on one weight (lr = 0.1)")
    ax.legend()
    return plots.finish(fig, save)


# %% [markdown]
# ## Run the lesson
#
# The cells below run the lesson (the tests import the definitions above without running it).

# %%
out = begin(__name__, "01_gradient_descent_one_weight")
lr = 0.1
print("Gradient descent on one weight: y_pred = x*w, E = (x*w - y)^2, lr = 0.1, w starts at 0.5\n")
weights, grads = gradient_descent_one_weight(0.5, lr)
for (x, y), w, g, w_new in zip(SAMPLES, weights, grads, weights[1:]):
    error, _ = gradient_of_error(w, x, y)
    print(f"sample (x, y) = ({x:g}, {y:g}),  w = {w:g}")
    print(f"  forward:  y_pred = {x:g}*{w:g} = {x * w:g},  E = ({x * w:g} - {y:g})^2 = {error:g}")
    print(f"  backward: E.backward() gives dE/dw = {g:g}")
    check("dE/dw against the slide's rule 2x(xw - y)", g, slide_rule(w, x, y), tol=1e-12, source="slide's rule")
    print(f"  update:   w <- {w:g} - {lr:g} * ({g:g}) = {w_new:g}\n")
check("weights after each update", weights, SLIDE_WEIGHTS, tol=1e-9)

# %% [markdown]
# More passes over the same three samples: $w$ settles at 2, the slope of $y = 2x$.

# %%
more, _ = gradient_descent_one_weight(0.5, lr, passes=5)
print(f"Five passes over the three samples: w = {more[-1]:.6f}")
check("w heads to 2 (the slope of y = 2x)", more[-1], 2.0, tol=1e-3)
picture(plot_descent, weights, SAMPLES, save=out / "descent.png")

# %% [markdown]
# ## The computation graph, before and after `backward()`
#
# Each node is a tensor; after the backward pass each one also holds its gradient $dE/d\cdot$.
# (Drawing needs Graphviz's `dot` program; without it the lesson says so and carries on.)

# %%
w = ag.tensor(0.5, requires_grad=True, dtype="float64", name="w")
error = squared_error(w, *SAMPLES[0])
graph_picture(lambda: viz.draw_graph(error), out / "graph_before_backward.svg")

# %%
error.backward(retain_graph=True)  # keep the graph so it can be drawn with its gradients
graph_picture(lambda: viz.draw_graph(error), out / "graph_after_backward.svg")

# %% [markdown]
# ## The first update, step by step through the engine's own backward pass
#
# Each row: the operation, the gradient arriving from above (upstream), the op's local
# rule, and the gradient it sends to its inputs (the chain rule, one step at a time).

# %%
w = ag.tensor(0.5, requires_grad=True, dtype="float64", name="w")
steps = viz.trace(squared_error(w, *SAMPLES[0]))  # runs backward, prints each step: op, upstream, rule, sent
steps

# %%
w = ag.tensor(0.5, requires_grad=True, dtype="float64", name="w")
page = backprop_page(lambda: squared_error(w, *SAMPLES[0]), out / "backprop")
if page is not None:
    print(f"Backprop stepper, one frame per backward step (open in a browser): {page}")
done(out)
