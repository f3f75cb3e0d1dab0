"""The stepper page on the lectures' networks, measured in a real headless Chromium.

The Iris 4-16-3 MLP and the digits CNN of lesson 18: labels at least 11 CSS px
high at 1024x768, the picture at least half the window at 200 % zoom, every step
forward and back without a console error, layers opened and closed, a tensor's
panel, two steppers in one document, and the text stepper without ``dot``.
"""

import json
import re
import shutil
import tempfile

import numpy as np
import pytest
from lessons import lesson

pytest.importorskip("graphviz")

import autograd as ag  # noqa: E402
import nn  # noqa: E402
import viz  # noqa: E402
from viz import html as page  # noqa: E402

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="the graphviz 'dot' program is not installed")


def iris_loss(n=8):
    """The README's 4-16-3 network on the first ``n`` Iris flowers, and its cross-entropy loss."""
    ag.manual_seed(0)
    iris = nn.datasets.load_iris()
    idx = np.arange(0, 150, 150 // n)[:n]  # all three species
    x = ag.tensor(iris["data"][idx].astype("float32"), name="x")
    model = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 3))
    return nn.CrossEntropyLoss()(model(x), ag.tensor(iris["target"][idx]))


def digits_cnn_loss(side=8, n=4):
    """Lesson 18's CNN (two conv-relu-pool blocks, then a linear layer) on ``n`` small images."""
    ag.manual_seed(0)
    model = lesson("18_digits_mlp_and_cnn").build_cnn(side)
    images = np.random.default_rng(0).random((n, 1, side, side)).astype("float32")
    x = ag.tensor(images, name="x")
    return nn.CrossEntropyLoss()(model(x), ag.tensor(np.arange(n) % 10))


def page_data(text):
    """The JSON data of each stepper in a page."""
    return [json.loads(m) for m in re.findall(r'<script type="application/json" class="tg-data">(.*?)</script>', text)]


# ---------------------------------------------------------------- the page's content (no browser)


@needs_dot
def test_one_layout_per_level_and_steps_are_data(tmp_path):
    loss = iris_loss()
    index = viz.render_backprop(loss, tmp_path)
    text = index.read_text()
    (data,) = page_data(text)
    levels = {lv["id"]: lv for lv in data["levels"]}
    # all ops; all layers; each of the 4 layers opened (0, 1, 2 and the loss)
    assert list(levels)[:2] == ["ops", "layers"] and len(levels) == 2 + 4
    assert text.count("<svg") == len(levels)  # one picture per level, not one per step
    assert len(levels["ops"]["steps"]) == 5  # linear, relu, linear, log_softmax, nll
    assert len(levels["layers"]["steps"]) == 4  # one step per layer
    opened = levels["layer:Sequential.2"]
    assert [s["cur"] for s in opened["steps"]][:2] == [["layer_CrossEntropyLoss"], ["op3"]]
    assert not re.search(r"""(src|href)=["']?(https?:|//)""", text)  # nothing fetched from anywhere
    assert not re.search(r'\sid="', text)  # no global ids: several steppers can share a document
    assert (tmp_path / "graph.dot").is_file() and (tmp_path / "graph.svg").is_file()
    # a layer's step names the layer and says what it sent where; a one-op layer's step is its op's step
    loss_layer, linear = (data["panels"][levels["layers"]["steps"][k]["p"]] for k in (0, 1))
    assert "Layer CrossEntropyLoss" in loss_layer and "to the input 2.out: dL/d2.out = " in loss_layer
    assert "Layer 2: Linear(16 -&gt; 3)" in linear and "rule: y = a @ b^T + c" in linear and "agree" in linear
    assert data["tensors"]["T1"]["name"] == "x" and data["tensors"]["T1"]["vmap"]["maps"][0]["h"] == 8
    # the picture's box summarises the bias of 16 values; its panel lists every one
    bias = next(t for t in data["tensors"].values() if t["name"] == "0.bias")
    assert len(bias["values"].split(",")) == 16 and len(bias["grads"].split(",")) == 16
    assert "0.bias|(16,) float32|value = min " in (tmp_path / "graph.dot").read_text()


@needs_dot
def test_large_graph_opens_at_layer_level_and_level_can_be_chosen(tmp_path, monkeypatch):
    from viz import levels

    steps = viz.backprop_steps(iris_loss())
    (data,) = page_data(page.backprop_page(steps, tmp_path / "a.html").read_text())
    assert data["levels"][data["start"]]["id"] == "ops"  # 5 ops: small enough to open at op level
    monkeypatch.setattr(levels, "OPEN_AT_LAYERS_ABOVE", 4)
    (data,) = page_data(page.backprop_page(steps, tmp_path / "b.html").read_text())
    assert data["levels"][data["start"]]["id"] == "layers"
    (data,) = page_data(page.backprop_page(steps, tmp_path / "c.html", level="2").read_text())
    assert data["levels"][data["start"]]["id"] == "layer:Sequential.2"
    with pytest.raises(ValueError, match="no level 'fc9'.*'0'"):
        page.backprop_page(steps, tmp_path / "d.html", level="fc9")


def test_beyond_the_picture_limit_layers_only_or_a_refusal_before_any_backward(tmp_path, monkeypatch):
    from viz import graph, stepper

    for module in (graph, stepper):
        monkeypatch.setattr(module, "OP_LIMIT", 4)  # the Iris graph has 5 ops and 4 layers
    with pytest.warns(UserWarning, match="one box per layer"):
        text = viz.render_backprop(iris_loss(), tmp_path / "a").read_text()
    assert "5 ops, more than the 4 one picture can show" in text  # the page says so too
    (data,) = page_data(text)
    ids = [lv["id"] for lv in data["levels"]]
    assert "ops" not in ids and data["levels"][data["start"]]["id"] == "layers"
    assert "layer:CrossEntropyLoss" not in ids and "layer:Sequential.0" in ids  # opened, it would be 5 nodes

    for module in (graph, stepper):
        monkeypatch.setattr(module, "OP_LIMIT", 3)
    ran = []
    monkeypatch.setattr(viz.steps, "backprop_steps", lambda *a, **k: ran.append(1))
    with pytest.raises(ValueError, match="5 op nodes.*more than the 3 a picture can show.*collapse=True"):
        viz.render_backprop(iris_loss(), tmp_path / "b")
    assert ran == []  # refused before the backward pass


@needs_dot
def test_many_one_op_layers_open_only_where_asked(tmp_path):
    x = ag.tensor(np.ones((2, 4), dtype="float32"), name="x")
    model = nn.Sequential(*[m for _ in range(10) for m in (nn.Linear(4, 4), nn.Tanh())])  # 20 one-op layers
    steps = viz.backprop_steps(model(x).sum())
    (data,) = page_data(page.backprop_page(steps, tmp_path / "a.html").read_text())
    assert [lv["id"] for lv in data["levels"]] == ["ops", "layers"]  # each layer's step shows its op already
    (data,) = page_data(page.backprop_page(steps, tmp_path / "b.html", level="6").read_text())
    assert [lv["id"] for lv in data["levels"]] == ["ops", "layers", "layer:Sequential.6"]
    assert data["levels"][data["start"]]["id"] == "layer:Sequential.6"


def test_heat_maps_are_downsampled_and_per_channel():
    from viz import stepper as S

    big = S.heat_maps(np.arange(200 * 100, dtype=float).reshape(200, 100))
    (m,) = big["maps"]
    assert (m["h"], m["w"]) == (64, 64) and "averaged down from 200x100" in big["note"]
    weights = S.heat_maps(np.ones((16, 1, 3, 3)), role="parameter")
    assert len(weights["maps"]) == 16 and weights["maps"][0]["h"] == 3
    acts = S.heat_maps(np.ones((4, 40, 8, 8)))
    assert len(acts["maps"]) == 32 and "first 32 of 40" in acts["note"]
    assert S.heat_maps(np.float32(3.0)) is None
    assert S.stats(np.array([3.0, -4.0])) == {"min": "-4", "mean": "-0.5", "max": "3", "norm": "5"}


def test_without_dot_the_page_is_a_text_stepper(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    loss = iris_loss()
    index = viz.render_backprop(loss, tmp_path / "bp")
    text = index.read_text()
    assert "<svg" not in text and "No picture" in text and "install" in text
    (data,) = page_data(text)
    assert len(data["levels"]) == 1 and len(data["levels"][0]["steps"]) == 5
    assert "rule: y = a @ b^T + c" in "".join(data["panels"])
    assert (tmp_path / "bp" / "graph.dot").is_file() and not (tmp_path / "bp" / "graph.svg").exists()


@needs_dot
def test_jupyter_bundle_is_a_self_contained_stepper_with_fallbacks():
    steps = viz.backprop_steps(iris_loss())
    first, second = steps._repr_mimebundle_(), steps._repr_mimebundle_()
    assert set(first) == {"text/html", "text/plain", "image/svg+xml"}
    html_a, html_b = first["text/html"], second["text/html"]
    assert html_a.startswith('<div class="tg-stepper') and "<script>" in html_a and "tgStepper(" in html_a
    prefix = lambda h: re.search(r'data-tg="([^"]+)"', h).group(1)  # noqa: E731
    assert prefix(html_a) != prefix(html_b)  # two displays in one notebook stay apart
    assert not re.search(r"""(src|href)=["']?(https?:|//)""", html_a)
    assert 'width="100%"' in first["image/svg+xml"]  # sized to the cell
    assert "linear" in first["text/plain"]
    forward = viz.forward_steps(iris_loss())._repr_mimebundle_()
    assert "Forward pass to" in forward["text/html"]
    if shutil.which("dot"):  # steps.show(level=...) displays the stepper opening at that level
        (data,) = page_data(viz.backprop_steps(iris_loss()).show(level="layers")._repr_mimebundle_()["text/html"])
        assert data["levels"][data["start"]]["id"] == "layers"


def test_flagship_demo_network_page_opens_at_layer_level_with_layer_0_opened(tmp_path):
    model, steps, index = lesson("00_flagship_demo").network_backward_page(tmp_path / "network")
    (data,) = page_data(index.read_text())
    assert data["levels"][data["start"]]["id"] == "layer:Sequential.0"
    assert data["levels"][data["start"]]["title"] == "0: Linear(4 -> 16)"
    # the learner's own backward pass: .grad landed once, and it is what the page shows
    weight = model[0].weight
    np.testing.assert_allclose(steps.grad(weight), weight.grad.numpy(), rtol=1e-6)
    assert len(steps) == 5


@needs_dot
def test_a_notebook_shows_each_stepper_inline(tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    cells = [
        f"import sys; sys.path.insert(0, {str(root)!r})\nimport autograd as ag, viz",
        "x, y = ag.tensor(2.0, name='x'), ag.tensor(4.0, name='y')\n"
        "w = ag.tensor(0.5, requires_grad=True, name='w')\nE = (x * w - y) ** 2\nE.name = 'E'\nviz.backprop_steps(E)",
        "viz.forward_steps(E)",
        "with viz.record_backward(E) as steps:\n    E.backward()\nsteps",
        "w.grad.item()",
    ]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    shown = [cell.outputs[-1]["data"] for cell in nb.cells[1:4]]
    for data in shown:
        assert {"text/html", "text/plain", "image/svg+xml"} <= set(data)
        assert data["text/html"].startswith('<div class="tg-stepper') and "tgStepper(" in data["text/html"]
    prefixes = {re.search(r'data-tg="([^"]+)"', d["text/html"]).group(1) for d in shown}
    assert len(prefixes) == 3  # three steppers in one notebook, each its own
    assert nb.cells[4].outputs[-1]["data"]["text/plain"] == "-12.0"  # gradients landed once, as usual


# ---------------------------------------------------------------- in headless Chromium


@pytest.fixture(scope="module")
def browser():
    chrome = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None)
    driver = shutil.which("chromedriver") or (
        "/usr/bin/chromedriver" if shutil.os.path.exists("/usr/bin/chromedriver") else None
    )
    if chrome is None or driver is None:
        pytest.skip("no chromium/chromedriver binary on this machine")
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    for flag in (
        "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-quic", "--window-size=1200,1000",
    ):  # fmt: skip
        options.add_argument(flag)
    profile = tempfile.mkdtemp()
    options.add_argument(f"--user-data-dir={profile}")
    options.binary_location = chrome
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    b = webdriver.Chrome(service=Service(driver), options=options)
    b.set_page_load_timeout(30)
    yield b
    b.quit()
    shutil.rmtree(profile, ignore_errors=True)


def open_page(browser, path, width=1024, height=768, zoom=1):
    """Load ``path`` in a ``width`` x ``height`` window at browser zoom ``zoom`` (CSS pixels shrink by it)."""
    metrics = {"width": round(width / zoom), "height": round(height / zoom), "deviceScaleFactor": zoom, "mobile": False}
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
    browser.get(path.as_uri())
    browser.get_log("browser")  # start each page with an empty log
    return browser


def errors(browser):
    return [e for e in browser.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]


_LABELS = """
var root = document.querySelectorAll('.tg-stepper')[arguments[0]];
var svg = root.querySelector('.tg-level:not([hidden]) svg');
return [...svg.querySelectorAll('g.node text')].filter(t => t.textContent.trim())
    .map(t => t.getBoundingClientRect().height);
"""


def stepper(browser, k=0):
    return browser.execute_script(f"return document.querySelectorAll('.tg-stepper')[{k}]")


def click_next_through_all_steps(browser, root):
    nxt, prev = root.find_element("css selector", ".tg-next"), root.find_element("css selector", ".tg-prev")
    formula = root.find_element("css selector", ".tg-formula")
    seen = [formula.text]
    while nxt.is_enabled():
        nxt.click()
        seen.append(formula.text)
    while prev.is_enabled():
        prev.click()
    assert formula.text == seen[0] and "Before backward" in seen[0]
    return seen


@needs_dot
@pytest.mark.browser
@pytest.mark.parametrize("network", ["iris", "cnn"])
def test_labels_readable_at_1024x768_and_every_step_without_errors(browser, tmp_path, network):
    loss = iris_loss() if network == "iris" else digits_cnn_loss()
    n_steps = len(viz.backprop_steps(loss))
    open_page(browser, viz.render_backprop(loss, tmp_path / network))
    heights = browser.execute_script(_LABELS, 0)
    assert len(heights) > 20 and min(heights) >= 11, f"smallest label {min(heights):.1f} px"
    seen = click_next_through_all_steps(browser, stepper(browser))
    assert len(seen) == n_steps + 1 and len(set(seen)) == len(seen)  # each step says something of its own
    assert "rule:" in seen[1]
    # at the last step every gradient is shown and nothing is greyed
    root = stepper(browser)
    browser.execute_script("arguments[0].tgStepper.show(1e9)", root)
    assert (
        browser.execute_script(
            "return arguments[0].querySelectorAll('.tg-level:not([hidden]) .tg-pending').length", root
        )
        == 0
    )
    assert errors(browser) == []


@needs_dot
@pytest.mark.browser
@pytest.mark.parametrize("network", ["iris", "cnn"])
def test_at_200_percent_zoom_the_picture_keeps_half_the_window(browser, tmp_path, network):
    loss = iris_loss() if network == "iris" else digits_cnn_loss()
    open_page(browser, viz.render_backprop(loss, tmp_path / network), zoom=2)
    inner, picture = browser.execute_script(
        "return [window.innerWidth, document.querySelector('.tg-picture').getBoundingClientRect().width]"
    )
    assert inner == 512 and picture >= inner / 2
    assert min(browser.execute_script(_LABELS, 0)) >= 11
    assert errors(browser) == []


@needs_dot
@pytest.mark.browser
def test_layers_open_and_close(browser, tmp_path):
    open_page(browser, viz.render_backprop(digits_cnn_loss(), tmp_path / "cnn", level="layers"))
    root = stepper(browser)
    visible_keys = (
        "return [...arguments[0].querySelectorAll('.tg-level:not([hidden]) g.node[data-key]')].map(g => g.dataset.key)"
    )
    keys = browser.execute_script(visible_keys, root)
    assert "layer_Sequential_0" in keys and not any(k.startswith("op") for k in keys)
    label = browser.execute_script(
        "return arguments[0].querySelector('.tg-level:not([hidden]) g[data-key=\"layer_Sequential_0\"]').textContent",
        root,
    )
    assert "0: Conv2d(1 -> 16, 3x3)" in label
    assert min(browser.execute_script(_LABELS, 0)) >= 11
    root.find_element("css selector", ".tg-next").click()
    root.find_element("css selector", ".tg-next").click()
    box = root.find_element("css selector", '.tg-level:not([hidden]) g[data-key="layer_Sequential_0"] polygon')
    browser.execute_script("arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true}))", box)
    keys = browser.execute_script(visible_keys, root)
    assert "op1" in keys and "layer_Sequential_0" not in keys and "layer_Sequential_3" in keys  # conv opened
    assert "opened" in root.find_element("css selector", ".tg-crumb").text
    counter = root.find_element("css selector", ".tg-counter").text
    assert counter == "step 2 of " + str(
        len(
            browser.execute_script(
                "return JSON.parse(arguments[0].querySelector('script.tg-data').textContent).levels.find(l => l.id === 'layer:Sequential.0').steps",
                root,
            )
        )
    )
    # its op steps have the local rule; back up to the layers
    root.find_element("css selector", "button[data-go='1']").click()
    assert "layer_Sequential_0" in browser.execute_script(visible_keys, root)
    assert errors(browser) == []


@needs_dot
@pytest.mark.browser
def test_clicking_a_tensor_opens_its_numbers_and_paths_to_the_loss(browser, tmp_path):
    open_page(browser, viz.render_backprop(digits_cnn_loss(), tmp_path / "cnn"))
    root = stepper(browser)
    tip = browser.execute_script(
        "return arguments[0].querySelector('.tg-level:not([hidden]) g[data-key=\"T2\"] a')"
        ".getAttributeNS('http://www.w3.org/1999/xlink', 'title')",
        root,
    )
    assert tip.startswith("0.weight: parameter, (16, 1, 3, 3) float32, value ")  # what hovering shows
    weight = root.find_element("css selector", '.tg-level:not([hidden]) g[data-key="T2"] polygon')  # 0.weight
    browser.execute_script("arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true}))", weight)
    node = root.find_element("css selector", ".tg-node")
    assert node.is_displayed()
    text = node.text
    assert "0.weight" in text and "(16, 1, 3, 3)" in text and "float32" in text
    assert "min" in text and "norm" in text and "dL/d0.weight" in text
    assert (
        "every number of value:" in text and "every number of dL/d0.weight:" in text and text.count(",") > 144
    )  # its 144 numbers, where the box has min/mean/max
    assert len(node.find_elements("css selector", "canvas")) == 32  # 16 filters, value and gradient
    painted = browser.execute_script(
        "var c = arguments[0].querySelector('canvas'); var d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
        "return [...d].filter((v, i) => i % 4 !== 3 && v !== 255).length",
        node,
    )
    assert painted > 0  # the heat map is drawn, not blank
    on_path = browser.execute_script(
        "return [...arguments[0].querySelectorAll('.tg-level:not([hidden]) g.node.tg-onpath')].map(g => g.dataset.key)",
        root,
    )
    loss_key = browser.execute_script(
        "return JSON.parse(arguments[0].querySelector('script.tg-data').textContent).levels[0].init.done[0]", root
    )
    assert "T2" in on_path and "op1" in on_path and loss_key in on_path and "T1" not in on_path  # x is no descendant
    root.find_element("css selector", ".tg-close").click()
    assert not node.is_displayed()
    assert errors(browser) == []


@needs_dot
@pytest.mark.browser
def test_two_steppers_in_one_document_are_independent(browser, tmp_path):
    a, _ = page.backward_stepper(viz.backprop_steps(iris_loss()))
    b, _ = page.backward_stepper(viz.backprop_steps(digits_cnn_loss()))
    open_page(browser, page.write_document(tmp_path / "two.html", "two", [a, b]))
    first, second = stepper(browser, 0), stepper(browser, 1)
    first.find_element("css selector", ".tg-next").click()
    first.find_element("css selector", ".tg-next").click()
    assert first.find_element("css selector", ".tg-counter").text == "step 2 of 5"
    assert second.find_element("css selector", ".tg-counter").text == "step 0 of 10"
    assert "Before backward" in second.find_element("css selector", ".tg-formula").text
    second.find_element("css selector", ".tg-next").click()
    assert first.find_element("css selector", ".tg-counter").text == "step 2 of 5"
    assert second.find_element("css selector", ".tg-counter").text == "step 1 of 10"
    assert errors(browser) == []


@pytest.mark.browser
def test_text_stepper_without_dot_in_the_browser(browser, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    index = viz.render_backprop(iris_loss(), tmp_path / "bp")
    monkeypatch.undo()
    open_page(browser, index)
    root = stepper(browser)
    assert "No picture" in root.text
    seen = click_next_through_all_steps(browser, root)
    assert len(seen) == 6 and "rule: y = a @ b^T + c" in "".join(seen)
    root.find_element("css selector", "button[data-tensor='T1']").click()
    assert "(8, 4)" in root.find_element("css selector", ".tg-node").text
    assert errors(browser) == []


@needs_dot
@pytest.mark.browser
def test_flagship_demo_page_in_the_browser(browser, tmp_path):
    _, steps, index = lesson("00_flagship_demo").network_backward_page(tmp_path / "network")
    open_page(browser, index)
    root = stepper(browser)
    keys = browser.execute_script(
        "return [...arguments[0].querySelectorAll('.tg-level:not([hidden]) g.node[data-key]')].map(g => g.dataset.key)",
        root,
    )
    assert "op1" in keys and "layer_Sequential_2" in keys  # layer 0 open at its op, layer 2 a box
    assert "layer 0: Linear(4 -> 16) opened" in root.find_element("css selector", ".tg-crumb").text
    assert min(browser.execute_script(_LABELS, 0)) >= 11
    seen = click_next_through_all_steps(browser, root)
    assert "Layer 2: Linear(16 -> 3)" in "".join(seen) and "rule: y = a @ b^T + c" in seen[-1]
    assert "agree" in seen[-1]  # the numerical check beside the step
    # the bar counts this level's 4 steps; no panel heading counts the 5 op steps against it
    assert "Backward through linear" in seen[-1] and not re.search(r"step \d+ of 5", "".join(seen))
    assert errors(browser) == []


_OUTSIDE = """
var root = document.querySelectorAll('.tg-stepper')[0], pane = root.querySelector('.tg-picture');
var box = pane.getBoundingClientRect(), left = box.left + pane.clientLeft, top = box.top + pane.clientTop;
var keys = arguments[0] || [...root.querySelectorAll('.tg-level:not([hidden]) g.node[data-key]')].map(g => g.dataset.key);
return [keys.length, keys.filter(function (k) {
  var r = root.querySelector('.tg-level:not([hidden]) g.node[data-key="' + k + '"]').getBoundingClientRect();
  return r.left < left || r.right > left + pane.clientWidth || r.top < top || r.bottom > top + pane.clientHeight;
})];
"""


@needs_dot
@pytest.mark.browser
def test_one_weight_graph_is_all_in_view_at_1024x768(browser, tmp_path):
    lesson("00_flagship_demo").first_update_page(tmp_path)
    open_page(browser, tmp_path / "index.html")
    shown, outside = browser.execute_script(_OUTSIDE, None)
    assert shown == 10 and outside == []  # x, w, y, 2, y_pred, t1, E and the three ops, none scrolled away
    assert min(browser.execute_script(_LABELS, 0)) >= 11
    picture, side = browser.execute_script(
        "return ['.tg-picture', '.tg-side'].map(s => document.querySelector(s).getBoundingClientRect().width)"
    )
    assert picture > 1.5 * side  # the picture gets the larger share
    assert errors(browser) == []


@needs_dot
@pytest.mark.browser
def test_flagship_network_page_opens_with_the_opened_layer_in_view(browser, tmp_path):
    _, _, index = lesson("00_flagship_demo").network_backward_page(tmp_path / "network")
    open_page(browser, index)
    (data,) = page_data(index.read_text())
    opened = data["levels"][data["start"]]["open"]
    assert "op1" in opened and "T2" in opened  # the layer's op and its weight
    shown, outside = browser.execute_script(_OUTSIDE, opened)
    assert shown == len(opened) and outside == []
    side_by_side = browser.execute_script(
        "var p = document.querySelector('.tg-picture').getBoundingClientRect(),"
        " s = document.querySelector('.tg-side').getBoundingClientRect(); return s.left >= p.right && s.top === p.top"
    )
    assert side_by_side
    # a tensor's panel makes the page taller (a scrollbar appears): the text column stays beside the picture
    browser.execute_script("arguments[0].tgStepper.select('T3')", stepper(browser))
    assert browser.execute_script(
        "var p = document.querySelector('.tg-picture').getBoundingClientRect(),"
        " s = document.querySelector('.tg-side').getBoundingClientRect(); return s.left >= p.right"
    )
    assert errors(browser) == []


@needs_dot
@pytest.mark.browser
def test_forward_stepper_shows_values_as_they_are_computed(browser, tmp_path):
    open_page(browser, viz.render_forward(digits_cnn_loss(), tmp_path / "fw"))
    root = stepper(browser)
    pending = "return arguments[0].querySelectorAll('.tg-level:not([hidden]) g.node.tg-pending').length"
    before = browser.execute_script(pending, root)
    assert before == 2 * 10  # every op and its result wait to be computed
    assert "Before the forward pass" in root.find_element("css selector", ".tg-formula").text
    root.find_element("css selector", ".tg-next").click()
    assert browser.execute_script(pending, root) == before - 2
    assert "conv2d" in root.find_element("css selector", ".tg-formula").text
    browser.execute_script("arguments[0].tgStepper.show(1e9)", root)
    assert browser.execute_script(pending, root) == 0
    assert min(browser.execute_script(_LABELS, 0)) >= 11
    assert errors(browser) == []


@needs_dot
@pytest.mark.browser
def test_names_that_look_like_html_stay_text(browser, tmp_path):
    evil = "</script><script>window.pwned = 1</script><b>w</b>"
    w = ag.tensor([0.5, -1.0], requires_grad=True, name=evil)
    loss = (w * w).sum()
    text = viz.render_backprop(loss, tmp_path / "x").read_text()
    assert "<script>window.pwned" not in text
    open_page(browser, tmp_path / "x" / "index.html")
    root = stepper(browser)
    assert browser.execute_script("return window.pwned === undefined && document.querySelectorAll('b').length === 0")
    browser.execute_script("arguments[0].tgStepper.select('T1')", root)
    assert evil in root.find_element("css selector", ".tg-node").text  # shown as the text it is
    assert errors(browser) == []


@needs_dot
@pytest.mark.browser
def test_zoom_buttons_wheel_and_fit(browser, tmp_path):
    open_page(browser, viz.render_backprop(digits_cnn_loss(), tmp_path / "cnn"))
    root = stepper(browser)
    scale = lambda: browser.execute_script("return arguments[0].tgStepper.state.scale", root)  # noqa: E731
    start = scale()
    root.find_element("css selector", "button[data-zoom='in']").click()
    assert scale() > start and min(browser.execute_script(_LABELS, 0)) > 11
    root.find_element("css selector", "button[data-zoom='out']").click()
    root.find_element("css selector", "button[data-zoom='out']").click()
    assert scale() < start  # the learner may zoom out for an overview
    root.find_element("css selector", "button[data-zoom='fit']").click()
    assert scale() == pytest.approx(start) and min(browser.execute_script(_LABELS, 0)) >= 11
    wheel = "arguments[0].dispatchEvent(new WheelEvent('wheel', {deltaY: -100, ctrlKey: arguments[1], bubbles: true, cancelable: true}))"
    picture = root.find_element("css selector", ".tg-picture")
    browser.execute_script(wheel, picture, False)
    assert scale() == pytest.approx(start)  # the plain wheel scrolls
    browser.execute_script(wheel, picture, True)
    assert scale() > start  # Ctrl + wheel zooms
    assert errors(browser) == []
