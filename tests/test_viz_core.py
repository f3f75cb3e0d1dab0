"""viz at the scale of real networks: no side effects, record_backward, numerical checks, levels,
large graphs, life without ``dot``, escaping, and what notebooks display (no notebook needed)."""

import io
import re
import shutil
import sys
import time
import types
import warnings
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from op_cases import CASE_IDS, CASES
from op_cases_more import CASES as MORE_CASES

pytest.importorskip("graphviz")

import autograd as ag  # noqa: E402
import autograd.functional as F  # noqa: E402
import nn  # noqa: E402
import viz  # noqa: E402
from autograd.function import Function  # noqa: E402

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="the graphviz 'dot' program is not installed")


def slide_example():
    """The slides' one-weight example: E = (x w - y)^2 at x=2, y=4, w=0.5, so dE/dw = -12."""
    x, y = ag.tensor(2.0, name="x"), ag.tensor(4.0, name="y")
    w = ag.tensor(0.5, requires_grad=True, name="w")
    E = (x * w - y) ** 2
    E.name = "E"
    return w, E


def iris_mlp(seed=0):
    """The README's 4-16-3 network on a batch of 5, with its loss."""
    ag.manual_seed(seed)
    net = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 3))
    x = ag.randn(5, 4)
    y = ag.tensor([0, 1, 2, 0, 1])
    return net, nn.CrossEntropyLoss()(net(x), y)


# ---------------------------------------------------------------- 1. viewers have no side effects

VIEWERS = {
    "trace": lambda loss, tmp: viz.trace(loss, file=io.StringIO()),
    "backprop_steps": lambda loss, tmp: viz.backprop_steps(loss),
    "render_backprop": lambda loss, tmp: viz.render_backprop(loss, tmp / "bp"),
    "render_forward": lambda loss, tmp: viz.render_forward(loss, tmp / "fw"),
    "forward_steps": lambda loss, tmp: viz.forward_steps(loss),
    "draw_graph": lambda loss, tmp: viz.draw_graph(loss).source,
    "save steps": lambda loss, tmp: viz.save(viz.backprop_steps(loss), tmp / "steps.dot"),
}


@pytest.mark.parametrize("viewer", VIEWERS, ids=list(VIEWERS))
def test_viewing_changes_no_grad_and_leaves_the_graph_for_backward(viewer, tmp_path):
    w, E = slide_example()
    VIEWERS[viewer](E, tmp_path)
    assert w.grad is None
    E.backward()
    assert w.grad.item() == -12.0  # not -24: nothing was accumulated before the learner's own pass


@pytest.mark.parametrize("viewer", ["trace", "backprop_steps", "render_backprop"])
def test_viewing_keeps_existing_and_retained_grads(viewer, tmp_path):
    net, loss = iris_mlp()
    loss.backward(retain_graph=True)  # the learner's pass: .grad holds numbers already
    before = {name: p.grad.numpy().copy() for name, p in net.named_parameters()}
    hidden = net[0].weight * 1.0  # a non-leaf that keeps its .grad
    hidden.retain_grad()
    loss2 = (hidden**2).sum()
    loss2.backward(retain_graph=True)
    kept = hidden.grad.numpy().copy()
    VIEWERS[viewer](loss, tmp_path)
    VIEWERS[viewer](loss2, tmp_path / "second")
    for name, p in net.named_parameters():
        np.testing.assert_array_equal(p.grad.numpy(), before[name] + (2 * p.numpy() if name == "0.weight" else 0))
    np.testing.assert_array_equal(hidden.grad.numpy(), kept)


def test_after_backward_the_error_names_what_the_learner_did():
    w, E = slide_example()
    E.backward()
    for viewer, name in [(viz.backprop_steps, "viz.backprop_steps"), (viz.draw_graph, "viz.draw_graph")]:
        with pytest.raises(RuntimeError) as err:
            viewer(E)
        text = str(err.value)
        assert text.startswith(f"{name}: backward() has already run")
        assert "record_backward" in text and "before loss.backward()" in text


def test_record_backward_equals_a_plain_backward():
    net_a, loss_a = iris_mlp(seed=3)
    net_b, loss_b = iris_mlp(seed=3)
    loss_b.backward()
    with viz.record_backward() as steps:
        loss_a.backward()
    for (_, pa), (_, pb) in zip(net_a.named_parameters(), net_b.named_parameters()):
        np.testing.assert_array_equal(pa.grad.numpy(), pb.grad.numpy())  # landed once, as usual
        np.testing.assert_array_equal(steps.grad(pa), pa.grad.numpy())
    observed = viz.backprop_steps(iris_mlp(seed=3)[1])
    assert [s.name for s in steps] == [s.name for s in observed]
    assert len(steps.layer_steps()) == 4  # CrossEntropyLoss, 2: Linear, 1: ReLU, 0: Linear
    assert all(c.agree for c in steps.check_all())
    out = io.StringIO()
    viz.trace(steps, file=out, width=100)  # it traces like backprop_steps
    assert "linear" in out.getvalue()
    w, E = slide_example()
    with viz.record_backward(E) as named:
        E.backward()
    assert named[-1].sent[0].rule == "dE/db = dE/dc * a = (-6) * 2 = -12" and w.grad.item() == -12.0
    with pytest.raises(RuntimeError, match="no backward step ran"):
        with viz.record_backward():
            pass


# ---------------------------------------------------------------- 3. the numerical check


@pytest.mark.parametrize("case", CASES + MORE_CASES, ids=CASE_IDS + [c.id for c in MORE_CASES])
def test_numerical_check_agrees_for_every_op(case):
    xs = [ag.tensor(a, dtype="float64", requires_grad=True) for a in case.arrays(seed=2)]
    out = case.fn(*xs)
    if isinstance(out, tuple):  # (values, indices): the values carry the gradient
        out = out[0]
    weights = np.random.default_rng(1).standard_normal(out.shape)  # a random upstream gradient, not ones
    steps = viz.backprop_steps((out * ag.tensor(weights, dtype="float64")).sum())
    checks = steps.check_all()
    assert checks or any(x.numel() == 0 for x in xs), "every case has a gradient to check (unless empty)"
    bad = [c.text() for c in checks if c.agree is not True]
    assert not bad, bad
    for c in checks:
        assert c.sampled == (c.tensor.tensor.numel() > 64)
        assert len(c.indices) == (8 if c.sampled else c.tensor.tensor.numel())


def test_numerical_check_agrees_in_float32_on_a_network():
    net, loss = iris_mlp()
    checks = viz.backprop_steps(loss).check_all()
    assert len(checks) >= 7 and all(c.agree for c in checks)
    weight = next(c for c in checks if c.tensor.name == "0.weight")
    assert not weight.sampled and len(weight.indices) == 64  # 16 x 4: every element


class WrongSquare(Function):
    """y = a^2  ->  dL/da = dL/dy * a   (wrong on purpose: the factor 2 is missing)"""

    name = "wrong_square"

    def forward(self, a):
        return a * a

    def backward(self, grad):
        return grad * self.inputs[0]


def test_numerical_check_flags_a_wrong_backward():
    a = ag.tensor(np.linspace(-1.0, 2.0, 100), requires_grad=True, name="a")
    loss = WrongSquare.apply(a).sum()
    steps = viz.backprop_steps(loss)
    (check,) = steps[-1].checks
    assert check.agree is False and check.sampled and len(check.indices) == 8
    np.testing.assert_allclose(check.estimate, 2 * check.engine, rtol=1e-6)  # the true rule is 2a
    assert "DISAGREE" in check.text() and "at [" in check.text()
    out = io.StringIO()
    viz.trace(loss, file=out, width=150)
    assert "DISAGREES" in out.getvalue()


def test_at_a_kink_the_engines_value_lies_between_the_one_sided_slopes():
    a = ag.tensor([0.0, 1.0, -1.0], requires_grad=True, name="a")
    steps = viz.backprop_steps((a.relu() * ag.tensor([2.0, 3.0, 4.0])).sum())
    (check,) = [c for c in steps.check_all() if c.tensor.name == "a"]
    assert check.agree and check.kinks == [(0,)] and "a kink at [0]" in check.text()
    np.testing.assert_allclose(check.estimate, [1.0, 3.0, 0.0], atol=1e-6)  # central: half the slope 2 at 0
    np.testing.assert_array_equal(check.engine, [0.0, 3.0, 0.0])  # relu'(0) = 0, as PyTorch


def test_a_random_forward_is_reported_not_checked():
    ag.manual_seed(0)
    a = ag.randn(10, requires_grad=True)
    steps = viz.backprop_steps((F.dropout(a, 0.5) * 2.0).sum())
    (check,) = [c for c in steps.check_all() if c.agree is not True]
    assert check.agree is None and "random" in check.note


# ---------------------------------------------------------------- 2. levels


def test_layers_and_layer_steps_of_the_iris_network():
    net, loss = iris_mlp()
    steps = viz.backprop_steps(loss)
    layers = steps.layers()
    assert [layer.label for layer in layers] == ["0: Linear(4 -> 16)", "1: ReLU", "2: Linear(16 -> 3)",
                                                 "CrossEntropyLoss"]  # fmt: skip
    first = layers[0]
    assert [p.name for p in first.params] == ["0.weight", "0.bias"] and [t.name for t in first.outputs] == ["0.out"]
    by_title = {s.title: s for s in steps.layer_steps()}
    fc2 = by_title["2: Linear(16 -> 3)"]
    (out_grad,) = fc2.grad_outputs
    loss.backward()
    np.testing.assert_allclose(dict((t.name, g) for t, g in fc2.grad_params)["2.weight"], net[2].weight.grad.numpy())
    assert out_grad[0].name == "2.out" and out_grad[1].shape == (5, 3)
    assert [t.name for t, _ in fc2.grad_inputs] == ["1.out"]
    assert steps.default_level() == "ops"  # 5 ops: small enough to open at op level


def test_layer_labels_of_a_cnn():
    ag.manual_seed(0)
    net = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                        nn.Linear(8 * 4 * 4, 10))  # fmt: skip
    loss = nn.CrossEntropyLoss()(net(ag.randn(2, 1, 8, 8)), ag.tensor([1, 2]))
    labels = [layer.label for layer in viz.backprop_steps(loss).layers()]
    assert labels == ["0: Conv2d(1 -> 8, 3x3)", "1: BatchNorm(8)", "2: ReLU", "3: MaxPool2d", "4: Flatten",
                      "5: Linear(128 -> 10)", "CrossEntropyLoss"]  # fmt: skip


def test_big_networks_open_at_layer_level_and_collapse_draws_one_box_per_layer():
    ag.manual_seed(0)
    net = nn.Sequential(*[layer for _ in range(21) for layer in (nn.Linear(4, 4), nn.Tanh())])
    loss = (net(ag.randn(2, 4)) ** 2).sum()
    steps = viz.backprop_steps(loss)
    assert len(steps.view.ops) > 40 and steps.default_level() == "layers"
    src = viz.draw_graph(loss, collapse=True).source
    assert src.count("collapsed layer") == 42
    assert 'label="0: Linear(4 -\\> 4)|op: linear|0.weight (4, 4)|0.bias (4,)"' in src


# ---------------------------------------------------------------- 6. large graphs


class _Block(nn.Module):
    def forward(self, x):
        for _ in range(1000):
            x = (x * 1.0001).tanh()
        return x


def _deep(n_blocks=10):
    class Deep(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(4, 4)
            self.blocks = nn.Sequential(*[_Block() for _ in range(n_blocks)])

        def forward(self, x):
            return self.blocks(self.fc(x))

    y = Deep()(ag.randn(2, 4))
    return (y * y)[0, 0]


def test_a_20000_node_graph_is_collapsed_or_refused_within_30_seconds(tmp_path):
    started = time.perf_counter()
    loss = _deep()
    with pytest.warns(UserWarning, match=r"20,0\d\d op nodes.*one box per layer"):
        g = viz.draw_graph(loss)
    assert g.source.count("collapsed layer") == 11
    if shutil.which("dot"):
        ET.parse(viz.save(g, tmp_path / "g.svg"))
    w = ag.tensor(1.0, requires_grad=True)
    x = w
    for _ in range(20_000):  # no layers to fold: refused, with the way out
        x = x * 1.0001
    with pytest.raises(ValueError, match=r"20,000 op nodes.*collapse=True"):
        viz.draw_graph(x)
    steps = viz.backprop_steps(x)
    assert len(steps) == 20_000 and w.grad is None
    with pytest.raises(ValueError, match="viz.save: the graph has 20,000 op nodes"):
        viz.save(steps, tmp_path / "steps.svg")
    assert time.perf_counter() - started < 30


# ---------------------------------------------------------------- 7. without dot


def test_without_dot_nothing_that_needs_no_dot_fails(tmp_path, monkeypatch):
    w, E = slide_example()
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert viz.dot_available() is False
    g = viz.draw_graph(E)
    assert "T2 [label=" in g.source and viz.save(g, tmp_path / "g.dot").read_text() == g.source
    bundle = g._repr_mimebundle_()
    assert set(bundle) == {"text/plain"} and "install" in bundle["text/plain"]
    with pytest.raises(viz.DotNotFoundError):
        viz.save(g, tmp_path / "g.svg")
    steps = viz.backprop_steps(E)
    out = io.StringIO()
    viz.trace(E, file=out)
    assert "-12" in out.getvalue() and len(steps) == 3
    fw = viz.render_forward(E, tmp_path / "fw")
    assert fw.exists() and (tmp_path / "fw" / "graph.dot").exists() and not (tmp_path / "fw" / "graph.svg").exists()
    page = viz.render_backprop(E, tmp_path / "bp")
    assert page.exists() and (tmp_path / "bp" / "graph.dot").exists()
    assert "dE/db = dE/dc * a = (-6) * 2 = -12" in page.read_text()  # the text stepper has the numbers
    assert w.grad is None


# ---------------------------------------------------------------- 9. escaping

NASTY = ["<b>bold</b>", 'say "hi"', "{brace}|pipe", "back\\slash\\", "two\nlines", "<script>alert(1)</script>"]


def _nasty_graph():
    tensors = [ag.tensor(float(k + 1), requires_grad=True, name=n) for k, n in enumerate(NASTY)]
    total = tensors[0]
    with ag.name_scope("<i>Net</i>"):
        for k, t in enumerate(tensors[1:]):
            with ag.name_scope(NASTY[k]):
                total = total * t
    total.name = "<img src=x onerror=alert(1)>\\1"
    return total


@needs_dot
def test_any_name_is_safe_in_dot(tmp_path):
    loss = _nasty_graph()
    for collapse in (False, True):
        svg = viz.save(viz.draw_graph(loss, collapse=collapse), tmp_path / f"g{collapse}.svg")
        root = ET.parse(svg).getroot()  # valid XML: dot understood every label
        texts = " ".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))
        for name in ("<b>bold</b>", 'say "hi"', "{brace}|pipe", "back\\slash\\", "<script>alert(1)</script>"):
            assert name in texts
        assert "two" in texts and "lines" in texts
    viz.save(viz.backprop_steps(loss).frame(2), tmp_path / "frame.svg")


def test_any_name_is_safe_in_html(tmp_path):
    loss = _nasty_graph()
    steps = viz.backprop_steps(loss)
    table = viz.trace(steps, file=io.StringIO()).html()
    tags = set(re.findall(r"<\s*([a-zA-Z]+)", table))
    assert tags <= {"table", "caption", "thead", "tbody", "tr", "th", "td"}
    assert "&lt;script&gt;" in table
    nasty = _start_tags(viz.render_backprop(loss, tmp_path / "bp").read_text())
    w, E = slide_example()
    clean = _start_tags(viz.render_backprop(E, tmp_path / "clean").read_text())
    assert "img" not in nasty and "b" not in nasty and "i" not in nasty
    assert nasty.count("script") == clean.count("script")  # names inside the page's data stay data


def _start_tags(page):
    """The tags an HTML parser opens (a script's content is data, not tags)."""
    from html.parser import HTMLParser

    tags = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag, attrs):
            tags.append(tag)

    Collect().feed(page)
    return tags


# ---------------------------------------------------------------- 8. what notebooks display


@needs_dot
def test_a_graph_displays_as_svg_scaled_to_the_cell():
    w, E = slide_example()
    bundle = viz.draw_graph(E)._repr_mimebundle_()
    assert set(bundle) == {"image/svg+xml", "text/plain"}
    root = ET.fromstring(bundle["image/svg+xml"].encode())
    assert root.get("width") == "100%" and root.get("height") is None and root.get("viewBox")
    natural = float(root.get("viewBox").split()[2]) * 4 / 3
    assert re.search(r"max-width:(\d+)px", root.get("style")).group(1) == f"{natural:.0f}"


def test_steppers_and_traces_display_in_notebooks():
    w, E = slide_example()
    trace = viz.trace(E, file=io.StringIO())
    assert trace._repr_mimebundle_()["text/html"].startswith("<table")
    for shown in (viz.backprop_steps(E), viz.forward_steps(E)):
        bundle = shown._repr_mimebundle_()
        assert "text/html" in bundle and "text/plain" in bundle
    w, E = slide_example()
    with viz.record_backward(E) as steps:
        E.backward()
    assert "text/html" in steps._repr_mimebundle_()


def _fake_kernel(monkeypatch):
    shell = types.SimpleNamespace(kernel=object())
    monkeypatch.setitem(sys.modules, "IPython", types.SimpleNamespace(get_ipython=lambda: shell))


def test_in_a_notebook_trace_and_summary_show_once(monkeypatch, capsys):
    net, loss = iris_mlp()
    nn.summary(net, (4,))
    assert capsys.readouterr().out.count("Total params") == 1  # a script prints it
    _fake_kernel(monkeypatch)
    result = nn.summary(net, (4,))
    trace = viz.trace(loss)
    assert capsys.readouterr().out == ""  # a notebook displays the returned objects instead
    assert "Total params" in str(result) and len(trace) == 5


class _TTY(io.StringIO):
    def isatty(self):
        return True


def _fit(verbose):
    ag.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 1))
    data = nn.data.TensorDataset(ag.randn(8, 2), ag.randn(8, 1))
    loader = nn.data.DataLoader(data, batch_size=4)
    opt = nn.optim.SGD(model.parameters(), lr=0.1)
    return nn.fit(model, nn.MSELoss(), opt, loader, epochs=2, metrics=(), verbose=verbose)


def test_fit_shows_a_progress_bar_in_a_terminal(monkeypatch):
    pytest.importorskip("tqdm")
    out = _TTY()
    monkeypatch.setattr(sys, "stdout", out)
    _fit(verbose=1)
    text = out.getvalue()
    assert "epoch 1/2" in text and "epoch 2/2" in text and "2/2 [" in text and "batch" in text
    quiet = _TTY()
    monkeypatch.setattr(sys, "stdout", quiet)
    _fit(verbose=0)
    assert quiet.getvalue() == ""
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)  # tqdm not installed: plain lines
    plain = _TTY()
    monkeypatch.setattr(sys, "stdout", plain)
    _fit(verbose=1)
    assert plain.getvalue().splitlines()[0].startswith("epoch 1/2: loss ")


def test_progress_is_a_tqdm_bar_or_plain_lines(monkeypatch):
    from viz.render import progress

    pytest.importorskip("tqdm")
    out = io.StringIO()
    assert list(progress(range(3), 3, "viz: working", delay=0, file=out)) == [0, 1, 2]
    assert "viz: working:   0%" in out.getvalue() and "0/3" in out.getvalue()  # the bar appeared
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)  # without tqdm: a plain line now and then
    out = io.StringIO()
    assert list(progress(range(3), 3, "viz: working", delay=0, file=out, every=0)) == [0, 1, 2]
    assert out.getvalue().splitlines() == ["viz: working: 1 of 3", "viz: working: 2 of 3", "viz: working: 3 of 3"]
    quiet = io.StringIO()
    list(progress(range(3), 3, "viz: working", file=quiet))  # quick work shows nothing
    assert quiet.getvalue() == ""


def test_a_legend_in_every_picture():
    w, E = slide_example()
    src = viz.draw_graph(E).source
    assert "legend [label=<<TABLE" in src and "parameter (gets a gradient)" in src and "from Python" in src
    frame = viz.backprop_steps(E).frame(1).source
    assert "this step" in frame and "not reached yet" in frame
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert "legend" not in viz.draw_graph(E, legend=False).source
