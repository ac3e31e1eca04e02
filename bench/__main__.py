"""``python -m bench [--write-docs] [core|airflow ...]``: each benchmark's figures as a Markdown table.

With ``--write-docs`` (what ``make bench`` runs) each suite's rows, and its ``appendix()`` when it
has one (the before/after profile of a generated instance), also replace that suite's block in
docs/benchmarks.md, stamped with the date, machine and commit (``bench.report``).
"""

from __future__ import annotations

import importlib
import sys

from bench import report

SUITES = [
    "core",
    "trust",
    "instance",
    "task_profile",
    "requests",
    "graph_view",
    "airflow",
    "scheduler",
    "packing",
    "distributed",
]


def main(argv: list[str]) -> None:
    write_docs = "--write-docs" in argv
    suites = [a for a in argv if a != "--write-docs"] or SUITES
    print(f"Machine: {report.machine()}, commit {report.commit()}\n")
    print("| benchmark | result | notes |\n|---|---|---|")
    for name in suites:
        module = importlib.import_module(f"bench.{name}")
        rows = module.run()
        for row in rows:
            print("| " + " | ".join(row) + " |", flush=True)
        if write_docs:
            report.write(name, rows, module.appendix() if hasattr(module, "appendix") else "")
    if write_docs:
        print(f"\nwritten to {report.DOC}")


if __name__ == "__main__":
    main(sys.argv[1:])
