"""``python -m bench [--write-docs] [suite ...]``: each benchmark's figures as a Markdown table.

With ``--write-docs`` (what ``make bench`` runs) each suite's rows, and its ``appendix()`` when it
has one (the before/after profile of a generated instance), also replace that suite's block in
docs/benchmarks.md, stamped with the date, machine and commit (``bench.report``).
"""

from __future__ import annotations

import argparse
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
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    # No ``choices=``: Python 3.11's argparse refuses an empty list against them (every suite is the default).
    parser.add_argument("suites", nargs="*", metavar="suite", help=f"of {', '.join(SUITES)} (default: all)")
    parser.add_argument(
        "--write-docs", action="store_true", help="also replace each suite's block in docs/benchmarks.md"
    )
    args = parser.parse_args(argv)
    if unknown := [s for s in args.suites if s not in SUITES]:
        parser.error(f"no suite named {', '.join(unknown)}; the suites: {', '.join(SUITES)}")
    write_docs, suites = args.write_docs, args.suites or SUITES
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
