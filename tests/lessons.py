"""Importing the tutorials from tests: their file names start with digits, so ``import`` can't."""

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TUTORIALS = ROOT / "tutorials"


def lesson(name):
    """Import ``tutorials/<name>.py`` as a module (its file name starts with a digit)."""
    module_name = "lesson_" + name
    if module_name not in sys.modules:
        if str(TUTORIALS) not in sys.path:
            sys.path.insert(0, str(TUTORIALS))
        spec = importlib.util.spec_from_file_location(module_name, TUTORIALS / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        spec.loader.exec_module(module)
    return sys.modules[module_name]
