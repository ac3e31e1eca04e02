"""A node's name reads the same everywhere: the characters that reorder, hide or break text are
dropped, whoever chose the name."""

from __future__ import annotations

import pytest

from airflow_dynflow.core.labels import printable


@pytest.mark.parametrize(
    "text, shown",
    [
        ("n3 \u202eevil", "n3 evil"),  # a right-to-left override
        ("a\u200bb", "ab"),  # a zero-width space
        ("line\nbreak\ttab", "linebreaktab"),  # controls
        ("para\u2029graph", "paragraph"),  # a paragraph separator
    ],
)
def test_characters_that_lie_about_a_name_are_dropped(text, shown):
    assert printable(text) == shown


def test_ordinary_text_in_any_script_is_kept():
    assert printable("n1 größe_計算 ✓") == "n1 größe_計算 ✓"
