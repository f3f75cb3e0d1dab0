"""No hidden device-to-host copies in a training step (issue 6).

Every copy from a device to the host goes through ``backend.to_numpy``, which
counts it in ``backend.device_to_host_copies``. A training step (zero_grad,
forward, loss, backward, optimizer step) must leave the counter unchanged; only
reading the loss value (``loss.item()``) copies, once. On ``cpu`` the copies are
free, but the count is the same, so the CPU run guards the GPU path too.
"""

import pytest

import autograd as ag
import nn


def _mlp_problem(device, batch=16, n_in=8, n_hidden=32, n_classes=5):
    model = nn.Sequential(nn.Linear(n_in, n_hidden), nn.ReLU(), nn.Linear(n_hidden, n_classes)).to(device)
    x = ag.randn(batch, n_in, device=device)
    y = ag.tensor(ag.get_backend(device).xp.arange(batch) % n_classes, device=device)
    return model, x, y


@pytest.mark.parametrize("optimizer", ["sgd", "sgd_momentum", "adam"])
def test_training_step_makes_no_device_to_host_copy(device, optimizer):
    model, x, y = _mlp_problem(device)
    make = {
        "sgd": lambda p: nn.optim.SGD(p, lr=0.1),
        "sgd_momentum": lambda p: nn.optim.SGD(p, lr=0.1, momentum=0.9),
        "adam": lambda p: nn.optim.Adam(p, lr=1e-3),
    }[optimizer]
    opt = make(model.parameters())
    loss_fn = nn.CrossEntropyLoss()
    backend = ag.get_backend(device)
    weights_before = model[0].weight.data.copy()

    before = backend.device_to_host_copies
    for _ in range(3):  # the first step creates optimizer state: count it too
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
    assert backend.device_to_host_copies == before, "a training step copied data from the device to the host"

    value = loss.item()  # reading the loss is the one copy a learner asks for
    assert backend.device_to_host_copies == before + 1
    assert isinstance(value, float) and value > 0
    # the steps really ran: the weights moved
    assert not bool((model[0].weight.data == weights_before).all())


def test_backward_of_a_chain_makes_no_copy(device):
    """The engine itself (graph walk, broadcasting undone, gradients summed) never copies to the host."""
    x = ag.randn(4, 3, device=device, requires_grad=True)
    b = ag.randn(3, device=device, requires_grad=True)
    backend = ag.get_backend(device)
    before = backend.device_to_host_copies
    y = ((x * b + b).tanh() @ ag.ones(3, 2, device=device)).relu().sum()
    y.backward()
    assert backend.device_to_host_copies == before
    assert x.grad.shape == (4, 3) and b.grad.shape == (3,)
    assert x.grad.device == device and b.grad.device == device
