"""In-place ops (+= -= *= /=, zero_, fill_, copy_, clamp_) and version counters, as PyTorch has them."""

import numpy as np
import pytest

import autograd as ag

try:
    import torch
except ImportError:
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")


def test_hand_written_sgd_step_updates_the_weight_itself():
    w = ag.tensor([1.0, -2.0], requires_grad=True)
    same = w
    for _ in range(3):
        loss = (w * w).sum()  # dL/dw = 2w
        loss.backward()
        with ag.no_grad():
            w -= 0.25 * w.grad  # w <- w - lr * 2w = w / 2
        w.grad.zero_()
    assert w is same and w.requires_grad and w.is_leaf
    np.testing.assert_allclose(w.numpy(), [0.125, -0.25])
    assert w._version == 3
    np.testing.assert_array_equal(w.grad.numpy(), [0.0, 0.0])


def test_in_place_on_a_leaf_that_requires_grad_says_to_use_no_grad():
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    for change in (lambda: w.__isub__(1.0), lambda: w.zero_(), lambda: w.clamp_(0, 1), lambda: w.copy_([3.0, 4.0])):
        with pytest.raises(RuntimeError, match=r"a leaf Variable that requires grad is being used in an in-place"):
            change()
    with pytest.raises(RuntimeError, match=r"with ag\.no_grad\(\):"):
        w *= 2
    np.testing.assert_array_equal(w.numpy(), [1.0, 2.0])  # nothing was written
    if torch is not None:
        with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place"):
            torch.tensor([1.0], requires_grad=True).mul_(2)


def test_changing_a_saved_input_in_place_makes_that_backward_raise():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    a = ag.tensor([3.0, 4.0], name="a")
    y = (x * a).sum()  # mul saved a: dL/dx = a
    a += 1
    with pytest.raises(
        RuntimeError, match=r"backward of 'mul': its input 1 'a' .*modified in place after it was saved"
    ):
        y.backward()
    if torch is not None:
        tx, ta = torch.tensor([1.0, 2.0], requires_grad=True), torch.tensor([3.0, 4.0])
        ty = (tx * ta).sum()
        ta += 1
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            ty.backward()


def test_changing_a_saved_output_through_detach_makes_backward_raise():
    x = ag.tensor([0.0, 1.0], requires_grad=True)
    y = x.exp()  # exp's backward uses its output
    y.detach().zero_()  # the same memory
    assert y._version == 1
    with pytest.raises(RuntimeError, match=r"backward of 'exp': its output .*modified in place after it was saved"):
        y.sum().backward()


def test_changes_before_recording_or_after_backward_are_fine():
    a = ag.tensor([3.0, 4.0])
    a += 1  # before the op that saves it
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = (x * a).sum()
    y.backward()
    a += 1  # after backward: nothing left to check
    np.testing.assert_array_equal(x.grad.numpy(), [4.0, 5.0])


@needs_torch
def test_in_place_on_a_non_leaf_is_recorded_as_pytorch_does():
    def run(lib, x0, s0):
        x = lib.tensor(x0, requires_grad=True)
        s = lib.tensor(s0, requires_grad=True)
        h = x * 2
        h += s  # recorded: h's grad_fn becomes the addition
        h *= x
        h -= 1
        h /= s
        h.clamp_(-100, 5)
        h.sum().backward()
        return h.detach().numpy(), x.grad.numpy(), s.grad.numpy()

    x0, s0 = [1.0, -2.0, 3.0], [0.5, 2.0, 4.0]
    for ours, theirs in zip(run(ag, x0, s0), run(torch, x0, s0)):
        np.testing.assert_allclose(ours, theirs, rtol=1e-6)


def test_loss_accumulated_with_plus_equals_keeps_both_terms():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    loss = (x * x).sum()
    loss += (3 * x).sum()  # a common way to add a second term
    loss.backward()
    np.testing.assert_allclose(x.grad.numpy(), [5.0, 7.0])  # 2x + 3


def test_zero_fill_copy_clamp_values_and_versions():
    t = ag.tensor([[1.0, -2.0], [3.0, 4.0]])
    assert t._version == 0
    t.clamp_(-1, 2)
    np.testing.assert_array_equal(t.numpy(), [[1, -1], [2, 2]])
    t.fill_(7)
    np.testing.assert_array_equal(t.numpy(), np.full((2, 2), 7.0))
    t.copy_(ag.tensor([1, 2], dtype="int64"))  # broadcast to (2, 2), converted to float32
    np.testing.assert_array_equal(t.numpy(), [[1, 2], [1, 2]])
    assert t.dtype == np.float32
    t.zero_()
    assert not t.numpy().any() and t._version == 4
    if torch is not None:
        tt = torch.tensor([[1.0, -2.0], [3.0, 4.0]])
        tt.clamp_(-1, 2).fill_(7).copy_(torch.tensor([1, 2])).zero_()
        assert tt._version == t._version


def test_copy_and_fill_under_recording_send_gradients_to_the_source():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    src = ag.tensor([5.0], requires_grad=True)
    h = x * 3
    h.copy_(src)  # h's old values are replaced: no gradient reaches x through them
    (h * ag.tensor([1.0, 10.0])).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 0.0])
    np.testing.assert_array_equal(src.grad.numpy(), [11.0])


def test_detach_and_views_share_memory_and_version():
    x = ag.tensor([[1.0, 2.0], [3.0, 4.0]])
    d = x.detach()
    v = x.reshape(4)
    v += 1  # writes x's memory, as in PyTorch
    np.testing.assert_array_equal(x.numpy(), [[2, 3], [4, 5]])
    assert x._version == d._version == v._version == 1
    d.zero_()
    assert not x.numpy().any() and x._version == 2


def test_in_place_keeps_dtype_and_shape_or_says_why():
    i = ag.tensor([1, 2])
    with pytest.raises(TypeError, match=r"\+= \(add_\): the result is float32 but the tensor .* is int64.*x = x \+ y"):
        i += 0.5
    with pytest.raises(TypeError, match=r"/= \(div_\)"):
        i /= 2  # true division gives floats, as in PyTorch
    i += 2
    np.testing.assert_array_equal(i.numpy(), [3, 4])
    f = ag.tensor([1.0, 2.0])
    with pytest.raises(RuntimeError, match=r"the result has shape \(2, 2\) .* has shape \(2,\)"):
        f += ag.tensor([[1.0], [2.0]])
    f += ag.tensor([1.0, 1.0], dtype="float64")  # float64 into float32: same kind, as PyTorch allows
    assert f.dtype == np.float32


def test_gradients_of_two_leaves_are_separate_tensors():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = ag.tensor([3.0, 4.0], requires_grad=True)
    g = ag.tensor([1.0, 1.0])
    (x + y).backward(g)  # add sends the same gradient to both
    x.grad.zero_()
    np.testing.assert_array_equal(y.grad.numpy(), [1.0, 1.0])
    np.testing.assert_array_equal(g.numpy(), [1.0, 1.0])


def test_gradients_that_are_views_of_one_array_are_separate_too():
    x = ag.tensor([[1.0, 2.0]], requires_grad=True)
    y = ag.tensor([3.0, 4.0], requires_grad=True)
    ((x.reshape(2) + y) * ag.tensor([5.0, 6.0])).sum().backward()  # x's gradient: a reshaped view of y's
    x.grad.zero_()
    np.testing.assert_array_equal(y.grad.numpy(), [5.0, 6.0])


def test_zero_on_a_broadcast_gradient():
    x = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    x.sum().backward()  # the gradient is a read-only broadcast of one 1
    x.grad.zero_()
    x.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [1.0, 1.0, 1.0])
