"""``load_names()``: 32,033 first names, one per line, lower case a-z, shipped in the package.

The corpus of the character-level language models (worked examples R2-R5):
the most common names of the U.S. Social Security Administration's baby-name
list for 2018, as collected in the ``names.txt`` of karpathy/makemore (MIT
licence, ``data/names.LICENSE``; see ``data/SOURCE.md``).

>>> names = load_names()
>>> len(names), names[:3]
(32033, ['emma', 'olivia', 'ava'])
"""

import functools
from importlib import resources

__all__ = ["load_names"]

N_NAMES = 32033  # the file's own count, checked on reading


@functools.cache
def _read_names():
    text = resources.files("nn.datasets").joinpath("data", "names.txt").read_text(encoding="ascii")
    names = tuple(text.split())
    if len(names) != N_NAMES:
        raise ValueError(f"names.txt: expected {N_NAMES} names, found {len(names)}: the file is damaged")
    return names


def load_names():
    """The 32,033 names as a list of strings (a new list each call: shuffle it freely)."""
    return list(_read_names())
