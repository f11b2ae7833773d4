"""Dates as a person reads them: in the browser's time zone and the UI language."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import streamlit as st

MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
             "Dec")


def browser_timezone() -> tzinfo | None:
    """The visitor's time zone (``st.context``), else None (the server's own is used).

    A model trained on a classroom server should show the time on the
    student's clock, not the server's.
    """
    name, offset = st.context.timezone, st.context.timezone_offset
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    if offset is not None:  # minutes behind UTC, as JavaScript's getTimezoneOffset says
        return timezone(-timedelta(minutes=offset))
    return None


def parse(text: str) -> datetime | None:
    """An ISO time as model files store it (``2026-12-05T23:14:02+0000``), else None."""
    try:
        return datetime.fromisoformat(str(text).strip())
    except ValueError:
        return None


def readable(moment: datetime, lang: str, tz: tzinfo | None = None) -> str:
    """'5 Dec 2026, 23:14' or '2026년 12월 5일 23:14', in ``tz`` (local time when None)."""
    if moment.tzinfo is None:
        moment = moment.astimezone()  # a naive time is the server's local time
    local = moment.astimezone(tz)
    if lang == "ko":
        return f"{local.year}년 {local.month}월 {local.day}일 {local:%H:%M}"
    return f"{local.day} {MONTHS_EN[local.month - 1]} {local.year}, {local:%H:%M}"
