"""Writing a ``make bench`` run into docs/benchmarks.md: its figures with the date, machine and commit.

The run's section sits between two markers (``<!-- bench:latest -->`` and ``<!-- /bench:latest -->``)
and is replaced as a whole by the next run, so the page always shows the latest full run beside the
hand-written sections that explain earlier ones. Without the markers the section is appended.
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
START, END = "<!-- bench:latest -->", "<!-- /bench:latest -->"


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
    dirty = git("status", "--porcelain", "--untracked-files=no")
    return head + (" with uncommitted changes" if dirty else "")


def section(rows: list[tuple[str, str, str]], appendix: str, suites: list[str]) -> str:
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        START,
        f"## Latest `make bench` ({when}, {machine()}, commit `{commit()}`)",
        "",
        f"Written by `python -m bench --write-docs` (suites: {', '.join(suites)}); the next run replaces it.",
        "",
        "| benchmark | result | notes |",
        "|---|---|---|",
        *("| " + " | ".join(row) + " |" for row in rows),
    ]
    if appendix:
        lines += ["", appendix.rstrip()]
    return "\n".join([*lines, END]) + "\n"


def write(rows: list[tuple[str, str, str]], appendix: str, suites: list[str], doc: Path = DOC) -> None:
    text = doc.read_text()
    new = section(rows, appendix, suites)
    if START in text and END in text:
        before, rest = text.split(START, 1)
        after = rest.split(END, 1)[1].lstrip("\n")
        text = before + new + ("\n" + after if after else "")
    else:
        text = text.rstrip("\n") + "\n\n" + new
    doc.write_text(text)
