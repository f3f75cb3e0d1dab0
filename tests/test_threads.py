"""Grad mode, anomaly mode, name scopes and backward observers are per thread, as in PyTorch."""

import threading

import numpy as np

import autograd as ag


def _run_in_threads(*targets):
    """Run each target in its own thread at the same time; re-raise the first failure here."""
    errors = []

    def guarded(target):
        try:
            target()
        except BaseException as e:  # noqa: BLE001  (handed back to the test below)
            errors.append(e)

    threads = [threading.Thread(target=guarded, args=(t,)) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread did not finish"
    if errors:
        raise errors[0]


def test_two_threads_train_their_own_tensors_concurrently():
    # each thread fits w to its own target by gradient descent; backward() switches recording
    # off in its own thread only, so the other thread's forward still builds its graph
    results = {}

    def train(target):
        w = ag.tensor([0.0], requires_grad=True, dtype="float64")
        for _ in range(400):
            loss = ((w - target) ** 2).sum()
            loss.backward()
            with ag.no_grad():
                w.data -= 0.1 * w.grad.data
            w.grad = None
        results[target] = float(w.item())

    _run_in_threads(lambda: train(3.0), lambda: train(-2.0))
    np.testing.assert_allclose(results[3.0], 3.0, rtol=1e-6)
    np.testing.assert_allclose(results[-2.0], -2.0, rtol=1e-6)


def test_no_grad_in_one_thread_leaves_another_thread_recording():
    inside = threading.Event()
    release = threading.Event()
    seen = {}

    def idle_in_no_grad():
        with ag.no_grad():
            seen["other_thread_enabled"] = ag.is_grad_enabled()
            inside.set()
            release.wait(30)

    def record():
        inside.wait(30)
        x = ag.tensor([1.0, 2.0], requires_grad=True)
        y = (x * x).sum()
        seen["recording"] = (ag.is_grad_enabled(), y.requires_grad, y.grad_fn is not None)
        y.backward()
        seen["grad"] = x.grad.numpy()
        release.set()

    _run_in_threads(idle_in_no_grad, record)
    assert seen["other_thread_enabled"] is False
    assert seen["recording"] == (True, True, True)
    np.testing.assert_allclose(seen["grad"], [2.0, 4.0])


def test_an_observer_sees_only_its_own_threads_steps():
    mine, other_done = [], threading.Event()
    observing = threading.Event()

    def observed():
        x = ag.tensor([1.0], requires_grad=True)
        with ag.observe_backward(lambda node, g, sent: mine.append(node.name)):
            observing.set()
            other_done.wait(30)
            (x.exp() * 2).sum().backward()

    def other():
        observing.wait(30)
        for _ in range(50):
            x = ag.tensor([1.0], requires_grad=True)
            x.tanh().sum().backward()
        other_done.set()

    _run_in_threads(observed, other)
    assert mine == ["sum", "mul", "exp"]


def test_backprop_steps_next_to_a_training_thread():
    import viz

    stop = threading.Event()
    counts = {"steps": 0}

    def train():
        w = ag.tensor([0.5, -0.5], requires_grad=True)
        while not stop.is_set():
            (w * w).sum().backward()
            with ag.no_grad():
                w -= 0.01 * w.grad
            w.grad = None

    def watch():
        try:
            for _ in range(30):
                x = ag.tensor([1.0, 2.0], requires_grad=True)
                steps = viz.backprop_steps((x.tanh() * 3).sum())
                assert [s.name for s in steps] == ["sum", "mul", "tanh"]
                counts["steps"] += 1
        finally:
            stop.set()

    _run_in_threads(train, watch)
    assert counts["steps"] == 30


def test_anomaly_mode_and_name_scopes_stay_in_their_thread():
    entered, release = threading.Event(), threading.Event()
    seen = {}

    def inside_modes():
        with ag.detect_anomaly(), ag.name_scope("thread A"):
            entered.set()
            release.wait(30)

    def plain():
        entered.wait(30)
        x = ag.tensor([0.0], requires_grad=True)
        with np.errstate(divide="ignore"):
            y = x.log()  # -inf: would raise AnomalyError if thread A's mode leaked in
        seen["value"], seen["scope"] = float(y.item()), y.grad_fn.scope
        release.set()

    _run_in_threads(inside_modes, plain)
    assert seen["value"] == -np.inf
    assert seen["scope"] == ()


def test_a_new_thread_starts_recording_even_if_the_main_thread_is_in_no_grad():
    seen = []
    with ag.no_grad():
        t = threading.Thread(target=lambda: seen.append(ag.is_grad_enabled()))
        t.start()
        t.join()
        assert not ag.is_grad_enabled()
    assert seen == [True]
