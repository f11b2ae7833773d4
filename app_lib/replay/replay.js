// The per-image replay of training: pick a probe image, see its reconstruction after every
// epoch as a strip and at one epoch with a scrubber. Scrubbing and picking redraw here with
// no round trip; a released scrubber, a strip cell or a pick is sent as one "action"
// ({kind: "frame", frame} or {kind: "pick", index}) so the page can move the map's replay
// to the same epoch and remember the pick. decoder.js (unpackMessage) and dom.js (el, fmt)
// come first in the module.

function paint(canvas, bytes, offset, [c, h, w]) {
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext("2d");
  const out = ctx.createImageData(w, h);
  const plane = h * w;
  for (let i = 0; i < plane; i++) {
    for (let k = 0; k < 3; k++) out.data[4 * i + k] = bytes[offset + (c === 3 ? k * plane : 0) + i];
    out.data[4 * i + 3] = 255;
  }
  ctx.putImageData(out, 0, 0);
}

class Replay {
  constructor(parent) {
    this.root = el("div", "rp-root", parent);
    this.id = null;
    this.userFrame = false;
  }

  load(bytes) {
    const { header: h, arrays } = unpackMessage(bytes);
    if (h.mount_id === this.mountId) return;
    this.mountId = h.mount_id;
    const same = h.replay_id === this.id;
    this.id = h.replay_id;
    this.h = h;
    this.images = arrays.images;
    this.frames = arrays.frames;
    this.shape = h.shape;
    this.size = h.shape.reduce((a, b) => a * b, 1);
    this.n = h.n;
    this.count = h.epochs.length;
    this.pick = Math.min(h.pick ?? 0, this.n - 1);
    // the server's epoch, unless the viewer scrubbed this same replay while it grew
    if (!(same && this.userFrame && h.follow)) this.frame = Math.min(h.frame, this.count - 1);
    if (!same) this.userFrame = false;
    this.root.classList.toggle("rp-present", !!h.present);
    this.build();
  }

  build() {
    const T = this.h.text;
    this.root.replaceChildren();
    el("div", "rp-title", this.root, T.pick);
    const gallery = el("div", "rp-gallery", this.root);
    this.pickButtons = [];
    for (let i = 0; i < this.n; i++) {
      const b = el("button", "rp-pickbtn", gallery);
      b.type = "button";
      b.title = fmt(T.image, { label: this.h.labels[i] });
      b.setAttribute("aria-label", b.title);
      b.dataset.index = String(i);
      const c = el("canvas", "rp-thumb", b);
      paint(c, this.images, i * this.size, this.shape);
      b.addEventListener("click", () => this.setPick(i));
      this.pickButtons.push(b);
    }
    const main = el("div", "rp-main", this.root);
    this.original = this.figure(main, T.original);
    this.recon = this.figure(main, T.reconstruction);
    const scrub = el("div", "rp-scrub", main);
    this.range = el("input", "rp-range", scrub);
    this.range.type = "range";
    this.range.min = "0";
    this.range.max = String(this.count - 1);
    this.range.step = "1";
    this.range.setAttribute("aria-label", T.scrubber);
    this.epochLabel = el("span", "rp-epoch", scrub);
    this.range.addEventListener("input", () => this.setFrame(Number(this.range.value), false));
    this.range.addEventListener("change", () => this.setFrame(Number(this.range.value), true));
    el("div", "rp-title", this.root, T.strip);
    this.strip = el("div", "rp-strip", this.root);
    this.drawPick();
  }

  figure(parent, caption) {
    const fig = el("figure", "rp-fig", parent);
    const c = el("canvas", "rp-big", fig);
    el("figcaption", "", fig, caption);
    return c;
  }

  drawPick() {
    this.pickButtons.forEach((b, i) => b.setAttribute("aria-pressed", String(i === this.pick)));
    paint(this.original, this.images, this.pick * this.size, this.shape);
    this.strip.replaceChildren();
    this.cells = [];
    for (let f = 0; f < this.count; f++) {
      const b = el("button", "rp-cell", this.strip);
      b.type = "button";
      b.title = fmt(this.h.text.epoch, { epoch: this.h.epochs[f] });
      b.dataset.frame = String(f);
      paint(el("canvas", "rp-thumb", b), this.frames, (f * this.n + this.pick) * this.size,
        this.shape);
      b.addEventListener("click", () => this.setFrame(f, true));
      this.cells.push(b);
    }
    this.drawFrame();
  }

  drawFrame() {
    this.range.value = String(this.frame);
    this.epochLabel.textContent = fmt(this.h.text.epoch, { epoch: this.h.epochs[this.frame] });
    paint(this.recon, this.frames, (this.frame * this.n + this.pick) * this.size, this.shape);
    this.cells.forEach((c, f) => c.classList.toggle("rp-now", f === this.frame));
  }

  setPick(i) {
    this.pick = i;
    this.drawPick();
    this.send({ kind: "pick", index: i });
  }

  setFrame(f, release) {
    this.frame = f;
    this.userFrame = true;
    this.drawFrame();
    if (release) this.send({ kind: "frame", frame: f });
  }

  send(value) {
    if (this.trigger) this.trigger("action", value);
  }
}

const INSTANCES = new WeakMap();

export default function replay({ data, parentElement, setTriggerValue }) {
  let r = INSTANCES.get(parentElement);
  if (!r) {
    r = new Replay(parentElement);
    INSTANCES.set(parentElement, r);
  }
  r.trigger = setTriggerValue;
  if (data) r.load(data);
  window.__replay = r;  // the last mounted replay: for tests
}
