"""Writing ``make bench`` figures into docs/benchmarks.md, with the date, machine and commit.

Each suite's figures sit in a block of their own between two markers (``<!-- bench:scheduler -->``
and ``<!-- /bench:scheduler -->``) under the page's last heading, "Latest `make bench` figures".
A run replaces the blocks of the suites it ran in place and leaves the others, so a long suite can
be run alone (on a quiet machine) without losing the rest. The page's hand-written tables above
them, the headline figures of each stack against their goals, are updated from the blocks by hand.
"""

from __future__ import annotations

import os
import platform
import re
import subprocess
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DOC = REPO / "docs" / "benchmarks.md"
HEADING = "## Latest `make bench` figures"
INTRO = (
    "Written by `python -m bench --write-docs` (what `make bench` runs): one block per suite, each "
    "replaced by the next run of that suite."
)


def machine() -> str:
    """``x86_64 Intel(R) Xeon(R) Processor, 2 cores, 24 GiB, Python 3.11.7``."""
    model = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists() and (found := re.search(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(), re.M)):
        model = f"{platform.machine()} {found.group(1).strip()}"
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{model}, {os.cpu_count()} cores, {memory:.0f} GiB, Python {platform.python_version()}"


def commit() -> str:
    """The short commit of the tree measured, marked when it had uncommitted changes."""

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, check=False)
        return done.stdout.strip()

    head = git("rev-parse", "--short", "HEAD") or "unknown"
    # Not DOC itself: each suite writes its block there as it finishes, which would mark every
    # later suite of the same run as measured on a modified tree.
    dirty = git("status", "--porcelain", "--untracked-files=no", "--", ".", f":!{DOC.relative_to(REPO)}")
    return head + (" with uncommitted changes" if dirty else "")


def block(suite: str, rows: list[tuple[str, str, str]], appendix: str = "") -> str:
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"<!-- bench:{suite} -->",
        f"### `{suite}` ({when}, {machine()}, commit `{commit()}`)",
        "",
        "| benchmark | result | notes |",
        "|---|---|---|",
        *("| " + " | ".join(row) + " |" for row in rows),
    ]
    if appendix:
        lines += ["", appendix.rstrip()]
    return "\n".join([*lines, f"<!-- /bench:{suite} -->"])


def write(suite: str, rows: list[tuple[str, str, str]], appendix: str = "", doc: Path = DOC) -> None:
    """Replace (or add) ``suite``'s block in ``doc``."""
    text = doc.read_text().rstrip("\n")
    new = block(suite, rows, appendix)
    start, end = f"<!-- bench:{suite} -->", f"<!-- /bench:{suite} -->"
    if start in text and end in text:
        before, rest = text.split(start, 1)
        text = before + new + rest.split(end, 1)[1]
    else:
        if HEADING not in text:
            text += f"\n\n{HEADING}\n\n{INTRO}"
        text += "\n\n" + new
    doc.write_text(text + "\n")
