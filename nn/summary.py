"""``summary(model, input_shape)``: the table of layers, output shapes and parameter counts.

The numbers are measured, not typed in: a forward pass on zeros of shape
``(1, *input_shape)`` records each layer's output shape through forward hooks,
and the counts come from the layers' own parameters. A Linear/Dense layer with
n inputs and m outputs holds n*m weights and m biases, so the network
3 -> 4 -> 5 -> 3 -> 2 has 12 + 20 + 15 + 6 = 53 weights and 4 + 5 + 3 + 2 = 14 biases.
"""

from dataclasses import dataclass

import autograd as ag

__all__ = ["LayerSummary", "ModelSummary", "summary"]


@dataclass
class LayerSummary:
    """One row: the layer's dotted name, its type, its output shape (batch axis None) and its counts."""

    name: str
    type: str
    output_shape: tuple
    weights: int
    biases: int
    trainable: int

    @property
    def params(self):
        """weights + biases."""
        return self.weights + self.biases


@dataclass(repr=False)
class ModelSummary:
    """What ``summary`` returns: ``rows`` and the totals; ``str(result)`` is the printed table.

    In Jupyter/IPython it displays as the table (as a cell's last line).
    """

    model_name: str
    input_shape: tuple
    rows: list
    total_weights: int
    total_biases: int
    trainable_params: int

    @property
    def total_params(self):
        """Every parameter: total_weights + total_biases."""
        return self.total_weights + self.total_biases

    @property
    def non_trainable_params(self):
        """Parameters frozen with ``requires_grad_(False)``."""
        return self.total_params - self.trainable_params

    def __str__(self):
        header = ("Layer (type)", "Output Shape", "Weights", "Biases", "Params")
        body = [
            (f"{r.name} ({r.type})" if r.name else r.type, _shape_text(r.output_shape), r.weights, r.biases, r.params)
            for r in self.rows
        ]
        cells = [header] + [tuple(str(c) for c in row) for row in body]
        widths = [max(len(row[i]) for row in cells) for i in range(len(header))]

        def line(row):
            return "  ".join(c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths)))

        rule = "=" * len(line(header))
        lines = [f'Model: "{self.model_name}"', rule, line(header), rule]
        lines += [line(row) for row in cells[1:]]
        lines += [
            rule,
            f"Total weights: {self.total_weights:,}",
            f"Total biases: {self.total_biases:,}",
            f"Total params: {self.total_params:,}",
            f"Trainable params: {self.trainable_params:,}",
            f"Non-trainable params: {self.non_trainable_params:,}",
        ]
        return "\n".join(lines)

    def _repr_pretty_(self, printer, cycle):  # IPython / Jupyter show the table
        printer.text(str(self))

    def __repr__(self):
        return f"<ModelSummary of {self.model_name}: {self.total_params:,} params; print(it) for the table>"


def _shape_text(shape):
    if isinstance(shape, list):
        return ", ".join(_shape_text(s) for s in shape)
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


def _output_shape(output):
    if isinstance(output, ag.Tensor):
        return (None,) + tuple(output.shape[1:])
    if isinstance(output, (tuple, list)):
        return [_output_shape(o) for o in output]
    return ()


def _is_bias(name):
    return name == "bias" or name.endswith("_bias")


def _counts(module):
    weights = biases = trainable = 0
    for name, p in module.named_parameters(recurse=False):
        if _is_bias(name):
            biases += p.numel()
        else:
            weights += p.numel()
        if p.requires_grad:
            trainable += p.numel()
    return weights, biases, trainable


def _in_ipython():
    """True inside IPython or Jupyter, which display the returned summary themselves."""
    import sys

    ipython = sys.modules.get("IPython")
    return ipython is not None and ipython.get_ipython() is not None


def summary(model, input_shape, dtype=None, device=None, print_fn=print):
    """Print (with ``print_fn``; None prints nothing) and return the summary of ``model``.

    In Jupyter or IPython the table is not printed by default: the returned
    summary displays itself (as a cell's last line), so it shows once.

    ``input_shape`` is the shape of one sample, without the batch axis: ``(3,)``
    for 3 input features, ``(1, 28, 28)`` for a grey 28x28 image. A row is
    shown for every layer that holds parameters itself or has no sub-layers
    (containers such as Sequential are not rows), in the order the forward
    pass calls them. Parameters named "bias" count as biases; all others
    (weights, batch norm's gamma, PReLU's slopes) as weights.
    """
    if isinstance(input_shape, int):
        input_shape = (input_shape,)
    input_shape = tuple(int(d) for d in input_shape)
    if device is None:
        device = next((p.device for p in model.parameters()), "cpu")
    names = {id(m): name for name, m in model.named_modules()}
    rows, handles, seen = [], [], set()

    def record(module, inputs, output):
        if id(module) in seen:  # a layer used twice is listed once
            return
        seen.add(id(module))
        rows.append(LayerSummary(names.get(id(module), ""), type(module).__name__, _output_shape(output),
                                 *_counts(module)))  # fmt: skip

    for m in model.modules():
        if not list(m.children()) or any(True for _ in m.named_parameters(recurse=False)):
            handles.append(m.register_forward_hook(record))
    modes = [(m, m.training) for m in model.modules()]
    model.eval()  # batch norm can't train on a batch of one; dropout off
    try:
        with ag.no_grad():
            model(ag.zeros((1,) + input_shape, dtype=dtype, device=device))
    finally:
        for h in handles:
            h.remove()
        for m, mode in modes:
            object.__setattr__(m, "training", mode)
    params = list(model.named_parameters())  # totals over every parameter, called or not
    total_biases = sum(p.numel() for name, p in params if _is_bias(name.rsplit(".", 1)[-1]))
    total_weights = sum(p.numel() for _, p in params) - total_biases
    trainable = sum(p.numel() for _, p in params if p.requires_grad)
    result = ModelSummary(type(model).__name__, input_shape, rows, total_weights, total_biases, trainable)
    if print_fn is not None and not (print_fn is print and _in_ipython()):
        print_fn(str(result))
    return result
