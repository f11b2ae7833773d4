"""The Train page's pieces that are not widgets: form defaults, presets, job spec, charts."""

from __future__ import annotations

from typing import Any

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ae_core.errors import ConfigError
from ae_core.jobs import JobSpec
from ae_core.latent import LatentSpace, browser_map
from ae_core.models import make_config
from ae_core.presets import DEFAULT_PRESET, PRESETS, preset_for, resolve_preset
from ae_core.training import TrainConfig
from ae_core.webdecoder import DecoderProgram, program_parts
from app_lib import canvas
from app_lib.figures import PALETTE, chart_margin, class_colors
from app_lib.i18n import t

PREFIX = "tr_"
DEFAULTS: dict[str, Any] = {
    "variant": "vanilla", "arch": "mlp", "hidden": "512, 256, 128", "channels": "32, 64",
    "latent": 2, "loss": "bce", "beta": 1.0, "rho": 0.05, "sparsity_weight": 3.0,
    "l1_weight": 1.0, "noise": "gaussian", "noise_level": 0.5, "epochs": 20, "batch": 256,
    "lr": 0.002, "seed": 0, "weight_decay": 0.0, "schedule": "cosine", "shift": 0, "name": "",
    "penalty_warmup": 0.0,  # no widget: a preset's KL / sparsity warm-up, carried to the job
}
SCHEDULES = ("cosine", "constant")
OBJECTIVE_FIELDS = {  # form key → config field, per variant
    "vae": {"beta": "beta"},
    "sparse_kl": {"rho": "rho", "sparsity_weight": "sparsity_weight"},
    "sparse_l1": {"l1_weight": "l1_weight"},
    "denoising": {"noise": "noise", "noise_level": "noise_level"},
}
LOSS_PARTS = ("recon", "kl", "sparsity")


def _list_text(values) -> str:
    return ", ".join(str(v) for v in values)


def resolved_preset(key: str, dataset: Any = None):
    """Preset ``key`` resolved for ``dataset`` (a name or a Dataset) by
    ``ae_core.presets`` — the resolution ``python -m ae_core train --preset`` uses too.
    A dataset that cannot be read here is taken as MNIST-sized (its job will say why it
    cannot start)."""
    if isinstance(dataset, str):
        from ae_core.errors import AECoreError
        from app_lib import cache

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
        from app_lib import state

        dataset = state.current().dataset
    return preset_values(DEFAULT_PRESET, dataset)


def preset_values(key: str, dataset: Any = None) -> dict[str, Any]:
    """The form (defaults overlaid with the preset) for preset ``key`` on ``dataset``."""
    p = PRESETS[key]
    resolved = resolved_preset(key, dataset)
    values = dict(DEFAULTS, variant=p.variant)
    m = dict(p.model)
    for field, form_key in (("latent_dim", "latent"), ("arch", "arch"), ("loss", "loss"),
                            ("beta", "beta"), ("rho", "rho"),
                            ("sparsity_weight", "sparsity_weight"), ("l1_weight", "l1_weight"),
                            ("noise", "noise"), ("noise_level", "noise_level")):
        if field in m:
            values[form_key] = m[field]
    if "hidden" in m:
        values["hidden"] = _list_text(m["hidden"])
    if "channels" in m:
        values["channels"] = _list_text(m["channels"])
    tr = dict(resolved.train)
    for field, form_key in (("epochs", "epochs"), ("batch_size", "batch"), ("lr", "lr"),
                            ("seed", "seed"), ("weight_decay", "weight_decay"),
                            ("schedule", "schedule"), ("augment_shift", "shift"),
                            ("penalty_warmup", "penalty_warmup")):
        if field in tr:
            values[form_key] = tr[field]
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
    model: dict[str, Any] = {
        "input_shape": list(input_shape), "latent_dim": int(form["latent"]),
        "arch": form["arch"], "loss": form["loss"],
        "hidden": parse_sizes(form["hidden"], t("train.hidden")),
    }
    if form["arch"] == "conv":
        model["channels"] = parse_sizes(form["channels"], t("train.channels"))
    for form_key, field in OBJECTIVE_FIELDS.get(variant, {}).items():
        model[field] = form[form_key]
    make_config(variant, **model)
    train = {"epochs": int(form["epochs"]), "batch_size": int(form["batch"]),
             "lr": float(form["lr"]), "seed": int(form["seed"]),
             "weight_decay": float(form["weight_decay"]), "schedule": form["schedule"],
             "augment_shift": int(form["shift"]),
             "penalty_warmup": float(form.get("penalty_warmup", 0.0))}
    TrainConfig(**train).validate().check_fits(input_shape)
    return JobSpec(dataset=dataset, variant=variant, model=model, train=train,
                   name=chosen_name(form.get("name")))


def chosen_name(text: object) -> str:
    """The typed model name, validated ('' for the default); a shipped model's name is refused
    here, before training, rather than replaced after it."""
    from ae_core.store import ModelStore, StoreError, validate_name

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
