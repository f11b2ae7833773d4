"""``python -m ae_core``: train, evaluate, benchmark and list, without the app.

Model options are generated from the registry's config dataclasses, so a new
variant's parameters appear here without touching this file.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from pathlib import Path
from typing import Any

import torch

from ae_core.bench import BENCHMARKS, run_benchmarks
from ae_core.data import DATASETS, is_cached, load_dataset
from ae_core.data.library import load_any
from ae_core.errors import AECoreError
from ae_core.evaluate import evaluate
from ae_core.io import load_model, round_to_half, save_model
from ae_core.jobs import default_model_name
from ae_core.models import (
    VARIANTS,
    build_model,
    config_class,
    make_config,
    model_class,
    model_fields,
)
from ae_core.presets import PRESETS, preset_for
from ae_core.pretrained import find_pretrained, list_pretrained
from ae_core.store import ModelStore
from ae_core.training import (
    ProbeSnapshots,
    ReconstructionSnapshots,
    TrainConfig,
    Trainer,
    replay_rows,
)
from ae_core.version import __version__


def _field_help(f) -> str:
    """A model option's help: the field's own English description and its bounds."""
    text = f.meta.get("doc", f.name)
    if "range" in f.meta:
        low, high = f.meta["range"]
        text += f" (range {low} to {high})"
    return text


def _parse_value(text: str) -> Any:
    """'2' → 2, '0.5' → 0.5, 'true' → True, '512,256' → [512, 256], '' → [], else text."""
    lowered = text.strip().lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if text.strip() == "":
        return []
    if "," in text:
        return [_parse_value(p) for p in text.split(",") if p.strip()]
    for cast in (int, float):
        try:
            return cast(text)
        except ValueError:
            pass
    return text


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m ae_core",
        description="Latent Explorer's autoencoder library: train, evaluate, benchmark and "
                    "list models and datasets from the command line.",
        epilog="Examples:\n"
               "  python -m ae_core list\n"
               "  python -m ae_core train --dataset digits --preset vae-2d --epochs 30 "
               "--out vae.safetensors\n"
               "  python -m ae_core eval vae.safetensors\n"
               "  python -m ae_core bench --only quality\n"
               "Datasets are cached in $AE_DATA_DIR; stored models live in $AE_MODEL_DIR.",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"ae_core {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_list(sub)
    _add_train(sub)
    _add_eval(sub)
    _add_bench(sub)
    return parser


def _add_list(sub) -> None:
    p = sub.add_parser("list", help="datasets, variants, presets and stored/shipped models")
    p.add_argument("what", nargs="?", default="all",
                   choices=["all", "datasets", "variants", "presets", "models"])


def _add_train(sub) -> None:
    p = sub.add_parser("train", help="train any variant on a dataset and save the model file",
                       formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--dataset", default="digits",
                   help="digits, mnist, fashion-mnist or an upload's user:<name>")
    p.add_argument("--variant", choices=list(VARIANTS), help="model variant (default: the "
                   "preset's, else vanilla)")
    p.add_argument("--preset", choices=list(PRESETS),
                   help="start from a named preset, resolved for the dataset exactly as the "
                        "Train page does (its step budget sets the batch size and epochs)")
    p.add_argument("--classes", help="train only on these comma-separated class labels "
                   "(e.g. one 'normal' class for anomaly detection)")
    model = p.add_argument_group("model settings (any variant's config field)")
    for name, f in model_fields().items():
        model.add_argument("--" + name.replace("_", "-"), dest="m_" + name, metavar="V",
                           help=_field_help(f))
    train = p.add_argument_group("training settings")
    train.add_argument("--epochs", type=int)
    train.add_argument("--batch-size", type=int)
    train.add_argument("--lr", type=float, help="peak learning rate (Adam)")
    train.add_argument("--weight-decay", type=float)
    train.add_argument("--schedule", choices=["cosine", "constant"])
    train.add_argument("--penalty-warmup", type=float, metavar="FRACTION",
                       help="raise the penalty (a VAE's KL, a sparse model's sparsity term) "
                            "from 0 to its weight over this fraction of the steps (0 = off)")
    train.add_argument("--augment-shift", type=int, metavar="PIXELS",
                       help="move each training image by up to this many pixels, a new "
                            "random offset every epoch (0 = off)")
    train.add_argument("--seed", type=int, default=0)
    train.add_argument("--device", choices=["auto", "cpu", "cuda"], default="auto")
    train.add_argument("--probe-size", type=int, default=0,
                       help="store the codes of this many test images after every epoch")
    train.add_argument("--replay-images", type=int, default=24,
                       help="with --probe-size: also store the reconstructions of this many "
                            "of those images after every epoch, as bytes (0 = off)")
    out = p.add_argument_group("output")
    out.add_argument("--out", type=Path, help="model file to write (default: the model store)")
    out.add_argument("--name", help="name in the model store (default: derived)")
    out.add_argument("--eval-points", type=int, default=5000,
                     help="test points for trustworthiness/silhouette (0 = all)")
    out.add_argument("--half", action="store_true",
                     help="store weights as float16 (half the size; metrics are measured "
                          "on the rounded weights)")
    out.add_argument("--quiet", action="store_true", help="no progress bar")


def _add_eval(sub) -> None:
    p = sub.add_parser("eval", help="metrics of a model file (or a stored model's name)")
    p.add_argument("model", help="path to a .safetensors model file, or a stored model name")
    p.add_argument("--dataset", help="override the dataset recorded in the file")
    p.add_argument("--trust-points", type=int, default=0,
                   help="points for trustworthiness/silhouette (0 = the whole test split)")
    p.add_argument("--normal-classes", help="comma-separated classes treated as normal: "
                   "adds the anomaly AUROC of the reconstruction error")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")


def _add_bench(sub) -> None:
    p = sub.add_parser("bench", help="the benchmarks of benchmarks/README.md, "
                                     "reference numbers beside ours")
    p.add_argument("--only", help=f"comma-separated subset of {', '.join(BENCHMARKS)}")
    p.add_argument("--quick", action="store_true",
                   help="tiny budgets to check the machinery (figures are not meaningful)")
    p.add_argument("--json", type=Path, help="also write all figures to this JSON file")


# ----------------------------------------------------------------------- commands
def cmd_list(args) -> int:
    if args.what in ("all", "datasets"):
        print("Datasets:")
        for name, spec in DATASETS.items():
            state = ("available" if is_cached(name)
                     else f"not cached ({spec.total_bytes / 1e6:.0f} MB download)")
            print(f"  {name:<14} {spec.title:<28} {state}")
    if args.what in ("all", "variants"):
        print("Variants (architecture mlp or conv; loss bce or mse):")
        for name in VARIANTS:
            own = [f.name for f in dataclasses.fields(config_class(name))
                   if f.name not in {g.name for g in dataclasses.fields(config_class("vanilla"))}]
            extra = f"  [{', '.join(own)}]" if own else ""
            print(f"  {name:<10} {model_class(name).description}{extra}")
    if args.what in ("all", "presets"):
        print("Presets:")
        for key, preset in PRESETS.items():
            budget = f"{preset.steps} steps" if preset.steps else ""
            print(f"  {key:<10} {preset.title:<14} {preset.variant:<10} {budget:<11} "
                  f"{preset.model}")
    if args.what in ("all", "models"):
        print("Shipped models (pretrained/):")
        for item in list_pretrained():
            print(f"  {item.name:<28} {item.dataset:<14} {item.variant:<10} {item.latent_dim}-D")
        store = ModelStore()
        print(f"Stored models ({store.root}):")
        for item in store.list():
            print(f"  {item.name:<28} {item.dataset:<14} {item.variant:<10} {item.latent_dim}-D")
    return 0


def _model_settings(args, variant: str, resolved) -> dict[str, Any]:
    allowed = {f.name for f in dataclasses.fields(config_class(variant))}
    settings = dict(resolved.model) if resolved else {}
    for name in model_fields():
        raw = getattr(args, "m_" + name)
        if raw is None:
            continue
        if name not in allowed:
            raise AECoreError(f"--{name.replace('_', '-')} does not apply to variant '{variant}'.")
        value = _parse_value(raw)
        if name in ("hidden", "channels", "input_shape") and not isinstance(value, list):
            value = [value]
        settings[name] = value
    return settings


def train_settings(args, dataset) -> tuple[str, Any, Any]:
    """(variant, model config, TrainConfig) of a ``train`` command on ``dataset``: the preset
    resolved for the dataset exactly as the Train page resolves it (``ae_core.presets``),
    then the options given on the command line over it."""
    resolved = preset_for(args.preset, dataset) if args.preset else None
    variant = args.variant or (resolved.variant if resolved else "vanilla")
    settings = _model_settings(args, variant, resolved)
    settings.setdefault("input_shape", list(dataset.image_shape))
    config = make_config(variant, **settings)
    train_options = dict(resolved.train) if resolved else {}
    for key in ("epochs", "batch_size", "lr", "weight_decay", "schedule", "augment_shift",
                "penalty_warmup"):
        if getattr(args, key) is not None:
            train_options[key] = getattr(args, key)
    train_options.update(seed=args.seed, device=args.device)
    return variant, config, TrainConfig.from_dict(train_options)


def cmd_train(args) -> int:
    dataset = load_any(args.dataset, progress=_download_bar())
    variant, config, train_config = train_settings(args, dataset)
    x_train, classes = _class_subset(dataset, args.classes)

    model = build_model(config, seed=args.seed)
    trainer = Trainer(model, train_config)
    probes = ProbeSnapshots(dataset.x_test[: args.probe_size]).attach(trainer) \
        if args.probe_size else None
    recons = ReconstructionSnapshots(probes.probe, replay_rows(
        dataset.y_test[: args.probe_size], args.replay_images)).attach(trainer) \
        if probes is not None and args.replay_images > 0 else None
    bar = None if args.quiet else _training_bar(trainer, len(x_train) // min(
        train_config.batch_size, len(x_train)) * train_config.epochs)
    t0 = time.perf_counter()
    result = trainer.fit(x_train, x_val=dataset.x_test)
    if bar is not None:
        bar.close()
    seconds = time.perf_counter() - t0
    print(result.message, f"({seconds:.1f} s)")
    if args.half:
        round_to_half(model)
    points = args.eval_points or None
    scores = evaluate(model, dataset, trust_points=points,
                      normal_classes=classes if classes else None)
    _print_metrics(scores)
    metadata = {"dataset": dataset.name, "seed": args.seed, "train": train_config.to_dict(),
                "metrics": scores, "train_seconds": round(seconds, 2), "status": result.status,
                "trained_classes": classes,
                "command": " ".join(["python -m ae_core", *sys.argv[1:]])}
    extras = {**(probes.extras() or {} if probes is not None else {}),
              **(recons.extras() or {} if recons is not None else {})} or None
    if args.out:
        path = save_model(model, args.out, metadata, extras, half=args.half)
    else:
        store = ModelStore()
        name = args.name or store.unique_name(default_model_name(dataset.name, variant,
                                                                 config.latent_dim))
        path = store.save(model, name, metadata, extras, half=args.half).path
    print(f"Saved {path}")
    return 0 if result.status != "diverged" else 3


def _class_subset(dataset, classes_arg: str | None):
    if not classes_arg:
        return dataset.x_train, None
    classes = [int(c) for c in classes_arg.split(",")]
    bad = [c for c in classes if not 0 <= c < dataset.n_classes]
    if bad:
        raise AECoreError(f"Classes {bad} do not exist in {dataset.name} "
                          f"(0..{dataset.n_classes - 1}).")
    keep = torch.isin(dataset.y_train, torch.tensor(classes))
    return dataset.x_train[keep], classes


def cmd_eval(args) -> int:
    model = _resolve_model(args.model)
    name = args.dataset or model.metadata.get("dataset")
    if not name:
        raise AECoreError("The model file does not say which dataset it was trained on; "
                          "pass --dataset.")
    dataset = load_dataset(name, progress=_download_bar())
    if tuple(model.config.input_shape) != dataset.image_shape:
        raise AECoreError(f"The model expects images of shape {tuple(model.config.input_shape)} "
                          f"but {name} has {dataset.image_shape}.")
    classes = [int(c) for c in args.normal_classes.split(",")] if args.normal_classes else None
    scores = evaluate(model, dataset, trust_points=args.trust_points or None,
                      normal_classes=classes)
    if args.json:
        print(json.dumps(scores, indent=2))
    else:
        _print_metrics(scores)
    return 0


def _resolve_model(ref: str):
    path = Path(ref)
    if path.suffix == ".safetensors" or path.exists():
        return load_model(path)
    store = ModelStore()
    if store.exists(ref):
        return store.load(ref)
    shipped = find_pretrained(ref)
    if shipped is not None:
        return load_model(shipped.path)
    raise AECoreError(f"No model file, stored model or shipped model called '{ref}'.")


def cmd_bench(args) -> int:
    only = args.only.split(",") if args.only else None
    run_benchmarks(only=only, quick=args.quick, json_path=args.json)
    return 0


def _print_metrics(scores: dict[str, Any]) -> None:
    for key, value in scores.items():
        text = f"{value:.4f}" if isinstance(value, float) else str(value)
        print(f"  {key:<18} {text}")


def _download_bar():
    state: dict[str, Any] = {}

    def progress(done: int, total: int, filename: str) -> None:
        from tqdm import tqdm  # deferred: only a terminal's progress bar needs it

        if state.get("name") != filename:
            if state.get("bar"):
                state["bar"].close()
            state["bar"] = tqdm(total=total, unit="B", unit_scale=True, desc=filename)
            state["name"] = filename
        bar = state["bar"]
        bar.update(done - bar.n)

    return progress


def _training_bar(trainer, total_batches: int):
    from tqdm import tqdm  # deferred: only a terminal's progress bar needs it

    bar = tqdm(total=total_batches, unit="batch", desc="training")

    def on_batch(t) -> None:
        bar.update(1)
        if t.batch % 20 == 0:
            bar.set_postfix(loss=f"{t.last_parts.get('total', float('nan')):.3f}")

    def on_epoch(t) -> None:
        h = t.history[-1]
        bar.set_description(f"epoch {t.epoch}/{t.config.epochs} "
                            f"val {h.get('val_total', float('nan')):.3f}")

    trainer.add_callback("on_batch_end", on_batch)
    trainer.add_callback("on_epoch_end", on_epoch)
    return bar


COMMANDS = {"list": cmd_list, "train": cmd_train, "eval": cmd_eval, "bench": cmd_bench}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except AECoreError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
