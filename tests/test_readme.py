"""The README's code blocks run as written (the GPU block only where there is a GPU)."""

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"


def python_blocks():
    return re.findall(r"```python\n(.*?)```", README.read_text(), re.S)


def test_readme_examples_run(tmp_path, monkeypatch, capsys):
    pytest.importorskip("graphviz")
    monkeypatch.chdir(tmp_path)  # the viz example writes out/steps and out/forward
    namespace = {}
    blocks = [b for b in python_blocks() if '"cuda"' not in b]
    assert len(blocks) >= 4
    for block in blocks:
        exec(compile(block, str(README), "exec"), namespace)
    assert "dE/dw = -12.0000" in capsys.readouterr().out  # the ten-line example's first update
    assert (tmp_path / "out" / "steps" / "index.html").exists()
