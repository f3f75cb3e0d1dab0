"""viz.draw_graph: DOT content, determinism, module clusters, rendering with the real dot program."""

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

pytest.importorskip("graphviz")

import autograd as ag  # noqa: E402
import viz  # noqa: E402

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="the graphviz 'dot' program is not installed")

BUILD = """
import autograd as ag, viz
x, y = ag.tensor(2.0, name="x"), ag.tensor(4.0, name="y")
w = ag.tensor(0.5, requires_grad=True, name="w")
E = (x * w - y) ** 2
E.name = "E"
E.backward(retain_graph=True)
source = viz.draw_graph(E).source
"""


def one_weight_graph():
    scope = {}
    exec(BUILD, scope)
    return scope["source"]


def test_dot_of_the_one_weight_example():
    src = one_weight_graph()
    # tensors, numbered in walk order: inputs before the ops that use them
    assert 'T1 [label="x|scalar float32|value = 2"' in src
    assert 'T2 [label="w|scalar float32|value = 0.5|grad = -12"' in src  # dE/dw = 2x(xw - y) = -12
    assert 'T4 [label="y|scalar float32|value = 4"' in src
    assert 'T7 [label="E|scalar float32|value = 9"' in src  # (2*0.5 - 4)^2
    assert 'label="t1|scalar float32|value = 1"' in src and 'label="t2|scalar float32|value = -3"' in src
    assert "T6 [label=2 " in src and "shape=plaintext" in src.split("T6 [")[1].split("\n")[0]  # the Python 2
    for op in ("op1 [label=mul", "op2 [label=sub", "op3 [label=pow"):
        assert op in src
    edges = [line.strip() for line in src.splitlines() if "->" in line]
    assert edges == [
        "T1 -> op1", "T2 -> op1", "op1 -> T3", "T3 -> op2", "T4 -> op2", "op2 -> T5", "T5 -> op3", "T6 -> op3",
        "op3 -> T7",
    ]  # fmt: skip
    # colours by role
    assert 'fillcolor="#ffe08a"' in src.split("T2 [")[1].split("\n")[0]  # parameter
    assert "tooltip=loss" in src.split("T7 [")[1].split("\n")[0]


def test_dot_is_deterministic_across_builds_and_processes():
    first, second = one_weight_graph(), one_weight_graph()
    assert first == second
    out = subprocess.run(
        [sys.executable, "-c", BUILD + "print(source, end='')"], capture_output=True, text=True, check=True
    )
    assert out.stdout == first


def test_options_hide_rows_and_large_arrays_are_summarised():
    a = ag.arange(100, dtype="float32").reshape(10, 10)
    a.name = "a"
    w = ag.ones((10,), requires_grad=True)
    src = viz.draw_graph((a * w).sum(), show_grads=False).source
    assert "value = min 0\\l        mean 49.5\\l        max 99\\l" in src  # one short line each: a narrow box
    src = viz.draw_graph((a * w).sum(), show_values=False, show_shapes=False).source
    assert "value" not in src and "float32" not in src


def iris_mlp_loss():
    import numpy as np

    import nn

    ag.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 3))
    x = ag.tensor(np.random.default_rng(0).normal(size=(5, 4)).astype("float32"), name="x")
    loss = nn.CrossEntropyLoss()(model(x), ag.tensor(np.array([0, 1, 2, 0, 1])))
    loss.backward(retain_graph=True)
    return model, loss


def test_long_vectors_are_summarised_with_four_digits():
    model, loss = iris_mlp_loss()
    src = viz.draw_graph(loss).source
    bias = model[0].bias.numpy().astype("float64")
    # a bias of 16 values: one summary line, 4 significant digits, not 16 numbers of 6 digits
    want = f"value = min {bias.min():.4g}\\l        mean {bias.mean():.4g}\\l        max {bias.max():.4g}\\l"
    line = next(row for row in src.splitlines() if row.lstrip().startswith("T") and "0.bias|" in row)
    assert want in line and line.count(",") < 4, line
    assert "value = [0.199472, -0.100652, 0.201037]" in src  # 3 values: still written out, 6 digits
    assert viz.values.array_lines(ag.arange(6.0)) == ["[0, 1, 2, 3, 4, 5]"]  # up to 6 in a row stay exact
    assert viz.values.array_lines(ag.arange(7.0)) == ["min 0", "mean 3", "max 6"]
    assert viz.values.text(ag.arange(7.0)) == "min 0  mean 3  max 6"  # in a formula: one line


@needs_dot
def test_no_box_of_the_iris_network_is_wider_than_a_projector(tmp_path):
    _, loss = iris_mlp_loss()
    root = ET.parse(viz.save(viz.draw_graph(loss), tmp_path / "g.svg")).getroot()
    ns = "{http://www.w3.org/2000/svg}"
    widths = {}
    for g in root.iter(ns + "g"):
        if g.get("class") == "node":
            xs = [float(v.split(",")[0]) for poly in g.iter(ns + "polygon") for v in poly.get("points").split()]
            if xs:
                widths[g.find(ns + "title").text] = max(xs) - min(xs)
    assert len(widths) > 10 and max(widths.values()) < 250, widths  # the 16-value bias was ~2,000 px wide


def test_drawing_a_freed_graph_says_what_to_do():
    w = ag.tensor(0.5, requires_grad=True)
    loss = (w * 3.0).exp()
    loss.backward()
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        viz.draw_graph(loss)


def test_graph_drawn_before_backward_has_no_gradients():
    w = ag.tensor([1.0, 2.0], requires_grad=True, name="w")
    src = viz.draw_graph((w * w).sum()).source
    assert "grad =" not in src
    assert src.count("T1 -> op1") == 2  # w used twice by one op: two arrows


def _net_loss():
    nn = pytest.importorskip("nn")
    if not hasattr(nn, "Linear"):
        pytest.skip("nn.Linear is not written yet")

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = nn.Linear(3, 4)
            self.fc2 = nn.Linear(4, 2)

        def forward(self, x):
            return self.fc2(self.fc1(x).relu())

    x = ag.randn(5, 3)
    return (Net()(x) ** 2).mean()


def test_module_clusters_with_name_scope():
    x = ag.tensor([[1.0, 2.0]], name="x")
    w1 = ag.tensor([[0.5], [-1.0]], requires_grad=True, name="l1.weight")
    w2 = ag.tensor([[2.0]], requires_grad=True, name="l2.weight")
    with ag.name_scope("Net"):
        with ag.name_scope("l1"):
            h = (x @ w1).relu()
        with ag.name_scope("l2"):
            out = h @ w2
    src = viz.draw_graph(out.sum()).source
    assert src.count("subgraph cluster_") == 3
    assert "legend [label=<<TABLE" in src
    assert "label=Net" in src and 'label="l1: matmul, relu"' in src and 'label="l2: matmul"' in src
    l1 = src.split('label="l1: matmul, relu"')[1].split("}")[0]
    assert "l1.weight" in l1 and "label=matmul" in l1 and "label=relu" in l1
    assert "l2.weight" not in l1
    flat = viz.draw_graph(out.sum(), group_modules=False).source
    assert "cluster" not in flat

    collapsed = viz.draw_graph(out.sum(), collapse=True).source
    assert 'layer_Net_l1 [label="l1: matmul, relu|2 ops: matmul, relu|l1.weight (2, 1)"' in collapsed
    assert "label=matmul" not in collapsed  # both layers are boxes now
    opened = viz.draw_graph(out.sum(), collapse=True, expand=("l2",)).source
    assert "layer_Net_l1" in opened and "layer_Net_l2" not in opened and "label=matmul" in opened


def test_module_clusters_with_nn_module():
    loss = _net_loss()
    src = viz.draw_graph(loss).source
    assert 'label="fc1: Linear(3 -> 4)"' in src and 'label="fc2: Linear(4 -> 2)"' in src  # cluster titles
    assert "fc1.weight|(4, 3) float32" in src
    collapsed = viz.draw_graph(loss, collapse=True).source
    assert 'layer_Net_fc1 [label="fc1: Linear(3 -\\> 4)|op: linear|fc1.weight (4, 3)|fc1.bias (4,)"' in collapsed
    assert 'layer_Net_fc2 [label="fc2: Linear(4 -\\> 2)' in collapsed
    assert "fc1.weight (4, 3)" in collapsed
    assert "fc1.out|(5, 4) float32" in src  # unnamed results are named from their layer


@needs_dot
def test_render_svg_png_pdf_and_dot(tmp_path):
    x, w = ag.tensor(2.0, name="x"), ag.tensor(0.5, requires_grad=True, name="w")
    g = viz.draw_graph((x * w - 4.0) ** 2)
    svg = viz.save(g, tmp_path / "g.svg")
    root = ET.parse(svg).getroot()
    assert root.tag.endswith("svg")
    titles = [t.text for t in root.iter("{http://www.w3.org/2000/svg}title")]
    assert "op1" in titles and "T2" in titles
    png = viz.save(g, tmp_path / "g.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 1000
    assert viz.save(g, tmp_path / "g.pdf").read_bytes()[:5] == b"%PDF-"
    assert viz.save(g, tmp_path / "g.dot").read_text() == g.source
    assert g._repr_mimebundle_()["image/svg+xml"].lstrip().startswith("<?xml")
    with pytest.raises(ValueError, match=".jpg"):
        viz.save(g, tmp_path / "g.jpg")


def test_without_dot_one_clear_error_and_the_dot_text_still_works(tmp_path, monkeypatch):
    g = viz.draw_graph(ag.tensor(2.0, requires_grad=True, name="w") * 3.0)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(viz.DotNotFoundError, match="install") as err:
        viz.save(g, tmp_path / "g.svg")
    assert "graph.source" in str(err.value)
    assert viz.save(g, tmp_path / "g.dot").read_text() == g.source
    assert "install" in g._repr_mimebundle_()["text/plain"]
