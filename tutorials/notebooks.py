"""Build the lessons as Jupyter notebooks: ``python tutorials/notebooks.py`` writes ``out/notebooks/*.ipynb``.

Every lesson is a jupytext "percent" script (``# %%`` code cells, ``# %% [markdown]``
text cells), so it converts to a notebook cell for cell. Each notebook starts
with one extra cell that puts this checkout on ``sys.path`` (the engine and
``tutorials/common.py``), so it opens and runs from ``out/notebooks`` as it is.

    python tutorials/notebooks.py                    # every lesson -> out/notebooks/NN_name.ipynb
    python tutorials/notebooks.py 01 13              # only lessons 01 and 13
    python tutorials/notebooks.py --execute --fast   # also run them (shrunk), saving their outputs

Needs the ``notebooks`` extra: ``pip install -e '.[notebooks]'`` (jupytext, nbformat,
and nbclient + ipykernel for ``--execute``). Open the results with Jupyter.
"""

import argparse
import os
import re
import sys
from pathlib import Path

TUTORIALS = Path(__file__).resolve().parent
ROOT = TUTORIALS.parent


def lessons(chosen=()):
    """The lesson files (``NN_name.py``), all or those whose number or name starts with one of ``chosen``."""
    found = sorted(TUTORIALS.glob("[0-9][0-9]_*.py"))
    if not chosen:
        return found
    picked = [p for p in found if any(p.stem.startswith(c) for c in chosen)]
    if not picked:
        raise SystemExit(f"no lesson matches {list(chosen)}; lessons: {[p.stem for p in found]}")
    return picked


def setup_cell_source():
    """The first cell of every notebook: where the engine and the lessons' helpers are."""
    return (
        "# Where this notebook finds the engine and the lessons' helpers (tutorials/common.py)\n"
        "import sys\n\n"
        f"sys.path[:0] = [{str(TUTORIALS)!r}, {str(ROOT)!r}]"
    )


def to_notebook(lesson):
    """The lesson file as a notebook object (nbformat), with the setup cell first."""
    import jupytext
    import nbformat

    notebook = jupytext.read(lesson, fmt="py:percent")
    setup = nbformat.v4.new_code_cell(setup_cell_source(), metadata={"tags": ["setup"]})
    notebook.cells.insert(0, setup)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.metadata.pop("jupytext", None)  # a plain notebook, not paired with the script
    return notebook


def build(lesson, out_dir):
    """Write ``out_dir/<lesson>.ipynb``; returns its path."""
    import nbformat

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{Path(lesson).stem}.ipynb"
    nbformat.write(to_notebook(lesson), path)
    return path


def execute(path, fast=True, timeout=600):
    """Run the notebook at ``path`` in a fresh Python kernel and save it with its outputs.

    ``fast`` sets TEACHGRAD_FAST=1 for the kernel (shrunk training). Returns the executed notebook.
    """
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    env = dict(os.environ, TEACHGRAD_FAST="1" if fast else "0")
    env.pop("MPLBACKEND", None)  # the kernel picks its own inline backend; the lessons show PNGs themselves
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(Path(path).parent)}})  # fmt: skip
    client.execute(env=env)
    nbformat.write(notebook, path)
    return notebook


def main():
    parser = argparse.ArgumentParser(description="Build the lessons as Jupyter notebooks.")
    parser.add_argument("lessons", nargs="*", help="lesson numbers or names (default: all)")
    parser.add_argument("--out", default=str(Path(os.environ.get("TEACHGRAD_OUT", ROOT / "out")) / "notebooks"))
    parser.add_argument("--execute", action="store_true", help="run each notebook and keep its outputs")
    parser.add_argument("--fast", action="store_true", help="with --execute: shrunk training")
    args = parser.parse_args()
    failed = []
    for lesson in lessons(args.lessons):
        path = build(lesson, args.out)
        if args.execute:
            try:
                execute(path, fast=args.fast)
            except Exception as error:  # one lesson's failure (e.g. CIFAR files absent) does not stop the rest
                failed.append(path.name)
                last = re.sub(r"\x1b\[[0-9;]*m", "", str(error)).strip().splitlines()[-1]  # without colour codes
                print(f"{path}: execution stopped: {last}")
                continue
        print(path)
    if failed:
        print(f"\n{len(failed)} notebook(s) stopped with an error: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
