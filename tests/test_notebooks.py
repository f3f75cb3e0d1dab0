"""Lessons as notebooks: each percent-format lesson builds into a notebook that runs in a real kernel
(nbclient, the venv's ipykernel) and shows its pictures inline, without ``%matplotlib inline``."""

import shutil
import sys
from pathlib import Path

import pytest

pytest.importorskip("jupytext")
pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")
pytest.importorskip("matplotlib")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tutorials"))
import notebooks  # noqa: E402  (tutorials/notebooks.py: the build command)

# lesson -> the kinds of inline output its pictures must produce
INLINE = {
    "01_gradient_descent_one_weight": {"image/png", "text/html"}
    | ({"image/svg+xml"} if shutil.which("dot") else set()),
    "00_flagship_demo": {"image/png", "text/html"} | ({"image/svg+xml"} if shutil.which("dot") else set()),
    "04_perceptron": {"image/png"},
    "13_convolution": {"image/png"},
    "26_chain_rule_of_probabilities": {"image/png"},  # the sequence lessons' plots, inline too
    "27_count_bigram": {"image/png"},
    "29_rnn_names": {"image/png"},
}


def _shown(notebook):
    """Every inline output's MIME types, per code cell; and the errors, if any."""
    shown, errors = [], []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if output["output_type"] in ("display_data", "execute_result"):
                shown.append(set(output["data"]))
            elif output["output_type"] == "error":
                errors.append(f"{output['ename']}: {output['evalue']}")
    return shown, errors


def test_every_lesson_converts_into_markdown_and_code_cells():
    for lesson in notebooks.lessons():
        notebook = notebooks.to_notebook(lesson)
        kinds = [cell.cell_type for cell in notebook.cells]
        assert kinds.count("markdown") >= 1 and kinds.count("code") >= 2, f"{lesson.name} is not in percent format"
        assert notebook.cells[0].metadata["tags"] == ["setup"]
        first_text = next(cell.source for cell in notebook.cells if cell.cell_type == "markdown")
        assert first_text.startswith("# "), f"{lesson.name}: the first text cell should title the lesson"


@pytest.mark.parametrize("name", sorted(INLINE))
def test_lesson_runs_as_a_notebook_and_shows_its_pictures_inline(name, tmp_path, monkeypatch):
    monkeypatch.setenv("TEACHGRAD_OUT", str(tmp_path / "out"))
    path = notebooks.build(ROOT / "tutorials" / f"{name}.py", tmp_path)
    executed = notebooks.execute(path, fast=True, timeout=300)
    shown, errors = _shown(executed)
    assert not errors, errors
    kinds = set().union(*shown) if shown else set()
    assert INLINE[name] <= kinds, f"{name} showed {sorted(kinds)} inline"
    pngs = sum("image/png" in s for s in shown)
    written = list((tmp_path / "out" / name).glob("*.png"))
    assert pngs == len(written) >= 1  # each plot the lesson writes is shown once, inline
    text = "".join(
        o.get("text", "") for c in executed.cells for o in c.get("outputs", []) if o["output_type"] == "stream"
    )
    assert "Pictures and pages written to" in text  # ran to the end


def test_flagship_demo_shows_both_steppers_inline(tmp_path, monkeypatch):
    import json
    import re

    monkeypatch.setenv("TEACHGRAD_OUT", str(tmp_path / "out"))
    path = notebooks.build(ROOT / "tutorials" / "00_flagship_demo.py", tmp_path)
    executed = notebooks.execute(path, fast=True, timeout=300)
    pages = [
        o["data"]["text/html"]
        for c in executed.cells
        for o in c.get("outputs", [])
        if o["output_type"] in ("display_data", "execute_result") and "tg-stepper" in o["data"].get("text/html", "")
    ]
    assert len(pages) == 2  # the network's page, then the one weight's
    starts = []
    for page in pages:
        data = json.loads(re.search(r'class="tg-data">(.*?)</script>', page).group(1))
        starts.append(data["levels"][data["start"]]["id"])
    opened = "layer:Sequential.0" if shutil.which("dot") else "ops"  # without dot: text steppers, one level
    assert starts == [opened, "ops"]  # the network opens with layer 0 opened, as its page file does
    assert re.search(r'data-tg="([^"]+)"', pages[0]).group(1) != re.search(r'data-tg="([^"]+)"', pages[1]).group(1)
