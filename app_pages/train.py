"""Train: a form (or a one-click preset), then a live view of the background training job.

The job lives in ``ae_core.jobs.REGISTRY`` (process-wide). The URL names it (``?job=<id>``),
so a refresh or another page's visit finds it again; but the id only lets a page watch: who
may stop or save it is the app's business (``app_lib.jobs``). The app's one poller
(``app_lib.background.poll``) redraws the progress while the job runs and tells the job it
is watched.
"""

from __future__ import annotations

import functools
import time

import streamlit as st

from ae_core.augment import MAX_SHIFT
from ae_core.data.library import load_any
from ae_core.errors import AECoreError, ConfigError
from ae_core.jobs import JobRefused, default_model_name
from ae_core.models import VARIANTS, has_capability
from ae_core.presets import PRESETS
from ae_core.store import NameReserved
from app_lib import cache, canvas, catalog, messages, present, sidebar, state
from app_lib import jobs as app_jobs
from app_lib import replay as replay_ui
from app_lib import train_view as tv
from app_lib.background import poll
from app_lib.i18n import STRINGS, bound, current_language, preset_title, t, variant_name

POLL_S = 1.0
CHARTS_EVERY_S = 2.0  # at most one page rerun per this many seconds for new charts
REFRESHED_KEY = "_train_refreshed"
ERROR_KEY = "_train_error"
SAVE_ERROR_KEY = "_train_save_error"
FORM_KEY = "_train_form"  # a plain copy of the form: widget keys vanish off this page
load_for_training = functools.partial(load_any, download=False)


# ------------------------------------------------------------------ form


def _key(name: str) -> str:
    return tv.PREFIX + name


def _apply_preset(key: str) -> None:
    _kept().update(tv.preset_values(key, _kept().get("dataset")))


def _form_values() -> dict:
    return {name: st.session_state.get(_key(name), value)
            for name, value in {**tv.defaults(), **_kept()}.items()}


def _presets() -> None:
    st.markdown(f"**{t('train.presets')}**")
    cols = st.columns(len(PRESETS))
    for col, (key, p) in zip(cols, PRESETS.items(), strict=True):
        col.button(preset_title(p), key=f"preset_{key}", on_click=_apply_preset,
                   args=(key,), width="stretch",
                   help=t("train.preset_help", variant=variant_name(p.variant)))


def _kept() -> dict:
    if FORM_KEY not in st.session_state:
        st.session_state[FORM_KEY] = tv.default_form()
    return st.session_state[FORM_KEY]


def _copy(name: str) -> None:
    _kept()[name] = st.session_state[_key(name)]


def _bind(name: str) -> dict:
    """A form widget's key and its on_change, which copies the value into FORM_KEY."""
    return {"key": _key(name), "on_change": _copy, "args": (name,)}


def _restore_form() -> None:
    """Widget keys are dropped while another page shows: refill them from FORM_KEY."""
    for name, value in _kept().items():
        st.session_state[_key(name)] = value


def _cells(n: int):
    """Form cells left to right, a new row of ``n`` columns when one fills."""
    while True:
        yield from st.columns(n)


def _text(key: str, fallback: str, tr) -> str:
    """A string-table entry, or ``fallback`` (a variant's field the table does not name yet)."""
    return tr(key) if key in STRINGS else fallback


def _field(cell, f, tr) -> None:
    """One model setting's widget, generated from its config field's metadata
    (``ae_core.models.config.setting``): choices as a radio (two) or a select box, a
    size list as text, a number with its step and format."""
    meta = f.meta
    label = _text(meta["label"], f.name, tr)
    if meta.get("help") in STRINGS:
        help_text = tr(meta["help"])
    else:  # a field the string table does not name yet is explained in English
        help_text = None if meta["label"] in STRINGS else meta.get("doc")
    bind = _bind(f.form_key)
    if "choices" in meta:
        names = meta.get("names")
        show = (lambda c: _text(f"{names}.{c}", str(c), tr)) if names else str
        if len(meta["choices"]) <= 2:
            cell.radio(label, meta["choices"], **bind, horizontal=True, format_func=show,
                       help=help_text)
        else:
            cell.selectbox(label, meta["choices"], **bind, format_func=show, help=help_text)
    elif f.type in (int, float):
        cell.number_input(label, **bind, step=meta.get("step", 1 if f.type is int else 0.01),
                          format=meta.get("format"), help=help_text)
    else:
        cell.text_input(label, **bind, help=help_text)


def _form(sel) -> None:
    _restore_form()
    names = catalog.dataset_names()
    if st.session_state.get(_key("dataset")) not in names:
        _kept()["dataset"] = sel.dataset if sel.dataset in names else names[0]
        st.session_state[_key("dataset")] = _kept()["dataset"]
    tr = bound()
    lang = current_language()
    with st.container(border=True):
        st.markdown(f"**{t('train.form')}**")
        cells = _cells(3)
        next(cells).selectbox(t("train.dataset"), names, **_bind("dataset"),
                              format_func=lambda n: sidebar.dataset_label(n, lang))
        next(cells).selectbox(t("train.variant"), list(VARIANTS), **_bind("variant"),
                              format_func=lambda v: variant_name(v, lang),
                              help=t("train.variant_help"))
        values = {name: st.session_state.get(_key(name)) for name in _kept()}
        for f in tv.variant_fields(st.session_state[_key("variant")]):
            if tv.shown(f, values):
                _field(next(cells), f, tr)
        c1, c2, c3, c4 = st.columns(4)
        c1.number_input(t("train.epochs"), **_bind("epochs"), step=1, help=t("train.epochs_help"))
        c2.number_input(t("train.batch"), **_bind("batch"), step=32, help=t("train.batch_help"))
        c3.number_input(t("train.lr"), **_bind("lr"), step=0.0005, format="%.4g",
                        help=t("train.lr_help"))
        c4.number_input(t("train.seed"), **_bind("seed"), step=1, help=t("train.seed_help"))
        with st.expander(t("train.advanced")):
            c1, c2, c3 = st.columns(3)
            c1.number_input(t("train.weight_decay"), **_bind("weight_decay"), min_value=0.0,
                            step=1e-4, format="%.4g", help=t("train.weight_decay_help"))
            c2.radio(t("train.schedule"), tv.SCHEDULES, **_bind("schedule"), horizontal=True,
                     format_func=lambda s: tr(f"schedule.{s}"), help=t("train.schedule_help"))
            c3.number_input(t("train.shift"), **_bind("shift"), min_value=0, max_value=MAX_SHIFT,
                            step=1, help=t("train.shift_help"))
        st.text_input(t("train.name"), **_bind("name"), help=t("train.name_help"))
        if refusal := st.session_state.pop(ERROR_KEY, None):
            messages.show(refusal[1], refusal[0])
        st.button(t("train.start"), key="train_start", type="primary", on_click=_start)


def _start() -> None:
    """The start button's callback (a callback, so the click survives the shell's rerun)."""
    dataset = st.session_state[_key("dataset")]
    try:
        shape = cache.get_dataset(dataset).image_shape
        spec = tv.build_spec(_form_values(), dataset, shape)
        app_jobs.start(spec, dataset_loader=load_for_training)
    except JobRefused as e:
        st.session_state[ERROR_KEY] = ("train.refused", messages.kind_of(e))
    except ConfigError as e:
        st.session_state[ERROR_KEY] = ("train.invalid", messages.kind_of(e))
    except AECoreError as e:
        st.session_state[ERROR_KEY] = ("data.error", messages.kind_of(e))
    else:
        st.session_state.pop(REFRESHED_KEY, None)


# ------------------------------------------------------------------ the job


def _eta_text(snap) -> str:
    if not snap.active:
        return t("train.elapsed", s=snap.elapsed)
    return t("train.eta", s=snap.eta) if snap.eta is not None else t("train.eta_unknown")


def _class_names(dataset: str) -> list[str]:
    try:
        return list(cache.get_dataset(dataset).class_names)
    except AECoreError:
        return []


def _status(snap) -> None:
    if snap.active:
        st.info(t(f"status.{snap.status}"), icon="⏳")
    elif snap.status == "finished":
        if snap.model_name:
            st.success(t("train.finished", name=snap.model_name), icon="✅")
    else:
        failure = messages.sentence(snap.error) if snap.error else snap.message
        text = tv.outcome_text(snap.status, failure, snap.epoch, divergence=snap.divergence)
        if snap.status == "stopped":
            st.warning(text, icon="⏹️")
            if snap.unwatched:
                st.caption(t("train.unwatched", minutes=app_jobs.UNWATCHED_S / 60))
        else:
            st.error(text, icon="💥" if snap.status == "diverged" else "⚠️")
            if snap.status == "failed" and snap.error:
                messages.show_details(snap.error)
        if snap.model_name:
            st.success(t("train.saved", name=snap.model_name), icon="💾")
    shown = {k: v for k, v in snap.metrics.items()
             if k in ("mse", "psnr", "knn5", "trustworthiness", "trust", "silhouette")}
    if shown:
        st.caption(t("train.metrics", metrics=messages.metrics_text(shown, shown, digits=4)))


def _save_as(job, widget_key: str) -> None:
    """The "save" button's callback: a model whose save failed gets another name."""
    try:
        job.save_as(st.session_state.get(widget_key, ""))
    except NameReserved as e:
        st.session_state[SAVE_ERROR_KEY] = t("store.reserved", name=e.name)
    except (AECoreError, OSError) as e:
        st.session_state[SAVE_ERROR_KEY] = t("train.save_failed", error=messages.sentence(e))
    else:
        catalog.refresh()


def _unsaved(job, snap) -> None:
    """Trained weights no file holds yet: say why, and offer another name."""
    messages.show(snap.save_error, "train.unsaved", icon="💾")
    widget_key = f"save_as_{job.id}"
    left, right = st.columns([4, 1], vertical_alignment="bottom")
    left.text_input(t("train.save_name"), key=widget_key, value=default_model_name(
        snap.spec.dataset, snap.spec.variant, snap.spec.model.get("latent_dim", 2)))
    right.button(t("train.save_as"), key=f"save_btn_{job.id}", type="primary",
                 on_click=_save_as, args=(job, widget_key), width="stretch")
    if message := st.session_state.pop(SAVE_ERROR_KEY, None):
        st.error(message, icon="⚠️")


def _charts(snap, replay: int | None) -> None:
    left, right = st.columns([1, 1], gap="medium")
    with left:
        st.markdown(f"**{t('train.losses')}**")
        if snap.history:
            st.plotly_chart(tv.loss_figure(snap.history), width="stretch",
                            key=f"losses_{snap.id}")
        else:
            st.caption(t("train.waiting"))
        # beside the map: one probe image's reconstruction at the map's epoch
        replay_ui.job_panel(snap, replay, f"replay_{snap.id}", _class_names(snap.spec.dataset))
    with right:
        if not snap.probe_codes or snap.probe_labels is None:
            return
        frame = len(snap.probe_codes) - 1 if replay is None else replay
        labels = snap.probe_labels.cpu().numpy()
        title = t("train.latent_map", n=len(labels))
        dim = snap.probe_codes[-1].shape[1]
        if dim > 2:
            title += " — " + t("train.latent_pca", d=dim)
        st.markdown(f"**{title}**")
        latest = frame == len(snap.probe_codes) - 1  # the weights are the latest epoch's
        message = tv.probe_message(snap.probe_codes[frame].cpu().numpy(), labels,
                                   _class_names(snap.spec.dataset),
                                   prior=has_capability(snap.spec.variant, "probabilistic"),
                                   map_id=f"probe:{snap.id}",
                                   decoder=snap.decoder if latest else None)
        canvas.latent_canvas(message, key=f"probe_{snap.id}")


def _finish_once(job_id: str) -> None:
    """Once per finished job: forget listings so the new model is in every picker, rerun."""
    if st.session_state.get(REFRESHED_KEY) != job_id:
        st.session_state[REFRESHED_KEY] = job_id
        catalog.refresh()
        st.rerun(scope="app")


def _open_in_explore(dataset: str, model_name: str) -> None:
    st.session_state[state.DATASET_KEY] = dataset
    st.session_state[state.MODEL_KEY] = f"store:{model_name}"


def _progress(s, job, control: bool) -> None:
    bar, stop = st.columns([5, 1], vertical_alignment="bottom")
    bar.progress(min(max(s.progress, 0.0), 1.0),
                 text=t("train.progress", epoch=s.epoch, epochs=s.epochs,
                        pct=100 * s.progress, eta=_eta_text(s)))
    if s.active and control:
        stop.button(t("train.stop"), key="train_stop", on_click=job.stop,
                    help=t("train.stop_help"), disabled=s.status == "stopping",
                    width="stretch")
    _status(s)


def job_view(job, control: bool) -> None:
    """The job's progress, polled; its charts, redrawn by the page once per epoch.

    Only the progress bar reruns every ``POLL_S``: re-sending the loss curves and
    the probe map on every poll would cost the server and every watching browser
    CPU that a training machine shared by a class does not have.
    """
    job.seen()
    snap = job.snapshot()
    drawn_at = time.monotonic()
    st.subheader(t("train.job"))
    st.caption(t("train.job_caption", variant=variant_name(snap.spec.variant),
                 dim=snap.spec.model.get("latent_dim", "?"),
                 dataset=sidebar.dataset_name(snap.spec.dataset, current_language())))
    if snap.active:

        def live():
            s = job.snapshot()
            if not s.active:
                _finish_once(job.id)
                st.rerun(scope="app")
            if s.epoch != snap.epoch and time.monotonic() - drawn_at >= CHARTS_EVERY_S:
                st.rerun(scope="app")  # a new epoch: redraw the charts once
            _progress(s, job, control)

        poll(job, POLL_S, live)
        _charts(snap, None)
        return
    _progress(snap, job, control)
    if snap.unsaved and control:
        _unsaved(job, snap)
    replay = None
    if len(snap.probe_codes) > 1:
        n = len(snap.probe_codes) - 1
        replay = st.slider(t("train.replay"), 0, n, n, key=f"replay_{job.id}",
                           help=t("train.replay_help"))
    _charts(snap, replay)
    if snap.model_name and st.button(t("train.explore"), key="train_explore",
                                     on_click=_open_in_explore,
                                     args=(snap.spec.dataset, snap.model_name)):
        st.switch_page("app_pages/explore.py")
    _finish_once(job.id)


# ------------------------------------------------------------------ page

sel = state.current()
st.title(t("train.title"))
st.caption(t("train.caption"))
job, control = app_jobs.shown_job()
if job is not None:
    # first: a refresh during this run still finds the job
    state.sync_url({app_jobs.JOB_PARAM: job.id})
    if control:
        app_jobs.remember_secret(job)
    else:
        st.info(t("train.watching"), icon=":material/visibility:")
    job_view(job, control)
    st.divider()
# a projector shows the job; the form waits, folded, for the next one
with st.expander(t("train.another")) if present.on() and job is not None else st.container():
    _presets()
    _form(sel)
