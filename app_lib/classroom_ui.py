"""The sidebar's class box: start, show and end a class (teacher), join one (student).

Who teaches is whoever holds the class's secret: the session that started it, and the
same browser after a refresh or a new page (a cookie, as ``app_lib.jobs`` keeps a job's
secret). A student's class is a cookie too: when the teacher changes page, the student's
page goes to the new address, which opens a new Streamlit session. The live part (the
position, the "following" badge, "Explore on my own") runs in the page (``follow.js``),
mounted here as a small component on every page; the routes are ``app_lib.classroom_http``.
"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import streamlit as st

from app_lib import classroom, state
from app_lib.i18n import current_language, t

TEACHER_COOKIE = "latent_explorer_class_teacher"
STUDENT_COOKIE = "latent_explorer_class"
TEACH_KEY = "_class_teach"    # (code, secret) of the class this session teaches
JOIN_KEY = "_class_join"      # the code of the class this session follows
ENDED_KEY = "_class_left"     # codes this session ended or left: their cookies are stale
CODE_WIDGET = "class_code_input"
PARAM = "class"

PANEL_JS = (Path(__file__).parent / "canvas" / "follow.js").read_text(encoding="utf-8") + """
export default function classPanel({ data: raw, parentElement }) {
  // JSON bytes (see _panel): decoded here
  const data = raw instanceof Uint8Array ? JSON.parse(new TextDecoder().decode(raw)) : raw;
  const link = classLink();
  const cookies = (data && data.cookies) || {};
  for (const [name, value] of Object.entries(cookies)) {
    document.cookie = value
      ? `${name}=${value}; path=/; max-age=86400; SameSite=Lax`
      : `${name}=; path=/; max-age=0; SameSite=Lax`;
  }
  link.text = (data && data.text) || {};
  let panel = parentElement.__classPanel;
  if (!panel) {
    const root = document.createElement("div");
    root.className = "cp-root";
    parentElement.appendChild(root);
    panel = { root, isConnected: () => root.isConnected, render: () => renderPanel(link, root) };
    parentElement.__classPanel = panel;
    link.panels.add(panel);
  }
  link.configure({ role: data && data.role, code: data && data.code, secret: data && data.secret });
  panel.render();
}

function renderPanel(link, root) {
  const T = link.text || {};
  root.replaceChildren();
  root.hidden = link.role !== "student";
  if (link.role !== "student") return;
  const badge = document.createElement("div");
  badge.className = "cp-badge";
  const ended = !!link.state.ended;
  badge.dataset.state = ended ? "ended" : link.following ? "following" : "detached";
  badge.textContent = ended ? T.ended : (link.following ? T.following : T.detached)
    .replace("{code}", link.code);
  root.appendChild(badge);
  if (ended) return;
  const button = document.createElement("button");
  button.type = "button";
  button.className = "cp-btn";
  button.textContent = link.following ? T.detach : T.follow;
  button.addEventListener("click", () => (link.following ? link.detach() : link.follow()));
  root.appendChild(button);
}
"""

PANEL_CSS = """
.cp-root { display: flex; flex-direction: column; gap: 6px; font-family: inherit; }
.cp-root[hidden] { display: none; }
.cp-badge { font-size: 14px; padding: 6px 10px; border-radius: 8px; font-weight: 600;
  background: #e8f1fb; color: #0b4f8a; border: 1px solid #9cc3ea; }
.cp-badge[data-state="detached"] { background: #f6f6f7; color: #31333f; border-color: #d5d6da; }
.cp-badge[data-state="ended"] { background: #fdf1e6; color: #7a3d00; border-color: #f0c08c; }
.cp-btn { font: inherit; font-size: 14px; padding: 6px 10px; border-radius: 8px; cursor: pointer;
  border: 1px solid rgba(49, 51, 63, .25); background: #fff; color: inherit; }
.cp-btn:hover { border-color: #ff4b4b; color: #ff4b4b; }
"""

_PANEL = st.components.v2.component("latent_class", js=PANEL_JS, css=PANEL_CSS,
                                    isolate_styles=True)


def _cookie(name: str) -> str:
    raw = st.context.cookies.get(name)
    return raw if isinstance(raw, str) else ""


def teaching() -> tuple[str, str] | None:
    """(code, secret) of the class this browser teaches, if it is still open."""
    mine = st.session_state.get(TEACH_KEY)
    if mine is None:
        code, _, secret = _cookie(TEACHER_COOKIE).partition(":")
        code = classroom.normal_code(code)
        if code and code not in st.session_state.get(ENDED_KEY, ()):
            mine = (code, secret)
    if mine is None or not classroom.channel().is_teacher(*mine):
        st.session_state.pop(TEACH_KEY, None)
        return None
    st.session_state[TEACH_KEY] = mine
    return mine


def joined() -> str | None:
    """The code of the class this browser follows, if it is still open (``?class=`` in the
    address the session opened, else this session's, else the cookie's)."""
    code = st.session_state.get(JOIN_KEY)
    if code is None:
        code = classroom.normal_code(state.page_param(PARAM)) or classroom.normal_code(
            _cookie(STUDENT_COOKIE))
        state.forget_url_param(PARAM)
        if code in st.session_state.get(ENDED_KEY, ()):
            code = None
    if code is None or not classroom.channel().exists(code):
        st.session_state.pop(JOIN_KEY, None)
        return None
    st.session_state[JOIN_KEY] = code
    return code


def start() -> None:
    st.session_state[TEACH_KEY] = classroom.channel().start()
    st.session_state.pop(JOIN_KEY, None)


def end() -> None:
    mine = st.session_state.pop(TEACH_KEY, None)
    if mine is not None:
        st.session_state.setdefault(ENDED_KEY, set()).add(mine[0])
        with contextlib.suppress(classroom.NotTeacher):  # already ended or expired
            classroom.channel().end(*mine)


def join() -> None:
    raw = str(st.session_state.get(CODE_WIDGET) or "")
    if not raw.strip():  # the box's own change already joined (Enter, then the button)
        return
    code = classroom.normal_code(raw)
    st.session_state[CODE_WIDGET] = ""
    if code is None or not classroom.channel().exists(code):
        st.session_state["_class_join_error"] = True
        return
    st.session_state.get(ENDED_KEY, set()).discard(code)
    st.session_state[JOIN_KEY] = code


def leave() -> None:
    code = st.session_state.pop(JOIN_KEY, None)
    if code is not None:
        st.session_state.setdefault(ENDED_KEY, set()).add(code)


def class_link(code: str) -> str:
    """The address students open: the app's root with ``?class=<code>``."""
    from streamlit import config  # deferred: read per call, after the config loaded

    url = st.context.url or "http://localhost:8501/"
    parts = urlsplit(url)
    base = str(config.get_option("server.baseUrlPath") or "").strip("/")
    path = f"/{base}/" if base else "/"
    return urlunsplit((parts.scheme, parts.netloc, path, f"{PARAM}={code}", ""))


def qr_png(text: str) -> bytes:
    """A QR code of ``text`` as PNG bytes (segno: pure Python, no image library)."""
    import segno  # deferred: only a teacher's box draws one

    out = io.BytesIO()
    segno.make(text, error="m").save(out, kind="png", scale=5, border=2, dark="#111")
    return out.getvalue()


def _panel(role: str | None, code: str | None, secret: str | None) -> None:
    cookies: dict[str, str] = {}
    if role == "teacher":
        cookies[TEACHER_COOKIE] = f"{code}:{secret}"
    elif _cookie(TEACHER_COOKIE):
        cookies[TEACHER_COOKIE] = ""
    if role == "student":
        cookies[STUDENT_COOKIE] = str(code)
    elif _cookie(STUDENT_COOKIE):
        cookies[STUDENT_COOKIE] = ""
    text = {"following": t("class.following", code="{code}"), "detached": t("class.detached"),
            "detach": t("class.detach"), "follow": t("class.follow"), "ended": t("class.ended")}
    # JSON bytes, not a dict: Streamlit looks for dataframes in a dict's values, which
    # imports pandas (a third of a second) on a fresh server's first page
    panel = {"role": role, "code": code, "secret": secret if role == "teacher" else None,
             "cookies": cookies, "text": text, "lang": current_language()}
    _PANEL(data=json.dumps(panel).encode("utf-8"), key="class_panel", height="content")


def render() -> None:
    """The class box, inside the sidebar."""
    mine = teaching()
    code = None if mine else joined()
    if mine is not None:
        _panel("teacher", mine[0], mine[1])
    else:
        _panel("student" if code else None, code, None)
    with st.expander(t("class.title"), expanded=bool(mine or code)):
        if mine is not None:
            link = class_link(mine[0])
            st.markdown(t("class.code_is"))
            st.markdown(f'<div class="class-code" style="font-size:2rem;font-weight:700;'
                        f'letter-spacing:.2em;font-family:monospace">{mine[0]}</div>',
                        unsafe_allow_html=True)
            st.image(qr_png(link), width=180, caption=t("class.qr_alt"))
            st.code(link, language=None)
            st.caption(t("class.teacher_note"))
            st.button(t("class.end"), key="class_end", on_click=end, icon=":material/stop:")
        elif code is not None:
            st.caption(t("class.student_note", code=code))
            st.button(t("class.leave"), key="class_leave", on_click=leave,
                      icon=":material/logout:")
        else:
            st.button(t("class.start"), key="class_start", on_click=start,
                      icon=":material/co_present:", help=t("class.start_help"))
            st.text_input(t("class.join_label"), key=CODE_WIDGET, max_chars=8,
                          placeholder="ABC123", on_change=join)
            st.button(t("class.join"), key="class_join", on_click=join)
            if st.session_state.pop("_class_join_error", False):
                st.warning(t("class.no_such"), icon=":material/error:")
