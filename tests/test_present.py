"""Presentation mode (AppTest): the ``?present=1`` flag, the sidebar's switch, the exit button,
and what the Explore page leaves out for a projector."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from ae_core.binpack import unpack
from app_lib import present

APP = str(Path(__file__).resolve().parents[1] / "streamlit_app.py")
EXPLORE = "app_pages/explore.py"


def open_app(page: str = EXPLORE, **params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in {"lang": "en", "dataset": "digits", "model": "pca:2", **params}.items():
        at.query_params[key] = value
    at.switch_page(page)
    return at.run()


def _canvas_options(at: AppTest) -> dict:
    (element,) = [e for e in at.get("bidi_component")
                  if e.proto.component_name == "latent_canvas"]
    return unpack(element.proto.bytes)[0]["options"]


def _present_css(at: AppTest) -> bool:
    return any("stSidebar" in el.proto.body for el in at.get("html"))


def _param(at: AppTest, key: str):
    value = at.query_params.get(key)
    return value[0] if isinstance(value, list) else value


def test_the_address_flag_turns_it_on_and_the_exit_button_off():
    at = open_app(present="1")
    assert not at.exception
    assert _present_css(at)
    assert _canvas_options(at).get("present") is True
    assert "Export" not in [h.value for h in at.header]  # no export section
    assert _param(at, "present") == "1"  # kept in the address, like the language
    at.button(key=present.EXIT_KEY).click().run()
    assert not at.exception
    assert not _present_css(at)
    assert "present" not in _canvas_options(at)
    assert "Export" in [h.value for h in at.header]
    assert _param(at, "present") is None


def test_the_sidebar_switch_turns_it_on_in_both_languages():
    for lang, label in (("en", "Presentation mode"), ("ko", "발표 모드")):
        at = open_app(lang=lang)
        assert not _present_css(at) and _param(at, "present") is None
        (switch,) = [w for w in at.sidebar.toggle if w.label == label]
        switch.set_value(True).run()
        assert not at.exception
        assert _present_css(at)
        assert _param(at, "present") == "1"
        assert [b.label for b in at.button if b.key == present.EXIT_KEY] == [
            {"en": "Exit presentation", "ko": "발표 모드 끝내기"}[lang]]


def test_an_other_value_leaves_it_off():
    at = open_app(present="yes")
    assert not at.exception and not _present_css(at)
    assert "present" not in _canvas_options(at)
