// The latent canvas, part 2: the map, the generated image and the sliders, all in the page.
//
// Everything continuous (hover, drag, pan, zoom, sliders, the decoded-manifold grid)
// happens here with no server round trip; only discrete events go back, each with an
// increasing seq: a click on the map, a released slider or marker, new A/B endpoints.
// The component is called again only when its message changes (a new map, a new
// language, or state the server set); a message with the same mount id is ignored.
// With options.map_only (the Train page's map forming epoch by epoch) it is a map to
// look at: pan, zoom, legend, hover labels and, with a decoder, the image under the pointer.
// With a row address (header.row_url: the server's /_latent/row route), a click on a point
// also shows that image, its reconstruction and the error beside the map: the original
// comes over plain HTTP with its exact code (a few KB, no rerun) and the reconstruction is
// decoded here. Such a page also has an inbox (header.inbox_url, app_lib.inbox): a click
// or a released slider or marker is posted there and written into the address bar here,
// with no rerun; A/B endpoints, which the server draws the strip for, stay triggers.

const MARGIN = { l: 48, r: 10, t: 10, b: 36 };
const HIT_RADIUS = 7;       // px: a click or hover this close to a point means that point
const MARKER_RADIUS = 12;   // px: a press this close to the ✕ drags it
const CLICK_SLOP = 4;       // px of movement that turns a press into a pan
const FRAME_BUDGET_MS = 10; // manifold grid: decode this long per animation frame
const PATH_STEPS = 24;
const HEAT = [[0, 0, 4], [87, 16, 110], [188, 55, 84], [249, 142, 9], [252, 255, 164]];

function hexToABGR(hex) {
  const v = parseInt(hex.slice(1), 16);
  const r = (v >> 16) & 255, g = (v >> 8) & 255, b = v & 255;
  return ((255 << 24) | (b << 16) | (g << 8) | r) >>> 0;
}

function niceStep(span, target) {
  const raw = span / target;
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  return p * (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10);
}

function tickLabel(v, step) {
  const digits = Math.max(0, -Math.floor(Math.log10(step)));
  return (Math.abs(v) < step / 1e6 ? 0 : v).toFixed(Math.min(digits, 6));
}

function slerp(a, b, t) {
  const na = Math.hypot(...a), nb = Math.hypot(...b);
  if (na < 1e-12 || nb < 1e-12) return a.map((v, i) => (1 - t) * v + t * b[i]);
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i] * b[i];
  const omega = Math.acos(Math.min(1, Math.max(-1, dot / (na * nb))));
  if (omega < 1e-6 || Math.PI - omega < 1e-6) return a.map((v, i) => (1 - t) * v + t * b[i]);
  const s = Math.sin(omega);
  return a.map((v, i) => (Math.sin((1 - t) * omega) * v + Math.sin(t * omega) * b[i]) / s);
}

export class LatentCanvas {
  constructor(parent) {
    this.root = el("div", "lc-root", parent);
    this.root.latentCanvas = this;
    this.stats = { decodes: 0, decodeMs: [], frames: 0, renderMs: [], events: [], posted: 0,
      loads: [] };
    this.view = null;
    this.mapId = null;
    this.mountId = null;
    this.hidden = new Set();
    this.pending = false;
    this.preview = null;   // latent vector under the pointer, while hovering
    this.gesture = null;
    this.grid = null;      // {canvas, window, n} of the last finished manifold grid
    this.gridJob = null;
    this.gridTimer = null;
    this.build();
  }

  // ------------------------------------------------------------ DOM

  build() {
    const mapCol = el("div", "lc-mapcol", this.root);
    this.toolbar = el("div", "lc-toolbar", mapCol);
    const mapBox = el("div", "lc-map", mapCol);
    this.canvas = el("canvas", "lc-canvas", mapBox);
    this.canvas.tabIndex = 0;
    this.tip = el("div", "lc-tip", mapBox);
    this.tip.hidden = true;
    this.legend = el("div", "lc-legend", mapCol);
    this.note = el("div", "lc-note", mapCol);
    const side = el("div", "lc-side", this.root);
    const head = el("div", "lc-head", side);
    this.imageTitle = el("div", "lc-title", head);
    this.imageTools = el("span", "lc-tools", head);
    const frame = el("div", "lc-imageframe", side);
    this.image = el("canvas", "lc-image", frame);
    this.fallback = el("div", "lc-fallback", frame);
    this.posText = el("div", "lc-pos", side);
    this.verdict = el("div", "lc-verdict", side);
    this.verdictNote = el("div", "lc-caption", side);
    this.abRow = el("div", "lc-ab", side);
    this.slidersTitle = el("div", "lc-subtitle", side);
    this.sliders = el("div", "lc-sliders", side);
    this.drawpad = new DrawPad(this, side);  // drawpad.js: swaps in for the side panel
    this.clicked = el("div", "lc-clicked", this.root);
    this.pointsCanvas = document.createElement("canvas");
    this.bindMap();
    new ResizeObserver(() => this.resize()).observe(mapBox);
  }

  button(parent, label, title, onClick, cls = "") {
    const b = el("button", `lc-btn ${cls}`, parent, label);
    b.type = "button";
    if (title) { b.title = title; b.setAttribute("aria-label", title); }
    b.addEventListener("click", onClick);
    return b;
  }

  toggle(parent, label, checked, onChange, cls) {
    const wrap = el("label", `lc-toggle ${cls || ""}`, parent);
    const box = el("input", "", wrap);
    box.type = "checkbox";
    box.checked = checked;
    el("span", "", wrap, label);
    box.addEventListener("change", () => onChange(box.checked));
    return box;
  }

  buildToolbar() {
    const T = this.text;
    this.toolbar.replaceChildren();
    this.button(this.toolbar, "+", T.zoom_in, () => this.zoomBy(1.5));
    this.button(this.toolbar, "−", T.zoom_out, () => this.zoomBy(1 / 1.5));
    this.button(this.toolbar, "⟲", T.reset_view, () => {
      this.fitView();
      this.userMoved = false;
      this.viewChanged();
    });
    this.manifoldBox = null;
    if (this.mapOnly) {
      this.hoverBox = { checked: !!this.decoder };
      return;
    }
    this.button(this.toolbar, "◎", T.center, () => this.centerOnPosition());
    el("span", "lc-sep", this.toolbar);
    this.hoverBox = this.toggle(this.toolbar, T.hover_preview, this.options.hover !== false,
      (on) => { if (!on) this.endPreview(); }, "lc-hover-toggle");
    this.manifoldBox = this.toggle(this.toolbar, T.manifold, false,
      () => this.manifoldChanged(), "lc-manifold-toggle");
    this.manifoldBox.parentElement.title = T.manifold_help;
    this.gridSelect = el("select", "lc-grid-n", this.toolbar);
    this.gridSelect.title = T.grid_n;
    this.gridSelect.setAttribute("aria-label", T.grid_n);
    for (const n of [8, 12, 16, 20, 24, 30]) {
      const o = el("option", "", this.gridSelect, `${n}×${n}`);
      o.value = n;
      if (n === 16) o.selected = true;
    }
    this.gridSelect.addEventListener("change", () => this.manifoldChanged());
    this.pointsBox = this.toggle(this.toolbar, T.points, true, () => this.composite(),
      "lc-points-toggle");
    this.gridDownload = this.button(this.toolbar, "⬇ PNG", T.grid_download,
      () => this.downloadCanvas(this.grid && this.grid.canvas, "manifold.png", 1));
    this.manifoldChanged(false);
    this.drawpad.toolbar(this.toolbar);
  }

  buildLegend() {
    const T = this.text;
    this.legend.replaceChildren();
    el("span", "lc-legend-title", this.legend, T.legend);
    this.classes.names.forEach((name, k) => {
      if (!this.counts[k]) return;
      const chip = el("button", "lc-chip", this.legend);
      chip.type = "button";
      chip.dataset.cls = k;
      chip.title = T.legend_help;
      const sw = el("span", "lc-swatch", chip);
      sw.style.background = this.classes.colors[k % this.classes.colors.length];
      el("span", "", chip, name);
      chip.classList.toggle("lc-off", this.hidden.has(k));
      chip.addEventListener("click", () => {
        if (this.hidden.has(k)) this.hidden.delete(k); else this.hidden.add(k);
        chip.classList.toggle("lc-off", this.hidden.has(k));
        chip.setAttribute("aria-pressed", String(!this.hidden.has(k)));
        this.renderPoints();
        this.composite();
      });
      chip.setAttribute("aria-pressed", String(!this.hidden.has(k)));
    });
  }

  buildSide() {
    const T = this.text, d = this.d;
    this.imageTitle.textContent = T.generated;
    this.image.setAttribute("role", "img");
    this.image.setAttribute("aria-label", T.generated);
    const [, h, w] = this.outShape && this.outShape.length === 3 ? this.outShape : [1, 1, 1];
    this.image.width = w;
    this.image.height = h;
    this.imageData = this.image.getContext("2d").createImageData(w, h);
    this.fallback.textContent = this.decoder ? "" : T.server_decode;
    this.fallback.hidden = !!this.decoder || this.mapOnly;
    this.image.hidden = !this.decoder;
    this.root.classList.toggle("lc-maponly", this.mapOnly);
    this.root.classList.toggle("lc-noside", this.mapOnly && !this.decoder);
    if (this.mapOnly) { this.sliderInputs = []; this.sliderValues = []; return; }
    this.abRow.replaceChildren();
    this.button(this.abRow, T.set_a, T.set_a_help, () => this.setEndpoint("a"), "lc-set-a");
    this.button(this.abRow, T.set_b, T.set_b_help, () => this.setEndpoint("b"), "lc-set-b");
    if (this.map.prior) {
      this.slerpBox = this.toggle(this.abRow, T.spherical, this.state.method === "spherical",
        () => { this.composite(); this.sendEndpoints(); }, "lc-slerp");
      this.slerpBox.parentElement.title = T.spherical_help;
    } else {
      this.slerpBox = null;
    }
    this.imageTools.replaceChildren();
    if (this.decoder) this.button(this.imageTools, "⬇ PNG", T.image_png,
      () => this.downloadCanvas(this.image, "decoded.png", Math.max(1, Math.round(280 / w))));
    this.slidersTitle.textContent = T.sliders;
    this.sliders.replaceChildren();
    this.sliders.classList.toggle("lc-many", d > 2);
    this.sliderInputs = [];
    this.sliderValues = [];
    for (let i = 0; i < d; i++) this.buildSlider(i);
  }

  buildSlider(i) {
    const T = this.text;
    const [lo, hi] = this.map.ranges[i];
    const row = el("div", "lc-slider", this.sliders);
    const head = el("div", "lc-slider-head", row);
    el("span", "lc-slider-label", head, fmt(T.slider, { i: i + 1 }));
    const value = el("span", "lc-slider-value", head);
    const track = el("div", "lc-track", row);
    if (this.map.prior && lo < 3 && hi > -3) {
      const band = el("div", "lc-prior", track);
      const p = (v) => (100 * (Math.min(hi, Math.max(lo, v)) - lo)) / (hi - lo);
      band.style.left = `${p(-3)}%`;
      band.style.width = `${p(3) - p(-3)}%`;
      band.title = T.prior_band;
      const zero = el("div", "lc-prior-zero", track);
      zero.style.left = `${p(0)}%`;
    }
    const input = el("input", "lc-range", track);
    input.type = "range";
    input.min = lo;
    input.max = hi;
    input.step = "any";
    input.value = this.z[i];
    input.setAttribute("aria-label", fmt(T.slider, { i: i + 1 }));
    input.title = T.slider_help;
    input.addEventListener("input", () => {
      this.z[i] = Number(input.value);
      this.row = null;
      this.endPreview(false);
      this.positionChanged();
    });
    input.addEventListener("change", () => this.commit());
    this.sliderInputs.push(input);
    this.sliderValues.push(value);
  }

  // ------------------------------------------------------------ data

  load(bytes, unpack, createDecoder) {
    if (messageHeader(bytes).mount_id === this.mountId) return false;
    const msg = unpack(bytes);
    const h = msg.header;
    const sameMap = h.map_id === this.mapId;
    this.mountId = h.mount_id;
    this.mapId = h.map_id;
    this.text = h.text;
    this.options = h.options || {};
    this.mapOnly = !!this.options.map_only;
    this.map = h.map;
    this.classes = h.classes;
    this.d = h.map.d;
    this.n = h.map.n;
    this.xy = msg.arrays.xy;
    this.labels = msg.arrays.labels;
    this.codes = msg.arrays.codes || null;  // (n, d) for d > 2: the reading's distances
    this.nn = msg.arrays.nn;
    this.decoder = h.decoder ? createDecoder(h.decoder, msg.arrays, "dec:") : null;
    this.outShape = h.decoder ? h.decoder.output_shape : h.output_shape;
    this.drawpad.load(h, msg.arrays);
    this.colors = this.classes.colors.map(hexToABGR);
    this.counts = new Array(this.classes.names.length).fill(0);
    for (let i = 0; i < this.n; i++) this.counts[this.labels[i]] += 1;
    const st = h.state || {};
    const origin = new Array(h.map.d).fill(0);
    this.state = st;
    this.z = Float64Array.from(st.z || origin);
    this.row = st.row ?? null;
    this.ab = { a: { z: st.a || origin, row: st.a_row ?? null },
      b: { z: st.b || origin, row: st.b_row ?? null } };
    if (!sameMap) { this.hidden.clear(); this.view = null; this.grid = null; this.userMoved = false; }
    if (this.mapOnly && !this.userMoved) this.view = null;  // follow the map as it forms
    this.root.classList.toggle("lc-compact", !!this.options.compact);
    this.root.classList.toggle("lc-present", !!this.options.present);  // larger text
    this.root.dataset.ready = "0";
    this.fontFamily = null;
    this.buildToolbar();
    this.buildLegend();
    this.buildSide();
    this.note.textContent = this.text.note || "";
    this.resize();
    this.positionChanged(true);
    this.root.dataset.ready = "1";
    this.stats.payloadBytes = msg.size;
    this.rowUrl = h.row_url && this.decoder && !this.mapOnly ? h.row_url : null;
    this.inboxUrl = this.rowUrl && h.inbox_url ? h.inbox_url : null;
    this.buildClicked();
    if (this.rowUrl) this.showClicked(this.row);
    followHook("loaded", this);  // a class: report this view, or follow the teacher's (follow.js)
    return true;
  }

  // ------------------------------------------------------------ the clicked image

  buildClicked() {
    const T = this.text;
    this.root.classList.toggle("lc-withclicked", !!this.rowUrl);
    this.clicked.replaceChildren();
    this.clicked.hidden = !this.rowUrl;
    if (!this.rowUrl) return;
    el("div", "lc-title", this.clicked, T.clicked_title);
    this.clickedNone = el("div", "lc-clicked-none", this.clicked, T.clicked_none);
    this.clickedBody = el("div", "lc-clicked-body", this.clicked);
    const [, h, w] = this.outShape;
    this.thumbs = {};
    for (const part of ["original", "reconstruction", "error"]) {
      const fig = el("figure", "lc-thumb", this.clickedBody);
      const c = el("canvas", "lc-thumb-image", fig);
      c.width = w;
      c.height = h;
      c.dataset.part = part;
      c.setAttribute("role", "img");
      c.setAttribute("aria-label", T["clicked_" + part]);
      el("figcaption", "", fig, T["clicked_" + part]);
      this.thumbs[part] = c;
    }
    this.clickedCaption = el("div", "lc-caption lc-clicked-caption", this.clickedBody);
    el("div", "lc-caption", this.clickedBody, T.clicked_scale);
    this.clicked.dataset.row = "";
  }

  async showClicked(row) {
    if (!this.rowUrl) return;
    const none = row === null || row === undefined;
    this.clickedNone.hidden = !none;
    this.clickedBody.hidden = none;
    this.clicked.dataset.row = none ? "" : String(row);
    if (none) return;
    const ticket = (this.clickTicket = (this.clickTicket || 0) + 1);
    const t0 = performance.now();
    this.clicked.classList.add("lc-loading");
    let msg;
    try {
      const response = await fetch(`${rowBase()}${this.rowUrl}&row=${row}`);
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      msg = unpackMessage(new Uint8Array(await response.arrayBuffer()));
    } catch (error) {
      if (ticket !== this.clickTicket) return;
      this.clicked.classList.remove("lc-loading");
      this.clickedCaption.textContent = this.text.clicked_failed;
      return;
    }
    if (ticket !== this.clickTicket) return;  // a later click won
    const x = msg.arrays.x, code = Float64Array.from(msg.arrays.code);
    // a 2-D map's point is where the click put the position: its image is decoded already
    const last = this.lastDecoded;
    const recon = last && sameValues(last.z, code) ? last.pixels : this.decoder.decode(code);
    const [c, h, w] = this.outShape, plane = h * w;
    const err = new Float32Array(plane);
    let sq = 0;
    for (let i = 0; i < x.length; i++) {
      const r = Math.min(1, Math.max(0, recon[i]));
      sq += (x[i] - r) * (x[i] - r);
      err[i % plane] += Math.abs(x[i] - r) / c;
    }
    this.paint(this.thumbs.original, x, [c, h, w]);
    this.paint(this.thumbs.reconstruction, recon, [c, h, w]);
    this.paintHeat(this.thumbs.error, err, w, h);
    const zs = Array.from(code.slice(0, 6), (v) => v.toFixed(2)).join(", ");
    this.clickedCaption.textContent = fmt(this.text.clicked_caption, {
      label: this.classes.names[msg.header.label], index: row,
      z: zs + (code.length > 6 ? ", …" : ""), mse: (sq / x.length).toFixed(4) });
    this.lastClicked = { row, x, recon, mse: sq / x.length };  // for tests
    this.clicked.classList.remove("lc-loading");
    this.clicked.dataset.shown = String(row);
    this.stats.clickMs = performance.now() - t0;
  }

  paint(target, pixels, shape) {
    const ctx = target.getContext("2d");
    const img = ctx.createImageData(shape[2], shape[1]);
    imageToRGBA(pixels, shape, img.data);
    ctx.putImageData(img, 0, 0);
  }

  paintHeat(target, values, w, h) {
    // the server's imaging.heatmap: five anchors on a fixed 0…1 scale
    const ctx = target.getContext("2d");
    const img = ctx.createImageData(w, h);
    for (let i = 0; i < w * h; i++) {
      const pos = Math.min(1, Math.max(0, values[i])) * (HEAT.length - 1);
      const lo = Math.min(HEAT.length - 2, Math.floor(pos)), f = pos - lo;
      for (let k = 0; k < 3; k++)
        img.data[4 * i + k] = Math.round(HEAT[lo][k] * (1 - f) + HEAT[lo + 1][k] * f);
      img.data[4 * i + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
  }

  // ------------------------------------------------------------ geometry

  resize() {
    const box = this.canvas.parentElement;
    const width = box.clientWidth;
    if (!width || !this.map) return;
    const height = Math.round(Math.max(300, Math.min(this.options.max_height || 540, width)));
    box.style.height = `${height}px`;
    const dpr = Math.min(2, Math.max(1, window.devicePixelRatio || 1));
    this.dpr = dpr;
    this.cssW = width;
    this.cssH = height;
    this.canvas.width = Math.round(width * dpr);
    this.canvas.height = Math.round(height * dpr);
    this.canvas.style.width = `${width}px`;
    this.canvas.style.height = `${height}px`;
    this.pointsCanvas.width = this.canvas.width;
    this.pointsCanvas.height = this.canvas.height;
    this.plot = { x: MARGIN.l, y: MARGIN.t, w: width - MARGIN.l - MARGIN.r,
      h: height - MARGIN.t - MARGIN.b };
    if (!this.view) this.fitView();
    this.renderPoints();
    this.composite();
    this.scheduleGrid();
  }

  fitView() {
    const [x0, x1, y0, y1] = this.map.window;
    const s = Math.min(this.plot.w / (x1 - x0), this.plot.h / (y1 - y0));
    this.view = { cx: (x0 + x1) / 2, cy: (y0 + y1) / 2, s };
  }

  toScreen(x, y) {
    const p = this.plot, v = this.view;
    return [p.x + p.w / 2 + (x - v.cx) * v.s, p.y + p.h / 2 - (y - v.cy) * v.s];
  }

  fromScreen(px, py) {
    const p = this.plot, v = this.view;
    return [v.cx + (px - p.x - p.w / 2) / v.s, v.cy - (py - p.y - p.h / 2) / v.s];
  }

  visibleWindow() {
    const [x0, y1] = this.fromScreen(this.plot.x, this.plot.y);
    const [x1, y0] = this.fromScreen(this.plot.x + this.plot.w, this.plot.y + this.plot.h);
    return [x0, x1, y0, y1];
  }

  project(z) {
    if (this.map.identity) return [z[0], this.d > 1 ? z[1] : 0];
    const m = this.map.mean, c = this.map.components;
    let x = 0, y = 0;
    for (let i = 0; i < this.d; i++) { x += (z[i] - m[i]) * c[0][i]; y += (z[i] - m[i]) * c[1][i]; }
    return [x, y];
  }

  lift(x, y) {
    const z = new Float64Array(this.d);
    if (this.map.identity) { z[0] = x; if (this.d > 1) z[1] = y; }
    else {
      const m = this.map.mean, c = this.map.components;
      for (let i = 0; i < this.d; i++) z[i] = m[i] + x * c[0][i] + y * c[1][i];
    }
    return z;
  }

  clip(z) {
    const r = this.map.ranges;
    for (let i = 0; i < this.d; i++) z[i] = Math.min(r[i][1], Math.max(r[i][0], z[i]));
    return z;
  }

  // ------------------------------------------------------------ drawing

  renderPoints() {
    if (!this.plot || !this.xy) return;
    const t0 = performance.now();
    const W = this.pointsCanvas.width, H = this.pointsCanvas.height, dpr = this.dpr;
    const ctx = this.pointsCanvas.getContext("2d");
    const img = ctx.createImageData(W, H);
    const px = new Uint32Array(img.data.buffer);
    const base = this.n > 20000 ? 1.3 : this.n > 5000 ? 1.8 : 2.6;
    const r = base * dpr;
    const stamp = [];
    const ri = Math.ceil(r);
    for (let dy = -ri; dy <= ri; dy++) for (let dx = -ri; dx <= ri; dx++)
      if (dx * dx + dy * dy <= r * r + 0.5) stamp.push(dy * W + dx);
    const p = this.plot, v = this.view;
    const left = p.x * dpr + ri, right = (p.x + p.w) * dpr - ri;
    const top = p.y * dpr + ri, bottom = (p.y + p.h) * dpr - ri;
    const ox = (p.x + p.w / 2 - v.cx * v.s) * dpr, oy = (p.y + p.h / 2 + v.cy * v.s) * dpr;
    const s = v.s * dpr;
    const xy = this.xy, labels = this.labels, colors = this.colors, hidden = this.hidden;
    const nc = colors.length;
    for (let i = 0; i < this.n; i++) {
      const k = labels[i];
      if (hidden.size && hidden.has(k)) continue;
      const sx = Math.round(ox + xy[2 * i] * s), sy = Math.round(oy - xy[2 * i + 1] * s);
      if (sx < left || sx > right || sy < top || sy > bottom) continue;
      const at = sy * W + sx, c = colors[k % nc];
      for (let j = 0; j < stamp.length; j++) px[at + stamp[j]] = c;
    }
    ctx.putImageData(img, 0, 0);
    this.stats.renderMs.push(performance.now() - t0);
    if (this.stats.renderMs.length > 2000) this.stats.renderMs.shift();
  }

  composite() {
    if (!this.plot) return;
    const ctx = this.canvas.getContext("2d");
    const dpr = this.dpr, p = this.plot;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.save();
    ctx.beginPath();
    ctx.rect(p.x, p.y, p.w, p.h);
    ctx.clip();
    const manifold = this.manifoldBox && this.manifoldBox.checked;
    if (manifold && this.grid) {
      const [x0, x1, y0, y1] = this.grid.window;
      const [sx0, sy0] = this.toScreen(x0, y1);
      const [sx1, sy1] = this.toScreen(x1, y0);
      ctx.imageSmoothingEnabled = true;
      ctx.drawImage(this.grid.canvas, sx0, sy0, sx1 - sx0, sy1 - sy0);
    }
    if (!this.pointsBox || this.pointsBox.checked) {
      ctx.globalAlpha = manifold ? 0.45 : 1;
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.drawImage(this.pointsCanvas, 0, 0);
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.globalAlpha = 1;
    }
    this.drawMarks(ctx);
    ctx.restore();
    this.drawAxes(ctx);
    this.stats.frames += 1;
  }

  font() {
    // the page's own family (the app ships a Korean webfont): canvas text does not inherit
    // it. Read once per message: getComputedStyle would restyle the page on every frame.
    if (!this.fontFamily) this.fontFamily = getComputedStyle(this.root).fontFamily || "sans-serif";
    return this.fontFamily;
  }

  drawAxes(ctx) {
    const p = this.plot, T = this.text;
    ctx.strokeStyle = "#9aa0a6";
    ctx.lineWidth = 1;
    ctx.strokeRect(p.x + 0.5, p.y + 0.5, p.w - 1, p.h - 1);
    ctx.fillStyle = "#31333f";
    ctx.font = `11px ${this.font()}`;
    const [x0, x1, y0, y1] = this.visibleWindow();
    const sx = niceStep(x1 - x0, Math.max(3, p.w / 90)), sy = niceStep(y1 - y0, Math.max(3, p.h / 70));
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    for (let v = Math.ceil(x0 / sx) * sx; v <= x1; v += sx) {
      const [px] = this.toScreen(v, 0);
      ctx.fillRect(px, p.y + p.h, 1, 4);
      ctx.fillText(tickLabel(v, sx), px, p.y + p.h + 5);
    }
    ctx.textAlign = "right";
    ctx.textBaseline = "middle";
    for (let v = Math.ceil(y0 / sy) * sy; v <= y1; v += sy) {
      const [, py] = this.toScreen(0, v);
      ctx.fillRect(p.x - 4, py, 4, 1);
      ctx.fillText(tickLabel(v, sy), p.x - 6, py);
    }
    ctx.font = `12px ${this.font()}`;
    ctx.textAlign = "center";
    ctx.textBaseline = "bottom";
    ctx.fillText(T.x_axis, p.x + p.w / 2, this.cssH - 2);
    ctx.save();
    ctx.translate(12, p.y + p.h / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textBaseline = "middle";
    ctx.fillText(T.y_axis, 0, 0);
    ctx.restore();
  }

  pathPoints() {
    const a = this.ab.a.z, b = this.ab.b.z;
    const spherical = this.slerpBox && this.slerpBox.checked;
    const out = [];
    for (let k = 0; k <= PATH_STEPS; k++) {
      const t = k / PATH_STEPS;
      out.push(this.project(spherical ? slerp(a, b, t) : a.map((v, i) => (1 - t) * v + t * b[i])));
    }
    return out;
  }

  drawMarks(ctx) {
    if (this.map.prior && this.map.identity && this.d === 2) this.drawPrior(ctx);
    if (this.mapOnly) {
      if (this.hoverRow !== null && this.hoverRow !== undefined) {
        const [sx, sy] = this.toScreen(this.xy[2 * this.hoverRow], this.xy[2 * this.hoverRow + 1]);
        this.ring(ctx, sx, sy, 7, "#555");
      }
      return;
    }
    this.drawPlaceMarks(ctx);
  }

  drawPrior(ctx) {
    const [cx, cy] = this.toScreen(0, 0);
    ctx.setLineDash([6, 5]);
    ctx.strokeStyle = "rgba(60,60,60,.65)";
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    ctx.arc(cx, cy, 3 * this.view.s, 0, 2 * Math.PI);
    ctx.stroke();
    ctx.setLineDash([]);
  }

  drawPlaceMarks(ctx) {
    ctx.strokeStyle = "rgba(20,20,20,.8)";
    ctx.lineWidth = 2;
    ctx.setLineDash([4, 3]);
    ctx.beginPath();
    this.pathPoints().forEach(([x, y], k) => {
      const [sx, sy] = this.toScreen(x, y);
      if (k) ctx.lineTo(sx, sy); else ctx.moveTo(sx, sy);
    });
    ctx.stroke();
    ctx.setLineDash([]);
    for (const which of ["a", "b"]) {
      const [sx, sy] = this.toScreen(...this.project(this.ab[which].z));
      ctx.fillStyle = "#111";
      ctx.strokeStyle = "#fff";
      ctx.lineWidth = 2;
      ctx.beginPath();
      ctx.moveTo(sx, sy - 9); ctx.lineTo(sx + 9, sy); ctx.lineTo(sx, sy + 9); ctx.lineTo(sx - 9, sy);
      ctx.closePath();
      ctx.stroke();
      ctx.fill();
      ctx.fillStyle = "#fff";
      ctx.font = `bold 10px ${this.font()}`;
      ctx.textAlign = "center";
      ctx.textBaseline = "middle";
      ctx.fillText(which.toUpperCase(), sx, sy + 0.5);
    }
    if (this.row !== null && this.row !== undefined) {
      const [sx, sy] = this.toScreen(this.xy[2 * this.row], this.xy[2 * this.row + 1]);
      this.ring(ctx, sx, sy, 9, "#111");
    }
    if (this.hoverRow !== null && this.hoverRow !== undefined) {
      const [sx, sy] = this.toScreen(this.xy[2 * this.hoverRow], this.xy[2 * this.hoverRow + 1]);
      this.ring(ctx, sx, sy, 7, "#555");
    }
    const [px, py] = this.toScreen(...this.project(this.z));
    for (const [color, width] of [["#fff", 6], ["#d62728", 3]]) {
      ctx.strokeStyle = color;
      ctx.lineWidth = width;
      ctx.lineCap = "round";
      ctx.beginPath();
      ctx.moveTo(px - 8, py - 8); ctx.lineTo(px + 8, py + 8);
      ctx.moveTo(px + 8, py - 8); ctx.lineTo(px - 8, py + 8);
      ctx.stroke();
    }
    if (this.preview) {
      const [hx, hy] = this.toScreen(...this.project(this.preview));
      ctx.strokeStyle = "rgba(214,39,40,.7)";
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      ctx.arc(hx, hy, 6, 0, 2 * Math.PI);
      ctx.stroke();
    }
    this.drawpad.drawMark(ctx);
  }

  ring(ctx, x, y, r, color) {
    ctx.lineWidth = 4;
    ctx.strokeStyle = "#fff";
    ctx.beginPath(); ctx.arc(x, y, r, 0, 2 * Math.PI); ctx.stroke();
    ctx.lineWidth = 2;
    ctx.strokeStyle = color;
    ctx.beginPath(); ctx.arc(x, y, r, 0, 2 * Math.PI); ctx.stroke();
  }

  // ------------------------------------------------------------ the generated image

  positionChanged(now = false) {
    if (now) { this.refresh(); return; }
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => { this.pending = false; this.refresh(); });
  }

  refresh() {
    if (this.mapOnly) {
      if (this.preview) this.showImage(this.preview);
      this.imageTitle.textContent = this.preview ? this.text.preview : "";
      this.root.classList.toggle("lc-previewing", !!this.preview);
      this.image.style.visibility = this.preview ? "visible" : "hidden";
      this.composite();
      return;
    }
    const shown = this.preview || this.z;
    this.showImage(shown);
    this.showReading(shown, this.preview ? this.hoverRow : this.row);
    if (!this.preview) this.syncSliders();
    this.imageTitle.textContent = this.preview ? this.text.preview : this.text.generated;
    this.root.classList.toggle("lc-previewing", !!this.preview);
    const zs = Array.from(shown.slice(0, 6), (v) => v.toFixed(2)).join(", ");
    this.posText.textContent = `${this.text.position}: (${zs}${shown.length > 6 ? ", …" : ""})`;
    this.composite();
    followHook("moved", this);
  }

  showImage(z) {
    if (!this.decoder) return;
    const t0 = performance.now();
    const pixels = this.decoder.decode(z);
    const dt = performance.now() - t0;
    this.lastDecoded = { z: Float64Array.from(z), pixels: Float64Array.from(pixels) };
    this.stats.decodes += 1;
    this.stats.decodeMs.push(dt);
    if (this.stats.decodeMs.length > 2000) this.stats.decodeMs.shift();
    imageToRGBA(pixels, this.outShape, this.imageData.data);
    this.image.getContext("2d").putImageData(this.imageData, 0, 0);
  }

  syncSliders() {
    for (let i = 0; i < this.d; i++) {
      if (document.activeElement !== this.sliderInputs[i] || this.gesture)
        this.sliderInputs[i].value = this.z[i];
      this.sliderValues[i].textContent = this.z[i].toFixed(2);
    }
  }

  nearestCode(z) {
    let best = Infinity, row = -1;
    if (this.codes) {
      const d = this.d, c = this.codes;
      for (let i = 0; i < this.n; i++) {
        let s = 0;
        for (let j = 0; j < d; j++) { const t = c[i * d + j] - z[j]; s += t * t; if (s >= best) break; }
        if (s < best) { best = s; row = i; }
      }
    } else {
      const [x, y] = this.project(z), xy = this.xy;
      for (let i = 0; i < this.n; i++) {
        const dx = xy[2 * i] - x, dy = xy[2 * i + 1] - y, s = dx * dx + dy * dy;
        if (s < best) { best = s; row = i; }
      }
    }
    return [Math.sqrt(best), row];
  }

  reading(z) {
    const [distance, row] = this.nearestCode(z);
    const nn = this.nn, m = this.map;
    let lo = 0, hi = nn.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (nn[mid] < distance) lo = mid + 1; else hi = mid; }
    const verdict = distance <= m.on_threshold ? "on"
      : distance <= m.gap_factor * m.on_threshold ? "edge" : "gap";
    return { distance, row, verdict, ratio: m.spacing > 0 ? distance / m.spacing : 0,
      percentile: (100 * lo) / Math.max(1, nn.length) };
  }

  showReading(z, exactRow) {
    const T = this.text, r = this.reading(z);
    this.lastReading = r;
    this.verdict.dataset.verdict = r.verdict;
    this.verdict.textContent = `${{ on: "✓", edge: "⚠", gap: "✗" }[r.verdict]} ${T["gap_" + r.verdict]}`;
    // a clicked (or hovered) image's position is its code: say which image, not a distance
    // (for d > 2 the page holds float16 codes, a hair away from the server's own)
    const exact = exactRow !== null && exactRow !== undefined;
    if (exact || r.distance < 1e-9) {
      this.verdictNote.textContent = fmt(T.gap_exact, { row: exact ? exactRow : r.row });
      return;
    }
    const detail = fmt(T.gap_detail, { dist: r.distance.toPrecision(3),
      ratio: r.ratio.toFixed(1), pct: r.percentile.toFixed(0) });
    this.verdictNote.textContent = r.verdict === "gap" ? `${detail} ${T.gap_explain}` : detail;
  }

  // ------------------------------------------------------------ pointer

  bindMap() {
    const c = this.canvas;
    c.addEventListener("pointerdown", (e) => this.onDown(e));
    c.addEventListener("pointermove", (e) => this.onMove(e));
    c.addEventListener("pointerup", (e) => this.onUp(e));
    c.addEventListener("pointercancel", () => { this.gesture = null; });
    c.addEventListener("pointerleave", () => { this.hideTip(); if (!this.gesture) this.endPreview(); });
    c.addEventListener("wheel", (e) => this.onWheel(e), { passive: false });
    c.addEventListener("keydown", (e) => this.onKey(e));
  }

  local(e) {
    const b = this.canvas.getBoundingClientRect();
    return [e.clientX - b.left, e.clientY - b.top];
  }

  nearestPoint(px, py) {
    const [x, y] = this.fromScreen(px, py);
    const r = HIT_RADIUS / this.view.s;
    let best = r * r, row = null;
    const xy = this.xy, hidden = this.hidden;
    for (let i = 0; i < this.n; i++) {
      const dx = xy[2 * i] - x, dy = xy[2 * i + 1] - y, s = dx * dx + dy * dy;
      if (s <= best && !(hidden.size && hidden.has(this.labels[i]))) { best = s; row = i; }
    }
    return row;
  }

  inPlot(px, py) {
    const p = this.plot;
    return px >= p.x && px <= p.x + p.w && py >= p.y && py <= p.y + p.h;
  }

  onDown(e) {
    if (!this.map || e.button !== 0) return;
    const [px, py] = this.local(e);
    if (!this.inPlot(px, py)) return;
    this.canvas.setPointerCapture(e.pointerId);
    const [mx, my] = this.toScreen(...this.project(this.z));
    const onMarker = !this.mapOnly && !this.readOnly && Math.hypot(px - mx, py - my) <= MARKER_RADIUS;
    this.gesture = { kind: onMarker ? "marker" : "press", x0: px, y0: py, view: { ...this.view } };
    if (onMarker) { this.endPreview(false); this.canvas.style.cursor = "grabbing"; }
  }

  onMove(e) {
    if (!this.map) return;
    const [px, py] = this.local(e);
    const g = this.gesture;
    if (g && g.kind === "press" && Math.hypot(px - g.x0, py - g.y0) > CLICK_SLOP) {
      g.kind = "pan";
      this.hideTip();
      this.endPreview(false);
    }
    if (g && g.kind === "pan") {
      this.userMoved = true;
      this.view.cx = g.view.cx - (px - g.x0) / this.view.s;
      this.view.cy = g.view.cy + (py - g.y0) / this.view.s;
      this.viewChanged();
      return;
    }
    if (g && g.kind === "marker") {
      this.z = this.clip(this.lift(...this.fromScreen(px, py)));
      this.row = null;
      this.positionChanged();
      return;
    }
    if (g || !this.inPlot(px, py)) { this.hideTip(); this.endPreview(); return; }
    const row = this.nearestPoint(px, py);
    this.hoverRow = row;
    if (row !== null) this.showTip(px, py, row); else this.hideTip();
    const [mx, my] = this.toScreen(...this.project(this.z));
    this.canvas.style.cursor = !this.mapOnly && Math.hypot(px - mx, py - my) <= MARKER_RADIUS
      ? "grab" : "crosshair";
    if (this.hoverBox && this.hoverBox.checked) {
      this.preview = row !== null && this.codes ? this.codeOf(row)
        : row !== null ? this.lift(this.xy[2 * row], this.xy[2 * row + 1])
          : this.clip(this.lift(...this.fromScreen(px, py)));
      this.positionChanged();
    } else {
      this.composite();
    }
  }

  onUp(e) {
    const g = this.gesture;
    this.gesture = null;
    this.canvas.style.cursor = "crosshair";
    if (!g) return;
    if (g.kind === "marker") { this.commit(); return; }
    if (g.kind === "pan") { this.scheduleGrid(); return; }
    if (this.mapOnly || this.readOnly) return;  // readOnly: following a class's teacher
    const [px, py] = this.local(e);
    const row = this.nearestPoint(px, py);
    this.preview = null;
    if (row !== null) {
      this.z = this.codes ? this.codeOf(row) : this.lift(this.xy[2 * row], this.xy[2 * row + 1]);
      this.row = row;
    } else {
      this.z = this.clip(this.lift(...this.fromScreen(px, py)));
      this.row = null;
    }
    const event = { kind: "click", z: Array.from(this.z), row: this.row };
    if (!this.rowUrl) { this.positionChanged(true); this.send(event); return; }
    // the original's request goes out first and the generated image is drawn while it
    // travels; the event follows the clicked image. It only updates the address bar and is
    // posted to the session's inbox (send): a class clicking at once reruns nothing.
    const shown = this.showClicked(this.row);
    this.positionChanged(true);
    shown.finally(() => this.send(event));
  }

  codeOf(row) {
    return Float64Array.from(this.codes.subarray(row * this.d, (row + 1) * this.d));
  }

  onWheel(e) {
    if (!this.map) return;
    const [px, py] = this.local(e);
    if (!this.inPlot(px, py)) return;
    e.preventDefault();
    this.zoomBy(Math.exp(-e.deltaY * 0.0015), px, py);
  }

  onKey(e) {
    if (this.mapOnly || this.readOnly) return;
    const step = 0.02 * Math.min(this.plot.w, this.plot.h) / this.view.s;
    const moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
    if (moves[e.key]) {
      e.preventDefault();
      const [x, y] = this.project(this.z);
      this.z = this.clip(this.lift(x + moves[e.key][0], y + moves[e.key][1]));
      this.row = null;
      this.positionChanged();
      clearTimeout(this.keyTimer);
      this.keyTimer = setTimeout(() => this.commit(), 400);
    } else if (e.key === "+" || e.key === "=") this.zoomBy(1.5);
    else if (e.key === "-") this.zoomBy(1 / 1.5);
    else if (e.key === "0") { this.fitView(); this.viewChanged(); }
  }

  zoomBy(factor, px, py) {
    this.userMoved = true;
    const p = this.plot;
    px = px ?? p.x + p.w / 2;
    py = py ?? p.y + p.h / 2;
    const [x, y] = this.fromScreen(px, py);
    this.view.s *= factor;
    const [x2, y2] = this.fromScreen(px, py);
    this.view.cx += x - x2;
    this.view.cy += y - y2;
    this.viewChanged();
  }

  centerOnPosition() {
    const [x, y] = this.project(this.z);
    this.view.cx = x;
    this.view.cy = y;
    this.viewChanged();
  }

  viewChanged() {
    if (this.viewPending) return;
    this.viewPending = true;
    requestAnimationFrame(() => {
      this.viewPending = false;
      this.renderPoints();
      this.composite();
      this.scheduleGrid();
    });
  }

  showTip(px, py, row) {
    const k = this.labels[row];
    this.tip.textContent = `${this.classes.names[k]} · #${row}`;
    this.tip.style.left = `${px + 12}px`;
    this.tip.style.top = `${py + 12}px`;
    this.tip.hidden = false;
  }

  hideTip() { this.tip.hidden = true; this.hoverRow = null; }

  endPreview(redraw = true) {
    if (!this.preview) return;
    this.preview = null;
    if (redraw) this.positionChanged();
  }

  // ------------------------------------------------------------ decoded-manifold grid

  manifoldChanged(redraw = true) {
    const on = this.manifoldBox.checked;
    this.gridSelect.hidden = !on;
    this.pointsBox.parentElement.hidden = !on;
    this.gridDownload.hidden = !on;
    if (!on) { this.pointsBox.checked = true; this.cancelGrid(); }
    if (redraw) { this.grid = null; this.scheduleGrid(0); this.composite(); }
  }

  cancelGrid() {
    clearTimeout(this.gridTimer);
    this.gridJob = null;
  }

  scheduleGrid(delay = 150) {
    if (!this.manifoldBox || !this.manifoldBox.checked || !this.decoder || !this.plot) return;
    this.cancelGrid();
    this.gridTimer = setTimeout(() => this.startGrid(), delay);
  }

  startGrid() {
    const n = Number(this.gridSelect.value);
    const [c, h, w] = this.outShape;
    const canvas = document.createElement("canvas");
    canvas.width = n * w;
    canvas.height = n * h;
    const win = this.visibleWindow();
    const job = { n, canvas, window: win, next: 0, tile: new ImageData(w, h) };
    this.gridJob = job;
    const step = () => {
      if (this.gridJob !== job) return;
      const t0 = performance.now();
      const ctx = canvas.getContext("2d");
      while (job.next < n * n && performance.now() - t0 < FRAME_BUDGET_MS) {
        const i = Math.floor(job.next / n), j = job.next % n;
        const x = win[0] + ((j + 0.5) * (win[1] - win[0])) / n;
        const y = win[3] - ((i + 0.5) * (win[3] - win[2])) / n;
        const pixels = this.decoder.decode(this.lift(x, y));
        imageToRGBA(pixels, [c, h, w], job.tile.data);
        ctx.putImageData(job.tile, j * w, i * h);
        job.next += 1;
      }
      this.grid = { canvas, window: win, n, done: job.next >= n * n };
      this.composite();
      if (job.next < n * n) requestAnimationFrame(step);
      else { this.gridJob = null; this.root.dataset.gridDone = String(n); }
    };
    requestAnimationFrame(step);
  }

  // ------------------------------------------------------------ events to the server

  send(value) {
    value.seq = nextSeq();
    this.stats.events.push(value.kind);
    if (this.inboxUrl && INBOX_KINDS.has(value.kind)) { this.post(value); return; }
    if (this.trigger) this.trigger("action", value);
  }

  post(value) {
    // everything this event shows is drawn already: the server only keeps it for the
    // session's next run (app_lib.inbox), with no rerun, and the address bar is updated
    // here as the server would after one. A server that lost the box gets a rerun instead.
    this.bookmark(value);
    this.stats.posted += 1;
    const rerun = () => { if (this.trigger) this.trigger("action", value); };
    fetch(`${rowBase()}${this.inboxUrl}`, {
      method: "POST", keepalive: true, body: JSON.stringify(value),
      headers: { "Content-Type": "application/json" },
    }).then((response) => { if (!response.ok) rerun(); }, rerun);
  }

  bookmark(value) {
    // the same parameters as app_lib.explorer.url_extras: z, and pt for a clicked image
    const url = new URL(window.location.href);
    url.searchParams.set("z", value.z.map(formatG4).join(","));
    if (value.kind === "click") {
      if (value.row === null || value.row === undefined) url.searchParams.delete("pt");
      else url.searchParams.set("pt", String(value.row));
    }
    const search = url.search.replace(/%2C/gi, ",");
    window.history.replaceState(window.history.state, "", url.pathname + search + url.hash);
  }

  commit() {
    this.send({ kind: "position", z: Array.from(this.z), row: this.row });
  }

  setEndpoint(which) {
    this.ab[which] = { z: Array.from(this.z), row: this.row };
    this.composite();
    this.sendEndpoints();
  }

  sendEndpoints() {
    followHook("endpoints", this);
    this.send({ kind: "ab", a: this.ab.a, b: this.ab.b,
      method: this.slerpBox && this.slerpBox.checked ? "spherical" : "linear" });
  }

  downloadCanvas(source, name, scale) {
    if (!source) return;
    const out = document.createElement("canvas");
    out.width = source.width * scale;
    out.height = source.height * scale;
    const ctx = out.getContext("2d");
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(source, 0, 0, out.width, out.height);
    out.toBlob((blob) => {
      const a = document.createElement("a");
      a.href = URL.createObjectURL(blob);
      a.download = name;
      a.click();
      setTimeout(() => URL.revokeObjectURL(a.href), 1000);
    }, "image/png");
  }
}

// events the page posts to the session's inbox instead of rerunning (app_lib.inbox)
const INBOX_KINDS = new Set(["click", "position"]);
let LAST_SEQ = 0;

function nextSeq() {
  // increasing within this tab, across remounts of the canvas: microseconds since the epoch
  const now = Math.round((performance.timeOrigin + performance.now()) * 1000);
  LAST_SEQ = Math.max(LAST_SEQ + 1, now);
  return LAST_SEQ;
}

function formatG4(v) {
  // Python's f"{v:.4g}", as the server writes a position into the address
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return "0";
  const [mantissa, exponent] = v.toExponential(3).split("e");
  const e = Number(exponent);
  const trim = (text) => (text.includes(".") ? text.replace(/\.?0+$/, "") : text);
  if (e < -4 || e >= 4)
    return `${trim(mantissa)}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
  return trim(v.toFixed(Math.max(0, 3 - e)));
}

function sameValues(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function rowBase() {
  // the server's root, as app_lib.server_root tells the page, else the site's root
  const base = (window.__streamlit && window.__streamlit.BACKEND_BASE_URL) || window.location.origin;
  return base.endsWith("/") ? base : `${base}/`;
}

const INSTANCES = new WeakMap();

export default function latentCanvas({ data, parentElement, setTriggerValue }) {
  let canvas = INSTANCES.get(parentElement);
  if (!canvas) {
    canvas = new LatentCanvas(parentElement);
    INSTANCES.set(parentElement, canvas);
  }
  canvas.trigger = setTriggerValue;
  if (data) {
    const t0 = performance.now();
    if (canvas.load(data, unpackMessage, createDecoder))
      canvas.stats.loads.push({ at: t0, ms: performance.now() - t0 });
  }
  window.__latentCanvas = canvas;  // the last mounted canvas: for benchmarks and tests
}
