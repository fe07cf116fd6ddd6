"""A torch-free greedy / beam-search decoding loop over an encoder + decoder ONNX pair (onnxruntime + numpy).

The ONNX contract (what ``models/impression/recipe.py`` exports):

- encoder: ``input_ids`` int64 [B,S], ``attention_mask`` int64 [B,S] -> ``last_hidden_state`` float [B,S,D]
- decoder: ``decoder_input_ids`` int64 [B,T], ``encoder_hidden_states`` [B,S,D], ``attention_mask`` [B,S]
  -> ``logits`` float [B,V] for the last decoder position (no past key/values: the prefix is re-run each
  step, cheap for short outputs). A decoder may also return ``decoder_hidden`` float [B,T,D], its final
  (layer-normed) states at every position, which a :class:`KnnDatastore` searches.
- with a :class:`SourceEncoder` (a frozen pretrained encoder from an embedding pack, e.g. ``minilm-embedder``),
  the encoder reads that encoder's token states instead of token ids: ``encoder_states`` float [B,S,E],
  ``attention_mask`` int64 [B,S] -> ``last_hidden_state``; the source text is then tokenised by the embedding
  pack's tokenizer.

Tokenisation uses a ``tokenizers`` tokenizer.json. Nothing here imports torch or transformers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from ..errors import ModelPackError


@dataclass
class Generation:
    text: str
    token_ids: list[int]
    score: float  # length-normalised log-probability of the chosen sequence
    steps: int  # decoder calls made

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "token_ids": self.token_ids, "score": self.score, "steps": self.steps}


def _session(path: Path, threads: int | None):
    try:  # the shared runtime (provider choice, caching) when it has landed
        from .session import create_session  # type: ignore

        return create_session(path, threads=threads)
    except ImportError:
        pass
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.log_severity_level = 3
    if threads:
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
    return ort.InferenceSession(str(path), sess_options=opts, providers=["CPUExecutionProvider"])


def _log_softmax(x):
    import numpy as np

    m = x.max(axis=-1, keepdims=True)
    y = x - m
    return y - np.log(np.exp(y).sum(axis=-1, keepdims=True))


class SourceEncoder:
    """Token states of a text from a frozen pretrained encoder: an embedding pack's graph (its
    ``last_hidden_state``, before pooling) through :meth:`medassist.runtime.embedder.Embedder.token_states`, with the
    pack's tokenizer truncated at its ``max_length``.

    One text per run, never a padded batch: dynamic int8 quantisation scales activations per batch, and a model
    trained on these states (``models/impression/recipe.py --source-encoder``) was trained on exactly what this
    computes. The last text's states are kept, so the members of an ensemble share one run."""

    def __init__(self, pack, *, threads: int | None = None):
        import threading

        from .embedder import Embedder

        self.pack = pack
        self.embedder = Embedder(pack, threads=threads)  # (the session cache shares the graph with the app's embedder)
        if self.embedder._output != "last_hidden_state":
            raise ModelPackError(f"the source encoder gives no token states (output {self.embedder._output!r})",
                                 path=pack.file("model"))
        self.model_sha256 = pack.file_sha256("model")
        self.dim = self.embedder.dim or int(self.embedder.session.get_outputs()[0].shape[-1])
        self._lock = threading.Lock()
        self._last: tuple[str, Any] | None = None

    def states(self, text: str):
        """``(states float32 [1,S,E], attention_mask int64 [1,S])`` of ``text``."""
        with self._lock:
            if self._last is not None and self._last[0] == text:
                return self._last[1]
        out = self.embedder.token_states(text)
        with self._lock:
            self._last = (text, out)
        return out


HIDDEN_OUTPUT = "decoder_hidden"


class KnnDatastore:
    """kNN-LM memory of a decoder (Khandelwal et al. 2020): the decoder's final states over its own training targets
    (teacher forcing, each with the encoder input it was trained on) as keys, the token that came next as values.
    At each decoding step the k keys nearest (squared L2) to the current state vote for their next tokens with
    weights softmax(-distance / temperature); that distribution is mixed with the model's as
    ``lam * p_knn + (1 - lam) * p_model``.

    The memory is itself an ONNX graph (``knn.onnx``, built by ``models/impression/recipe.py --add-knn``): keys and
    values are its initializers; ``states`` float [B,D] and ``k`` int64 [1] -> ``distances`` float [B,k] (ascending)
    and ``tokens`` int64 [B,k]. Anything else is a ModelPackError naming the file."""

    def __init__(self, path: str | Path, *, k: int, lam: float, temperature: float, vocab_size: int,
                 threads: int | None = None):
        path = Path(path)
        if not path.is_file():
            raise ModelPackError("kNN memory missing", path=path)
        if not (int(k) >= 1 and 0.0 <= lam <= 1.0 and temperature > 0):
            raise ModelPackError(f"kNN settings out of range (k={k}, lambda={lam}, temperature={temperature})", path=path)
        try:
            self.session = _session(path, threads)
        except Exception as exc:
            if isinstance(exc, ModelPackError):
                raise
            raise ModelPackError(f"onnxruntime could not load the kNN memory: {exc}", path=path) from exc
        ins = {i.name: i for i in self.session.get_inputs()}
        outs = [o.name for o in self.session.get_outputs()]
        if set(ins) != {"states", "k"} or outs[:2] != ["distances", "tokens"]:
            raise ModelPackError(f"not a kNN memory graph (inputs {sorted(ins)}, outputs {outs})", path=path)
        width = ins["states"].shape[-1]
        self.dim = width if isinstance(width, int) else None
        self.path, self.k, self.lam, self.temperature = path, int(k), float(lam), float(temperature)
        self.vocab_size = vocab_size

    def nearest(self, states):
        """``(distances [B,k], tokens [B,k])`` of the ``k`` keys nearest to each row of ``states`` [B,D]."""
        import numpy as np

        try:
            dist, tok = self.session.run(["distances", "tokens"], {"states": np.ascontiguousarray(states, dtype=np.float32),
                                                                   "k": np.asarray([self.k], dtype=np.int64)})
        except Exception as exc:  # onnxruntime raises its own types (e.g. k larger than the memory)
            raise ModelPackError(f"the kNN memory could not be searched (k={self.k}): {exc}", path=self.path) from exc
        if tok.size and (int(tok.min()) < 0 or int(tok.max()) >= self.vocab_size):
            raise ModelPackError(f"the kNN memory gives token ids outside the vocabulary of {self.vocab_size}", path=self.path)
        return dist, tok

    def mix(self, logprobs, states):
        """``logprobs`` [B,V] of the model and its final ``states`` [B,D] -> the mixed log-probabilities."""
        import numpy as np

        if self.lam <= 0.0:
            return logprobs
        dist, tok = self.nearest(states)
        out = np.empty_like(logprobs)
        for i in range(len(dist)):
            w = np.exp(-(dist[i] - dist[i].min()) / self.temperature)
            pk = np.bincount(tok[i], weights=w / w.sum(), minlength=logprobs.shape[1])
            p = self.lam * pk + (1.0 - self.lam) * np.exp(logprobs[i].astype(np.float64))
            out[i] = np.log(np.maximum(p, 1e-12))
        return out


class Seq2SeqOnnx:
    """Encoder + decoder ONNX with a tokenizer; ``generate(text)`` decodes greedily (``num_beams=1``) or by
    beam search. With ``source`` (a :class:`SourceEncoder`) the encoder reads its token states of the text."""

    def __init__(self, encoder: str | Path, decoder: str | Path, tokenizer: str | Path, *, pad_id: int = 0,
                 bos_id: int = 1, eos_id: int = 2, max_src: int = 256, max_new_tokens: int = 64,
                 threads: int | None = None, source: SourceEncoder | None = None, knn: KnnDatastore | None = None):
        for p in (encoder, decoder, tokenizer):
            if not Path(p).is_file():
                raise ModelPackError("file missing", path=p)
        from tokenizers import Tokenizer

        try:
            self.tokenizer = Tokenizer.from_file(str(tokenizer))
        except Exception as exc:  # tokenizers raises plain Exception
            raise ModelPackError(f"unreadable tokenizer: {exc}", path=tokenizer) from exc
        try:
            self.encoder = _session(Path(encoder), threads)
            self.decoder = _session(Path(decoder), threads)
        except Exception as exc:
            if isinstance(exc, ModelPackError):
                raise
            raise ModelPackError(f"onnxruntime could not load the model: {exc}", path=encoder) from exc
        self.pad_id, self.bos_id, self.eos_id = pad_id, bos_id, eos_id
        self.max_src, self.max_new_tokens = max_src, max_new_tokens
        self.source = source
        self._logits = self.decoder.get_outputs()[0].name
        self.knn = None
        if knn is not None:
            self.use_knn(knn, decoder)

    def use_knn(self, knn: KnnDatastore | None, decoder: str | Path = "decoder") -> None:
        """Mix ``knn``'s next-token votes into every step (None: the model alone). The decoder must return its
        states (``decoder_hidden``) of the memory's width."""
        if knn is not None:
            outs = {o.name: o for o in self.decoder.get_outputs()}
            if HIDDEN_OUTPUT not in outs:
                raise ModelPackError(f"the decoder has no '{HIDDEN_OUTPUT}' output for its kNN memory", path=decoder)
            width = outs[HIDDEN_OUTPUT].shape[-1]
            if isinstance(width, int) and knn.dim is not None and width != knn.dim:
                raise ModelPackError(f"the decoder's states have {width} dimensions, its kNN memory {knn.dim}",
                                     path=knn.path)
        self.knn = knn

    # ------------------------------------------------------------------------------------------------
    def encode(self, text: str):
        import numpy as np

        if self.source is not None:
            states, mask = self.source.states(text)
            hidden = self.encoder.run(None, {"encoder_states": states, "attention_mask": mask})[0]
            return hidden, mask
        ids = self.tokenizer.encode(text).ids[: self.max_src] or [self.pad_id]
        input_ids = np.asarray([ids], dtype=np.int64)
        mask = np.ones_like(input_ids)
        hidden = self.encoder.run(None, {"input_ids": input_ids, "attention_mask": mask})[0]
        return hidden, mask

    def _step(self, prefixes, hidden, mask):
        import numpy as np

        b = len(prefixes)
        dec = np.asarray(prefixes, dtype=np.int64)
        h = np.repeat(hidden, b, axis=0) if hidden.shape[0] != b else hidden
        m = np.repeat(mask, b, axis=0) if mask.shape[0] != b else mask
        feeds = {"decoder_input_ids": dec, "encoder_hidden_states": h, "attention_mask": m}
        if self.knn is None:
            logits = self.decoder.run([self._logits], feeds)[0]
            return _log_softmax(logits.astype(np.float32))
        logits, states = self.decoder.run([self._logits, HIDDEN_OUTPUT], feeds)
        return self.knn.mix(_log_softmax(logits.astype(np.float32)), states[:, -1, :])

    def generate(self, text: str, *, num_beams: int = 4, length_penalty: float = 1.0, max_new_tokens: int | None = None,
                 no_repeat_ngram: int = 0) -> Generation:
        import numpy as np

        max_new = max_new_tokens or self.max_new_tokens
        hidden, mask = self.encode(text)
        steps = 0
        if num_beams <= 1:
            seq, total = [self.bos_id], 0.0
            for _ in range(max_new):
                lp = self._step([seq], hidden, mask)[0]
                steps += 1
                _ban(lp, seq, no_repeat_ngram)
                nxt = int(np.argmax(lp))
                total += float(lp[nxt])
                if nxt == self.eos_id:
                    break
                seq.append(nxt)
            ids = seq[1:]
            return Generation(self.tokenizer.decode(ids), ids, total / max(1, len(ids) + 1), steps)

        beams: list[tuple[list[int], float]] = [([self.bos_id], 0.0)]
        finished: list[tuple[list[int], float]] = []  # (ids without bos/eos, normalised score)
        for _ in range(max_new):
            lp = self._step([b[0] for b in beams], hidden, mask)
            steps += 1
            cands = []
            for bi, (seq, sc) in enumerate(beams):
                row = lp[bi]
                _ban(row, seq, no_repeat_ngram)
                top = np.argpartition(-row, num_beams * 2)[: num_beams * 2] if row.shape[0] > num_beams * 2 else np.arange(row.shape[0])
                for t in top:
                    cands.append((sc + float(row[t]), bi, int(t)))
            cands.sort(key=lambda c: -c[0])
            new_beams = []
            for sc, bi, t in cands:
                seq = beams[bi][0]
                if t == self.eos_id:
                    n = len(seq)  # generated tokens + eos
                    finished.append((seq[1:], sc / (n ** length_penalty)))
                else:
                    new_beams.append((seq + [t], sc))
                if len(new_beams) == num_beams:
                    break
            beams = new_beams
            if len(finished) >= num_beams:
                best_alive = max(sc / ((len(s)) ** length_penalty) for s, sc in beams) if beams else -1e9
                if max(f[1] for f in finished) >= best_alive:
                    break
        if not finished:
            finished = [(s[1:], sc / (len(s) ** length_penalty)) for s, sc in beams]
        ids, score = max(finished, key=lambda f: f[1])
        return Generation(self.tokenizer.decode(ids), ids, float(score), steps)


class EnsembleSeq2Seq(Seq2SeqOnnx):
    """Several encoder + decoder pairs trained the same way (same tokenizer and data, other seeds) decoded as one
    model: at each step the members' log-probabilities are averaged, so greedy and beam search, the n-gram ban
    and ``score_candidates`` work unchanged. Each step costs one decoder call per member."""

    def __init__(self, members: list[Seq2SeqOnnx]):
        if not members:
            raise ModelPackError("an ensemble needs at least one member", path="")
        first = members[0]
        for m in members[1:]:
            if (m.pad_id, m.bos_id, m.eos_id) != (first.pad_id, first.bos_id, first.eos_id) or \
                    m.tokenizer.get_vocab_size() != first.tokenizer.get_vocab_size():
                raise ModelPackError("ensemble members do not share one vocabulary", path="")
        self.members = list(members)
        self.tokenizer, self.pad_id, self.bos_id, self.eos_id = first.tokenizer, first.pad_id, first.bos_id, first.eos_id
        self.max_src, self.max_new_tokens = first.max_src, first.max_new_tokens
        self.encoder, self.decoder = first.encoder, first.decoder
        self.knn = None  # a kNN memory holds one model's states

    def encode(self, text: str):
        outs = [m.encode(text) for m in self.members]
        return [h for h, _ in outs], [mask for _, mask in outs]

    def _step(self, prefixes, hidden, mask):
        total = None
        for m, h, mk in zip(self.members, hidden, mask):
            lp = m._step(prefixes, h, mk)
            total = lp if total is None else total + lp
        return total / len(self.members)


def score_candidates(model: "Seq2SeqOnnx", text: str, candidates: list[str]) -> list[float]:
    """Length-normalised log-probability of each candidate output given ``text`` (teacher forcing, batched by
    prefix length: one decoder call per token position for all candidates together)."""
    import numpy as np

    if not candidates:
        return []
    hidden, mask = model.encode(text)
    seqs = [[model.bos_id] + model.tokenizer.encode(c).ids[: model.max_new_tokens] + [model.eos_id] for c in candidates]
    totals = [0.0] * len(seqs)
    longest = max(len(q) for q in seqs)
    for t in range(1, longest):
        idx = [i for i, q in enumerate(seqs) if len(q) > t]
        lp = model._step([seqs[i][:t] for i in idx], hidden, mask)
        for row, i in enumerate(idx):
            totals[i] += float(lp[row, seqs[i][t]])
    return [tot / (len(q) - 1) for tot, q in zip(totals, seqs)]


def _ban(row, seq: list[int], n: int) -> None:
    """No-repeat n-gram: forbid tokens that would repeat an n-gram already in ``seq``."""
    if n <= 0 or len(seq) < n:
        return
    prefix = tuple(seq[len(seq) - n + 1 :])
    for i in range(len(seq) - n + 1):
        if tuple(seq[i : i + n - 1]) == prefix:
            row[seq[i + n - 1]] = -1e9
