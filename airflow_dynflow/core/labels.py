"""What people read as a node's name: the text of a label, without the characters that lie about it.

A name can come from a run's inputs (``t(x=s).with_overrides(name=s)`` in a dynamic's body), so
whoever may trigger a run chooses it. Bidi controls reorder what is shown (U+202E makes ``evil``
read ``live``), zero-width and other format characters hide text, and control characters break log
lines and the UI's columns. They are dropped wherever a label is made, so one name reads the same
in the spec, the logs, the Map Index column and the graph page.
"""

from __future__ import annotations

import unicodedata

__all__ = ["printable"]

# Controls, format characters (bidi embeddings, overrides and isolates, zero-width characters),
# line and paragraph separators, and lone surrogates.
_HIDDEN = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})


def printable(text: str) -> str:
    """``text`` without the characters of ``_HIDDEN``."""
    return "".join(ch for ch in text if unicodedata.category(ch) not in _HIDDEN)
