# %% [markdown]
# # D1: an artificial neural network predicts the Iris species from 4 measurements (deck 003)
#
# Features: sepal length, sepal width, petal length, petal width; 3 species. The
# 150 flowers are split (stratified, so each species keeps its share) into 70%
# training, 10% validation and 20% test; the network never sees the test flowers
# until the end. The training loop is written out, as the lectures describe it:
#
#     for each epoch:
#         for each batch:  forward -> loss -> zero_grad -> backward -> step
#
# Bar: test accuracy >= 0.93 on the held-out split.

# %%
from common import bar, begin, done, fast_or, picture

import autograd as ag
import nn


# %%
def iris_splits(seed=0):
    """Iris standardised by the training split's mean and population std: `(train, val, test, names)`."""
    iris = nn.datasets.load_iris()
    train, val, test = nn.data.train_val_test_split(
        iris["data"], iris["target"], fractions=(0.7, 0.1, 0.2), seed=seed, stratify=iris["target"]
    )
    scaler = nn.transforms.Standardize().fit(train[0])
    scale = lambda part: (scaler(part[0]), part[1])  # noqa: E731
    return scale(train), scale(val), scale(test), list(iris["target_names"])


def build_network(hidden=16):
    """4 inputs -> `hidden` ReLU nodes -> 3 outputs (one score, a logit, per species)."""
    return nn.Sequential(nn.Linear(4, hidden), nn.ReLU(), nn.Linear(hidden, 3))


def train_iris(epochs=100, lr=0.01, batch_size=16, seed=0):
    """Train the network with the explicit loop and Adam; returns `(model, history, test_accuracy, test)`.

    `history` holds per-epoch training loss and validation loss/accuracy.
    """
    ag.manual_seed(seed)
    (x_train, y_train), (x_val, y_val), test, _ = iris_splits(seed)
    loader = nn.data.DataLoader(nn.data.TensorDataset(x_train, y_train), batch_size=batch_size, shuffle=True, seed=seed)
    val_loader = nn.data.DataLoader(nn.data.TensorDataset(x_val, y_val), batch_size=len(y_val))
    model = build_network()
    loss_fn = nn.CrossEntropyLoss()  # softmax + negative log-likelihood of the true species
    optimizer = nn.optim.Adam(model.parameters(), lr=lr)
    history = nn.History()
    for epoch in range(1, epochs + 1):
        model.train()
        total, count = 0.0, 0
        for x, y in loader:
            loss = loss_fn(model(x), y)  # forward pass and loss
            optimizer.zero_grad()  # gradients add up, so clear last batch's
            loss.backward()  # backward pass: dLoss/dw for every weight
            optimizer.step()  # Adam's update of every weight and bias
            total, count = total + loss.item() * len(y), count + len(y)
        logs = {"loss": total / count}
        logs.update({f"val_{k}": v for k, v in nn.evaluate(model, loss_fn, val_loader).items()})
        history.append(epoch, logs)
    return model, history, test_accuracy(model, *test), test


def test_accuracy(model, x, y):
    """Accuracy of `model` on (x, y), in evaluation mode with no graph built."""
    model.eval()
    with ag.no_grad():
        return nn.metrics.accuracy(model(ag.tensor(x)), y)


# %% [markdown]
# ## Run the lesson

# %%
out = begin(__name__, "16_iris_classifier")
model, history, accuracy, (x_test, y_test) = train_iris(epochs=fast_or(100, 10))
names = iris_splits()[3]
print(model)
n = len(history.epochs)
for epoch in sorted({1, n // 4, n // 2, n}):
    i = epoch - 1
    print(f"epoch {epoch:3d}: training loss {history['loss'][i]:.4f}, "
          f"validation loss {history['val_loss'][i]:.4f}, accuracy {history['val_accuracy'][i]:.3f}")  # fmt: skip
with ag.no_grad():
    predicted = model(ag.tensor(x_test)).numpy().argmax(axis=1)
print(f"\nTest flowers: {len(y_test)}; correct: {int((predicted == y_test).sum())}")
bar("test accuracy on the held-out 20%", accuracy, 0.93)
recall = nn.metrics.per_class_accuracy(predicted, y_test, num_classes=3)
for name, r in zip(names, recall):
    print(f"  {name:<11} accuracy {r:.3f}")
picture("plot_history", history, save=out / "training_curves.png")
picture("plot_confusion_matrix", y_test, predicted, class_names=names, save=out / "confusion_matrix.png")
done(out)
