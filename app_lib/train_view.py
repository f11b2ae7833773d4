"""The Train page's pieces that are not widgets: form defaults, presets, job spec, charts."""

from __future__ import annotations

from typing import Any

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ae_core.errors import ConfigError
from ae_core.jobs import JobSpec
from ae_core.models import make_config
from ae_core.presets import PRESETS
from ae_core.training import TrainConfig
from app_lib.figures import PALETTE, chart_margin, chart_title, class_color
from app_lib.i18n import t

PREFIX = "tr_"
DEFAULTS: dict[str, Any] = {
    "variant": "vanilla", "arch": "mlp", "hidden": "512, 256, 128", "channels": "32, 64",
    "latent": 2, "loss": "bce", "beta": 1.0, "rho": 0.05, "sparsity_weight": 3.0,
    "l1_weight": 0.01, "noise": "gaussian", "noise_level": 0.5, "epochs": 20, "batch": 256,
    "lr": 0.002, "seed": 0, "weight_decay": 0.0, "schedule": "cosine", "shift": 0, "name": "",
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


def preset_values(key: str) -> dict[str, Any]:
    """The form (defaults overlaid with the preset) for preset ``key``."""
    p = PRESETS[key]
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
    tr = dict(p.train)
    for field, form_key in (("epochs", "epochs"), ("batch_size", "batch"), ("lr", "lr"),
                            ("seed", "seed"), ("weight_decay", "weight_decay"),
                            ("schedule", "schedule"), ("augment_shift", "shift")):
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
             "augment_shift": int(form["shift"])}
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


def projection(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """(mean, 2 principal axes) of ``codes``, or (zeros, None) when they are 2-D already."""
    if codes.shape[1] <= 2:
        return np.zeros(codes.shape[1]), None
    mean = codes.mean(0)
    _, _, vt = np.linalg.svd(codes - mean, full_matrices=False)
    return mean, vt[:2]


def project(codes: np.ndarray, axes: tuple[np.ndarray, np.ndarray | None]) -> np.ndarray:
    """(N, 2) map positions of ``codes`` under ``axes`` (see :func:`projection`)."""
    mean, components = axes
    xy = codes if components is None else (codes - mean) @ components.T
    if xy.shape[1] == 1:
        xy = np.column_stack([xy[:, 0], np.zeros(len(xy))])
    return xy[:, :2]


def frame_ranges(frames: list[np.ndarray], axes: tuple[np.ndarray, np.ndarray | None],
                 pad: float = 0.05) -> tuple[list[float], list[float]]:
    """x and y ranges holding the points of ``frames`` with a small margin.

    The Train page passes the frame it shows: codes can spread tenfold or
    shrink between epochs, and axes kept for every frame left the final map a
    speck in a corner.
    """
    xy = np.concatenate([project(f, axes) for f in frames])
    xy = xy[np.isfinite(xy).all(1)]
    if not len(xy):
        return [-1.0, 1.0], [-1.0, 1.0]
    lo, hi = xy.min(0), xy.max(0)
    margin = np.maximum((hi - lo) * pad, 1e-3)
    lo, hi = lo - margin, hi + margin
    return [float(lo[0]), float(hi[0])], [float(lo[1]), float(hi[1])]


def _array(codes) -> np.ndarray:
    return codes.detach().cpu().numpy() if hasattr(codes, "detach") else np.asarray(codes)


def map_figure(frames: list, frame: int, labels: np.ndarray, names: list[str],
               title: str) -> go.Figure:
    """The probe map after epoch ``frame`` (``frames[0]``: before training).

    Codes of more than two dimensions are drawn on the last frame's two
    principal axes, so every frame is seen from the same angle; the axes'
    ranges fit the points shown.
    """
    codes = _array(frames[frame])
    axes = projection(_array(frames[-1]))
    return probe_figure(codes, labels, names, axes, title, ranges=frame_ranges([codes], axes))


def probe_figure(codes: np.ndarray, labels: np.ndarray, names: list[str],
                 axes: tuple[np.ndarray, np.ndarray | None], title: str,
                 ranges: tuple[list[float], list[float]] | None = None) -> go.Figure:
    """The probe images' codes coloured by class (PCA of >2-D codes), on fixed ``ranges``."""
    xy = project(codes, axes)
    fig = go.Figure()
    for k in np.unique(labels):
        sel = labels == k
        name = names[int(k)] if 0 <= int(k) < len(names) else str(k)
        fig.add_trace(go.Scattergl(x=xy[sel, 0], y=xy[sel, 1], mode="markers", name=name,
                                   marker={"size": 5, "color": class_color(int(k))}))
    fig.update_layout(title=chart_title(title), height=380, margin=chart_margin(title=True),
                      legend={"title": t("map.legend")})
    if ranges is not None:
        fig.update_xaxes(range=ranges[0], autorange=False)
        fig.update_yaxes(range=ranges[1], autorange=False)
    return fig
