// Zoom, pan and fit for one dynamic's viewport: a transformed canvas inside a clipped box.
// ``view`` holds the scale and offset (s, tx, ty) and the drawn size, so a redraw keeps them.
"use strict";
window.DynflowViewport = (() => {
  function apply(view, port) {
    const canvas = port.querySelector(".canvas");
    if (canvas) canvas.style.transform = `translate(${view.tx}px,${view.ty}px) scale(${view.s})`;
    port.closest("section").querySelector(".zoom-level").textContent = `${Math.round(view.s * 100)}%`;
  }

  // Fit the whole dynamic in its viewport; on first draw never below 50%, so labels stay readable
  // and a large graph opens at its first layers (pan, zoom out or search to go further).
  function fit(view, port, first) {
    const s = Math.min(1, port.clientWidth / view.size.width, port.clientHeight / view.size.height);
    view.s = first ? Math.max(s, 0.5) : Math.max(s, 0.02);
    view.tx = 0; view.ty = 0;
  }

  function zoomAt(view, port, factor, cx, cy) {
    const s = Math.min(4, Math.max(0.02, view.s * factor));
    view.tx = cx - ((cx - view.tx) * s) / view.s;
    view.ty = cy - ((cy - view.ty) * s) / view.s;
    view.s = s;
    apply(view, port);
  }

  function controls(view, section) {
    const port = section.querySelector(".viewport");
    const act = {
      "zoom-in": () => zoomAt(view, port, 1.25, port.clientWidth / 2, port.clientHeight / 2),
      "zoom-out": () => zoomAt(view, port, 0.8, port.clientWidth / 2, port.clientHeight / 2),
      fit: () => { fit(view, port, false); apply(view, port); },
    };
    for (const [cls, fn] of Object.entries(act)) section.querySelector(`button.${cls}`).addEventListener("click", fn);
    port.addEventListener("wheel", (ev) => {
      ev.preventDefault();
      const r = port.getBoundingClientRect();
      zoomAt(view, port, ev.deltaY < 0 ? 1.15 : 1 / 1.15, ev.clientX - r.left, ev.clientY - r.top);
    }, {passive: false});
    let drag = null;
    port.addEventListener("pointerdown", (ev) => {
      if (ev.target.closest("a,button,.group:not(.open)")) return;
      drag = {x: ev.clientX - view.tx, y: ev.clientY - view.ty};
      port.setPointerCapture(ev.pointerId);
    });
    port.addEventListener("pointermove", (ev) => {
      if (!drag) return;
      view.tx = ev.clientX - drag.x; view.ty = ev.clientY - drag.y;
      apply(view, port);
    });
    port.addEventListener("pointerup", () => { drag = null; });
  }

  return {apply, fit, controls};
})();
