"""The "Dynamic graph" view at 10,000 nodes: server-side build and render, and the page's load in Chromium.

* Building the model from a 10,000-node spec's wire JSON and instance states, aggregated (the page's
  default past ``AGGREGATE_ABOVE`` nodes) and rendered to HTML; the page's size.
* The same page with every node drawn (``?aggregate=100000``), to show what aggregation saves.
* The JSON twin's size (it always lists every node).
* Headless Debian Chromium (``/usr/bin/chromium``, Playwright) loading each page until its SVG is laid
  out: the time a user waits. Skipped with a note when Chromium or Playwright is missing.

In process: no Airflow stack (the DB reads are one query per dynamic; ``bench scheduler`` measures a
real 10,000-node run).
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.core import timed

NODES = 10_000
CHROMIUM = Path("/usr/bin/chromium")


def _wire(n: int) -> dict[str, Any]:
    """The seed's shape: return_index, update_list chains, then derive_count at the end."""
    tasks = {t: {"kind": "task"} for t in ("return_index", "update_list", "derive_count")}
    nodes: list[dict[str, Any]] = []
    for i in range(n - 1):
        if i % 2 == 0:
            nodes.append({"t": "return_index", "v": {"character": "a"}})
        else:
            prev = {"list_index": i - 1} if i < 2 else {"freq_list": i - 2, "list_index": i - 1}
            nodes.append({"t": "update_list", "r": prev})
    nodes.append({"t": "derive_count", "r": {"freq1": n - 2, "freq2": n - 4}})
    return {"tasks": tasks, "nodes": nodes}


def _load_ms(html_path: Path, repeat: int = 3) -> float:
    from playwright.sync_api import sync_playwright

    from tests.airflow.browser import ARGS

    best = float("inf")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        page = browser.new_page()
        for _ in range(repeat):
            start = time.perf_counter()
            page.goto(html_path.as_uri(), wait_until="load")
            page.evaluate("() => document.querySelector('svg').getBBox().width")
            best = min(best, time.perf_counter() - start)
        browser.close()
    return best * 1000


def run() -> list[tuple[str, str, str]]:
    os.environ.setdefault("AIRFLOW_HOME", tempfile.mkdtemp(prefix="dynflow-bench-graph-"))
    from airflow_dynflow.airflow.plugins.graph_model import (
        AGGREGATE_ABOVE,
        Instance,
        aggregate,
        build_dynamic,
    )
    from airflow_dynflow.airflow.plugins.graph_page import render_page
    from airflow_dynflow.airflow.plugins.graph_source import RunGraph

    wire = _wire(NODES)
    states = {i: Instance("success" if i < NODES * 0.9 else "running", 1.2, 1) for i in range(NODES)}

    def page(above: int) -> str:
        dynamic = aggregate(build_dynamic("count", wire, batch=1, instances=states), above)
        return render_page(RunGraph("wf", "run", "running", [dynamic], None))

    agg_best, agg_median = timed(lambda: page(AGGREGATE_ABOVE), 5)
    full_best, full_median = timed(lambda: page(NODES + 1), 3)
    small, full = page(AGGREGATE_ABOVE), page(NODES + 1)
    graph = RunGraph("wf", "run", "running", [build_dynamic("count", wire, batch=1, instances=states)])
    json_bytes = len(json.dumps(graph.to_json()))
    rows = [
        (
            f"graph view: build + render {NODES:,} nodes, aggregated",
            f"{agg_best * 1000:.0f} ms (median {agg_median * 1000:.0f})",
            f"page {len(small) / 1024:.1f} KiB; (task, state) boxes past {AGGREGATE_ABOVE} nodes",
        ),
        (
            f"graph view: build + render {NODES:,} nodes, every node drawn",
            f"{full_best * 1000:.0f} ms (median {full_median * 1000:.0f})",
            f"page {len(full) / 1024 / 1024:.1f} MiB",
        ),
        (
            f"graph view: JSON twin, {NODES:,} nodes",
            f"{json_bytes / 1024 / 1024:.1f} MiB",
            "every node listed",
        ),
    ]
    try:
        import playwright  # noqa: F401
    except ImportError:
        return [*rows, ("graph view: page load in Chromium", "skipped", "playwright not installed")]
    if not CHROMIUM.exists():
        return [*rows, ("graph view: page load in Chromium", "skipped", f"{CHROMIUM} missing")]
    folder = Path(tempfile.mkdtemp(prefix="dynflow-bench-graph-page-"))
    (folder / "agg.html").write_text(small)
    (folder / "full.html").write_text(full)
    return [
        *rows,
        (
            f"graph view: page load in Chromium, {NODES:,} nodes aggregated",
            f"{_load_ms(folder / 'agg.html'):.0f} ms",
            "best of 3, until the SVG is laid out",
        ),
        (
            f"graph view: page load in Chromium, {NODES:,} nodes drawn",
            f"{_load_ms(folder / 'full.html'):.0f} ms",
            "best of 3",
        ),
    ]
