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


def test_render_backprop_writes_frames_and_one_self_contained_page(tmp_path):
    page = viz.render_backprop(one_weight(), tmp_path)
    assert page == tmp_path / "index.html"
    frames = sorted(p.name for p in tmp_path.glob("step_*.svg"))
    assert frames == ["step_000.svg", "step_001.svg", "step_002.svg", "step_003.svg"]  # before + 3 steps
    for f in frames:
        ET.parse(tmp_path / f)
    text = page.read_text()
    assert text.count('class="frame"') == 4 and text.count("<svg") == 4
    assert not re.search(r"""(src|href)=["']?(https?:|//)""", text)  # nothing fetched from anywhere
    assert "dL/db = dL/dc * a = (-6) * 2 = -12" in text
    assert 'id="prev"' in text and 'id="next"' in text and 'type="range"' in text and "ArrowRight" in text
    ids = re.findall(r'\bid="([^"]+)"', text)
    assert len(ids) == len(set(ids))  # frames' ids made unique


def test_steps_save_as_html_and_forward_view(tmp_path):
    steps = viz.backprop_steps(one_weight())
    page = viz.save(steps, tmp_path / "steps.html")
    assert page.read_text().count('class="frame"') == len(steps) + 1
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
    browser = webdriver.Chrome(service=Service(driver_path), options=options)
    try:
        browser.set_page_load_timeout(30)
        browser.get(page.as_uri())

        def visible_highlight():
            return browser.execute_script(
                "var f = [...document.querySelectorAll('#picture .frame')].filter(e => e.style.display !== 'none');"
                "if (f.length !== 1) return 'frames visible: ' + f.length;"
                "var h = f[0].querySelector('g.highlight title'); return h ? h.textContent : null;"
            )

        formula = browser.find_element(By.ID, "formula")
        assert visible_highlight() is None and "Before backward" in formula.text
        browser.find_element(By.ID, "next").click()
        assert visible_highlight() == "op3" and "Step 1 of 3: pow" in formula.text  # backward starts at the loss
        first = formula.text
        browser.find_element(By.ID, "next").click()
        assert visible_highlight() == "op2" and "Step 2 of 3: sub" in formula.text and formula.text != first
        browser.find_element(By.TAG_NAME, "body").send_keys(Keys.ARROW_RIGHT)
        assert visible_highlight() == "op1" and "(-6) * 2 = -12" in formula.text
        assert not browser.find_element(By.ID, "next").is_enabled()
        browser.find_element(By.ID, "prev").click()
        assert visible_highlight() == "op2"
        assert browser.find_element(By.ID, "slider").get_attribute("value") == "2"
    finally:
        browser.quit()
