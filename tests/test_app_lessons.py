"""The Lessons page (AppTest): both languages, stepping, the URL, a refused file, and every
step's "Open in the app" landing on its page with the named model and parameters."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ae_core.binpack import unpack
from app_lib import lessons as lesson_files
from app_lib.i18n import t
from app_lib.lessons import load_all, page_name
from app_lib.nav import PAGES

APP = str(Path(__file__).resolve().parents[1] / "streamlit_app.py")
LESSONS_PAGE = "app_pages/lessons.py"
PAGE_NAMES = {page_name(p.path) for p in PAGES}
TITLES = {page_name(p.path): p.title_key for p in PAGES}
PAGE_HEADINGS = {"home": "home.title", "explore": "explore.title", "compare": "compare.title",
                 "gaps": "gaps.title", "denoising": "den.title", "anomaly": "anom.title",
                 "sparse": "sparse.title", "train": "train.title"}


def by_id(lang: str) -> dict:
    return {lesson.id: lesson for lesson in load_all(lang, PAGE_NAMES)[0]}


def open_lessons(lang: str = "en", **params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    for key, value in {"lang": lang, "dataset": "digits", **params}.items():
        at.query_params[key] = value
    at.switch_page(LESSONS_PAGE)
    at.run()
    at._page_hash = ""  # later runs go where the app's own st.switch_page sends them
    return at


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def shown_step(at: AppTest) -> str:
    (heading,) = at.main.subheader
    return heading.value


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_page_shows_the_first_lesson_s_first_step(lang):
    at = open_lessons(lang)
    assert_clean(at)
    first = next(iter(by_id(lang).values()))
    assert shown_step(at) == first.steps[0].title
    assert at.main.info[0].value.endswith(first.steps[0].question)
    assert at.main.button(key="lesson_open").label == t("lessons.open", lang)
    assert at.main.button(key="lesson_back").disabled
    link = [m.value for m in at.main.markdown if "](" in m.value]
    assert link and f"lang={lang}" in link[0], link


def test_next_and_previous_move_through_the_steps_and_the_url_follows():
    steps = by_id("en")["gaps"].steps
    at = open_lessons(lesson="gaps", step="2")
    assert shown_step(at) == steps[1].title
    at.main.button(key="lesson_next").click().run()
    assert shown_step(at) == steps[2].title
    assert (at.query_params["lesson"], at.query_params["step"]) == ("gaps", "3")
    for _ in range(2):
        at.main.button(key="lesson_back").click().run()
    assert shown_step(at) == steps[0].title and at.main.button(key="lesson_back").disabled
    for _ in range(len(steps) - 1):
        at.main.button(key="lesson_next").click().run()
    assert shown_step(at) == steps[-1].title and at.main.button(key="lesson_next").disabled


def test_a_language_switch_keeps_the_lesson_and_the_step():
    at = open_lessons(lesson="denoising", step="3")
    at.sidebar.radio[0].set_value("ko").run()
    assert_clean(at)
    assert shown_step(at) == by_id("ko")["denoising"].steps[2].title
    assert at.query_params["lang"] == "ko"


def test_another_lesson_starts_at_its_first_step():
    at = open_lessons(lesson="gaps", step="4")
    at.main.selectbox[0].set_value("anomaly").run()
    assert shown_step(at) == by_id("en")["anomaly"].steps[0].title


def test_a_bad_file_is_named_in_the_user_s_language_and_the_others_still_load(
        tmp_path, monkeypatch):
    good = json.loads((lesson_files.LESSON_DIR / "gaps.ko.json").read_text(encoding="utf-8"))
    (tmp_path / "gaps.ko.json").write_text(json.dumps(good), encoding="utf-8")
    good["steps"] = good["steps"][:2]
    (tmp_path / "short.ko.json").write_text(json.dumps(dict(good, id="short")),
                                            encoding="utf-8")
    (tmp_path / "broken.ko.json").write_text("{", encoding="utf-8")
    monkeypatch.setattr(lesson_files, "LESSON_DIR", tmp_path)
    at = open_lessons("ko")
    assert not at.exception
    warnings = [w.value for w in at.main.warning]
    assert len(warnings) == 2
    assert any("short.ko.json" in w and t("lessons.err.steps", "ko", n=2, lo=4, hi=6) in w
               for w in warnings), warnings
    assert any("broken.ko.json" in w and "올바른 JSON이 아닙니다" in w for w in warnings)
    assert shown_step(at) == by_id("ko")["gaps"].steps[0].title


def canvas_state(at: AppTest) -> dict:
    """The position and clicked row the Explore page started its latent canvas from."""
    (element,) = [e for e in at.get("bidi_component")
                  if e.proto.component_name == "latent_canvas"]
    header, _ = unpack(element.proto.bytes)
    return header["state"]


def _every_link():
    seen, out = set(), []
    for lesson in by_id("en").values():
        for k, step in enumerate(lesson.steps, start=1):
            if step.link not in seen:
                seen.add(step.link)
                out.append(pytest.param(lesson.id, k, id=f"{lesson.id}-{k}"))
    return out


@pytest.mark.parametrize(("lesson", "k"), _every_link())
def test_open_in_the_app_opens_the_step_s_page_with_its_model(lesson, k):
    """Every distinct link, through the button: the target page runs cleanly, its heading
    shows, and it shows the named model (sidebar, and the page's own picker or caption)."""
    link = by_id("en")[lesson].steps[k - 1].link
    at = open_lessons(lesson=lesson, step=str(k))
    at.main.button(key="lesson_open").click().run()
    assert_clean(at)
    heading = at.main.title[0].value if at.main.title else ""
    assert heading == t(PAGE_HEADINGS[link.page], "en"), heading
    params = link.param_dict
    assert at.query_params["lang"] == "en"
    assert {k: v for k, v in at.query_params.items() if k in params} == params
    model = link.model
    if model:
        assert at.sidebar.selectbox[1].value == model
        name = model.split(":", 1)[1]
        picked = [s.value for s in at.main.selectbox] + [
            v for m in at.main.multiselect for v in m.value]
        captions = [c.value for c in at.main.caption]
        assert link.page == "home" or model in picked or any(name in c for c in captions)
    if link.page == "explore":
        start = canvas_state(at)
        if "z" in params:
            assert start["z"] == pytest.approx([float(v) for v in params["z"].split(",")])
        if "pt" in params:
            assert start["row"] == int(params["pt"])
