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
