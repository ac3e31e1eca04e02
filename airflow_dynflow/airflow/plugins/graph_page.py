"""The "Dynamic graph" page: a shell around the run's graph JSON, drawn in the browser by graph.js.

The server embeds the same JSON the ``/dynflow/api/graph`` twin answers, and the script draws it
and redraws it from that twin until the run is final: one drawing path, so a page watched live and a
fresh load of it agree. Each drawn node is an element with ``data-node`` (``n7``) and ``data-state``;
a dynamic past ``group_above`` nodes opens as (task, state) groups that expand in place, a page of
``PAGE_SIZE`` nodes at a time, and the ``input[type=search]`` brings any node into view, opening its
group. The scripts and style are package files (``static/``) inlined into the page, so the page is one
authenticated response and needs no second route.
"""

from __future__ import annotations

import json
from functools import cache
from html import escape
from importlib.resources import files
from typing import Any
from urllib.parse import quote

from airflow_dynflow.airflow.plugins.graph_model import AGGREGATE_ABOVE
from airflow_dynflow.airflow.plugins.graph_source import RunGraph

__all__ = ["PAGE_SIZE", "STATE_COLORS", "render_page"]

# Airflow's own state colours, so the view reads like the Grid and Graph views.
STATE_COLORS = {
    "success": "#008000",
    "failed": "#ff0000",
    "running": "#32cd32",
    "queued": "#808080",
    "scheduled": "#d2b48c",
    "deferred": "#9370db",
    # Airflow 3.3's state of a gate waiting for a person (darkorange).
    "awaiting_input": "#ff8c00",
    "up_for_retry": "#ffd700",
    "up_for_reschedule": "#40e0d0",
    "upstream_failed": "#ffa500",
    "skipped": "#ff69b4",
    "removed": "#d3d3d3",
    "restarting": "#ee82ee",
    "no_status": "#ffffff",
}
# Nodes drawn per page of an open group: enough to scan, few enough to draw at once.
PAGE_SIZE = 100
_FINAL = ["success", "failed"]
_POLL_MS = 3000


@cache
def _asset(name: str) -> str:
    return files("airflow_dynflow.airflow.plugins").joinpath("static", name).read_text(encoding="utf-8")


def _q(part: str) -> str:
    """A path segment; ``:`` and ``+`` (every run id has them) are fine in a path and stay readable."""
    return quote(part, safe=":+~")


def _script_json(value: Any) -> str:
    """JSON safe inside ``<script>``: no ``<`` survives, so no run-supplied text can close the tag."""
    return json.dumps(value, separators=(",", ":")).replace("<", "\\u003c")


def render_page(graph: RunGraph, group_above: int = AGGREGATE_ABOVE) -> str:
    # A child run is named by the dynamic it runs, not by the shared runner DAG (``*__dynflow``).
    named = f"{graph.dynamic} · " if graph.dynamic else ""
    title = f"Dynamic graph: {named}{graph.dag_id} / {graph.run_id}"
    config = {
        "api": f"/dynflow/api/graph/{_q(graph.dag_id)}/{_q(graph.run_id)}",
        "group_above": group_above,
        "page_size": PAGE_SIZE,
        "colors": STATE_COLORS,
        "final_states": _FINAL,
        "poll_ms": _POLL_MS,
    }
    legend = "".join(f'<span><i style="background:{c}"></i>{s}</span>' for s, c in STATE_COLORS.items())
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{escape(title)}</title>"
        f"<style>{_asset('graph.css')}</style></head><body>"
        f"<h1>{escape(title)}</h1>"
        '<div class="meta">run state: <b id="run-state"></b></div>'
        '<div class="meta" id="parent"></div><div class="meta" id="note"></div>'
        '<div class="meta" id="first-failed"></div><div class="meta stalled" id="triggerer"></div>'
        '<div class="result" id="result-box" hidden>Result: <code id="result"></code></div>'
        '<div class="tools"><input type="search" id="search" placeholder="find a node: n537, a label or a '
        'map index, then Enter" aria-label="find a node"><select id="state-filter" aria-label="state '
        'filter"></select><span id="search-status"></span></div>'
        f"<div class='legend'>{legend}</div><div id='dynamics'></div>"
        f'<script type="application/json" id="dynflow-graph">{_script_json(graph.to_json())}</script>'
        f'<script type="application/json" id="dynflow-config">{_script_json(config)}</script>'
        f"<script>{_asset('viewport.js')}</script><script>{_asset('graph.js')}</script></body></html>"
    )
