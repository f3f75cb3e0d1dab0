# %% [markdown]
# # Lesson 03: linear regression by gradient descent (worked example G2, slide deck 003)
#
# The slide solves $y = a x + b$ through (2, 5) and (4, 9) by algebra:
# $a = (9 - 5) / 2 = 2$, $b = 5 - 2 \cdot 2 = 1$. Gradient descent finds the same line
# without any algebra, only from the gradient of the mean squared error
#
# $$L(a, b) = \frac{1}{N} \sum_i (a x_i + b - y_i)^2, \qquad
# a \leftarrow a - lr \frac{\partial L}{\partial a}, \quad b \leftarrow b - lr \frac{\partial L}{\partial b}$$
#
# (both derivatives from `L.backward()`).
#
# Run: `python tutorials/03_linear_regression.py [--fast]` (writes the loss curve and the fitted line)

# %%
import common  # noqa: F401  (puts the repository on sys.path)
from common import FAST, begin, check, done, picture

import autograd as ag

POINTS = [(2.0, 5.0), (4.0, 9.0)]  # the slide's two samples (x, y)


# %%
def fit_line(points=POINTS, lr=0.05, steps=2000):
    """Gradient descent on the slope a and intercept b, both starting at 0.

    Returns (a, b, losses) with the loss before each step.
    """
    x = ag.tensor([p[0] for p in points], dtype="float64", name="x")
    y = ag.tensor([p[1] for p in points], dtype="float64", name="y")
    a = ag.tensor(0.0, dtype="float64", requires_grad=True, name="a")
    b = ag.tensor(0.0, dtype="float64", requires_grad=True, name="b")
    losses = []
    for _ in range(steps):
        loss = ((a * x + b - y) ** 2).mean()
        loss.backward()
        losses.append(loss.item())
        # the update itself is not part of the model, so it changes the arrays, outside the graph
        a.data = a.data - lr * a.grad.data
        b.data = b.data - lr * b.grad.data
        a.zero_grad()
        b.zero_grad()
    return a.item(), b.item(), losses


def solve_by_algebra(points=POINTS):
    """The slide's elimination: a = (y2 - y1) / (x2 - x1), b = y1 - a*x1."""
    (x1, y1), (x2, y2) = points
    a = (y2 - y1) / (x2 - x1)
    return a, y1 - a * x1


def plot_fit(a, b, losses, save):
    """Loss per step (log scale) and the two points with the fitted line."""
    import numpy as np

    from viz import plots

    fig = plots.figure(10, 4)
    ax1, ax2 = fig.subplots(1, 2)
    ax1.semilogy(losses)
    ax1.set_xlabel("step")
    ax1.set_ylabel("mean squared error")
    ax1.set_title("Loss during gradient descent")
    xs = np.linspace(0, 5, 50)
    ax2.plot([p[0] for p in POINTS], [p[1] for p in POINTS], "o", color="crimson", label="samples")
    ax2.plot(xs, a * xs + b, label=f"y = {a:.3f} x + {b:.3f}")
    ax2.set_xlabel("x")
    ax2.set_ylabel("y")
    ax2.set_title("Fitted line")
    ax2.legend()
    return plots.finish(fig, save)


# %% [markdown]
# ## Run the lesson

# %%
out = begin(__name__, "03_linear_regression")
lr, steps = 0.05, (1200 if FAST else 2000)
print(f"Fit y = a*x + b through {POINTS} by gradient descent (lr = {lr}, {steps} steps, a = b = 0 at first)\n")
a, b, losses = fit_line(lr=lr, steps=steps)
for step in (0, 10, 100, 1000, steps - 1):
    print(f"  step {step:5d}: loss {losses[step]:.3e}")
slide_a, slide_b = solve_by_algebra()
print(f"\nThe slide, by algebra: a = (9-5)/2 = {slide_a:g}, b = 5 - 2*2 = {slide_b:g}")
check("slope a", a, slide_a, tol=1e-3)
check("intercept b", b, slide_b, tol=1e-3)

# %% [markdown]
# The loss falls fast at first, then slowly: the two parameters pull in different
# directions ($x$ is never near 0, so $a$ and $b$ are entangled). Centering $x$ would speed it up.

# %%
picture(plot_fit, a, b, losses, save=out / "linear_regression.png")
done(out)
