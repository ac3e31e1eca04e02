"""The "Dynamic graph" page: one SVG per dynamic of the run, nodes laid out by depth.

Each generated node is a ``<g class="node" data-node="n7" data-state="success">`` with its label,
duration and try, a link to its log in the Airflow UI and, for a nested dynamic, a link down into
its child run's graph. Past the aggregation threshold a dynamic is drawn as (task, state) boxes
(``data-task``, ``data-state``, ``data-count``). The page polls the JSON twin while the run is not
finished and updates states in place, so it shows the graph live. A dynamic whose spec failed a
check is a ``<div class="refused">`` with the error, in its place among the others.
"""

from __future__ import annotations

import json
from html import escape
from urllib.parse import quote

from airflow_dynflow.airflow.plugins.graph_model import Dynamic, GraphNode, depths
from airflow_dynflow.airflow.plugins.graph_source import RunGraph

__all__ = ["STATE_COLORS", "render_page"]

# Airflow's own state colours, so the view reads like the Grid and Graph views.
STATE_COLORS = {
    "success": "#008000",
    "failed": "#ff0000",
    "running": "#32cd32",
    "queued": "#808080",
    "scheduled": "#d2b48c",
    "deferred": "#9370db",
    "up_for_retry": "#ffd700",
    "up_for_reschedule": "#40e0d0",
    "upstream_failed": "#ffa500",
    "skipped": "#ff69b4",
    "removed": "#d3d3d3",
    "restarting": "#ee82ee",
    "no_status": "#ffffff",
}
_W, _H, _GAP_X, _GAP_Y, _PAD = 190, 46, 50, 12, 16
_FINISHED = {"success", "failed"}

_STYLE = """
body{font:13px system-ui,sans-serif;margin:12px;color:#1f2937}
h1{font-size:16px;margin:0 0 4px} h2{font-size:14px;margin:18px 0 6px}
.meta{color:#4b5563;margin-bottom:8px}
.result{background:#f3f4f6;padding:6px 8px;border-radius:4px;margin-bottom:8px}
svg{border:1px solid #e5e7eb;background:#fcfcfd} .node rect{stroke:#374151;stroke-width:1;rx:4}
.node text,.agg text{font-size:11px;fill:#111827} .edge{stroke:#9ca3af;fill:none}
a text{fill:#1d4ed8;text-decoration:underline} .legend span{display:inline-block;margin-right:10px}
.legend i{display:inline-block;width:10px;height:10px;border:1px solid #374151;margin-right:3px}
.refused{background:#fef2f2;border:1px solid #fca5a5;padding:6px 8px;border-radius:4px}
"""


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return ""
    return f"{seconds:.1f}s" if seconds < 60 else f"{seconds / 60:.1f}min"


def _q(part: str) -> str:
    """A path segment; ``:`` and ``+`` (every run id has them) are fine in a path and stay readable."""
    return quote(part, safe=":+~")


def _log_url(dag_id: str, run_id: str, task_id: str, map_index: int) -> str:
    return f"/dags/{_q(dag_id)}/runs/{_q(run_id)}/tasks/{_q(task_id)}/mapped/{map_index}"


def _graph_url(dag_id: str, run_id: str) -> str:
    return f"/dynflow/graph/{_q(dag_id)}/{_q(run_id)}"


def _node_svg(graph: RunGraph, d: Dynamic, n: GraphNode, x: int, y: int) -> str:
    color = STATE_COLORS.get(n.state, "#ffffff")
    log = _log_url(graph.dag_id, graph.run_id, d.nodes_task, n.map_index)
    detail = " · ".join(p for p in (n.state, _duration(n.duration), f"try {n.try_number}") if p)
    child = ""
    if n.child is not None:
        child = (
            f'<a class="child" href="{escape(_graph_url(n.child.dag_id, n.child.run_id))}">'
            f'<text x="{x + _W - 70}" y="{y + 38}">child run ▸</text></a>'
        )
    return (
        f'<g class="node" data-node="{n.id}" data-state="{escape(n.state)}" data-map-index="{n.map_index}">'
        f"<title>{escape(n.label)}: {escape(detail)}</title>"
        f'<rect x="{x}" y="{y}" width="{_W}" height="{_H}" fill="#ffffff"/>'
        f'<rect class="state" x="{x}" y="{y}" width="8" height="{_H}" fill="{color}"/>'
        f'<text x="{x + 14}" y="{y + 15}">{escape(n.label[:28])}</text>'
        f'<text class="detail" x="{x + 14}" y="{y + 28}">{escape(detail)}</text>'
        f'<a class="log" href="{escape(log)}" target="_top"><text x="{x + 14}" y="{y + 40}">log</text></a>'
        f"{child}</g>"
    )


def _dynamic_svg(graph: RunGraph, d: Dynamic) -> str:
    if d.aggregated:
        return _aggregate_svg(d)
    deps = {n.id: n.deps for n in d.nodes}
    depth = depths((n.id for n in d.nodes), deps)
    rows: dict[int, int] = {}
    pos: dict[str, tuple[int, int]] = {}
    for n in d.nodes:
        col = depth[n.id]
        row = rows.get(col, 0)
        rows[col] = row + 1
        pos[n.id] = (_PAD + col * (_W + _GAP_X), _PAD + row * (_H + _GAP_Y))
    width = _PAD * 2 + (max(depth.values(), default=0) + 1) * (_W + _GAP_X)
    height = _PAD * 2 + max(rows.values(), default=1) * (_H + _GAP_Y)
    edges = []
    for n in d.nodes:
        x2, y2 = pos[n.id]
        for dep in n.deps:
            x1, y1 = pos[dep]
            edges.append(
                f'<path class="edge" d="M{x1 + _W},{y1 + _H // 2} C{x1 + _W + 25},{y1 + _H // 2} '
                f'{x2 - 25},{y2 + _H // 2} {x2},{y2 + _H // 2}"/>'
            )
    nodes = [_node_svg(graph, d, n, *pos[n.id]) for n in d.nodes]
    return (
        f'<svg class="dynamic" data-dynamic="{escape(d.group)}" width="{width}" height="{height}" '
        f'xmlns="http://www.w3.org/2000/svg">{"".join(edges)}{"".join(nodes)}</svg>'
    )


def _aggregate_svg(d: Dynamic) -> str:
    tasks = list(dict.fromkeys(a.task for a in d.aggregates))
    rows: dict[str, int] = {}
    pos: dict[str, tuple[int, int]] = {}
    for a in d.aggregates:
        col = tasks.index(a.task)
        row = rows.get(a.task, 0)
        rows[a.task] = row + 1
        pos[a.id] = (_PAD + col * (_W + _GAP_X), _PAD + row * (_H + _GAP_Y))
    width = _PAD * 2 + len(tasks) * (_W + _GAP_X)
    height = _PAD * 2 + max(rows.values(), default=1) * (_H + _GAP_Y)
    edges = []
    for src, dst in d.aggregate_edges:
        (x1, y1), (x2, y2) = pos[src], pos[dst]
        edges.append(
            f'<path class="edge" d="M{x1 + _W},{y1 + _H // 2} C{x1 + _W + 25},{y1 + _H // 2} '
            f'{x2 - 25},{y2 + _H // 2} {x2},{y2 + _H // 2}"/>'
        )
    boxes = [
        f'<g class="agg" data-task="{escape(a.task)}" data-state="{escape(a.state)}" data-count="{a.count}">'
        f'<rect x="{x}" y="{y}" width="{_W}" height="{_H}" fill="#ffffff" stroke="#374151"/>'
        f'<rect x="{x}" y="{y}" width="8" height="{_H}" fill="{STATE_COLORS.get(a.state, "#fff")}"/>'
        f'<text x="{x + 14}" y="{y + 18}">{escape(a.task[:26])}</text>'
        f'<text x="{x + 14}" y="{y + 34}">{escape(a.state)}: {a.count:,} nodes</text></g>'
        for a in d.aggregates
        for x, y in [pos[a.id]]
    ]
    return (
        f'<svg class="dynamic aggregated" data-dynamic="{escape(d.group)}" width="{width}" '
        f'height="{height}" xmlns="http://www.w3.org/2000/svg">{"".join(edges)}{"".join(boxes)}</svg>'
    )


_SCRIPT = """
const api = %s, finished = %s;
async function refresh() {
  const r = await fetch(api, {credentials: "same-origin"});
  if (!r.ok) return;
  const g = await r.json();
  for (const d of g.dynamics) {
    const svg = document.querySelector(`svg[data-dynamic="${CSS.escape(d.group)}"]`);
    if (!svg || d.aggregated) continue;
    for (const n of d.nodes) {
      const el = svg.querySelector(`[data-node="${n.id}"]`);
      if (!el || el.dataset.state === n.state) continue;
      el.dataset.state = n.state;
      el.querySelector("rect.state").setAttribute("fill", COLORS[n.state] || "#fff");
      el.querySelector("text.detail").textContent = [n.state, n.try_number ? "try " + n.try_number : ""]
        .filter(Boolean).join(" · ");
    }
  }
  document.getElementById("run-state").textContent = g.state;
  if (!["success", "failed"].includes(g.state)) setTimeout(refresh, 3000);
}
if (!finished) setTimeout(refresh, 3000);
"""


def render_page(graph: RunGraph) -> str:
    title = f"Dynamic graph: {graph.dag_id} / {graph.run_id}"
    sections = []
    for d in graph.dynamics:
        if d.refused is not None:
            sections.append(
                f"<h2>{escape(d.group or graph.dag_id)}: not shown, its futures spec failed a check</h2>"
                f'<div class="refused" data-dynamic="{escape(d.group)}" data-compile-task="'
                f'{escape(d.compile_task)}">{escape(d.refused)}</div>'
            )
            continue
        counts = ", ".join(f"{s} {c}" for s, c in sorted(d.states().items()))
        mode = " (grouped by task and state)" if d.aggregated else ""
        sections.append(
            f"<h2>{escape(d.group or graph.dag_id)}: {len(d.nodes):,} nodes{mode}</h2>"
            f'<div class="meta">{escape(counts)}</div>{_dynamic_svg(graph, d)}'
        )
    if not sections:
        sections.append("<p>No dynamic has compiled in this run yet.</p>")
    result = ""
    if graph.result is not None or graph.state == "success":
        shown = json.dumps(graph.result)
        shown = shown if len(shown) <= 2000 else shown[:1997] + "..."
        result = f'<div class="result">Result: <code id="result">{escape(shown)}</code></div>'
    note = f'<div class="meta">{escape(graph.note)}</div>' if graph.note else ""
    legend = "".join(f'<span><i style="background:{c}"></i>{s}</span>' for s, c in STATE_COLORS.items())
    api = f"/dynflow/api/graph/{_q(graph.dag_id)}/{_q(graph.run_id)}"
    script = _SCRIPT % (json.dumps(api), json.dumps(graph.state in _FINISHED))
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{escape(title)}</title>"
        f"<style>{_STYLE}</style></head><body>"
        f"<h1>{escape(title)}</h1>"
        f'<div class="meta">run state: <b id="run-state">{escape(graph.state or "")}</b></div>'
        f"{note}{result}<div class='legend'>{legend}</div>{''.join(sections)}"
        f"<script>const COLORS = {json.dumps(STATE_COLORS)};{script}</script></body></html>"
    )
