"""The Train page's pieces that are not widgets: form defaults, presets, job spec, charts."""

from __future__ import annotations

import typing
from typing import Any

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ae_core.errors import AECoreError, ConfigError
from ae_core.jobs import JobSpec
from ae_core.latent import LatentSpace, browser_map
from ae_core.models import check_size, config_class, make_config, model_fields
from ae_core.models.config import ConfigField, config_fields
from ae_core.presets import DEFAULT_PRESET, PRESETS, preset_for, resolve_preset
from ae_core.store import ModelStore, StoreError, validate_name
from ae_core.training import TrainConfig
from ae_core.webdecoder import DecoderProgram, program_parts
from app_lib import cache, canvas, state
from app_lib.figures import PALETTE, chart_margin, class_colors
from app_lib.i18n import STRINGS, t

PREFIX = "tr_"
TRAIN_DEFAULTS: dict[str, Any] = {
    "epochs": 20, "batch": 256, "lr": 0.002, "seed": 0, "weight_decay": 0.0,
    "schedule": "cosine", "shift": 0, "name": "",
    "penalty_warmup": 0.0,  # no widget: a preset's KL / sparsity warm-up, carried to the job
}
TRAIN_FIELDS = {"epochs": "epochs", "batch_size": "batch", "lr": "lr", "seed": "seed",
                "weight_decay": "weight_decay", "schedule": "schedule",
                "augment_shift": "shift", "penalty_warmup": "penalty_warmup"}
"""TrainConfig field → form key."""
SCHEDULES = ("cosine", "constant")
LOSS_PARTS = ("recon", "kl", "sparsity")


def _list_text(values) -> str:
    return ", ".join(str(v) for v in values)


def form_fields() -> dict[str, ConfigField]:
    """Form key → config field, for every registered variant's fields that have a label
    (``ae_core.models.config.setting``): the form is generated from these."""
    return {f.form_key: f for f in model_fields().values() if "label" in f.meta}


def variant_fields(variant: str) -> list[ConfigField]:
    """The form's fields of ``variant``, in its config's order."""
    return [f for f in config_fields(config_class(variant)) if "label" in f.meta]


def shown(f: ConfigField, values: dict[str, Any]) -> bool:
    """Whether the field applies while the form holds ``values`` (``when`` in its metadata:
    the convolution channels only for a convolutional model)."""
    if "when" not in f.meta:
        return True
    other, wanted = f.meta["when"]
    by_name = {g.name: g for g in form_fields().values()}
    return values.get(by_name[other].form_key if other in by_name else other) == wanted


def _form_value(value: Any) -> Any:
    """A config value as the form holds it: lists as '512, 256' text."""
    return _list_text(value) if isinstance(value, (list, tuple)) else value


def defaults() -> dict[str, Any]:
    """The form's starting values: every model field's default, then the training settings."""
    values = {"variant": "vanilla"}
    values.update({key: _form_value(f.default) for key, f in form_fields().items()})
    return {**values, **TRAIN_DEFAULTS}


def resolved_preset(key: str, dataset: Any = None):
    """Preset ``key`` resolved for ``dataset`` (a name or a Dataset) by
    ``ae_core.presets`` — the resolution ``python -m ae_core train --preset`` uses too.
    A dataset that cannot be read here is taken as MNIST-sized (its job will say why it
    cannot start)."""
    if isinstance(dataset, str):
        try:
            dataset = cache.get_dataset(dataset)
        except AECoreError:
            dataset = None
    if dataset is None:
        return resolve_preset(key, 60_000, (1, 28, 28))
    return preset_for(key, dataset)


def default_form(dataset: Any = None) -> dict[str, Any]:
    """The form a visitor first sees: the default preset for ``dataset`` (else the sidebar's)."""
    if dataset is None:
        dataset = state.current().dataset
    return preset_values(DEFAULT_PRESET, dataset)


def preset_values(key: str, dataset: Any = None) -> dict[str, Any]:
    """The form (defaults overlaid with the preset) for preset ``key`` on ``dataset``."""
    p = PRESETS[key]
    resolved = resolved_preset(key, dataset)
    values = dict(defaults(), variant=p.variant)
    fields = {f.name: f for f in form_fields().values()}
    for name, value in p.model.items():
        if name in fields:
            values[fields[name].form_key] = _form_value(value)
    for name, value in resolved.train.items():
        if name in TRAIN_FIELDS:
            values[TRAIN_FIELDS[name]] = value
    return values


def parse_sizes(text: str, field: str) -> list[int]:
    """'512, 256' → [512, 256]; '' → []; anything else raises ConfigError (translated)."""
    parts = [p.strip() for p in str(text).replace(";", ",").split(",") if p.strip()]
    try:
        return [int(p) for p in parts]
    except ValueError:
        raise ConfigError(t("train.bad_list", field=field, value=text), code="said") from None


def build_spec(form: dict[str, Any], dataset: str, input_shape: tuple[int, ...]) -> JobSpec:
    """A validated job spec from the form's values; raises ConfigError with a user sentence."""
    variant = form["variant"]
    model: dict[str, Any] = {"input_shape": list(input_shape)}
    for f in variant_fields(variant):
        if shown(f, form):
            model[f.name] = _config_value(f, form[f.form_key])
    check_size(make_config(variant, **model))  # a model too big to save is refused now
    train = {"epochs": int(form["epochs"]), "batch_size": int(form["batch"]),
             "lr": float(form["lr"]), "seed": int(form["seed"]),
             "weight_decay": float(form["weight_decay"]), "schedule": form["schedule"],
             "augment_shift": int(form["shift"]),
             "penalty_warmup": float(form.get("penalty_warmup", 0.0))}
    TrainConfig(**train).validate().check_fits(input_shape)
    return JobSpec(dataset=dataset, variant=variant, model=model, train=train,
                   name=chosen_name(form.get("name")))


def _config_value(f: ConfigField, value: Any) -> Any:
    """A form value as the config field's type: a list field's text parsed, numbers cast."""
    if typing.get_origin(f.type) is tuple:
        return parse_sizes(value, t(f.meta["label"]) if f.meta["label"] in STRINGS else f.name)
    if f.type in (int, float):
        return f.type(value)
    return value


def chosen_name(text: object) -> str:
    """The typed model name, validated ('' for the default); a shipped model's name is refused
    here, before training, rather than replaced after it."""
    name = str(text or "").strip()
    if not name:
        return ""
    try:
        name = validate_name(name)
    except StoreError as e:
        raise ConfigError(str(e), code=e.code, details=e.details, **e.params) from None
    if ModelStore().is_reserved(name):
        raise ConfigError(t("store.reserved", name=name), code="said")
    return name


# ------------------------------------------------------------------ outcome

def kept_text(epoch: int, lang: str | None = None) -> str:
    """Which weights a stopped or diverged model keeps, in the UI language."""
    return t("train.kept", lang, epoch=epoch) if epoch else t("train.kept_nothing", lang)


def outcome_text(status: str, message: str, epoch: int, lang: str | None = None,
                 divergence: tuple[float, int] | None = None) -> str:
    """The job's ending in the UI language, without repeating what the status already says.

    A divergence is told from its facts (``divergence`` = bad loss value, epoch),
    so the advice is said once, translated; ``message`` is shown only for failures.
    """
    if status == "stopped":
        return t("train.stopped", lang, kept=kept_text(epoch, lang))
    if status == "diverged":
        detail = (t("train.diverged_at", lang, loss=f"{divergence[0]:g}", at=divergence[1])
                  if divergence else "")
        return t("train.diverged", lang, detail=detail, kept=kept_text(epoch, lang))
    return t("train.failed", lang, message=message)


# ------------------------------------------------------------------ charts


def loss_figure(history: list[dict[str, float]]) -> go.Figure:
    """One panel per loss part present (reconstruction, KL, sparsity): train solid, val dashed."""
    parts = [p for p in LOSS_PARTS if any(f"train_{p}" in h for h in history)] or ["recon"]
    fig = make_subplots(rows=1, cols=len(parts), subplot_titles=[t(f"loss.{p}") for p in parts])
    epochs = [h.get("epoch", i + 1) for i, h in enumerate(history)]
    for col, part in enumerate(parts, start=1):
        for split, dash, color in (("train", "solid", PALETTE[0]), ("val", "dash", PALETTE[1])):
            key = f"{split}_{part}"
            ys = [h.get(key) for h in history]
            if all(y is None for y in ys):
                continue
            fig.add_trace(go.Scatter(x=epochs, y=ys, mode="lines+markers", name=t(f"loss.{split}"),
                                     line={"dash": dash, "color": color},
                                     legendgroup=split, showlegend=col == 1), row=1, col=col)
        fig.update_xaxes(title_text=t("loss.epoch"), row=1, col=col)
    fig.update_layout(height=300, margin=chart_margin(title=True),
                      legend={"orientation": "h", "y": -0.3}, uirevision="losses")
    return fig


def probe_message(codes: np.ndarray, labels: np.ndarray, names: list[str], prior: bool,
                  map_id: str, decoder: DecoderProgram | None = None) -> bytes:
    """The probe images' codes after one epoch as a map-only latent canvas (``app_lib.canvas``).

    Each frame is fitted to its own points (codes can spread tenfold or shrink between
    epochs, and a frame drawn on earlier axes is a speck in a corner); the page refits on
    every new frame until the viewer pans or zooms. With ``decoder`` (the latest epoch's),
    the page shows the image under the pointer; its weights travel as float16, half the
    bytes, since this is a preview sent once an epoch, not the Explore page's exact decoder.
    """
    space = LatentSpace.build(np.asarray(codes, dtype=np.float32), labels, prior=prior)
    header, arrays = browser_map(space)
    header["map_id"] = map_id
    parts = None
    if decoder is not None:
        spec, weights = program_parts(decoder)
        parts = spec, {k: v.astype(np.float16) for k, v in weights.items()}
    return canvas.message(header, arrays, parts,
                          classes={"names": list(names), "colors": class_colors(len(names))},
                          text={**canvas.texts(space), "note": ""}, state={},
                          options={"map_only": True, "max_height": 380},
                          output_shape=decoder.output_shape if decoder is not None else ())
