"""The "Dynamic graph" view at 10,000 nodes: the server's render, and the page in Chromium.

* Building the model from a 10,000-node spec's wire JSON and instance states and rendering the page
  (a shell around the run's JSON; the browser draws it), and the page's size.
* Headless Debian Chromium (``/usr/bin/chromium``, Playwright) on that page, served from a routed
  origin (no network, no stack) whose JSON twin answers the same graph, the run still running so the
  page refreshes every 3 s:
  - time to interactive: from navigation until the script has drawn the groups (``body[data-ready]``);
  - searching a node deep in a group (``n5373``): opening its group at its page and centring it;
  - the longest main-thread task while the page refreshes twice (what a user's click can wait for).
  Skipped with a note when Chromium or Playwright is missing.

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
ORIGIN = "http://dynflow.bench"
LONG_TASKS = """() => { window.longTasks = [];
  new PerformanceObserver(l => l.getEntries().forEach(e => window.longTasks.push(e.duration)))
    .observe({type: "longtask", buffered: true}); }"""


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


def _browser_rows(html: str, api_json: str) -> list[tuple[str, str, str]]:
    from playwright.sync_api import Route, sync_playwright

    from tests.airflow.browser import ARGS

    def serve(route: Route) -> None:
        is_api = "/dynflow/api/" in route.request.url
        route.fulfill(
            status=200,
            content_type="application/json" if is_api else "text/html",
            body=api_json if is_api else html,
        )

    loads, searches = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.route(f"{ORIGIN}/**", serve)
        for _ in range(3):
            start = time.perf_counter()
            page.goto(f"{ORIGIN}/dynflow/graph/wf/run", wait_until="commit")
            page.wait_for_selector("body[data-ready=true]")
            loads.append(time.perf_counter() - start)
            start = time.perf_counter()
            page.fill("input[type=search]", "n5373")
            page.press("input[type=search]", "Enter")
            page.wait_for_selector('[data-node="n5373"].hit')
            searches.append(time.perf_counter() - start)
        page.evaluate(LONG_TASKS)
        page.wait_for_function("() => Number(document.body.dataset.refreshes || 0) >= 2", timeout=30_000)
        longest = max(page.evaluate("() => window.longTasks"), default=0.0)
        browser.close()
    return [
        (
            f"graph view: time to interactive in Chromium, {NODES:,} nodes",
            f"{min(loads) * 1000:.0f} ms",
            "best of 3: navigation until the groups are drawn and the search box answers",
        ),
        (
            "graph view: search a node inside a group (n5373)",
            f"{min(searches) * 1000:.0f} ms",
            "best of 3: open its group at its page, centre and highlight it",
        ),
        (
            "graph view: longest main-thread task while refreshing",
            f"{longest:.0f} ms",
            f"two refreshes of the {len(api_json) / 1024 / 1024:.1f} MiB JSON twin (poll every 3 s)",
        ),
    ]


def run() -> list[tuple[str, str, str]]:
    os.environ.setdefault("AIRFLOW_HOME", tempfile.mkdtemp(prefix="dynflow-bench-graph-"))
    from airflow_dynflow.airflow.plugins.graph_model import Instance, build_dynamic
    from airflow_dynflow.airflow.plugins.graph_page import render_page
    from airflow_dynflow.airflow.plugins.graph_source import RunGraph

    wire = _wire(NODES)
    states = {i: Instance("success" if i < NODES * 0.9 else "running", 1.2, 1) for i in range(NODES)}

    def graph() -> RunGraph:
        return RunGraph("wf", "run", "running", [build_dynamic("count", wire, batch=1, instances=states)])

    best, median = timed(lambda: render_page(graph()), 5)
    html = render_page(graph())
    rows = [
        (
            f"graph view: build + render {NODES:,} nodes",
            f"{best * 1000:.0f} ms (median {median * 1000:.0f})",
            f"page {len(html) / 1024 / 1024:.1f} MiB: the run's JSON, drawn by the browser",
        )
    ]
    try:
        import playwright  # noqa: F401
    except ImportError:
        return [*rows, ("graph view: Chromium", "skipped", "playwright not installed")]
    if not CHROMIUM.exists():
        return [*rows, ("graph view: Chromium", "skipped", f"{CHROMIUM} missing")]
    return [*rows, *_browser_rows(html, json.dumps(graph().to_json()))]
