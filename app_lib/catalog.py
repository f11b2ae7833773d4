"""What the sidebar offers: datasets (built-in, plus the upload hook) and models per dataset.

Model keys are strings so they fit in a URL: ``pretrained:NAME`` (shipped),
``store:NAME`` (the user's model store) and ``pca:K`` (always available).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import streamlit as st

from ae_core.data import DATASETS, is_cached
from ae_core.data.library import DatasetLibrary, is_user_dataset
from ae_core.pretrained import list_pretrained
from ae_core.store import ModelStore, StoredModel

if TYPE_CHECKING:
    from ae_core.data import Dataset

PCA_DIMS = (2, 8)
LISTING_TTL_S = 3
MAX_PCA_DIM = 64
USER_DATASETS_KEY = "user_datasets"
"""Session-state dict name → ``Dataset`` for uploads; the upload page (a later issue) fills it."""


@dataclass(frozen=True)
class ModelChoice:
    """One entry of the model picker, described without loading weights."""

    key: str
    kind: str  # "pretrained", "store" or "pca"
    name: str
    variant: str
    latent_dim: int
    path: Path | None = None
    capabilities: tuple[str, ...] = ()
    """The variant's capability flags that are set, from the file's checked header."""

    @property
    def is_vae(self) -> bool:
        """Probabilistic codes with an N(0, I) prior (the variant's capability flag)."""
        return "probabilistic" in self.capabilities


# ------------------------------------------------------------------ datasets


def user_datasets() -> dict[str, Dataset]:
    """Datasets the user uploaded in this session (empty until the upload page exists)."""
    return dict(st.session_state.get(USER_DATASETS_KEY, {}))


def register_user_dataset(name: str, dataset: Dataset) -> str:
    """The hook for uploads: make ``dataset`` selectable in the sidebar as ``upload:name``."""
    key = f"upload:{name}"
    st.session_state.setdefault(USER_DATASETS_KEY, {})[key] = dataset
    return key


@st.cache_data(ttl=LISTING_TTL_S, show_spinner=False)
def _library_datasets(root: str) -> list[str]:
    """Saved uploads (``user:<name>``), read at most every few seconds."""
    return [item["name"] for item in DatasetLibrary(root).list()]


def library_datasets() -> list[str]:
    return _library_datasets(str(DatasetLibrary().root))


def dataset_names() -> list[str]:
    return [*DATASETS, *library_datasets(), *user_datasets()]


def refresh() -> None:
    """Forget the listings, so a model or dataset saved just now shows in every picker at once."""
    _listed_models.clear()
    _library_datasets.clear()


def default_dataset() -> str:
    """The richest dataset already on this machine: MNIST if cached, else digits."""
    return "mnist" if is_cached("mnist") else "digits"


# ------------------------------------------------------------------ models


def _stored_choice(kind: str, model: StoredModel) -> ModelChoice:
    return ModelChoice(f"{kind}:{model.name}", kind, model.name, model.variant,
                       model.latent_dim, model.path, model.capabilities)


def pca_choice(k: int) -> ModelChoice:
    return ModelChoice(f"pca:{k}", "pca", f"PCA {k}-D", "pca", k)


@st.cache_data(ttl=LISTING_TTL_S, show_spinner=False)
def _listed_models(dataset_id: str, store_root: str) -> list[ModelChoice]:
    """Model files' headers, read at most every few seconds rather than on every widget."""
    choices = [_stored_choice("pretrained", m) for m in list_pretrained(dataset_id)]
    return choices + [_stored_choice("store", m) for m in ModelStore(store_root).list(dataset_id)]


def model_choices(dataset: str) -> list[ModelChoice]:
    """Shipped models, then the user's stored ones, then PCA (always last, always there)."""
    dataset_id = dataset if is_user_dataset(dataset) else dataset.split(":", 1)[-1]
    listed = _listed_models(dataset_id, str(ModelStore().root))
    return listed + [pca_choice(k) for k in PCA_DIMS]


def find_choice(dataset: str, key: str | None) -> ModelChoice | None:
    """The choice for ``key``; ``pca:K`` with any sensible K is accepted (e.g. from a URL)."""
    if not key:
        return None
    for choice in model_choices(dataset):
        if choice.key == key:
            return choice
    if key.startswith("pca:") and key[4:].isdigit() and 1 <= int(key[4:]) <= MAX_PCA_DIM:
        return pca_choice(int(key[4:]))
    return None


def default_model(dataset: str) -> str:
    """A 2-D map at once: the shipped 2-D VAE, else any shipped 2-D model, else PCA 2-D."""
    two_d = [c for c in model_choices(dataset) if c.latent_dim == 2 and c.kind == "pretrained"]
    two_d.sort(key=lambda c: (not c.is_vae, c.name))
    return two_d[0].key if two_d else pca_choice(2).key


def model_stamp(choice: ModelChoice) -> float:
    """File modification time, so a re-saved model is reloaded rather than served stale."""
    try:
        return choice.path.stat().st_mtime if choice.path else 0.0
    except OSError:
        return 0.0
