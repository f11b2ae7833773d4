"""The lesson files: they parse, pair up across languages, and every link opens a view that
exists (a page of the app, a shipped model, parameters that page reads, values that fit);
bad files are refused with a reason the UI can word in both languages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ae_core.data import DATASETS
from ae_core.pretrained import find_pretrained
from app_lib.i18n import LANGUAGES, STRINGS, t
from app_lib.lessons import (
    LESSON_DIR,
    MAX_STEPS,
    MIN_STEPS,
    PAGE_PARAMS,
    SHARED_PARAMS,
    LessonError,
    load_all,
    load_file,
    page_name,
    parse,
)
from app_lib.nav import PAGES

PAGE_NAMES = {page_name(p.path) for p in PAGES}
TOPICS = {"autoencoder", "gaps", "denoising", "sparse", "anomaly", "generation"}
DIGITS_TEST_IMAGES = 360  # scikit-learn's 1797 digits, the last 20 % as the test split


def lessons(lang: str):
    found, refused = load_all(lang, pages=PAGE_NAMES)
    assert refused == [], refused
    return found


def test_every_file_is_a_lesson_in_both_languages():
    files = sorted(LESSON_DIR.glob("*.json"))
    assert files
    for path in files:
        lesson = load_file(path, PAGE_NAMES)
        assert MIN_STEPS <= len(lesson.steps) <= MAX_STEPS == 6 and MIN_STEPS == 4
    ids = {lang: [lesson.id for lesson in lessons(lang)] for lang in LANGUAGES}
    assert ids["ko"] == ids["en"]
    assert set(ids["en"]) >= TOPICS


def test_both_languages_have_the_same_steps_and_links():
    for en, ko in zip(lessons("en"), lessons("ko"), strict=True):
        assert (en.id, en.order, len(en.steps)) == (ko.id, ko.order, len(ko.steps))
        assert [s.link for s in en.steps] == [s.link for s in ko.steps], en.id


def test_the_korean_lessons_are_written_in_korean():
    for lesson in lessons("ko"):
        for step in lesson.steps:
            for text in (step.title, step.text, step.question):
                assert any("가" <= ch <= "힣" for ch in text), (lesson.id, text)


def _links():
    return sorted({(lesson.id, k, step.link) for lesson in lessons("en")
                   for k, step in enumerate(lesson.steps, start=1)}, key=str)


@pytest.mark.parametrize(("lesson", "k", "link"), _links(), ids=lambda v: str(v)[:40])
def test_every_link_opens_a_view_that_exists(lesson, k, link):
    assert link.page in PAGE_NAMES
    params = link.param_dict
    assert set(params) <= SHARED_PARAMS | PAGE_PARAMS.get(link.page, frozenset())
    dataset = params.get("dataset", "digits")
    assert dataset == "digits", "the offline dataset: MNIST is not on every machine"
    assert dataset in DATASETS
    assert params.get("split", "test") in ("test", "all")
    model = find_pretrained(link.model.removeprefix("pretrained:")) if link.model else None
    if link.model:
        assert link.model.startswith("pretrained:") and model is not None, link.model
        assert model.dataset == dataset
    if "z" in params:
        z = [float(v) for v in params["z"].split(",")]
        assert model is not None and len(z) == model.latent_dim
    if "pt" in params:
        assert 0 <= int(params["pt"]) < DIGITS_TEST_IMAGES


def test_sparse_steps_name_no_sparse_model_file():
    """The sparse models are retrained and renamed from time to time: the Sparse page picks
    whichever it finds."""
    for lesson in lessons("en"):
        for step in lesson.steps:
            assert "sparse" not in (step.link.model or "")


# ------------------------------------------------------------------ refusals


def _good() -> dict:
    step = {"title": "T", "text": "Text.", "question": "Why?",
            "link": {"page": "explore", "params": {"dataset": "digits", "z": "0,0"}}}
    return {"id": "x", "lang": "en", "title": "Title", "summary": "S", "steps": [step] * 4}


def _with(**changes) -> dict:
    data = _good()
    data.update(changes)
    return data


def _step_with(**changes) -> dict:
    data = _good()
    data["steps"] = [dict(data["steps"][0], **changes), *data["steps"][1:]]
    return data


BAD = [
    ([], "shape"),
    (_with(id=""), "field"),
    (_with(title=3), "field"),
    (_with(lang="ko"), "lang"),
    (_with(order="1"), "field"),
    (_with(steps="four"), "field"),
    (_with(steps=_good()["steps"][:3]), "steps"),
    (_with(steps=_good()["steps"] * 2), "steps"),
    (_with(steps=[1, 2, 3, 4]), "field"),
    (_step_with(question=""), "field"),
    (_step_with(link="explore"), "field"),
    (_step_with(link={"page": "nowhere"}), "page"),
    (_step_with(link={"page": "gaps", "params": {"z": "0,0"}}), "param"),
    (_step_with(link={"page": "gaps", "params": {"lang": "en"}}), "param"),
    (_step_with(link={"page": "gaps", "params": ["dataset"]}), "field"),
    (_step_with(link={"page": "gaps", "params": {"model": 3}}), "field"),
]


@pytest.mark.parametrize(("data", "code"), BAD)
def test_a_bad_lesson_is_refused_with_a_reason_in_both_languages(data, code):
    with pytest.raises(LessonError) as caught:
        parse(data, "en", PAGE_NAMES)
    error = caught.value
    assert error.code == code
    params = {k: v for k, v in error.params.items() if k != "step"}
    for lang in LANGUAGES:
        assert t(f"lessons.err.{code}", lang, where="…", **params)


def test_a_good_lesson_parses():
    lesson = parse(_good(), "en", PAGE_NAMES)
    assert lesson.steps[0].link.param_dict == {"dataset": "digits", "z": "0,0"}


def _write(folder: Path, name: str, body: str) -> Path:
    path = folder / name
    path.write_text(body, encoding="utf-8")
    return path


def test_files_are_refused_one_by_one(tmp_path):
    good = json.dumps(_good())
    _write(tmp_path, "x.en.json", good)
    _write(tmp_path, "broken.en.json", "{not json")
    _write(tmp_path, "other.en.json", good)  # its id says x
    _write(tmp_path, "big.en.json", " " * 70_000)
    _write(tmp_path, "x.ko.json", good)  # another language: not read for English
    found, refused = load_all("en", PAGE_NAMES, root=tmp_path)
    assert [lesson.id for lesson in found] == ["x"]
    assert {name: error.code for name, error in refused} == {
        "broken.en.json": "json", "other.en.json": "id", "big.en.json": "size"}
    for _, error in refused:
        for lang in LANGUAGES:
            assert t(f"lessons.err.{error.code}", lang, where="…", **error.params)


def test_every_refusal_has_its_sentence():
    codes = {"shape", "name", "size", "read", "json", "lang", "id", "field", "steps", "page",
             "param"}
    assert all(f"lessons.err.{code}" in STRINGS for code in codes)
