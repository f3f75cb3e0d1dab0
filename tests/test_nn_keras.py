"""The Keras-flavoured model of the lectures: Dense, Sequential.add, compile, fit, evaluate, predict."""

import numpy as np
import pytest

import autograd as ag
import nn


def regression_set(n=64, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, (n, 2))
    y = 2 * x[:, 0] - x[:, 1] + 0.5
    return x, y


def lecture_model():
    """Deck 003: Dense(3, input_dim=2, relu), Dense(3, relu), Dense(1); adam, mse."""
    model = nn.Sequential()
    model.add(nn.Dense(3, input_dim=2, activation="relu"))
    model.add(nn.Dense(3, activation="relu"))
    model.add(nn.Dense(1))
    model.compile(optimizer="adam", loss="mse")
    return model


def test_dense_sizes_are_inferred():
    model = lecture_model()
    assert [m.in_features for m in model.layers] == [2, 3, 3]  # known as soon as each layer is added
    assert [n for n, _ in model.named_parameters()][:2] == ["0.weight", "0.bias"]
    assert model[1].weight.shape == (3, 3) and model[2].bias.shape == (1,)
    lazy = nn.Dense(4, activation="tanh")
    assert list(lazy.parameters()) == [] and not lazy.built
    assert lazy(ag.randn(5, 7)).shape == (5, 4)
    assert lazy.weight.shape == (4, 7) and lazy.built
    np.testing.assert_array_equal(lazy.bias.numpy(), np.zeros(4))  # Keras: zero biases
    with pytest.raises(ValueError, match=r"Dense.*input_dim=7.*\(5, 3\)"):
        lazy(ag.randn(5, 3))


def test_dense_activations_match_the_functional_ops():
    x = ag.randn(4, 3)
    for name, fn in [("relu", ag.functional.relu), ("sigmoid", ag.functional.sigmoid),
                     ("tanh", ag.functional.tanh), ("softmax", lambda t: ag.functional.softmax(t, axis=-1)),
                     ("linear", lambda t: t), (None, lambda t: t)]:  # fmt: skip
        layer = nn.Dense(2, input_dim=3, activation=name)
        z = x @ layer.weight.T + layer.bias
        np.testing.assert_allclose(layer(x).numpy(), fn(z).numpy(), rtol=1e-6, atol=1e-7)
    with pytest.raises(ValueError, match="unknown activation 'relux'"):
        nn.Dense(2, activation="relux")


def test_keras_summary_of_the_lecture_network():
    model = nn.Sequential()
    model.add(nn.Dense(4, input_dim=3, activation="sigmoid"))
    for units in (5, 3, 2):
        model.add(nn.Dense(units, activation="sigmoid"))
    result = model.summary(print_fn=None)
    assert [(r.weights, r.biases) for r in result.rows] == [(12, 4), (20, 5), (15, 3), (6, 2)]
    assert (result.total_weights, result.total_biases) == (53, 14)


def test_fit_on_a_small_regression_set_lowers_the_loss():
    x, y = regression_set()
    model = lecture_model()
    before = model.evaluate(x, y)
    history = model.fit(x, y, epochs=30, batch_size=8, verbose=0)
    assert history.epochs == list(range(1, 31))
    losses = history.history["loss"]
    assert len(losses) == 30 and losses[-1] < 0.6 * losses[0]
    after = model.evaluate(x, y)
    assert after < 0.6 * before
    prediction = model.predict(x)
    assert isinstance(prediction, np.ndarray) and prediction.shape == (64, 1)
    np.testing.assert_allclose(((prediction[:, 0] - y) ** 2).mean(), after, rtol=1e-4)


def test_fit_is_repeatable_under_manual_seed():
    x, y = regression_set()
    runs = []
    for _ in range(2):
        ag.manual_seed(5)
        runs.append(lecture_model().fit(x, y, epochs=3, batch_size=16, verbose=0).history["loss"])
    assert runs[0] == runs[1]


def test_validation_split_and_metrics():
    x, y = regression_set(40)
    model = lecture_model()
    model.compile(optimizer="sgd", loss="mae", metrics=["mse"])
    history = model.fit(x, y, epochs=2, batch_size=10, validation_split=0.25, verbose=0)
    assert set(history.history) == {"loss", "mse", "val_loss", "val_mse"}
    # the validation samples are the last 25%, never trained on: their loss is what evaluate gives
    loss, mse = model.evaluate(x[30:], y[30:])
    assert history.history["val_loss"][-1] == pytest.approx(loss, rel=1e-5)
    assert history.history["val_mse"][-1] == pytest.approx(mse, rel=1e-5)


@pytest.mark.parametrize("targets", ["sparse", "one_hot"])
def test_classification_with_softmax_output(targets):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(120, 2))
    labels = (x[:, 0] > 0).astype(int) + (x[:, 1] > 0).astype(int)
    y = labels if targets == "sparse" else np.eye(3)[labels]
    loss = "sparse_categorical_crossentropy" if targets == "sparse" else "categorical_crossentropy"
    model = nn.Sequential(nn.Dense(16, input_dim=2, activation="relu"), nn.Dense(3, activation="softmax"))
    model.compile(optimizer="adam", loss=loss, metrics=["accuracy"])
    assert not model.loss_fn.from_logits  # the output is probabilities, as in Keras
    history = model.fit(x, y, epochs=60, batch_size=16, validation_data=(x[:30], y[:30]), verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    loss_value, accuracy = model.evaluate(x, y)
    assert accuracy > 0.8
    np.testing.assert_allclose(model.predict(x[:5]).sum(axis=1), np.ones(5), rtol=1e-5)


def test_optimizer_object_and_loss_object():
    x, y = regression_set()
    model = nn.Sequential(nn.Dense(8, input_dim=2, activation="tanh"), nn.Dense(1))
    model.compile(optimizer=nn.optim.SGD(model.parameters(), lr=0.05), loss=nn.MSELoss())
    history = model.fit(x, y.reshape(-1, 1), epochs=10, batch_size=8, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]


def test_keras_errors_are_clear():
    x, y = regression_set()
    model = nn.Sequential(nn.Dense(3, activation="relu"), nn.Dense(1))
    with pytest.raises(RuntimeError, match="compile"):
        model.fit(x, y)
    with pytest.raises(ValueError, match="unknown loss 'msee'"):
        model.compile(loss="msee")
    with pytest.raises(ValueError, match="input_dim"):
        model.compile(optimizer=nn.optim.SGD([ag.zeros(1, requires_grad=True)], lr=0.1))
    model.compile("adam", "mse")
    with pytest.raises(ValueError, match="samples"):
        model.fit(x, y[:10], verbose=0)
    with pytest.raises(ValueError, match="validation_split"):
        model.fit(x, y, validation_split=1.5, verbose=0)
    # Keras's shuffle="batch" (chunk-wise, for HDF5) was never implemented: before DataLoader checked its
    # flags it was silently a full shuffle; now fit says so, naming itself and the choices
    with pytest.raises(ValueError, match=r"fit: shuffle='batch' .* use shuffle=True"):
        model.fit(x, y, shuffle="batch", verbose=0)
    with pytest.raises(TypeError, match="fit: shuffle must be True or False, got 1"):
        model.fit(x, y, shuffle=1, verbose=0)
    assert len(model.fit(x, y, shuffle=False, epochs=1, verbose=0).history["loss"]) == 1
