// Following a class: the teacher's page reports its view, each student's page applies it.
//
// One ClassLink per browser page (window.__latentClass), shared by the sidebar's class
// panel (app_lib/classroom_ui.py) and every latent canvas on the page. The teacher's link
// POSTs small JSON messages to <root>/_latent/class/<code> (the position at most 20 times
// a second, the clicked row, A/B, the map's id, the page's address); a student's link holds
// one EventSource on <root>/_latent/class/<code>/events and hands each message to the
// canvases, which decode the image themselves. When the teacher's page or map differs
// from the student's, the student's page goes to the teacher's address (a new Streamlit
// session, which finds the class again in a cookie). "Explore on my own" only stops
// applying messages; "Follow again" jumps to where the teacher is now.

const FOLLOW_SEND_MS = 50;          // the position: at most 20 messages a second
const FOLLOW_PAGE_POLL_MS = 200;    // the teacher's address, looked at this often
const FOLLOW_NAV_GAP_MS = 3000;     // a student's page moves at most this often
const FOLLOW_DETACHED = "latentClassDetached";
const FOLLOW_LOCAL_PARAMS = new Set(["lang", "z", "pt", "class", "present"]);

function followRoot() {
  const base = (window.__streamlit && window.__streamlit.BACKEND_BASE_URL) || window.location.origin;
  return base.endsWith("/") ? base : `${base}/`;
}

function followPagePath(href) {
  // a page's address as the class compares it: the path below the server's root and the
  // query without what each visitor keeps for themselves (language, position, clicked row)
  const url = new URL(href, window.location.href);
  const root = new URL(followRoot());
  let path = url.pathname;
  const base = root.pathname.replace(/\/+$/, "");
  if (base && path.startsWith(base)) path = path.slice(base.length);
  path = `/${path.replace(/^\/+|\/+$/g, "")}`;
  const params = [...url.searchParams.entries()]
    .filter(([k]) => !FOLLOW_LOCAL_PARAMS.has(k)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const query = new URLSearchParams(params).toString();
  return query ? `${path}?${query}` : path;
}

class ClassLink {
  constructor() {
    this.role = null;       // "teacher" | "student" | null
    this.code = null;
    this.secret = null;
    this.state = {};        // the class's last state (student: as received)
    this.canvases = new Set();
    this.panels = new Set();
    this.source = null;
    this.sent = {};         // teacher: what was last sent, per field (JSON)
    this.queued = {};
    this.sendTimer = null;
    this.lastSend = 0;
    this.pageTimer = null;
    this.navigatedAt = -Infinity;
    this.navTimer = null;
    this.received = 0;
    this.connected = false;
  }

  get following() {
    return this.role === "student" && window.localStorage.getItem(FOLLOW_DETACHED) !== this.code;
  }

  configure({ role, code, secret }) {
    role = role || null;
    if (role === this.role && code === this.code && secret === this.secret) return;
    this.close();
    Object.assign(this, { role, code: code || null, secret: secret || null, state: {}, sent: {} });
    if (role === "teacher") {
      this.watchPage();
      for (const c of this.canvases) this.canvasLoaded(c);
    } else if (role === "student") {
      this.open();
    }
    this.changed();
  }

  close() {
    if (this.source) this.source.close();
    this.source = null;
    this.connected = false;
    clearInterval(this.pageTimer);
    this.pageTimer = null;
    clearTimeout(this.sendTimer);
    this.sendTimer = null;
    this.queued = {};
  }

  changed() {
    for (const c of [...this.canvases]) {
      if (!c.root.isConnected) { this.canvases.delete(c); continue; }
      this.setReadOnly(c);
    }
    for (const p of [...this.panels]) {
      if (!p.isConnected()) this.panels.delete(p); else p.render();
    }
  }

  // ------------------------------------------------------------ the teacher

  report(fields, now = false) {
    if (this.role !== "teacher") return;
    for (const [k, v] of Object.entries(fields)) {
      const json = JSON.stringify(v ?? null);
      if (this.sent[k] === json && !(k in this.queued)) continue;
      this.queued[k] = v ?? null;
    }
    if (!Object.keys(this.queued).length || this.sendTimer) return;
    const wait = now ? 0 : Math.max(0, this.lastSend + FOLLOW_SEND_MS - performance.now());
    this.sendTimer = setTimeout(() => this.flush(), wait);
  }

  flush() {
    this.sendTimer = null;
    const body = this.queued;
    this.queued = {};
    if (!Object.keys(body).length || this.role !== "teacher") return;
    for (const [k, v] of Object.entries(body)) this.sent[k] = JSON.stringify(v);
    this.lastSend = performance.now();
    fetch(`${followRoot()}_latent/class/${this.code}`, {
      method: "POST", keepalive: true, body: JSON.stringify(body),
      headers: { "Content-Type": "application/json", "X-Class-Secret": this.secret },
    }).catch(() => { for (const k of Object.keys(body)) delete this.sent[k]; });
  }

  watchPage() {
    const look = () => this.report({ page: followPagePath(window.location.href) }, true);
    look();
    this.pageTimer = setInterval(look, FOLLOW_PAGE_POLL_MS);
  }

  // ------------------------------------------------------------ a student

  open() {
    if (!this.code || this.source) return;
    const source = new EventSource(`${followRoot()}_latent/class/${this.code}/events`);
    this.source = source;
    source.onopen = () => { this.connected = true; this.changed(); };
    source.onerror = () => { this.connected = false; this.changed(); };  // it reconnects
    source.onmessage = (e) => this.receive(JSON.parse(e.data));
  }

  receive(msg) {
    this.received += 1;
    if (msg.ended) {
      this.close();
      this.state = { ended: true };
      this.changed();
      return;
    }
    if (msg.snapshot) this.state = {};
    delete msg.snapshot;
    Object.assign(this.state, msg);
    if (!this.following) return;
    if (this.goToPage()) return;
    for (const c of [...this.canvases]) {
      if (c.root.isConnected) this.apply(c, msg); else this.canvases.delete(c);
    }
  }

  goToPage() {
    // true when this page is leaving for the teacher's
    const page = this.state.page;
    if (!page || followPagePath(window.location.href) === page) return false;
    const now = performance.now(), wait = this.navigatedAt + FOLLOW_NAV_GAP_MS - now;
    if (wait > 0) {  // a page that keeps changing: go where it ends up, a moment later
      clearTimeout(this.navTimer);
      this.navTimer = setTimeout(() => { if (this.following) this.goToPage(); }, wait);
      return false;
    }
    this.navigatedAt = now;
    const target = new URL(followRoot() + page.replace(/^\//, ""));
    const lang = new URL(window.location.href).searchParams.get("lang");
    if (lang) target.searchParams.set("lang", lang);
    window.location.assign(target.toString());
    return true;
  }

  detach() {
    window.localStorage.setItem(FOLLOW_DETACHED, this.code);
    this.changed();
  }

  follow() {
    window.localStorage.removeItem(FOLLOW_DETACHED);
    this.changed();
    this.navigatedAt = -Infinity;
    if (this.goToPage()) return;
    for (const c of this.canvases) this.apply(c, this.state);
  }

  // ------------------------------------------------------------ the canvases

  canvasLoaded(c) {
    this.canvases.add(c);
    this.setReadOnly(c);
    if (c.mapOnly) return;
    if (this.role === "teacher") {
      this.report({ map: c.mapId }, true);
      this.canvasMoved(c);
      this.canvasEndpoints(c);
    } else if (this.following) {
      this.apply(c, this.state);
    }
  }

  canvasMoved(c) {
    if (this.role !== "teacher" || c.mapOnly || !c.z) return;
    this.report({ z: Array.from(c.z, (v) => Math.round(v * 1e5) / 1e5), row: c.row ?? null,
      map: c.mapId });
  }

  canvasEndpoints(c) {
    if (this.role !== "teacher" || c.mapOnly) return;
    this.report({ a: c.ab.a, b: c.ab.b, method: c.slerpBox && c.slerpBox.checked
      ? "spherical" : "linear" }, true);
  }

  setReadOnly(c) {
    // (self-contained: this object may come from the sidebar panel's copy of this file)
    const on = this.following;
    c.readOnly = on;
    c.root.classList.toggle("lc-following", on);
    for (const input of c.sliderInputs || []) input.disabled = on;
    for (const b of c.abRow.querySelectorAll("button, input")) b.disabled = on;
    let badge = c.toolbar.querySelector(".lc-follow");
    if (this.role !== "student" || c.mapOnly || this.state.ended) { if (badge) badge.remove(); return; }
    const T = this.text || {};
    if (!badge) {
      badge = document.createElement("span");
      badge.className = "lc-follow";
      badge.append(document.createElement("span"), document.createElement("button"));
      badge.lastChild.type = "button";
      badge.lastChild.className = "lc-btn lc-follow-btn";
      badge.lastChild.addEventListener("click", () => (this.following ? this.detach() : this.follow()));
      c.toolbar.appendChild(badge);
    }
    badge.dataset.state = on ? "following" : "detached";
    badge.firstChild.textContent = (on ? T.following || "" : T.detached || "")
      .replace("{code}", this.code);
    badge.lastChild.textContent = on ? T.detach || "" : T.follow || "";
  }

  apply(c, msg) {
    // the teacher's view on this canvas, when it shows the same map
    if (c.mapOnly || !c.map || !this.state.map || this.state.map !== c.mapId) return;
    let moved = false, abMoved = false;
    if (Array.isArray(msg.z) && msg.z.length === c.d) {
      c.z = c.clip(Float64Array.from(msg.z));
      moved = true;
    }
    const rowChanged = "row" in msg && (msg.row ?? null) !== (c.row ?? null);
    if ("row" in msg) { c.row = msg.row ?? null; moved = true; }
    for (const which of ["a", "b"]) {
      const end = msg[which];
      if (end && Array.isArray(end.z) && end.z.length === c.d) {
        const next = { z: Array.from(end.z), row: end.row ?? null };
        const before = c.ab[which];
        if (JSON.stringify(next) !== JSON.stringify({ z: Array.from(before.z), row: before.row ?? null })) {
          c.ab[which] = next;
          abMoved = true;
        }
      }
    }
    if (msg.method && c.slerpBox && c.slerpBox.checked !== (msg.method === "spherical")) {
      c.slerpBox.checked = msg.method === "spherical";
      abMoved = true;
    }
    if (moved) {
      c.preview = null;
      c.positionChanged(true);
      if (rowChanged && c.rowUrl) c.showClicked(c.row);
    } else if (abMoved) {
      c.composite();
    }
    // the strip below the map is this page's own: its session hears the new A/B
    if (abMoved) c.sendEndpoints();
    c.root.dataset.followed = String(msg.t ?? "");
    c.stats.followed = (c.stats.followed || 0) + 1;
    c.stats.followAt = Date.now();
  }
}

function classLink() {
  if (!window.__latentClass) window.__latentClass = new ClassLink();
  return window.__latentClass;
}

function followHook(event, canvas) {
  // the canvas's hooks (canvas.js): "loaded", "moved", "endpoints"
  const link = classLink();
  if (event === "loaded") link.canvasLoaded(canvas);
  else if (event === "moved") link.canvasMoved(canvas);
  else if (event === "endpoints") link.canvasEndpoints(canvas);
}
