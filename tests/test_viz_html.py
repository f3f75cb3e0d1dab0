"""viz.render_backprop / render_forward: the self-contained stepper page, and in a real headless Chromium."""

import re
import shutil
import tempfile
import xml.etree.ElementTree as ET

import pytest

pytest.importorskip("graphviz")
if shutil.which("dot") is None:
    pytest.skip("the graphviz 'dot' program is not installed", allow_module_level=True)

import autograd as ag  # noqa: E402
import viz  # noqa: E402


def one_weight():
    x, y = ag.tensor(2.0, name="x"), ag.tensor(4.0, name="y")
    w = ag.tensor(0.5, requires_grad=True, name="w")
    E = (x * w - y) ** 2
    E.name = "E"
    return E


def test_render_backprop_writes_one_self_contained_page(tmp_path):
    page = viz.render_backprop(one_weight(), tmp_path)
    assert page == tmp_path / "index.html"
    ET.parse(tmp_path / "graph.svg")  # the picture after the last step
    assert "digraph" in (tmp_path / "graph.dot").read_text()
    assert not list(tmp_path.glob("step_*.svg"))  # steps are recolourings of one layout, not one dot run each
    text = page.read_text()
    assert text.count("<svg") == 1 and 'class="tg-level"' in text  # no layers: one level, laid out once
    assert not re.search(r"""(src|href)=["']?(https?:|//)""", text)  # nothing fetched from anywhere
    assert "dE/db = dE/dc * a = (-6) * 2 = -12" in text  # the loss's own name
    assert 'class="tg-prev"' in text and 'class="tg-next"' in text and 'type="range"' in text and "ArrowRight" in text
    assert not re.search(r"\sid=", text)  # no global ids: several steppers can share a document
    assert "tg-legend" in text and "not reached yet" in text


def test_steps_save_as_html_and_forward_view(tmp_path):
    steps = viz.backprop_steps(one_weight())
    page = viz.save(steps, tmp_path / "steps.html")
    assert page.read_text().count('"cur":') == len(steps)
    fw = viz.render_forward(one_weight(), tmp_path / "forward")
    assert "c = a * b = 2 * 0.5 = 1" in fw.read_text()


def _find_browser():
    chrome = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None)
    driver = shutil.which("chromedriver") or (
        "/usr/bin/chromedriver" if shutil.os.path.exists("/usr/bin/chromedriver") else None
    )
    return chrome, driver


@pytest.mark.browser
def test_stepper_in_headless_chromium(tmp_path):
    chrome, driver_path = _find_browser()
    if chrome is None or driver_path is None:
        pytest.skip("no chromium/chromedriver binary on this machine")
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    page = viz.render_backprop(one_weight(), tmp_path / "bp")
    options = webdriver.ChromeOptions()
    for flag in (
        "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-quic",
    ):  # fmt: skip
        options.add_argument(flag)
    profile = tempfile.mkdtemp(dir=tmp_path)
    options.add_argument(f"--user-data-dir={profile}")
    options.binary_location = chrome
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    browser = webdriver.Chrome(service=Service(driver_path), options=options)
    try:
        browser.set_page_load_timeout(30)
        browser.get(page.as_uri())

        def current():
            return browser.execute_script(
                "return [...document.querySelectorAll('.tg-level:not([hidden]) g.node.tg-current')]"
                ".map(g => g.dataset.key).join(',') || null"
            )

        def grad_row(name):  # the gradient row of the tensor box named `name` ('' while hidden)
            return browser.execute_script(
                "var g = [...document.querySelectorAll('.tg-level:not([hidden]) g.node')]"
                ".find(g => g.querySelector('text') && g.querySelector('text').textContent === arguments[0]);"
                "var t = g.querySelector('text.tg-grad'); return getComputedStyle(t).visibility === 'hidden' ? '' : t.textContent",
                name,
            )

        formula = browser.find_element(By.CSS_SELECTOR, ".tg-formula")
        nxt, prev = browser.find_element(By.CSS_SELECTOR, ".tg-next"), browser.find_element(By.CSS_SELECTOR, ".tg-prev")
        assert current() is None and "Before backward" in formula.text
        assert grad_row("E") == "grad = 1" and grad_row("w") == ""
        nxt.click()
        assert current() == "op3" and "Backward through pow" in formula.text  # backward starts at the loss
        first = formula.text
        nxt.click()
        assert current() == "op2" and "Backward through sub" in formula.text and formula.text != first
        browser.find_element(By.TAG_NAME, "body").send_keys(Keys.ARROW_RIGHT)
        assert current() == "op1" and "(-6) * 2 = -12" in formula.text and "agree" in formula.text
        assert grad_row("w") == "grad = -12"
        assert not nxt.is_enabled()
        prev.click()
        assert current() == "op2" and grad_row("w") == ""
        assert browser.find_element(By.CSS_SELECTOR, ".tg-slider").get_attribute("value") == "2"
        assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []
    finally:
        browser.quit()
