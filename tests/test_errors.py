"""Mistakes a learner makes get an error that names the op, the shapes and what to do."""

import numpy as np
import pytest

import autograd as ag
import autograd.functional as F


@pytest.fixture
def x():
    return ag.tensor([1.0, 2.0], requires_grad=True)


@pytest.mark.parametrize(
    "call, op",
    [
        (lambda x: x + ag.zeros(3), "add"),
        (lambda x: x - ag.zeros(3), "sub"),
        (lambda x: x * ag.zeros(3), "mul"),
        (lambda x: x / ag.ones(3), "div"),
        (lambda x: x ** ag.ones(3), "pow"),
        (lambda x: F.maximum(x, ag.zeros(3)), "maximum"),
        (lambda x: F.minimum(x, ag.zeros(3)), "minimum"),
        (lambda x: F.where(x > 0, x, ag.zeros(3)), "where"),
        (lambda x: x > ag.zeros(3), "comparison"),
    ],
)
def test_broadcast_mismatch_names_op_and_shapes(x, call, op):
    with pytest.raises(ValueError, match=rf"{op}.*\(2,\).*\(3,\).*cannot be broadcast"):
        call(x)


@pytest.mark.parametrize(
    "call, pattern",
    [
        (lambda x: ag.zeros(2, 3) @ ag.zeros(2, 3), r"matmul: shapes \(2, 3\) and \(2, 3\) don't fit"),
        (lambda x: x @ ag.zeros(3), r"matmul: shapes \(2,\) and \(3,\)"),
        (lambda x: x @ ag.tensor(2.0), r"matmul: both operands need at least 1 dimension"),
        (
            lambda x: ag.zeros(2, 3, 4) @ ag.zeros(5, 4, 1),
            r"matmul: the batch axes of shapes \(2, 3, 4\) and \(5, 4, 1\)",
        ),
        (lambda x: x.reshape(3), r"reshape: cannot view shape \(2,\) \(2 elements\) as \(3,\)"),
        (lambda x: x.broadcast_to((3,)), r"broadcast_to: shape \(2,\) cannot be broadcast to \(3,\)"),
        (lambda x: x.sum_to((3,)), r"sum_to: shape \(2,\) cannot be summed down to \(3,\)"),
        (lambda x: x.sum(axis=3), r"sum: axis 3 is out of range for a tensor with 1 dimensions"),
        (lambda x: x.mean(axis=0, dim=0), r"mean: give axis or dim, not both"),
        (lambda x: x.max(dim=-2), r"max: axis -2 is out of range"),
        (lambda x: x.softmax(axis=1), r"softmax: axis 1 is out of range"),
        (lambda x: x.squeeze(2), r"squeeze: axis 2 is out of range"),
        (lambda x: x.unsqueeze(3), r"unsqueeze: axis 3 is out of range.*shape \(2,\)"),
        (lambda x: x.flatten(2), r"flatten: axis 2 is out of range"),
        (lambda x: x.transpose(0, 2), r"swapaxes: axis 2 is out of range"),
        (lambda x: x.swapaxes(0, 0.5), r"swapaxes: an axis must be an int, got 0.5 \(float\)"),
        (lambda x: F.stack([x, x], axis="1"), r"stack: an axis must be an int, got '1' \(str\)"),
        (lambda x: x.permute(0, 0), r"permute: \(0, 0\) is not a permutation"),
        (lambda x: x[5], r"getitem: index 5 does not fit a tensor of shape \(2,\)"),
        (lambda x: x[[0, 7]], r"getitem: index .* does not fit a tensor of shape \(2,\)"),
        (lambda x: F.cat([x, ag.zeros(2, 2)]), r"concatenate: shapes \(2,\) and \(2, 2\) do not match"),
        (lambda x: F.cat([]), r"concatenate: needs at least one tensor"),
        (lambda x: F.stack([x, ag.zeros(3)]), r"stack: shapes \(2,\) and \(3,\) do not match"),
        (lambda x: F.pad(ag.zeros(2, 2), ((1, 1),)), r"pad: pad_width has 1 pairs but the tensor has 2 axes"),
        (lambda x: F.cat([x, x], axis=2), r"concatenate: axis 2 is out of range"),
        (lambda x: F.stack([x, x], axis=3), r"stack: axis 3 is out of range for a tensor with 2 dimensions"),
        (lambda x: F.pad(x, ((1, -1),)), r"pad: widths must be >= 0.*index instead"),
        (lambda x: x.mean(axis=1.5), r"mean: axis must be an int or a tuple of ints, got 1.5"),
        (lambda x: ag.zeros(2, 2).argmax(axis=(0, 1)), r"argmax: give one axis"),
        (lambda x: ag.zeros(2, 2).softmax(axis=(0, 1)), r"softmax: give one axis"),
        (lambda x: x.clip(), r"clip: give min, max or both"),
        (lambda x: x.item(), r"item\(\) needs a tensor with one element.*\(2,\)"),
        (lambda x: bool(x), r"truth value of a tensor with 2 elements is ambiguous"),
        (lambda x: ag.tensor([1.0], device="tpu"), r"unknown device 'tpu'"),
        (lambda x: F.nll(x, [0, 1], [0.5, 0.5]), r"nll: needs log-probabilities of shape \(N, C\).*\(2,\)"),
        (lambda x: F.nll(ag.zeros(2, 3), [0, 1, 2], [0.5, 0.5]), r"nll: .*got \(2, 3\), \(3,\) and \(2,\)"),
        (lambda x: F.nll(ag.zeros(2, 3), [0.0, 1.0], [0.5, 0.5]), r"nll: class indices must be integers, got float"),
    ],
)
def test_shape_and_argument_errors(x, call, pattern):
    with pytest.raises((ValueError, IndexError, TypeError), match=pattern):
        call(x)


@pytest.mark.parametrize("other", ["a", object(), None])
def test_combining_with_a_non_number_is_a_type_error(x, other):
    with pytest.raises(TypeError):
        x + other


def test_backward_errors_say_what_to_do(x):
    with pytest.raises(RuntimeError, match=r"backward\(\) without an argument needs a scalar.*loss.mean\(\)"):
        (x * 2.0).backward()
    with pytest.raises(RuntimeError, match="does not require grad.*requires_grad=True"):
        ag.tensor([1.0]).sum().backward()
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match=r"second time.*'sum'.*retain_graph=True"):
        y.backward()


def test_grad_errors(x):
    with pytest.raises(RuntimeError, match="output does not require grad"):
        ag.grad(ag.tensor(1.0) * 2.0, [x])
    with pytest.raises(RuntimeError, match=r"input \(shape \(2,\)\) does not require grad"):
        ag.grad((x * 2.0).sum(), [ag.tensor([1.0, 2.0])])
    with pytest.raises(RuntimeError, match=r"output of shape \(2,\) is not a scalar; pass grad_outputs"):
        ag.grad(x * 2.0, [x])


@pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning")  # the NaN/Inf is the point
def test_anomaly_errors_name_the_op():
    x = ag.tensor([1.0, 0.0], requires_grad=True)
    with pytest.raises(ag.AnomalyError, match="forward of 'log' produced NaN or Inf"), ag.detect_anomaly():
        x.log()
    with np.errstate(divide="ignore"), ag.detect_anomaly():
        y = (x * 0.0).sqrt().sum()
        with pytest.raises(ag.AnomalyError, match="backward of 'sqrt' produced NaN or Inf"):
            y.backward()
    with np.errstate(invalid="ignore"), ag.detect_anomaly():
        with pytest.raises(ag.AnomalyError, match="forward of 'div'"):
            x / x * 2.0  # 0 / 0 in the first op


def test_integer_tensor_cannot_require_grad():
    with pytest.raises(TypeError, match=r"only floating-point tensors can require gradients.*int64.*float"):
        ag.tensor([1, 2], requires_grad=True)


def test_requires_grad_false_on_a_result(x):
    with pytest.raises(RuntimeError, match="detach"):
        (x * 2.0).requires_grad_(False)


def test_ragged_nested_list_is_a_clear_error():
    with pytest.raises(ValueError, match="rectangular"):
        ag.tensor([[1.0, 2.0], [3.0]])
