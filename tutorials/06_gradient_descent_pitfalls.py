# %% [markdown]
# # Lesson 06: where gradient descent gets stuck: local minima and saddle points (G6, slide deck 001)
#
# "Gradient descent works for strictly convex functions, but neural networks are not
# strictly convex": the stopping condition "gradient = 0" also holds at a local
# minimum and at a saddle point. This lesson walks on the 2-D loss surface
#
# $$f(x, y) = (x^2 - 1)^2 + 0.5 x^3 + y^2$$
#
# which has a global minimum near $x = -1.2$, a worse local minimum near $x = 0.83$,
# and a saddle point at (0, 0) (a hill along $x$, a valley along $y$).
#
# * Full-batch gradient descent (GD) from (1.5, 1) rolls into the local minimum.
# * GD from (0, 1) slides down the valley onto the saddle and stays there: the
#   gradient is 0, yet the Hessian (second derivatives, by double backward) has a
#   negative eigenvalue, so it is not a minimum.
# * Stochastic gradient descent (SGD) follows one sample's loss at a time,
#   $f_i(x, y) = f(x, y) + n_i \cdot (x, y)$ with noise $n_i$ that averages to 0 over the
#   samples. Its noisy steps knock it off the saddle, and it carries on downhill.
#
# Every gradient comes from `backward()`. The slide holds no numbers for this example:
# the checks below say which property they test.
#
# Run: `python tutorials/06_gradient_descent_pitfalls.py` (writes the paths on the contour plot)

# %%
import common  # noqa: F401  (puts the repository on sys.path)
import numpy as np
from common import begin, check, done, holds, picture

import autograd as ag

SADDLE = (0.0, 0.0)


# %%
def loss_surface(p):
    """f(x, y) = (x^2 - 1)^2 + 0.5 x^3 + y^2 for a tensor p = (x, y); works on NumPy arrays too."""
    x, y = p[0], p[1]
    return (x**2 - 1) ** 2 + 0.5 * x**3 + y**2


def sample_noise(samples=32, scale=1.0, seed=0):
    """One noise vector n_i per sample, centred so they average to exactly 0 (the full-batch loss is f)."""
    noise = np.random.default_rng(seed).normal(0.0, scale, size=(samples, 2))
    return noise - noise.mean(axis=0)


def descend(start, steps=200, lr=0.05, noise=None, seed=0):
    """Gradient descent from ``start``: full-batch on f, or (with ``noise``) SGD on one sample's f_i per step.

    Returns the path as an array of shape (steps + 1, 2).
    """
    rng = np.random.default_rng(seed)
    point = np.asarray(start, dtype=np.float64)
    path = [point.copy()]
    for _ in range(steps):
        p = ag.tensor(point, requires_grad=True, name="p")
        loss = loss_surface(p)
        if noise is not None:  # the loss of one randomly drawn sample
            loss = loss + (ag.tensor(noise[rng.integers(len(noise))]) * p).sum()
        loss.backward()
        point = point - lr * p.grad.numpy()
        path.append(point.copy())
    return np.array(path)


def gradient_and_hessian(point):
    """The gradient and the 2x2 Hessian of f at ``point``, by backward and double backward."""
    p = ag.tensor(np.asarray(point, dtype=np.float64), requires_grad=True)
    (g,) = ag.grad(loss_surface(p), [p], create_graph=True)
    rows = [ag.grad(g[i], [p], retain_graph=True)[0].numpy() for i in range(2)]
    return g.detach().numpy(), np.array(rows)


def plot_paths(paths, minima, save):
    """The contour plot of f (labelled colour bar) with each run's path, its end, the minima and the saddle."""
    from viz import plots

    xs, ys = np.meshgrid(np.linspace(-1.8, 1.8, 200), np.linspace(-1.3, 1.3, 150))
    fig = plots.figure(8.5, 5.8)
    ax = fig.subplots()
    cs = ax.contour(xs, ys, loss_surface(np.stack([xs, ys])), levels=30, cmap="viridis")
    fig.colorbar(cs, ax=ax, label="loss f(x, y)")
    for (label, run), color in zip(paths.items(), ["crimson", "darkorange", "royalblue"]):
        ax.plot(run[:, 0], run[:, 1], ".-", ms=3, lw=1, color=color, label=label)
        ax.plot(*run[-1], "*", ms=14, color=color, mec="black")
    ax.plot([], [], "*", ms=12, color="white", mec="black", label="where each run ends")
    for (name, point), marker in zip(minima.items(), ["P", "D"]):
        ax.plot(
            *point, marker, ms=9, mfc="none", mec="black", mew=1.5, label=f"{name} ({point[0]:.2f}, {point[1]:.0f})"
        )
    ax.plot(*SADDLE, "kx", ms=12, mew=2, label="saddle point (0, 0)")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title("Gradient descent: local minimum, saddle point; SGD's noise escapes the saddle")
    ax.legend(loc="lower left", fontsize=8)
    return plots.finish(fig, save)


# %% [markdown]
# ## Run the lesson: four runs of 200 steps, learning rate 0.05

# %%
out = begin(__name__, "06_gradient_descent_pitfalls")
print("Loss surface f(x, y) = (x^2 - 1)^2 + 0.5 x^3 + y^2, learning rate 0.05, 200 steps\n")
to_local = descend((1.5, 1.0))
to_saddle = descend((0.0, 1.0))
sgd = descend((0.0, 1.0), noise=sample_noise())
from_left = descend((-1.5, 1.0))
f = {
    name: float(loss_surface(run[-1]))
    for name, run in (("local", to_local), ("saddle", to_saddle), ("sgd", sgd), ("global", from_left))
}

# %% [markdown]
# ## A local minimum: the gradient is 0 and the Hessian is positive definite

# %%
print(f"GD from (1.5, 1):  ends at ({to_local[-1][0]:.3f}, {to_local[-1][1]:.3f}), loss {f['local']:.3f}")
print(f"GD from (-1.5, 1): ends at ({from_left[-1][0]:.3f}, {from_left[-1][1]:.3f}), loss {f['global']:.3f}")
holds("GD from (1.5, 1) is stuck in the worse, local minimum (its loss > the global one + 0.5)",
      f["local"] > f["global"] + 0.5)  # fmt: skip
grad_local, hess_local = gradient_and_hessian(to_local[-1])
check("  where the gradient is 0", grad_local, [0, 0], tol=1e-6, source="stopping condition")
holds(f"  the Hessian's eigenvalues {np.linalg.eigvalsh(hess_local).round(3)} are positive: a true minimum",
      np.linalg.eigvalsh(hess_local).min() > 0)  # fmt: skip

# %% [markdown]
# ## A saddle point: the gradient is 0, but the Hessian has a negative eigenvalue

# %%
print(f"GD from (0, 1):    ends at ({to_saddle[-1][0]:.3f}, {to_saddle[-1][1]:.3g}), loss {f['saddle']:.3g}")
grad_s, hess_s = gradient_and_hessian(to_saddle[-1])
eig = np.linalg.eigvalsh(hess_s)
check("GD from (0, 1) stops on the saddle point", to_saddle[-1], SADDLE, tol=1e-6, source="saddle")
check("  where the gradient is 0 too", grad_s, [0, 0], tol=1e-6, source="stopping condition")
print(f"  but the Hessian (double backward) is\n{hess_s.round(3)}\n  with eigenvalues {eig.round(3)}:")
holds("  one eigenvalue is negative: downhill along x, so not a minimum", eig.min() < 0)

# %% [markdown]
# ## SGD: noisy steps knock it off the saddle

# %%
print(f"SGD from (0, 1):   ends at ({sgd[-1][0]:.3f}, {sgd[-1][1]:.3f}), loss {f['sgd']:.3f}")
holds("SGD's noise knocks it off the saddle and downhill (its loss < the saddle's - 0.3)", f["sgd"] < f["saddle"] - 0.3)
print(
    "\nThe noisy steps are SGD's cost (it jitters around the minimum) and its gift (it does not\n"
    "balance on saddle points). Neither GD nor SGD promises the global minimum."
)
runs = {"GD from (1.5, 1)": to_local, "GD from (0, 1)": to_saddle, "SGD from (0, 1)": sgd}
minima = {"global minimum": from_left[-1], "local minimum": to_local[-1]}
picture(plot_paths, runs, minima, save=out / "gd_vs_sgd.png")
done(out)
