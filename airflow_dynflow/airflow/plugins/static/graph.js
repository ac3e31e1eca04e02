// The "Dynamic graph" page: draws every dynamic of a run from the JSON the server embedded, and
// redraws it from the JSON twin until the run is final, so a fresh load and a watched page agree.
// Every string from the run goes through textContent or setAttribute, never innerHTML.
"use strict";
(() => {
  const CFG = JSON.parse(document.getElementById("dynflow-config").textContent);
  const W = 184, H = 72, GX = 46, GY = 12, PAD = 16, COL_ROWS = 24, PANEL_COLS = 10, PANEL_HEAD = 30;
  const PAGE = CFG.page_size;
  const {apply, fit, controls} = window.DynflowViewport;
  let graph = JSON.parse(document.getElementById("dynflow-graph").textContent);
  let stateFilter = "", hitId = null;
  const views = new Map(); // dynamic group -> {open: Map(box key -> page), s, tx, ty, placed}

  const color = (state) => CFG.colors[state] || "#ffffff";
  const grouped = (d) => d.nodes.length > CFG.group_above;
  const boxKey = (n) => `${n.task} · ${n.state}`;

  function make(tag, attrs, text) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // A path segment; ":" and "+" (every run id has them) stay readable, as the server spells them.
  const seg = (s) => encodeURIComponent(s).replace(/%3A/g, ":").replace(/%2B/g, "+");

  function safeHref(url) {
    try {
      const u = new URL(url, location.href);
      return u.protocol === "http:" || u.protocol === "https:" ? u.href : null;
    } catch (e) {
      return null;
    }
  }

  // Airflow frames this page in a sandbox without allow-top-navigation, so a target=_top link
  // cannot leave the frame; Airflow's UI is a single-page app on this same origin, so the link
  // moves the top window's history and tells its router, as Airflow's own links do.
  function openInAirflow(ev) {
    if (window.top === window || ev.button !== 0 || ev.ctrlKey || ev.metaKey || ev.shiftKey) return;
    const url = new URL(ev.currentTarget.href);
    if (url.origin !== location.origin) return;
    ev.preventDefault();
    const history = window.top.history;
    const idx = (history.state && Number.isInteger(history.state.idx) ? history.state.idx : 0) + 1;
    history.pushState({usr: null, key: Math.random().toString(36).slice(2, 10), idx}, "",
                      url.pathname + url.search + url.hash);
    window.top.dispatchEvent(new PopStateEvent("popstate", {state: history.state}));
  }

  function link(cls, text, href) {
    const a = make("a", {class: cls, target: "_top"}, text);
    const safe = safeHref(href);
    if (safe) a.setAttribute("href", safe);
    a.addEventListener("click", openInAirflow);
    return a;
  }

  function duration(seconds) {
    if (seconds === null || seconds === undefined) return "";
    return seconds < 60 ? `${seconds.toFixed(1)}s` : `${(seconds / 60).toFixed(1)}min`;
  }

  const detail = (n) =>
    [n.state, duration(n.duration), n.try_number ? `try ${n.try_number}` : ""].filter(Boolean).join(" · ");

  // What a failed node raised, as the worker recorded it (class: first line); shown as text only.
  const raised = (n) => (n.error ? `${n.error.type}: ${n.error.line}` : "");

  function nodeEl(d, n) {
    const e = make("div", {
      class: n.id === hitId ? "node hit" : "node",
      "data-node": n.id, "data-state": n.state, "data-map-index": String(n.map_index),
      title: [`${n.label}: ${detail(n)}`, raised(n)].filter(Boolean).join("\n"),
    });
    const bar = make("i", {class: "bar"});
    bar.style.background = color(n.state);
    const links = make("span", {class: "links"});
    const task = `${seg(graph.dag_id)}/runs/${seg(graph.run_id)}/tasks/${seg(d.nodes_task)}`;
    links.append(link("log", "log", `/dags/${task}/mapped/${n.map_index}`));
    if (n.child) {
      const tab = `/dags/${seg(n.child.dag_id)}/runs/${seg(n.child.run_id)}/plugin/dynamic-graph`;
      links.append(link("child", "child run ▸", tab));
    }
    if (n.deck_url) links.append(link("deck", "deck", n.deck_url));
    e.append(bar, make("b", {}, n.label), make("span", {class: "detail"}, detail(n)), links);
    if (n.not_run_for) e.append(make("span", {class: "why"}, `not run: ${n.not_run_for} failed`));
    if (n.error) e.append(make("span", {class: "raised"}, raised(n)));
    return e;
  }

  function depths(nodes) {
    const depth = new Map();
    for (const n of nodes) {
      let best = -1;
      for (const dep of n.deps) if (depth.has(dep)) best = Math.max(best, depth.get(dep));
      depth.set(n.id, best + 1);
    }
    return depth;
  }

  // Items (w, h, col) -> positions: columns left to right; a column taller than COL_ROWS items
  // wraps into side-by-side sub-columns, so a wide layer does not become one tall strip.
  function place(items) {
    const cols = new Map();
    for (const it of items) (cols.get(it.col) || cols.set(it.col, []).get(it.col)).push(it);
    let x = PAD, height = 0;
    for (const col of [...cols.keys()].sort((a, b) => a - b)) {
      let y = PAD, colW = 0, rows = 0;
      for (const it of cols.get(col)) {
        if (rows === COL_ROWS) { x += colW + GX / 2; y = PAD; colW = 0; rows = 0; }
        it.x = x; it.y = y;
        y += it.h + GY; rows += 1; colW = Math.max(colW, it.w);
        height = Math.max(height, y);
      }
      x += colW + GX;
    }
    return {width: x + PAD, height: height + PAD};
  }

  function edgePath(a, b) {
    const x1 = a.x + a.w, y1 = a.y + Math.min(a.h, H) / 2, x2 = b.x, y2 = b.y + Math.min(b.h, H) / 2;
    return `M${x1},${y1} C${x1 + 25},${y1} ${x2 - 25},${y2} ${x2},${y2}`;
  }

  function boxes(d, shown) {
    const byKey = new Map(), keyOf = new Map(), order = new Map();
    for (const n of d.nodes) {
      keyOf.set(n.id, boxKey(n));
      if (!order.has(n.task)) order.set(n.task, order.size);
    }
    for (const n of shown) {
      const k = boxKey(n);
      if (!byKey.has(k)) byKey.set(k, {key: k, task: n.task, state: n.state, nodes: [], col: order.get(n.task)});
      byKey.get(k).nodes.push(n);
    }
    return {list: [...byKey.values()].sort((a, b) => a.col - b.col || a.state.localeCompare(b.state)), keyOf};
  }

  function groupEl(d, view, box, canvas) {
    const page = view.open.get(box.key);
    const e = make("div", {class: "group", "data-group": box.key, "data-task": box.task,
                           "data-state": box.state, "data-count": String(box.nodes.length)});
    const bar = make("i", {class: "bar"});
    bar.style.background = color(box.state);
    if (page === undefined) {
      e.append(bar, make("b", {}, box.task), make("span", {class: "detail"},
        `${box.state}: ${box.nodes.length.toLocaleString("en")} nodes`), make("span", {class: "links"}, "open ▸"));
      e.addEventListener("click", () => { view.open.set(box.key, 0); draw(d); });
      return e;
    }
    e.classList.add("open");
    const pages = Math.ceil(box.nodes.length / PAGE);
    const head = make("div", {class: "panel-head"});
    const btn = (text, cls, to) => {
      const b = make("button", {type: "button", class: cls}, text);
      b.disabled = to === null;
      b.addEventListener("click", (ev) => {
        ev.stopPropagation();
        if (to === -1) view.open.delete(box.key); else view.open.set(box.key, to);
        draw(d);
      });
      return b;
    };
    head.append(bar, make("b", {}, `${box.task} · ${box.state} (${box.nodes.length.toLocaleString("en")})`),
      btn("◀", "prev", page > 0 ? page - 1 : null),
      make("span", {class: "page"}, `page ${page + 1} of ${pages}`),
      btn("▶", "next", page < pages - 1 ? page + 1 : null), btn("close", "close", -1));
    e.append(head);
    box.nodes.slice(page * PAGE, (page + 1) * PAGE).forEach((n, i) => {
      const ne = nodeEl(d, n);
      const x = box.x + 8 + (i % PANEL_COLS) * (W + 8), y = box.y + PANEL_HEAD + Math.floor(i / PANEL_COLS) * (H + 8);
      ne.style.left = `${x}px`; ne.style.top = `${y}px`;
      view.placed.set(n.id, {x, y});
      canvas.append(ne);
    });
    return e;
  }

  function draw(d) {
    const section = document.querySelector(`section[data-dynamic="${CSS.escape(d.group)}"]`);
    const view = views.get(d.group);
    const shown = stateFilter ? d.nodes.filter((n) => n.state === stateFilter) : d.nodes;
    const canvas = make("div", {class: "canvas"});
    const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    canvas.append(svg);
    view.placed = new Map();
    const paths = [];
    let size;
    if (grouped(d)) {
      const {list, keyOf} = boxes(d, shown);
      for (const b of list) {
        const open = view.open.has(b.key);
        const count = Math.min(PAGE, b.nodes.length);
        b.w = open ? 16 + Math.min(PANEL_COLS, count) * (W + 8) : W;
        b.h = open ? PANEL_HEAD + 8 + Math.ceil(count / PANEL_COLS) * (H + 8) : H;
      }
      size = place(list);
      const at = new Map(list.map((b) => [b.key, b]));
      const seen = new Set();
      for (const n of shown) for (const dep of n.deps) {
        const a = at.get(keyOf.get(dep)), b = at.get(keyOf.get(n.id));
        const k = `${keyOf.get(dep)}\n${keyOf.get(n.id)}`;
        if (a && b && a !== b && !seen.has(k)) { seen.add(k); paths.push(edgePath(a, b)); }
      }
      for (const b of list) {
        const g = groupEl(d, view, b, canvas);
        g.style.left = `${b.x}px`; g.style.top = `${b.y}px`;
        g.style.width = `${b.w}px`; g.style.height = `${b.h}px`;
        canvas.insertBefore(g, svg.nextSibling);
      }
    } else {
      const depth = depths(d.nodes);
      const items = shown.map((n) => ({n, w: W, h: H, col: depth.get(n.id)}));
      size = place(items);
      const at = new Map(items.map((it) => [it.n.id, it]));
      for (const it of items) {
        for (const dep of it.n.deps) if (at.has(dep)) paths.push(edgePath(at.get(dep), it));
        const e = nodeEl(d, it.n);
        e.style.left = `${it.x}px`; e.style.top = `${it.y}px`;
        view.placed.set(it.n.id, {x: it.x, y: it.y});
        canvas.append(e);
      }
    }
    svg.setAttribute("width", size.width); svg.setAttribute("height", size.height);
    const path = document.createElementNS("http://www.w3.org/2000/svg", "path");
    path.setAttribute("class", "edge");
    path.setAttribute("d", paths.join(" "));
    svg.append(path);
    canvas.style.width = `${size.width}px`; canvas.style.height = `${size.height}px`;
    view.size = size;
    const port = section.querySelector(".viewport");
    port.replaceChildren(canvas);
    if (view.s === undefined) fit(view, port, true);
    apply(view, port);
  }

  function summary() {
    document.getElementById("run-state").textContent = graph.state || "";
    const result = document.getElementById("result-box");
    if (graph.result !== null || graph.state === "success") {
      let shown = JSON.stringify(graph.result);
      if (shown.length > 2000) shown = shown.slice(0, 1997) + "...";
      result.hidden = false;
      document.getElementById("result").textContent = shown;
    } else {
      result.hidden = true;
    }
    document.getElementById("note").textContent = graph.note || "";
    document.getElementById("triggerer").textContent = graph.triggerer || "";
    const parent = document.getElementById("parent");
    if (graph.parent) {
      const p = graph.parent;
      parent.replaceChildren("child run of ", link("parent", `node ${p.node} of ${p.dag_id} / ${p.run_id}`,
        `/dags/${seg(p.dag_id)}/runs/${seg(p.run_id)}/plugin/dynamic-graph`));
    }
    // The node that failed first, in spec order, among those that ran: the others failed for it.
    const failed = graph.dynamics.flatMap((d) => d.nodes).find((n) => n.state === "failed" && !n.not_run_for);
    const first = document.getElementById("first-failed");
    first.replaceChildren();
    if (failed) {
      const go = make("button", {type: "button", class: "first-failed"}, failed.label);
      go.addEventListener("click", () => reveal(failed.id));
      first.append("first failed node: ", go, failed.error ? ` ${raised(failed)}` : "");
    }
    const states = new Set(graph.dynamics.flatMap((d) => d.nodes.map((n) => n.state)));
    const select = document.getElementById("state-filter");
    const keep = select.value;
    select.replaceChildren(make("option", {value: ""}, "all states"),
      ...[...states].sort().map((s) => make("option", {value: s}, s)));
    select.value = states.has(keep) ? keep : "";
    stateFilter = select.value;
  }

  function counts(d) {
    const c = {};
    for (const n of d.nodes) c[n.state] = (c[n.state] || 0) + 1;
    return Object.keys(c).sort().map((s) => `${s} ${c[s]}`).join(", ");
  }

  function sections() {
    const root = document.getElementById("dynamics");
    const wanted = graph.dynamics.map((d) => d.group);
    for (const old of [...root.children]) if (!wanted.includes(old.dataset.dynamic)) old.remove();
    if (!graph.dynamics.length) {
      root.replaceChildren(make("p", {class: "empty"}, "No dynamic has compiled in this run yet."));
      return;
    }
    root.querySelector(".empty")?.remove();
    for (const d of graph.dynamics) {
      let section = root.querySelector(`section[data-dynamic="${CSS.escape(d.group)}"]`);
      const name = d.group || graph.dag_id;
      if (d.refused !== null) {
        const box = make("section", {"data-dynamic": d.group});
        box.append(make("h2", {}, `${name}: not shown, its futures spec failed a check`),
          make("div", {class: "refused", "data-dynamic": d.group, "data-compile-task": d.compile_task}, d.refused));
        section ? section.replaceWith(box) : root.append(box);
        continue;
      }
      if (!section || !section.querySelector(".viewport")) {
        const fresh = make("section", {"data-dynamic": d.group});
        const bar = make("div", {class: "toolbar"});
        bar.append(make("button", {type: "button", class: "zoom-out", title: "zoom out"}, "−"),
          make("span", {class: "zoom-level"}), make("button", {type: "button", class: "zoom-in", title: "zoom in"}, "+"),
          make("button", {type: "button", class: "fit", title: "fit the whole graph"}, "fit"));
        fresh.append(make("h2"), make("div", {class: "meta counts"}), make("div", {class: "meta hint"}), bar,
          make("div", {class: "viewport"}));
        section ? section.replaceWith(fresh) : root.append(fresh);
        section = fresh;
        views.set(d.group, {open: new Map()});
        controls(views.get(d.group), section);
      }
      const mode = grouped(d) ? " (grouped by task and state)" : "";
      section.querySelector("h2").textContent = `${name}: ${d.nodes.length.toLocaleString("en")} nodes${mode}`;
      section.querySelector(".counts").textContent = counts(d);
      section.querySelector(".hint").textContent = grouped(d)
        ? `Click a group to open its nodes (${PAGE} a page); or type a node id (n${d.nodes.length - 1}), ` +
          "a label or a map index in the search box and press Enter. Drag to pan, wheel or −/+ to zoom."
        : "Drag to pan, wheel or −/+ to zoom, fit to see the whole graph.";
      draw(d);
    }
  }

  function find(query) {
    const q = query.trim().toLowerCase();
    if (!q) return null;
    const tests = [(n) => n.id === q, (n) => /^\d+$/.test(q) && n.map_index === Number(q),
                   (n) => n.label.toLowerCase() === q, (n) => n.label.toLowerCase().includes(q)];
    for (const test of tests) for (const d of graph.dynamics) {
      const n = d.nodes.find(test);
      if (n) return {d, n};
    }
    return null;
  }

  // Bring a node into view: clear a filter that hides it, open its group at the page holding it,
  // then centre the viewport on it at full size and scroll the page to that viewport.
  function reveal(query) {
    const status = document.getElementById("search-status");
    const hit = find(query);
    if (!hit) { status.textContent = `no node matches "${query}"`; return; }
    const {d, n} = hit;
    hitId = n.id;
    if (stateFilter && stateFilter !== n.state) {
      stateFilter = "";
      document.getElementById("state-filter").value = "";
      graph.dynamics.filter((x) => x.refused === null).forEach(draw);
    }
    const view = views.get(d.group);
    if (grouped(d)) {
      const key = boxKey(n);
      const members = d.nodes.filter((m) => boxKey(m) === key);
      view.open.set(key, Math.floor(members.indexOf(n) / PAGE));
    }
    draw(d);
    const port = document.querySelector(`section[data-dynamic="${CSS.escape(d.group)}"] .viewport`);
    const at = view.placed.get(n.id);
    view.s = 1;
    view.tx = port.clientWidth / 2 - (at.x + W / 2);
    view.ty = port.clientHeight / 2 - (at.y + H / 2);
    apply(view, port);
    for (const other of graph.dynamics) if (other !== d && other.refused === null) draw(other);
    port.scrollIntoView({block: "center"});
    status.textContent = `${n.label}: ${detail(n)}`;
  }

  async function refresh() {
    try {
      const r = await fetch(CFG.api, {credentials: "same-origin"});
      if (r.ok) {
        graph = await r.json();
        summary();
        sections();
        document.body.dataset.refreshes = String(Number(document.body.dataset.refreshes || 0) + 1);
      }
    } finally {
      if (!CFG.final_states.includes(graph.state)) setTimeout(refresh, CFG.poll_ms);
    }
  }

  document.getElementById("search").addEventListener("keydown", (ev) => {
    if (ev.key === "Enter") { ev.preventDefault(); reveal(ev.target.value); }
  });
  document.getElementById("state-filter").addEventListener("change", (ev) => {
    stateFilter = ev.target.value;
    graph.dynamics.filter((d) => d.refused === null).forEach(draw);
  });
  summary();
  sections();
  document.body.dataset.ready = "true";
  if (!CFG.final_states.includes(graph.state)) setTimeout(refresh, CFG.poll_ms);
})();
