# %% [markdown]
# # A5: the Keras-style model of deck 003, written as on the slide, trained on a small regression set
#
# The slide's code::
#
#     model = Sequential()
#     model.add(Dense(3, input_dim=2, activation='relu'))
#     model.add(Dense(3, activation='relu'))
#     model.add(Dense(1))
#     model.compile(optimizer='adam', loss='mse')
#
# Here the same lines build the same network (2 inputs, two hidden layers of 3
# ReLU nodes, 1 output) on this engine's layers, loss and optimizer, and
# `model.fit` trains it to predict y = x1 + 2*x2 + noise. The lesson: the loss
# falls, epoch after epoch. (`fit` runs the loop the Iris lesson writes by hand.)

# %%
import numpy as np
from common import bar, begin, done, fast_or, picture

import autograd as ag
import nn


# %%
def regression_data(n=256, seed=0):
    """A small regression set: x uniform in [-1, 1]^2, y = x1 + 2*x2 + noise (std 0.05)."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, size=(n, 2)).astype(np.float32)
    y = (x[:, 0] + 2 * x[:, 1] + 0.05 * rng.standard_normal(n)).astype(np.float32)
    return x, y


def build_model():
    """The slide's model, line for line."""
    model = nn.Sequential()
    model.add(nn.Dense(3, input_dim=2, activation="relu"))
    model.add(nn.Dense(3, activation="relu"))
    model.add(nn.Dense(1))
    model.compile(optimizer="adam", loss="mse")
    return model


def train_keras_model(epochs=60, seed=0, verbose=0):
    """Train the slide's model with `model.fit`; returns `(model, history)` (per-epoch loss and val_loss)."""
    ag.manual_seed(seed)
    x, y = regression_data(seed=seed)
    model = build_model()
    history = model.fit(x, y, epochs=epochs, batch_size=16, validation_split=0.2, verbose=verbose)
    return model, history


# %% [markdown]
# ## Run the lesson

# %%
out = begin(__name__, "15_keras_style_model")
model, history = train_keras_model(epochs=fast_or(60, 5))
print("The slide's model, built by this engine:")
model.summary()
losses = history["loss"]
print(f"\nmse loss: epoch 1 {losses[0]:.4f} -> epoch {len(losses)} {losses[-1]:.4f}")
print(f"validation mse: epoch 1 {history['val_loss'][0]:.4f} -> epoch {len(losses)} {history['val_loss'][-1]:.4f}")
bar("fraction by which the training loss fell (1 - last/first)", 1 - losses[-1] / losses[0], 0.5)
x, y = regression_data(n=5, seed=1)
print("\nA few predictions on new points (target y = x1 + 2*x2):")
for xi, yi, pi in zip(x, y, model.predict(x)[:, 0]):
    print(f"  x = ({xi[0]:+.2f}, {xi[1]:+.2f})  y = {yi:+.3f}  predicted {pi:+.3f}")
picture("plot_history", history, save=out / "loss_curve.png")
done(out)
