# %% [markdown]
# # Lesson 04: the perceptron learning rule (worked example G4, slide decks 001 and 003)
#
# A perceptron computes $\text{output} = \text{step}(w \cdot x + b)$ with step(v) = 1 if v > 0 else 0,
# and learns one sample at a time with the perceptron learning rule:
#
# $$w \leftarrow w + lr \,(\text{target} - \text{output})\, x, \qquad b \leftarrow b + lr\,(\text{target} - \text{output})$$
#
# Nothing changes when the output is right. On a linearly separable set (AND, OR)
# the rule stops making mistakes after a few epochs (the perceptron convergence
# theorem). On XOR no straight line separates the classes, so every epoch makes at
# least one mistake, forever: this is why networks need hidden layers and
# non-linear activations (lesson 05).
#
# Run: `python tutorials/04_perceptron.py` (writes the decision lines and the mistakes per epoch)

# %%
import common  # noqa: F401  (puts the repository on sys.path)
from common import begin, check, done, holds, picture

import autograd as ag

INPUTS = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
GATES = {"AND": [0.0, 0.0, 0.0, 1.0], "OR": [0.0, 1.0, 1.0, 1.0], "XOR": [0.0, 1.0, 1.0, 0.0]}
MAX_EPOCHS = 100


# %%
def step(v):
    """The step activation: 1 where v > 0, else 0 (as a float tensor)."""
    return (v > 0).astype(v.dtype)


def train_perceptron(inputs, targets, lr=0.1, max_epochs=MAX_EPOCHS):
    """Perceptron learning rule, one sample at a time, weights and bias starting at 0.

    Stops after the first epoch without a mistake. Returns a dict with
    ``converged`` (bool), ``epochs`` (epochs run), ``mistakes`` (per epoch),
    ``weights`` and ``bias`` (NumPy) and ``outputs`` (the final predictions).
    """
    x = ag.tensor(inputs, dtype="float64")
    t = ag.tensor(targets, dtype="float64")
    w = ag.zeros(x.shape[1], dtype="float64")
    b = ag.zeros((), dtype="float64")
    mistakes = []
    for _ in range(max_epochs):
        wrong = 0
        for i in range(x.shape[0]):  # the rule is sequential: each sample sees the previous update
            output = step(x[i] @ w + b)
            delta = t[i] - output
            w = w + lr * delta * x[i]
            b = b + lr * delta
            wrong += int(delta.item() != 0)
        mistakes.append(wrong)
        if wrong == 0:
            break
    outputs = step(x @ w + b)
    return {
        "converged": mistakes[-1] == 0,
        "epochs": len(mistakes),
        "mistakes": mistakes,
        "weights": w.numpy(),
        "bias": b.item(),
        "outputs": outputs.numpy(),
    }


def plot_perceptrons(results, save):
    """One panel per gate: the four points by target (legend), and the learned line w.x + b = 0."""
    import numpy as np

    from viz import plots

    fig = plots.figure(4 * (len(results) + 1), 4.0)
    axes = fig.subplots(1, len(results) + 1)
    xs = np.linspace(-0.5, 1.5, 10)
    pts = np.array(INPUTS)
    for ax, (gate, r) in zip(axes, results.items()):
        tgt = np.array(GATES[gate])
        for value, colour, marker in ((0, "royalblue", "o"), (1, "crimson", "s")):
            chosen = pts[tgt == value]
            ax.scatter(chosen[:, 0], chosen[:, 1], c=colour, marker=marker, s=120, edgecolors="black",
                       label=f"target {value}")  # fmt: skip
        (w1, w2), b = r["weights"], r["bias"]
        if abs(w2) > 1e-12:
            ax.plot(xs, -(w1 * xs + b) / w2, "k--", label="w.x + b = 0")
        elif abs(w1) > 1e-12:
            ax.axvline(-b / w1, color="black", ls="--", label="w.x + b = 0")
        status = f"converged in {r['epochs']} epochs" if r["converged"] else f"no convergence in {r['epochs']}"
        ax.set_title(f"{gate}: {status}", fontsize=10)
        ax.set_xlim(-0.5, 1.5)
        ax.set_ylim(-0.5, 1.5)
        ax.set_xlabel("x1")
        ax.set_ylabel("x2")
        ax.legend(fontsize=7, loc="upper left")
    ax = axes[-1]
    for gate, r in results.items():
        ax.plot(range(1, r["epochs"] + 1), r["mistakes"], marker=".", label=gate)
    ax.set_xlabel("epoch")
    ax.set_ylabel("mistakes in the epoch")
    ax.set_title("Mistakes per epoch", fontsize=10)
    ax.legend()
    return plots.finish(fig, save)


# %% [markdown]
# ## Run the lesson: AND, OR and XOR

# %%
out = begin(__name__, "04_perceptron")
print("Perceptron learning rule: w <- w + lr*(target - output)*x,  b <- b + lr*(target - output)")
print(f"step activation, lr = 0.1, weights start at 0, at most {MAX_EPOCHS} epochs\n")
results = {gate: train_perceptron(INPUTS, targets) for gate, targets in GATES.items()}
for gate, r in results.items():
    print(f"{gate}: mistakes per epoch {r['mistakes'][:12]}{' ...' if r['epochs'] > 12 else ''}")
    print(f"     w = {r['weights']}, b = {r['bias']:.2f}, outputs {r['outputs']} vs targets {GATES[gate]}")
print()
for gate in ("AND", "OR"):
    r = results[gate]
    holds(f"{gate} converges (an epoch without a mistake)", r["converged"])
    check(f"{gate}: every output right after training", r["outputs"], GATES[gate], source="targets")
holds(f"XOR never converges in {MAX_EPOCHS} epochs", not results["XOR"]["converged"])
holds(f"XOR: a mistake in every one of the {MAX_EPOCHS} epochs", min(results["XOR"]["mistakes"]) > 0)

# %% [markdown]
# AND and OR can be cut by one straight line, so the rule finds one. XOR cannot:
# (0,1) and (1,0) are on one side, (0,0) and (1,1) on the other, and no line does that.

# %%
picture(plot_perceptrons, results, save=out / "perceptron.png")
done(out)
