# %% [markdown]
# # Lesson 02: learning as trial and error (worked example G3, slide deck 003)
#
# The slide looks for $a$ and $b$ with $10 = 3a + b$ by guessing: each trial computes
# the output $3a + b$ and the error $10 - (3a + b)$, and the next guess moves to
# shrink the error. The engine computes the same table in one vectorised pass over
# the six trials.
#
# Then it shows what gradient descent adds to trial and error: the gradient of the
# squared error says *which way* to move $a$ and $b$ at every trial, so no guessing is
# needed (the next lessons use it).
#
# Run: `python tutorials/02_trial_and_error.py`

# %%
import common  # noqa: F401  (puts the repository on sys.path)
from common import begin, check, done, picture

import autograd as ag

TARGET = 10.0
TRIALS = [(1, 1), (4, 3), (2, 2), (3, 2), (2, 3), (2, 4)]  # the slide's guesses (a, b)
SLIDE_OUTPUTS = [4, 15, 8, 11, 9, 10]
SLIDE_ERRORS = [6, -5, 2, -1, 1, 0]

# %% [markdown]
# ## The table, and the gradient of each trial's squared error
#
# With $E = (10 - (3a + b))^2$: $\;dE/da = -2 \cdot 3 \cdot \text{error}$, $\;dE/db = -2 \cdot \text{error}$,
# both computed by `backward()`.


# %%
def trial_table(trials=TRIALS, target=TARGET):
    """For each guess (a, b): output = 3a + b and error = target - output; also dE/da, dE/db of E = error^2.

    Returns a dict of NumPy arrays: a, b, output, error, grad_a, grad_b.
    """
    a = ag.tensor([t[0] for t in trials], dtype="float64", requires_grad=True, name="a")
    b = ag.tensor([t[1] for t in trials], dtype="float64", requires_grad=True, name="b")
    output = 3 * a + b
    error = target - output
    # one squared error per trial; summing them keeps each trial's gradient separate
    (error**2).sum().backward()
    return {
        "a": a.numpy(),
        "b": b.numpy(),
        "output": output.detach().numpy(),
        "error": error.detach().numpy(),
        "grad_a": a.grad.numpy(),
        "grad_b": b.grad.numpy(),
    }


def plot_trials(table, save):
    """Bar chart of the error of each trial, coloured by its sign (legend)."""
    from matplotlib.patches import Patch

    from viz import plots

    fig = plots.figure(6.5, 3.8)
    ax = fig.subplots()
    labels = [f"a={a:g}\nb={b:g}" for a, b in zip(table["a"], table["b"])]
    colors = ["crimson" if e < 0 else "steelblue" for e in table["error"]]
    ax.bar(range(len(labels)), table["error"], color=colors)
    ax.axhline(0, color="black", lw=0.8)
    ax.set_xticks(range(len(labels)), labels)
    ax.set_ylabel("error = 10 - (3a + b)")
    ax.set_title("Trial and error: each guess moves the error toward 0")
    ax.legend(handles=[Patch(color="steelblue", label="too low (error > 0)"),
                       Patch(color="crimson", label="overshoot (error < 0)")])  # fmt: skip
    return plots.finish(fig, save)


# %% [markdown]
# ## Run the lesson

# %%
out = begin(__name__, "02_trial_and_error")
table = trial_table()
print("Find a and b with 10 = 3a + b by trial and error\n")
print(" trial   a   b   3a+b   error   dE/da   dE/db   (E = error^2, from backward())")
for i in range(len(TRIALS)):
    print(
        f"   {i + 1}    {table['a'][i]:2g}  {table['b'][i]:2g}   {table['output'][i]:4g}   {table['error'][i]:5g}"
        f"   {table['grad_a'][i] + 0:5g}   {table['grad_b'][i] + 0:5g}"
    )
print()
check("outputs 3a + b", table["output"], SLIDE_OUTPUTS)
check("errors 10 - (3a + b)", table["error"], SLIDE_ERRORS)

# %% [markdown]
# A positive gradient says: decrease this parameter; a negative one: increase it.

# %%
print(
    "Trial 2 overshoots (error -5), and its gradients are positive: move a and b down.\n"
    "At trial 6 the error is 0 and so is the gradient: nothing left to learn."
)
picture(plot_trials, table, save=out / "trials.png")
done(out)
