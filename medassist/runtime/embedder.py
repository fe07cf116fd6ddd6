"""Sentence embeddings from an ONNX pack: tokenizers + onnxruntime + mean pooling + L2 normalisation.

No torch at run time. The default pack is ``minilm-embedder`` (all-MiniLM-L6-v2, 384-d, int8)::

    from medassist.runtime.embedder import get_embedder
    vecs = get_embedder().embed(["chest pain", "no known drug allergies"])   # (2, 384) float32, unit norm

Texts are tokenized with truncation at the pack's ``max_length`` (256 word pieces), sorted by length and run
in padded batches (so batches waste little on padding), then put back in input order.

Dynamic int8 quantization scales activations per batch, so a text's vector moves slightly with its batch-mates
(cosine >= 0.98 to itself alone and to fp32); embed one text at a time where bit-for-bit repeatability matters.
"""

from __future__ import annotations

import threading
from typing import Sequence

import numpy as np

from ..errors import ModelPackError
from .packs import ModelPack

DEFAULT_PACK = "minilm-embedder"
TASK = "embedding"

_embedders: dict[tuple, "Embedder"] = {}
_lock = threading.Lock()


class Embedder:
    """Embeds texts with one pack. ``variant`` is a file role in the manifest: ``"model"`` (the int8 graph)
    or ``"reference"`` (the fp32 graph, when the pack keeps it)."""

    def __init__(self, pack: ModelPack, *, variant: str = "model", provider: str | None = None, threads: int | None = None):
        from tokenizers import Tokenizer

        from .session import create_session, session_info

        if pack.task != TASK:
            raise ModelPackError(f"pack {pack.name!r} is a {pack.task!r} pack, not an embedding pack", path=pack.path)
        if not pack.verified:
            pack.verify()
        self.pack = pack
        self.variant = variant
        m = pack.manifest
        self.dim = int(m.get("dim", 0)) or None
        self.max_length = int(m.get("max_length", 256))
        self.pooling = m.get("pooling", "mean")
        self.normalize = bool(m.get("normalize", True))
        if self.pooling not in ("mean", "cls"):
            raise ModelPackError(f"unsupported pooling {self.pooling!r}", path=pack.path / "manifest.json")
        tok_path = pack.file("tokenizer")
        try:
            self.tokenizer = Tokenizer.from_file(str(tok_path))
        except Exception as exc:
            raise ModelPackError(f"tokenizer cannot be read ({exc})", path=tok_path) from None
        self.tokenizer.enable_truncation(max_length=self.max_length)
        pad_id = self.tokenizer.token_to_id("[PAD]")
        self.tokenizer.enable_padding(pad_id=pad_id or 0, pad_token="[PAD]" if pad_id is not None else "<pad>")
        self.session = create_session(pack.file(variant), provider=provider, threads=threads)
        self.provider = session_info(self.session).provider if session_info(self.session) else self.session.get_providers()[0]
        self._input_names = [i.name for i in self.session.get_inputs()]
        outs = [o.name for o in self.session.get_outputs()]
        self._output = "last_hidden_state" if "last_hidden_state" in outs else outs[0]

    # ------------------------------------------------------------------ embedding
    def embed(self, texts: Sequence[str], batch_size: int = 16) -> np.ndarray:
        """(n, dim) float32 array of L2-normalised embeddings, one row per text, in input order."""
        if isinstance(texts, str):
            raise TypeError("embed() takes a list of strings, not a single string")
        texts = list(texts)
        for i, t in enumerate(texts):
            if not isinstance(t, str):
                raise TypeError(f"texts[{i}] is {type(t).__name__}, not str")
        if batch_size < 1:
            raise ValueError("batch_size must be >= 1")
        out = np.zeros((len(texts), self.dim or 0), dtype=np.float32)
        if not texts:
            return out
        # Sort by length so each padded batch holds similar lengths; restore the order at the end.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        rows: list[np.ndarray] = []
        for start in range(0, len(order), batch_size):
            idx = order[start : start + batch_size]
            rows.append(self._embed_batch([texts[i] for i in idx]))
        vecs = np.concatenate(rows, axis=0)
        if out.shape[1] != vecs.shape[1]:
            out = np.zeros((len(texts), vecs.shape[1]), dtype=np.float32)
        out[np.asarray(order)] = vecs
        return out

    def embed_one(self, text: str) -> np.ndarray:
        return self.embed([text])[0]

    def token_states(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """The graph's per-token output for one text, before pooling: (float32 [1,S,dim], attention mask int64
        [1,S]). One text per run (no batch-mates: see the module docstring)."""
        hidden, mask = self._run([self.tokenizer.encode(text)])
        return hidden.astype(np.float32), mask

    def _run(self, encs) -> tuple[np.ndarray, np.ndarray]:
        ids = np.asarray([e.ids for e in encs], dtype=np.int64)
        mask = np.asarray([e.attention_mask for e in encs], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._input_names:
            feeds["token_type_ids"] = np.asarray([e.type_ids for e in encs], dtype=np.int64)
        feeds = {k: v for k, v in feeds.items() if k in self._input_names}
        return self.session.run([self._output], feeds)[0], mask

    def _embed_batch(self, batch: list[str]) -> np.ndarray:
        hidden, mask = self._run(self.tokenizer.encode_batch(batch))
        if hidden.ndim == 2:  # the graph already pools
            pooled = hidden.astype(np.float32)
        elif self.pooling == "cls":
            pooled = hidden[:, 0, :].astype(np.float32)
        else:
            m = mask[:, :, None].astype(np.float32)
            pooled = (hidden * m).sum(axis=1) / np.clip(m.sum(axis=1), 1e-9, None)
        if self.normalize:
            pooled = pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
        return pooled.astype(np.float32)

    def __repr__(self) -> str:
        return f"Embedder(pack={self.pack.name!r} {self.pack.version}, variant={self.variant!r}, provider={self.provider!r})"


def get_embedder(name: str = DEFAULT_PACK, *, variant: str = "model", provider: str | None = None, threads: int | None = None) -> Embedder:
    """The cached embedder for pack ``name`` (found by the registry and verified).

    Raises ModelPackError when the pack is missing or fails verification; callers that can work without
    embeddings should catch it and fall back.
    """
    from .registry import find_pack, search_paths

    pack = find_pack(name=name, task=TASK)  # verifies (hashes are memoised per file state)
    if pack is None:
        where = ", ".join(str(p) for p in search_paths())
        raise ModelPackError(
            f"model pack {name!r} not found (searched {where}); build it with `make models` or import one "
            f"with `medassist models import PATH`",
        )
    key = (str(pack.path.resolve()), pack.manifest_sha256, variant, provider, threads)
    with _lock:
        emb = _embedders.get(key)
        if emb is not None:
            return emb
    emb = Embedder(pack, variant=variant, provider=provider, threads=threads)
    with _lock:
        _embedders.setdefault(key, emb)
        return _embedders[key]


def clear_cache() -> None:
    with _lock:
        _embedders.clear()
