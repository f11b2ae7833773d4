// The latent canvas, part 3: the drawing pad. Draw with a mouse, a pen or a finger; every
// stroke is prepared the way the dataset's images were made (ae_core.drawing is the
// reference: the same arithmetic, held together by a browser test), encoded, marked on the
// map with a star, and decoded back beside the drawing. The encoder runs in the page when
// the message holds it (header.encoder, ae_core.webdecoder.encoder_parts) and the page
// decodes too; otherwise a finished stroke costs one POST to the server's encode route
// (header.draw.encode_url, app_lib.encode). The canvas calls only load, toolbar and drawMark.

const DRAW_PEN = { mnist: 1.3, digits: 2.6, resize: 0.05 };  // ae_core.drawing.PEN
const MNIST_BOX = 20;
const PAD_CSS = 196;         // px: the pad's side on screen
const PAD_PEN = 0.075;       // the pen's width on screen, a fraction of the pad
const NEIGHBOURS = 10;       // the reading's k nearest map points

export function drawingSegments(strokes) {
  // [x0, y0, x1, y1, ...]; a one-point stroke is a dot (a zero-length segment)
  const out = [];
  for (const stroke of strokes) {
    const pts = stroke.length === 1 ? [stroke[0], stroke[0]] : stroke;
    for (let i = 1; i < pts.length; i++)
      out.push(pts[i - 1][0], pts[i - 1][1], pts[i][0], pts[i][1]);
  }
  return out;
}

function renderInk(seg, h, w, sx, sy, ox, oy, r) {
  // ink at each pixel centre: clip(r + 1/2 - distance to the nearest stroke, 0, 1)
  const best = new Float64Array(h * w).fill(Infinity);
  for (let k = 0; k < seg.length; k += 4) {
    const ax = seg[k] * sx + ox, ay = seg[k + 1] * sy + oy;
    const bx = seg[k + 2] * sx + ox, by = seg[k + 3] * sy + oy;
    const dx = bx - ax, dy = by - ay, len2 = dx * dx + dy * dy;
    for (let i = 0; i < h; i++) {
      const ys = i + 0.5;
      for (let j = 0; j < w; j++) {
        const xs = j + 0.5;
        const t = len2 > 0 ? Math.min(1, Math.max(0, ((xs - ax) * dx + (ys - ay) * dy) / len2)) : 0;
        const px = xs - (ax + t * dx), py = ys - (ay + t * dy);
        const d = Math.sqrt(px * px + py * py);
        if (d < best[i * w + j]) best[i * w + j] = d;
      }
    }
  }
  const out = new Float64Array(h * w);
  for (let i = 0; i < h * w; i++) out[i] = Math.min(1, Math.max(0, r + 0.5 - best[i]));
  return out;
}

function fitBox(seg, side, r) {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (let k = 0; k < seg.length; k += 2) {
    x0 = Math.min(x0, seg[k]); x1 = Math.max(x1, seg[k]);
    y0 = Math.min(y0, seg[k + 1]); y1 = Math.max(y1, seg[k + 1]);
  }
  const extent = Math.max(x1 - x0, y1 - y0);
  const s = extent > 0 ? (side - 2 * r) / extent : 1;
  return [s, side / 2 - (s * (x0 + x1)) / 2, side / 2 - (s * (y0 + y1)) / 2];
}

export function preprocessDrawing(strokes, mode, shape) {
  // the image (C, H, W) flattened, Float64Array in [0, 1]: ae_core.drawing.preprocess
  const [c, h, w] = shape;
  const seg = drawingSegments(strokes);
  let plane = new Float64Array(h * w);
  if (seg.length && mode === "mnist") {
    const r = DRAW_PEN.mnist;
    let [s, ox, oy] = fitBox(seg, MNIST_BOX, r);
    ox += (w - MNIST_BOX) / 2;
    oy += (h - MNIST_BOX) / 2;
    const first = renderInk(seg, h, w, s, s, ox, oy, r);
    let total = 0, mx = 0, my = 0;
    for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) {
      const v = first[i * w + j];
      total += v; mx += v * (j + 0.5); my += v * (i + 0.5);
    }
    if (total > 0) { ox += w / 2 - mx / total; oy += h / 2 - my / total; }
    plane = renderInk(seg, h, w, s, s, ox, oy, r);
  } else if (seg.length && mode === "digits") {
    const big = 4 * Math.max(h, w), r = DRAW_PEN.digits;
    const [s, ox, oy] = fitBox(seg, big, r);
    const fine = renderInk(seg, big, big, s, s, ox, oy, r);
    const bh = big / h, bw = big / w;
    for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) {
      let sum = 0;
      for (let a = 0; a < bh; a++) for (let b = 0; b < bw; b++) sum += fine[(i * bh + a) * big + j * bw + b];
      plane[i * w + j] = sum / (bh * bw);
    }
  } else if (seg.length) {
    plane = renderInk(seg, h, w, w, h, 0, 0, DRAW_PEN.resize * Math.max(h, w));
  }
  const out = new Float64Array(c * h * w);
  for (let k = 0; k < c; k++) out.set(plane, k * h * w);
  return out;
}

function drawStar(ctx, x, y, r) {
  ctx.beginPath();
  for (let k = 0; k < 10; k++) {
    const a = -Math.PI / 2 + (k * Math.PI) / 5, rr = k % 2 ? r * 0.45 : r;
    if (k) ctx.lineTo(x + rr * Math.cos(a), y + rr * Math.sin(a));
    else ctx.moveTo(x + rr * Math.cos(a), y + rr * Math.sin(a));
  }
  ctx.closePath();
}

export class DrawPad {
  constructor(owner, side) {
    this.owner = owner;
    this.strokes = [];
    this.stroke = null;
    this.code = null;
    this.input = null;
    this.recon = null;
    this.active = false;
    this.stats = { drawMs: [], computeMs: [], encodes: 0, posts: 0 };
    this.panel = el("div", "lc-draw", side);
    this.panel.hidden = true;
  }

  load(header, arrays) {
    // the map's encoder (or the server's address) and how a drawing becomes an image
    const o = this.owner, draw = header.draw || null;
    const shape = header.encoder ? header.encoder.input_shape : o.outShape;
    const same = this.mapId === header.map_id && this.shape && shape
      && this.shape.join() === shape.join();
    this.mapId = header.map_id;
    // the weights come with the message, or from header.encoder_url when the pad first opens
    this.encoderSpec = header.encoder || null;
    this.encoderUrl = header.encoder_url || null;
    this.encoder = header.encoder && !header.encoder_url
      ? createEncoder(header.encoder, arrays, "enc:") : null;
    this.inPage = !!(this.encoderSpec && o.decoder);
    this.url = draw && draw.encode_url ? draw.encode_url : null;
    this.mode = draw ? draw.mode : "resize";
    this.shape = shape;
    this.available = !o.mapOnly && !!draw && !!shape && (this.inPage || !!this.url);
    if (!same) { this.strokes = []; this.code = null; this.input = null; this.recon = null; }
    if (!this.available) this.active = false;
    this.build();
    this.setActive(this.active, false);  // the canvas redraws once loaded
  }

  toolbar(bar) {
    // the toggle that swaps the side panel for the pad
    if (!this.available) return;
    const T = this.owner.text;
    this.toggleBox = this.owner.toggle(bar, T.draw, this.active, (on) => this.setActive(on),
      "lc-draw-toggle");
    this.toggleBox.parentElement.title = T.draw_help;
  }

  setActive(on, redraw = true) {
    this.active = !!on && this.available;
    this.owner.root.classList.toggle("lc-drawing", this.active);
    this.panel.hidden = !this.active;
    if (this.toggleBox) this.toggleBox.checked = this.active;
    if (this.active) this.paintPad();
    if (this.active && this.inPage && !this.encoder) this.fetchEncoder();
    if (redraw) this.owner.composite();
  }

  async fetchEncoder() {
    if (this.encoderLoading) return;
    this.encoderLoading = true;
    const mapId = this.mapId;
    try {
      const response = await fetch(`${rowBase()}${this.encoderUrl}`);
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const msg = unpackMessage(new Uint8Array(await response.arrayBuffer()));
      if (mapId !== this.mapId) return;  // another map arrived meanwhile
      this.encoder = createEncoder(this.encoderSpec, msg.arrays, "enc:");
      if (this.strokes.length) this.strokeDone(performance.now());
    } catch (error) {
      if (this.reading) this.reading.textContent = this.owner.text.draw_failed;
    } finally {
      this.encoderLoading = false;
    }
  }

  build() {
    const T = this.owner.text, o = this.owner;
    this.panel.replaceChildren();
    this.toggleBox = null;
    if (!this.available) return;
    const head = el("div", "lc-head", this.panel);
    el("div", "lc-title", head, T.draw_title);
    const tools = el("span", "lc-tools", head);
    this.undoButton = o.button(tools, T.draw_undo, T.draw_undo_help, () => this.undo(), "lc-draw-undo");
    this.clearButton = o.button(tools, T.draw_clear, T.draw_clear_help, () => this.clear(), "lc-draw-clear");
    this.pad = el("canvas", "lc-pad", this.panel);
    this.pad.setAttribute("role", "img");
    this.pad.setAttribute("aria-label", T.draw_title);
    const dpr = Math.min(2, Math.max(1, window.devicePixelRatio || 1));
    this.pad.width = Math.round(PAD_CSS * dpr);
    this.pad.height = Math.round(PAD_CSS * dpr);
    this.bindPad();
    const row = el("div", "lc-draw-row", this.panel);
    const [, h, w] = this.shape;
    this.thumbs = {};
    for (const [part, label] of [["input", T.draw_input], ["recon", T.draw_recon]]) {
      const fig = el("figure", "lc-draw-thumb", row);
      const c = el("canvas", "lc-draw-image", fig);
      c.width = w;
      c.height = h;
      c.dataset.part = part;
      c.setAttribute("role", "img");
      c.setAttribute("aria-label", label);
      el("figcaption", "", fig, label);
      this.thumbs[part] = c;
    }
    this.reading = el("div", "lc-draw-reading", this.panel);
    el("div", "lc-caption", this.panel, `★ ${T.draw_mark} ${T["draw_note_" + this.mode] || ""}`
      + (this.inPage ? "" : ` ${T.draw_server}`));
    this.showResult();
  }

  // ------------------------------------------------------------ strokes

  bindPad() {
    const p = this.pad;
    p.addEventListener("pointerdown", (e) => {
      if (e.button !== 0 && e.pointerType === "mouse") return;
      e.preventDefault();
      p.setPointerCapture(e.pointerId);
      this.stroke = [this.unit(e)];
      this.strokes.push(this.stroke);
      this.paintPad();
      this.scheduleLive();
    });
    p.addEventListener("pointermove", (e) => {
      if (!this.stroke) return;
      const events = e.getCoalescedEvents ? e.getCoalescedEvents() : [];
      for (const ev of events.length ? events : [e]) this.stroke.push(this.unit(ev));
      this.paintPad();
      this.scheduleLive();
    });
    const end = (e) => {
      if (!this.stroke) return;
      this.stroke = null;
      this.strokeDone(e.timeStamp);
    };
    p.addEventListener("pointerup", end);
    p.addEventListener("pointercancel", end);
  }

  unit(e) {
    const b = this.pad.getBoundingClientRect();
    return [Math.min(1, Math.max(0, (e.clientX - b.left) / b.width)),
      Math.min(1, Math.max(0, (e.clientY - b.top) / b.height))];
  }

  undo() {
    this.strokes.pop();
    this.changed();
  }

  clear() {
    this.strokes = [];
    this.changed();
  }

  changed() {
    this.paintPad();
    if (this.strokes.length) { this.strokeDone(performance.now()); return; }
    this.code = null; this.input = null; this.recon = null;
    this.owner.root.dataset.drawn = "0";
    this.showResult();
    this.owner.composite();
  }

  scheduleLive() {
    // while the pen moves: encode once a frame, in the page only (never a request a frame)
    if (!this.inPage || !this.encoder || this.livePending) return;
    this.livePending = true;
    requestAnimationFrame(() => {
      this.livePending = false;
      if (this.stroke) this.encodeInPage();
    });
  }

  strokeDone(since) {
    // a finished stroke (or an undo): encoded, marked and decoded; the time from the event
    // to the frame that shows the mark is the pad's figure (benchmarks/bench_draw.py)
    this.owner.root.dataset.drawn = "0";
    if (this.inPage) {
      if (!this.encoder) return;  // fetchEncoder encodes the strokes once it arrives
      const t0 = performance.now();
      this.encodeInPage();
      this.stats.computeMs.push(performance.now() - t0);
      requestAnimationFrame(() => {
        this.stats.drawMs.push(performance.now() - since);
        if (this.stats.drawMs.length > 2000) this.stats.drawMs.shift();
        this.owner.root.dataset.drawn = String(this.strokes.length);
      });
      return;
    }
    this.encodeOnServer(since);
  }

  encodeInPage() {
    this.input = preprocessDrawing(this.strokes, this.mode, this.shape);
    this.code = Float64Array.from(this.encoder.encode(this.input));
    this.recon = Float64Array.from(this.owner.decoder.decode(this.code));
    this.stats.encodes += 1;
    this.showResult();
    this.owner.composite();
  }

  async encodeOnServer(since) {
    const ticket = (this.ticket = (this.ticket || 0) + 1);
    const input = preprocessDrawing(this.strokes, this.mode, this.shape);
    this.input = input;
    this.showResult();
    this.panel.classList.add("lc-loading");
    let msg;
    try {
      const response = await fetch(`${rowBase()}${this.url}`, { method: "POST",
        body: Float32Array.from(input), headers: { "Content-Type": "application/octet-stream" } });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      msg = unpackMessage(new Uint8Array(await response.arrayBuffer()));
    } catch (error) {
      if (ticket !== this.ticket) return;
      this.panel.classList.remove("lc-loading");
      this.reading.textContent = this.owner.text.draw_failed;
      return;
    }
    if (ticket !== this.ticket) return;  // a later stroke won
    this.stats.posts += 1;
    this.panel.classList.remove("lc-loading");
    this.code = Float64Array.from(msg.arrays.code);
    this.recon = Float64Array.from(msg.arrays.recon);
    this.showResult();
    this.owner.composite();
    this.stats.drawMs.push(performance.now() - since);
    this.owner.root.dataset.drawn = String(this.strokes.length);
  }

  // ------------------------------------------------------------ showing

  paintPad() {
    if (!this.pad) return;
    const ctx = this.pad.getContext("2d"), W = this.pad.width;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = "#000";
    ctx.fillRect(0, 0, W, W);
    if (this.mode === "mnist") {  // where the digit will be fitted: the 20×20 box of 28×28
      ctx.strokeStyle = "rgba(255,255,255,.18)";
      ctx.setLineDash([4, 4]);
      ctx.lineWidth = 1;
      const a = (W * 4) / 28;
      ctx.strokeRect(a + 0.5, a + 0.5, W - 2 * a - 1, W - 2 * a - 1);
      ctx.setLineDash([]);
    }
    ctx.strokeStyle = "#fff";
    ctx.fillStyle = "#fff";
    ctx.lineWidth = PAD_PEN * W;
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    for (const s of this.strokes) {
      ctx.beginPath();
      ctx.moveTo(s[0][0] * W, s[0][1] * W);
      if (s.length === 1) ctx.lineTo(s[0][0] * W + 0.01, s[0][1] * W);
      for (let i = 1; i < s.length; i++) ctx.lineTo(s[i][0] * W, s[i][1] * W);
      ctx.stroke();
    }
  }

  showResult() {
    if (!this.thumbs) return;
    const shape = this.shape;
    for (const [part, pixels] of [["input", this.input], ["recon", this.recon]]) {
      const c = this.thumbs[part];
      if (pixels) this.owner.paint(c, pixels, shape);
      else c.getContext("2d").clearRect(0, 0, c.width, c.height);
    }
    this.reading.textContent = this.code ? this.readingText() : this.owner.text.draw_empty;
  }

  neighbours(z) {
    // the k nearest map points' labels (codes when the page has them, d > 2, else positions),
    // kept in a small sorted buffer: a 70k-point map is one pass, no sort
    const o = this.owner, k = Math.min(NEIGHBOURS, o.n);
    const bestD = new Float64Array(k).fill(Infinity), bestI = new Int32Array(k).fill(-1);
    const [x, y] = o.codes ? [0, 0] : o.project(z);
    for (let i = 0; i < o.n; i++) {
      let s = 0;
      if (o.codes) {
        for (let j = 0; j < o.d; j++) { const t = o.codes[i * o.d + j] - z[j]; s += t * t; }
      } else {
        const dx = o.xy[2 * i] - x, dy = o.xy[2 * i + 1] - y;
        s = dx * dx + dy * dy;
      }
      if (s >= bestD[k - 1]) continue;
      let at = k - 1;
      while (at > 0 && bestD[at - 1] > s) { bestD[at] = bestD[at - 1]; bestI[at] = bestI[at - 1]; at--; }
      bestD[at] = s;
      bestI[at] = i;
    }
    const votes = new Map();
    for (const i of bestI) if (i >= 0) votes.set(o.labels[i], (votes.get(o.labels[i]) || 0) + 1);
    let best = null, count = 0;
    for (const [label, v] of votes) if (v > count) { best = label; count = v; }
    return { label: best, count, k, rows: Array.from(bestI) };
  }

  readingText() {
    const o = this.owner, T = o.text, nb = this.neighbours(this.code);
    this.lastNeighbours = nb;
    const zs = Array.from(this.code.slice(0, 4), (v) => v.toFixed(2)).join(", ");
    return fmt(T.draw_reading, { z: zs + (this.code.length > 4 ? ", …" : ""),
      label: o.classes.names[nb.label], count: nb.count, k: nb.k });
  }

  drawMark(ctx) {
    // the drawing's code on the map: an orange star, unlike every other mark
    if (!this.active || !this.code) return;
    const [sx, sy] = this.owner.toScreen(...this.owner.project(this.code));
    drawStar(ctx, sx, sy, 11);
    ctx.lineWidth = 3;
    ctx.strokeStyle = "#fff";
    ctx.stroke();
    ctx.fillStyle = "#ff7f0e";
    ctx.fill();
    ctx.lineWidth = 1.2;
    ctx.strokeStyle = "#5a2d00";
    ctx.stroke();
  }
}
