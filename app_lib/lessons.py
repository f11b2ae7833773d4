"""Guided lessons: data files in ``lessons/``, read into typed, checked objects.

A lesson is one JSON file per lesson and language, ``lessons/<id>.<lang>.json``, so a
teacher can add or reword a lesson without touching code. Every step opens an exact view of
the app: a page of ``app_lib.nav.PAGES`` and URL parameters that page reads. A file that
does not fit the schema is refused with a :class:`LessonError` whose ``code`` and
``params`` the page words in the user's language (``lessons.err.<code>``); the other
lessons still load.

The schema::

    {"id": "autoencoder", "lang": "en", "order": 1,
     "title": "…", "summary": "…",
     "steps": [{"title": "…", "text": "…", "question": "…",
                "link": {"page": "explore",
                         "params": {"dataset": "digits", "model": "pretrained:digits-ae-2d"}}},
               …]}

Pure parsing: no Streamlit, so the tests and tools can read lessons as well.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

LESSON_DIR = Path(__file__).resolve().parents[1] / "lessons"
MIN_STEPS, MAX_STEPS = 4, 6
MAX_FILE_BYTES = 64_000  # a lesson is a few hundred words; anything bigger is not one
SHARED_PARAMS = frozenset({"dataset", "model", "split"})
"""URL parameters every page reads (``app_lib.state``); ``lang`` is the viewer's own."""
PAGE_PARAMS = {"explore": frozenset({"z", "pt"})}
"""Parameters only one page reads: Explore's position and clicked image
(``app_lib.explorer.url_extras``)."""


class LessonError(ValueError):
    """A lesson file that cannot be used; ``code`` names what is wrong, ``params`` the facts
    (``step``: the 1-based step it is in, 0 for the lesson's own fields)."""

    def __init__(self, code: str, **params: Any):
        self.code = code
        self.params = params
        super().__init__(f"{code}: {params}")


@dataclass(frozen=True)
class Link:
    """An exact view of the app: a page (its name in ``nav.PAGES``, e.g. ``explore``) and
    URL parameters."""

    page: str
    params: tuple[tuple[str, str], ...] = ()

    @property
    def param_dict(self) -> dict[str, str]:
        return dict(self.params)

    @property
    def model(self) -> str | None:
        return self.param_dict.get("model")


@dataclass(frozen=True)
class Step:
    title: str
    text: str
    question: str
    link: Link


@dataclass(frozen=True)
class Lesson:
    id: str
    lang: str
    title: str
    summary: str
    steps: tuple[Step, ...]
    order: int = 0
    path: Path | None = None


def _text(data: Mapping, field: str, step: int) -> str:
    value = data.get(field)
    if not isinstance(value, str) or not value.strip():
        raise LessonError("field", field=field, step=step)
    return value.strip()


def _link(data: Any, step: int, pages: Collection[str] | None) -> Link:
    if not isinstance(data, Mapping):
        raise LessonError("field", field="link", step=step)
    page = _text(data, "page", step)
    if pages is not None and page not in pages:
        raise LessonError("page", page=page, step=step)
    params = data.get("params", {})
    if not isinstance(params, Mapping):
        raise LessonError("field", field="params", step=step)
    allowed = SHARED_PARAMS | PAGE_PARAMS.get(page, frozenset())
    for key, value in params.items():
        if key not in allowed:
            raise LessonError("param", param=key, page=page, step=step)
        if not isinstance(value, str) or not value:
            raise LessonError("field", field=key, step=step)
    return Link(page, tuple(sorted(params.items())))


def parse(data: Any, lang: str | None = None, pages: Collection[str] | None = None,
          path: Path | None = None) -> Lesson:
    """A lesson from parsed JSON, checked against the schema (see the module doc).

    ``lang``: the language the file name promises; ``pages``: the page names links may
    open (None: any).
    """
    if not isinstance(data, Mapping):
        raise LessonError("shape")
    lesson_id = _text(data, "id", 0)
    file_lang = _text(data, "lang", 0)
    if lang is not None and file_lang != lang:
        raise LessonError("lang", found=file_lang, expected=lang)
    order = data.get("order", 0)
    if not isinstance(order, int) or isinstance(order, bool):
        raise LessonError("field", field="order", step=0)
    raw_steps = data.get("steps")
    if not isinstance(raw_steps, list):
        raise LessonError("field", field="steps", step=0)
    if not MIN_STEPS <= len(raw_steps) <= MAX_STEPS:
        raise LessonError("steps", n=len(raw_steps), lo=MIN_STEPS, hi=MAX_STEPS)
    steps = []
    for k, raw in enumerate(raw_steps, start=1):
        if not isinstance(raw, Mapping):
            raise LessonError("field", field="steps", step=k)
        steps.append(Step(_text(raw, "title", k), _text(raw, "text", k),
                          _text(raw, "question", k), _link(raw.get("link"), k, pages)))
    return Lesson(lesson_id, file_lang, _text(data, "title", 0),
                  _text(data, "summary", 0), tuple(steps), order, path)


def load_file(path: Path, pages: Collection[str] | None = None) -> Lesson:
    """One lesson file; its name (``<id>.<lang>.json``) must agree with what it holds."""
    stem, _, lang = path.name.removesuffix(".json").rpartition(".")
    if not stem or not lang:
        raise LessonError("name", name=path.name)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise LessonError("size", name=path.name, limit=MAX_FILE_BYTES)
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise LessonError("read", name=path.name, reason=error.strerror or str(error)) \
            from error
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise LessonError("json", name=path.name, reason=str(error)) from error
    lesson = parse(data, lang, pages, path)
    if lesson.id != stem:
        raise LessonError("id", found=lesson.id, expected=stem)
    return lesson


def load_all(lang: str, pages: Collection[str] | None = None, root: Path | None = None
             ) -> tuple[list[Lesson], list[tuple[str, LessonError]]]:
    """The lessons in ``lang`` (by ``order``, then id) from ``root`` (default
    :data:`LESSON_DIR`), and each refused file's name and reason: one bad file never hides
    the others."""
    lessons, refused = [], []
    for path in sorted((root or LESSON_DIR).glob(f"*.{lang}.json")):
        try:
            lessons.append(load_file(path, pages))
        except LessonError as error:
            refused.append((path.name, error))
    lessons.sort(key=lambda lesson: (lesson.order, lesson.id))
    return lessons, refused


def page_name(path: str) -> str:
    """``app_pages/explore.py`` → ``explore``: how a lesson names a page."""
    return Path(path).stem
