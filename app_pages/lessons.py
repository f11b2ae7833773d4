"""Lessons: short guided tours for a class, each step opening the exact view it talks about.

The lessons are data (``lessons/<id>.<lang>.json``, read by ``app_lib.lessons``). The
chosen lesson and step are in the URL (``?lesson=gaps&step=2``), so a teacher can bookmark
where the class is. "Open in the app" switches this session to the step's page with its
parameters, as a fresh visit to the same address would, but keeps the language and needs no
reload; the address itself is offered as a link for a new tab or a student's screen.
"""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

from app_lib import explorer, nav, state
from app_lib.i18n import LANG_KEY, LANGUAGES, bound, current_language, t
from app_lib.lessons import Lesson, LessonError, Link, load_all, page_name

LESSON_KEY = "_lesson_id"
STEP_KEY = "_lesson_step"  # 0-based; the URL counts from 1
GOTO_KEY = "_lesson_goto"
LESSON_PARAM, STEP_PARAM = "lesson", "step"
PAGES = {page_name(p.path): p for p in nav.PAGES}


def reason(error: LessonError) -> str:
    """Why a lesson file was refused, in the UI's language."""
    params = dict(error.params)
    step = params.pop("step", 0)
    where = t("lessons.where_step", k=step) if step else t("lessons.where_lesson")
    try:
        return t(f"lessons.err.{error.code}", where=where, **params)
    except (KeyError, IndexError, ValueError):
        return t("lessons.err.shape")


def _from_url(lessons: list[Lesson]) -> None:
    """Seed the lesson and step from the address the session opened, once."""
    if LESSON_KEY in st.session_state:
        return
    by_id = {lesson.id: lesson for lesson in lessons}
    lesson = by_id.get(state.page_param(LESSON_PARAM) or "", lessons[0])
    try:
        step = int(state.page_param(STEP_PARAM) or 1) - 1
    except ValueError:
        step = 0
    st.session_state[LESSON_KEY] = lesson.id
    st.session_state[STEP_KEY] = min(max(step, 0), len(lesson.steps) - 1)


def _pick(lessons: list[Lesson]) -> Lesson:
    by_id = {lesson.id: lesson for lesson in lessons}
    if st.session_state.get(LESSON_KEY) not in by_id:
        st.session_state[LESSON_KEY], st.session_state[STEP_KEY] = lessons[0].id, 0
    widget = f"_w_lesson_{current_language()}"  # a new widget per language: fresh labels
    st.session_state[widget] = st.session_state[LESSON_KEY]

    def changed() -> None:
        st.session_state[LESSON_KEY], st.session_state[STEP_KEY] = st.session_state[widget], 0

    st.selectbox(t("lessons.pick"), list(by_id), key=widget, on_change=changed,
                 format_func=lambda i: by_id[i].title)
    return by_id[st.session_state[LESSON_KEY]]


def _move(delta: int, n: int) -> None:
    st.session_state[STEP_KEY] = min(max(st.session_state[STEP_KEY] + delta, 0), n - 1)


def link_params(link: Link, lang: str) -> dict[str, str]:
    """The address's parameters: the viewer's language, then the step's own."""
    return {LANG_KEY: lang, **link.param_dict}


def link_href(link: Link, lang: str) -> str:
    """The step's address relative to this page (so it also works under a path prefix)."""
    spec = PAGES[link.page]
    return f"{'./' if spec.default else link.page}?{urlencode(link_params(link, lang))}"


def _open(link: Link) -> None:
    """Button callback: set this session to the step's view (the shared choice and the page's
    extras as the address gives them; a map's remembered position forgotten so the link's is
    used); the run that follows switches to its page."""
    state.open_view(link.param_dict)
    if link.page == "explore":
        explorer.forget(state.current())
    st.session_state[GOTO_KEY] = link


def _go_if_asked() -> None:
    link = st.session_state.pop(GOTO_KEY, None)
    if link is not None:
        st.switch_page(PAGES[link.page].path,
                       query_params=link_params(link, st.session_state[LANG_KEY]))


def _what_opens(link: Link) -> str:
    params = link.param_dict
    parts = [t(PAGES[link.page].title_key)]
    if "model" in params:
        parts.append(params["model"].split(":", 1)[-1])
    if "z" in params:
        parts.append(f"z = ({params['z'].replace(',', ', ')})")
    if "pt" in params:
        parts.append(t("lessons.point", row=params["pt"]))
    return " · ".join(parts)


def _step(lesson: Lesson) -> None:
    n = len(lesson.steps)
    k = min(st.session_state.get(STEP_KEY, 0), n - 1)
    step = lesson.steps[k]
    st.progress((k + 1) / n, text=t("lessons.step_of", k=k + 1, n=n))
    st.subheader(step.title)
    st.markdown(step.text)
    st.info(f"**{t('lessons.question')}** {step.question}", icon=":material/forum:")
    lang = current_language()
    open_col, href_col = st.columns([1, 2], vertical_alignment="center")
    open_col.button(t("lessons.open"), type="primary", key="lesson_open", on_click=_open,
                    args=(step.link,), icon=":material/open_in_new:", width="stretch")
    href_col.markdown(t("lessons.opens", what=_what_opens(step.link),
                        href=link_href(step.link, lang)))
    back_col, _, next_col = st.columns([1, 2, 1])
    back_col.button(t("lessons.back"), key="lesson_back", disabled=k == 0, on_click=_move,
                    args=(-1, n), icon=":material/arrow_back:", width="stretch")
    next_col.button(t("lessons.next"), key="lesson_next", disabled=k == n - 1, on_click=_move,
                    args=(1, n), icon=":material/arrow_forward:", width="stretch")
    state.sync_url({LESSON_PARAM: lesson.id, STEP_PARAM: str(k + 1)})


def main() -> None:
    _go_if_asked()
    st.title(t("lessons.title"))
    st.markdown(t("lessons.intro"))
    lang = current_language()
    lessons, refused = load_all(lang, pages=PAGES)
    tr = bound()
    for name, error in refused:
        st.warning(tr("lessons.refused", name=name, reason=reason(error)),
                   icon=":material/error:")
    if not lessons:
        st.info(t("lessons.none", lang=LANGUAGES[lang]))
        return
    _from_url(lessons)
    lesson = _pick(lessons)
    st.caption(lesson.summary)
    _step(lesson)


main()
