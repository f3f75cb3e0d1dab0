"""``autograd.cuda``: is a GPU usable here?"""

from .backend import cuda_is_available


def is_available():
    """True when CuPy is installed and sees an NVIDIA GPU."""
    return cuda_is_available()


def synchronize():
    """Wait until the GPU has finished its queued work (for honest timings)."""
    from .backend import get_backend

    if is_available():
        get_backend("cuda").synchronize()
