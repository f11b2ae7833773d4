"""Which browser controls which training job: the app's side of ``ae_core.jobs``.

A job's id (in the page's address, ``?job=<id>``) only lets a page watch it. Who may stop
or save it is whoever holds the job's secret: the session that started it, and the same
browser after a refresh (a cookie set by that session). A job no page has looked at for
``AE_JOB_UNWATCHED_S`` seconds stops itself and saves what it has.
"""

from __future__ import annotations

import hmac
import os
import secrets
import threading
import uuid

import streamlit as st

from ae_core.jobs import REGISTRY, JobSpec, TrainingJob
from app_lib import state

OWNER_KEY = "_train_owner"
SECRETS_KEY = "_train_secrets"
COOKIE = "latent_explorer_job"
JOB_PARAM = "job"
UNWATCHED_S = float(os.environ.get("AE_JOB_UNWATCHED_S", 600))
"""A job that no page has looked at for this many seconds stops itself and saves what it
has (``AE_JOB_UNWATCHED_S``): a browser closed on a long training must not hold one of the
machine's training slots for the rest of the lesson."""

_SECRETS: dict[str, str] = {}  # job id → the secret of whoever may control it
_LOCK = threading.Lock()


def owner_id() -> str:
    """This session's owner id (one running job per owner)."""
    return st.session_state.setdefault(OWNER_KEY, uuid.uuid4().hex)


def issue_secret(job: TrainingJob) -> str:
    """A new secret for ``job`` (its id and owner stay public: they only watch)."""
    secret = secrets.token_urlsafe(18)
    with _LOCK:
        _SECRETS[job.id] = secret
    return secret


def controls(job: TrainingJob, secret: str | None) -> bool:
    """Whether ``secret`` is ``job``'s: who holds it may stop or save it; anyone who knows
    the id may only watch."""
    with _LOCK:
        mine = _SECRETS.get(job.id)
    return bool(secret) and bool(mine) and hmac.compare_digest(str(secret), mine)


def start(spec: JobSpec, **job_options) -> TrainingJob:
    """Start a job owned by this session; it stops itself when nobody watches it.

    Raises ``ae_core.jobs.JobRefused`` (this session's or the machine's slots are taken).
    """
    job = REGISTRY.start(spec, owner=owner_id(), unwatched_s=UNWATCHED_S, **job_options)
    st.session_state.setdefault(SECRETS_KEY, {})[job.id] = issue_secret(job)
    return job


def _secret_for(job: TrainingJob) -> str | None:
    """This browser's secret for ``job``: kept by the session that started it, or in the
    cookie that session set (so a refresh keeps control)."""
    mine = st.session_state.get(SECRETS_KEY, {}).get(job.id)
    if mine:
        return mine
    raw = st.context.cookies.get(COOKIE)
    job_id, _, secret = (raw if isinstance(raw, str) else "").partition(":")
    return secret if job_id == job.id else None


def shown_job() -> tuple[TrainingJob | None, bool]:
    """(job, may this browser control it): this session's latest job, else the one the URL
    names; holding its secret makes it this session's own again."""
    job = REGISTRY.latest_for(owner_id())
    if job is None:
        job = REGISTRY.get(state.page_param(JOB_PARAM) or "")
    if job is None:
        return None, False
    control = controls(job, _secret_for(job))
    if control:
        st.session_state[OWNER_KEY] = job.owner
    return job, control


def remember_secret(job: TrainingJob) -> None:
    """Keep the secret in the session and in a cookie for this browser (path /, same site)."""
    secret = _secret_for(job)
    st.session_state.setdefault(SECRETS_KEY, {})[job.id] = secret
    st.html(f'<script>document.cookie = "{COOKIE}={job.id}:{secret}; path=/; '
            f'max-age=86400; SameSite=Strict";</script>', unsafe_allow_javascript=True)
