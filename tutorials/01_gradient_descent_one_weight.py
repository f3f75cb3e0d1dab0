"""Lesson 01: gradient descent on a single weight (worked example G1, slide deck 000).

The model is one weight: ``y_pred = x * w``. Its error on a sample ``(x, y)`` is
``E = (x*w - y)^2`` and gradient descent moves the weight against the slope:

    w  <-  w - lr * dE/dw          (the slide's rule: dE/dw = 2x(xw - y))

Starting from w = 0.5 with lr = 0.1 and the samples (2,4), (1,2), (3,6), one
update per sample, the slide finds w = 1.7, 1.76, 2.192, heading to 2. Here the
derivative is never typed in: ``E.backward()`` computes it, and the slide's
formula is only evaluated beside it as a check.

Run:  python tutorials/01_gradient_descent_one_weight.py
It writes the step-by-step backprop page of the first update (open
``backprop/index.html``), the computation graph, and a plot of the descent.
"""

import common  # noqa: F401  (puts the repository on sys.path)
from common import check, done, output_dir

import autograd as ag

SAMPLES = [(2.0, 4.0), (1.0, 2.0), (3.0, 6.0)]  # (x, y) pairs of y = 2x, in the slide's order
SLIDE_WEIGHTS = [0.5, 1.7, 1.76, 2.192]


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


def plot_descent(weights, samples, path):
    """The total error over the samples as a function of w, with the weights visited marked on it."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    ws = np.linspace(-0.5, 3.5, 200)
    total = sum((x * ws - y) ** 2 for x, y in samples)
    visited = np.array(weights)
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(ws, total, label="total error  sum (x w - y)^2")
    ax.plot(
        visited, sum((x * visited - y) ** 2 for x, y in samples), "o-", color="crimson", label="w after each update"
    )
    for w in weights[:4]:
        ax.annotate(f"{w:g}", (w, sum((x * w - y) ** 2 for x, y in samples)), textcoords="offset points", xytext=(5, 8))
    ax.set_xlabel("weight w")
    ax.set_ylabel("error E")
    ax.set_title("Gradient descent on one weight (lr = 0.1)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def main():
    out = output_dir("01_gradient_descent_one_weight")
    lr = 0.1
    print("Gradient descent on one weight: y_pred = x*w, E = (x*w - y)^2, lr = 0.1, w starts at 0.5\n")
    weights, grads = gradient_descent_one_weight(0.5, lr)
    for (x, y), w, g, w_new in zip(SAMPLES, weights, grads, weights[1:]):
        error, _ = gradient_of_error(w, x, y)
        print(f"sample (x, y) = ({x:g}, {y:g}),  w = {w:g}")
        print(f"  forward:  y_pred = {x:g}*{w:g} = {x * w:g},  E = ({x * w:g} - {y:g})^2 = {error:g}")
        print(f"  backward: E.backward() gives dE/dw = {g:g}")
        check("dE/dw against the slide's rule 2x(xw - y)", g, slide_rule(w, x, y), tol=1e-12)
        print(f"  update:   w <- {w:g} - {lr:g} * ({g:g}) = {w_new:g}\n")
    check("weights after each update", weights, SLIDE_WEIGHTS, tol=1e-9)

    more, _ = gradient_descent_one_weight(0.5, lr, passes=5)
    print(f"\nFive passes over the three samples: w = {more[-1]:.6f}")
    check("w heads to 2 (the slope of y = 2x)", more[-1], 2.0, tol=1e-3)

    import viz

    w = ag.tensor(0.5, requires_grad=True, dtype="float64", name="w")
    error = squared_error(w, *SAMPLES[0])
    viz.save(viz.draw_graph(error), out / "graph_before_backward.svg")
    error.backward(retain_graph=True)  # keep the graph so it can be drawn with its gradients
    viz.save(viz.draw_graph(error), out / "graph_after_backward.svg")

    print("\nThe first update, step by step through the engine's own backward pass:")
    w = ag.tensor(0.5, requires_grad=True, dtype="float64", name="w")
    viz.trace(squared_error(w, *SAMPLES[0]))  # prints the table: op, upstream gradient, local rule, gradient sent

    w = ag.tensor(0.5, requires_grad=True, dtype="float64", name="w")
    page = viz.render_backprop(squared_error(w, *SAMPLES[0]), out / "backprop")
    print(f"Backprop stepper, one frame per backward step (open in a browser): {page}")
    check("w.grad after the stepper's backward pass", w.grad.item(), slide_rule(0.5, *SAMPLES[0]), tol=1e-12)

    plot_descent(weights, SAMPLES, out / "descent.png")
    done(out)


if __name__ == "__main__":
    main()
