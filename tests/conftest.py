"""Shared test setup: the ``device`` fixture (cpu always, cuda where a GPU is usable) and ``fake_cuda``."""

import pytest

import autograd as ag


def pytest_addoption(parser):
    parser.addoption("--require-gpu", action="store_true", help="fail, instead of skip, when no GPU is usable")


def pytest_runtest_setup(item):
    if "gpu" in item.keywords and not ag.cuda.is_available():
        if item.config.getoption("--require-gpu"):
            pytest.fail("--require-gpu was given, but no GPU is usable (CuPy missing or no device)")
        pytest.skip("no GPU usable here (CuPy missing or no device)")


@pytest.fixture(params=["cpu", pytest.param("cuda", marks=pytest.mark.gpu)])
def device(request):
    """Each test using ``device`` runs on the CPU, and on the GPU where there is one."""
    return request.param


@pytest.fixture
def fake_cuda():
    """The simulated GPU: ``cupy`` is tests/fake_cupy.py (NumPy-backed device arrays that count every copy
    to the host), and ``autograd`` forgets any cuda backend it had. Yields ``fake_cupy.counters``."""
    import fake_cupy

    from autograd import backend as backend_mod

    undo = fake_cupy.install()
    saved = backend_mod._cuda
    backend_mod._cuda = None
    ag.manual_seed(0)
    try:
        yield fake_cupy.counters
    finally:
        backend_mod._cuda = saved
        undo()


@pytest.fixture(autouse=True)
def _seed():
    ag.manual_seed(0)
    yield
