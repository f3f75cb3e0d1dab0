"""Importing the tutorials from tests: their file names start with digits, so ``import`` can't.

A lesson is a script and a notebook at once: its definitions come first, then
``common.begin(__name__, ...)`` marks where its run starts. Imported here (its
``__name__`` is not ``"__main__"``), ``begin`` stops the import with
``common.LessonImported``: the module keeps every definition above that line
and runs nothing.
"""

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TUTORIALS = ROOT / "tutorials"


def lesson(name):
    """Import ``tutorials/<name>.py`` as a module (its file name starts with a digit), without running it."""
    module_name = "lesson_" + name
    if module_name not in sys.modules:
        if str(TUTORIALS) not in sys.path:
            sys.path.insert(0, str(TUTORIALS))
        import common

        spec = importlib.util.spec_from_file_location(module_name, TUTORIALS / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        try:
            spec.loader.exec_module(module)
        except common.LessonImported:
            pass  # the definitions are in; the lesson's run is not wanted here
        except BaseException:
            del sys.modules[module_name]
            raise
    return sys.modules[module_name]


def path_without(program, folder):
    """A PATH like this one where ``program`` (e.g. Graphviz's ``dot``) cannot be found.

    Each PATH folder that holds ``program`` is replaced by a folder (made under
    ``folder``) of symbolic links to everything else in it.
    """
    import os

    parts = []
    for i, entry in enumerate(os.environ.get("PATH", "").split(os.pathsep)):
        here = Path(entry)
        if entry and (here / program).exists():
            copy = Path(folder) / f"path{i}"
            copy.mkdir(parents=True, exist_ok=True)
            for item in here.iterdir():
                if item.name != program and not (copy / item.name).exists():
                    (copy / item.name).symlink_to(item)
            entry = str(copy)
        parts.append(entry)
    return os.pathsep.join(parts)


def pythonpath_without_matplotlib(folder):
    """A PYTHONPATH under which ``import matplotlib`` fails, as on a machine without it."""
    import os

    blocker = Path(folder) / "no_matplotlib" / "matplotlib"
    blocker.mkdir(parents=True, exist_ok=True)
    (blocker / "__init__.py").write_text('raise ImportError("matplotlib is blocked for this test")\n')
    return os.pathsep.join([str(blocker.parent), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)
