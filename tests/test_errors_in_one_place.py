"""Every user-facing error is worded in the ``core/errors/`` or ``airflow/errors/`` package.

A raise anywhere else may re-raise, raise an exception a helper built, or raise a control-flow
exception with data arguments; it may not write message text of its own (an f-string, or a string
literal with a space in it). This is what keeps one misuse from getting two wordings.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "airflow_dynflow"
ERROR_PACKAGES = (Path("core", "errors"), Path("airflow", "errors"))


def _message_text(node: ast.AST) -> bool:
    return isinstance(node, ast.JoinedStr) or (
        isinstance(node, ast.Constant) and isinstance(node.value, str) and " " in node.value
    )


def _raises_with_own_text(package: Path = PACKAGE) -> list[str]:
    found = []
    for path in sorted(package.rglob("*.py")):
        if path.relative_to(package).parent in ERROR_PACKAGES:
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            exc = node.exc if isinstance(node, ast.Raise) else None
            if exc is not None and any(_message_text(part) for part in ast.walk(exc)):
                found.append(f"{path.relative_to(package.parent)}:{node.lineno}")
    return found


def test_no_raise_outside_the_error_modules_writes_its_own_message():
    assert _raises_with_own_text() == []


def test_the_check_finds_message_text_written_at_a_raise(tmp_path):
    package = tmp_path / "airflow_dynflow"
    (package / "core").mkdir(parents=True)
    (package / "core" / "bad.py").write_text(
        'def f(x):\n    raise ValueError(f"bad {x}")\n\n\ndef g():\n    raise TypeError("no good")\n'
    )
    (package / "core" / "errors").mkdir()
    (package / "core" / "errors" / "calls.py").write_text('def bad(x):\n    raise ValueError(f"bad {x}")\n')
    assert _raises_with_own_text(package) == [
        "airflow_dynflow/core/bad.py:2",
        "airflow_dynflow/core/bad.py:6",
    ]
