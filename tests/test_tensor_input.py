"""What a learner hands the engine is checked: the data of a Tensor, and what gradient hooks return."""

import numpy as np
import pytest

import autograd as ag

try:
    import torch
except ImportError:
    torch = None


# ---------------------------------------------------------------- Tensor(data)
@pytest.mark.parametrize(
    "data, named",
    [
        ("3.0", r"got str '3\.0'"),
        (b"ab", r"got bytes"),
        (None, r"got NoneType None"),
        ({"a": 1}, r"got dict"),
        ({1, 2}, r"got set"),
        ((i for i in range(3)), r"got generator .*list\(\.\.\.\)"),
        ([1.0, None], r"got list holding NoneType None"),
        ([1, "a"], r"got list \[1, 'a'\]"),
        (np.array([1, "x"], dtype=object), r"got ndarray of dtype object"),
        (np.array(["a", "b"]), r"got ndarray of dtype <U1"),
    ],
    ids=["str", "bytes", "None", "dict", "set", "generator", "list-None", "list-str", "object-array", "str-array"],
)
def test_non_numbers_are_a_type_error_naming_what_was_given(data, named):
    with pytest.raises(TypeError, match=rf"Tensor: data must be a number.*{named}"):
        ag.tensor(data)
    with pytest.raises(TypeError, match="Tensor: data must be a number"):
        ag.Tensor(data, dtype="float32")  # a dtype does not make NumPy's string parsing acceptable


@pytest.mark.parametrize("data", [2**70, [1, 2**70], 2**63, [[1], [2**64 - 1]], -(2**63) - 1])
def test_integers_beyond_int64_overflow_naming_the_value(data):
    with pytest.raises(OverflowError, match=r"Tensor: the integer -?\d+ does not fit in int64"):
        ag.tensor(data)


def test_complex_data_and_dtypes_are_refused():
    for data in (1 + 2j, [1j, 2], np.zeros(2, dtype=complex)):
        with pytest.raises(TypeError, match="complex numbers are not supported"):
            ag.tensor(data)
    with pytest.raises(TypeError, match="dtype complex64 is not supported"):
        ag.tensor([1.0], dtype="complex64")


def test_numbers_lists_arrays_and_tensors_are_accepted_with_torchs_dtypes():
    assert ag.tensor(2.5).dtype == np.float32
    assert ag.tensor([1, 2]).dtype == np.int64
    assert ag.tensor([True, False]).dtype == np.bool_
    assert ag.tensor([True, 2]).dtype == np.int64
    assert ag.tensor([[1, 2.5], (3, 4)]).dtype == np.float32
    assert ag.tensor(np.arange(3, dtype=np.uint8)).dtype == np.uint8
    assert ag.tensor(ag.tensor([1.0], dtype="float64")).dtype == np.float64
    assert ag.tensor([2**63 - 1]).item() == 2**63 - 1
    assert ag.tensor([]).shape == (0,)
    big = ag.tensor([1.5, 2**70])  # with a float in the list, a huge int is a float too (as PyTorch)
    assert big.dtype == np.float32 and big.numpy()[1] == np.float32(2**70)
    if torch is not None:
        for data in (2.5, [1, 2], [True, False], [True, 2], [[1, 2.5], (3, 4)], [], [1.5, 2**70]):
            assert str(ag.tensor(data).dtype) == str(torch.tensor(data).dtype).replace("torch.", "")


def test_ragged_lists_are_still_explained():
    with pytest.raises(ValueError, match="rectangular"):
        ag.tensor([[1, 2], [3]])


# ---------------------------------------------------------------- hooks
def test_a_hook_returning_the_wrong_shape_is_named():
    def halve_wrongly(grad):
        return grad.sum()

    x = ag.tensor([1.0, 2.0], requires_grad=True)
    x.register_hook(halve_wrongly)
    with pytest.raises(TypeError, match=r"hook 'halve_wrongly' returned a Tensor of shape \(\) .*shape \(2,\)"):
        (x * 3).sum().backward()


def test_a_hook_returning_the_wrong_dtype_or_a_string_is_named():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2  # a non-leaf: its hooks run inside the backward walk
    y.register_hook(lambda g: g.double())
    with pytest.raises(TypeError, match=r"hook '<lambda>' returned a Tensor .*dtype float64.*dtype float32"):
        y.sum().backward()

    def shout(grad):
        return "done"

    x = ag.tensor([1.0, 2.0], requires_grad=True)
    x.register_hook(shout)
    with pytest.raises(TypeError, match=r"hook 'shout' returned str 'done', but a hook must return None"):
        x.sum().backward()


def test_hooks_that_return_none_or_a_fitting_tensor_still_work():
    seen = []
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    x.register_hook(lambda g: seen.append(g.numpy().copy()))
    x.register_hook(lambda g: g * 10)
    (x * 3).sum().backward()
    np.testing.assert_array_equal(seen[0], [3.0, 3.0])
    np.testing.assert_array_equal(x.grad.numpy(), [30.0, 30.0])
