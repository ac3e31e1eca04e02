"""``python -m bench [--write-docs] [core|airflow ...]``: each benchmark's figures as a Markdown table.

With ``--write-docs`` (what ``make bench`` runs) the table, and any suite's ``appendix()`` (the
before/after profile of a generated instance), also replace the latest-run section of
docs/benchmarks.md, stamped with the date, machine and commit (``bench.report``).
"""

from __future__ import annotations

import importlib
import sys

from bench import report

SUITES = ["core", "trust", "instance", "requests", "graph_view", "airflow", "scheduler"]


def main(argv: list[str]) -> None:
    write_docs = "--write-docs" in argv
    suites = [a for a in argv if a != "--write-docs"] or SUITES
    print(f"Machine: {report.machine()}, commit {report.commit()}\n")
    print("| benchmark | result | notes |\n|---|---|---|")
    rows: list[tuple[str, str, str]] = []
    appendices = []
    for name in suites:
        module = importlib.import_module(f"bench.{name}")
        for row in module.run():
            rows.append(row)
            print("| " + " | ".join(row) + " |", flush=True)
        if hasattr(module, "appendix"):
            appendices.append(module.appendix())
    if write_docs:
        report.write(rows, "\n\n".join(appendices), suites)
        print(f"\nwritten to {report.DOC}")


if __name__ == "__main__":
    main(sys.argv[1:])
