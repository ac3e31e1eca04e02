"""``python -m bench [core|airflow ...]``: print each benchmark's figures as a Markdown table."""

from __future__ import annotations

import importlib
import os
import platform
import sys
from datetime import date

SUITES = ["core", "trust", "graph_view", "airflow", "scheduler"]


def main(argv: list[str]) -> None:
    suites = argv or SUITES
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    print(f"Machine: {machine}, {date.today().isoformat()}\n")
    print("| benchmark | result | notes |\n|---|---|---|")
    for name in suites:
        for row in importlib.import_module(f"bench.{name}").run():
            print("| " + " | ".join(row) + " |", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
