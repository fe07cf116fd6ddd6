"""Training recipe for the radiology impression pack (findings -> impression), trained from scratch on CPU.

Data: IU X-ray reports (Open-i; research use), the R2Gen split (train 2069 / val 296 report ids), findings and
impression from ``indiana_reports_trainval.csv``. Model: a small pre-LN transformer encoder-decoder with a BPE
tokenizer (``tokenizers``) trained on the train findings + impressions. Retrieval-augmented: the encoder reads
``findings [SEP] impression-of-the-nearest-training-findings`` (TF-IDF, leave-one-out during training, the same
``medassist.tasks.impression.TfidfIndex`` used at run time). With ``--source-encoder minilm-embedder`` the encoder
reads, instead of its own token embeddings, the frozen token states of the pretrained all-MiniLM-L6-v2 (the
embedding pack the app already ships, int8, computed by the app's own ``SourceEncoder`` so training and run time see
the same numbers) through a linear projection and its own layer(s); the pack then names that pack and the sha256 of
its model. Exported to ONNX (encoder; decoder returning the last position's logits, no past), int8 dynamic
quantization per channel, decoded by ``medassist.runtime.seq2seq`` (onnxruntime only).

    python models/impression/recipe.py --out models/trained/impression-rat          # full (train -> val)
    python models/impression/recipe.py --tune --out models/.work/tune              # train minus 10% -> that 10%
    python models/impression/recipe.py --limit 64 --epochs 1 --tiny --out /tmp/x   # smoke test
"""

from __future__ import annotations

import argparse
import csv
import functools
import hashlib
import json
import math
import os
import random
import re
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DATA = ROOT.parent / "shared" / "data" / "iu-xray"
CSV_NAME = "indiana_reports_trainval.csv"
SPLIT_NAME = "r2gen_split_trainval.json"
SPECIALS = ["<pad>", "<s>", "</s>", "<unk>", "[SEP]"]
PAD, BOS, EOS, UNK, SEP = range(5)


@dataclass
class Config:
    d_model: int = 256
    heads: int = 4
    enc_layers: int = 3
    dec_layers: int = 3
    ff: int = 1024
    dropout: float = 0.15
    vocab: int = 3000
    epochs: int = 40
    batch: int = 32
    lr: float = 7e-4
    warmup: int = 300
    label_smoothing: float = 0.1
    weight_decay: float = 0.01
    max_src: int = 256
    max_tgt: int = 80
    retrieval: bool = True
    neighbours: int = 1  # impressions of the k nearest training findings fed to the encoder
    guard: int = 10  # findings-consistency guard width at run time (chosen on the held-out split)
    seed: int = 13
    threads: int = 2
    num_beams: int = 4
    length_penalty: float = 1.0
    normal_wording_k: int = 5  # a normal study is worded as its most similar training reports word it (0: off)
    normal_wording_min_sim: float = 0.7  # ... counting only those at TF-IDF cosine >= this
    target_xxxx: str = "keep"  # "drop": impression sentences holding the de-identification token XXXX are dropped
    source_encoder: str = ""  # an embedding pack (e.g. "minilm-embedder") whose frozen token states the encoder reads
    source_dim: int = 0  # its state width (set from the pack)
    source_sha256: str = ""  # sha256 of its model file (set from the pack; checked when the app loads the pack)


# ------------------------------------------------------------------------------------------------ data
@dataclass
class Example:
    id: str
    findings: str
    impression: str


def clean(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def load_iu(data_dir: Path = DATA) -> dict[str, list[Example]]:
    """{"train": [...], "val": [...], "outside": [...]} of reports with both findings and impression: the R2Gen
    split's train and val ids, and "outside": the reports of the CSV that split leaves out of all three of its parts
    (the CSV holds the collection without R2Gen's 590 test reports, so these are neither val nor test; R2Gen kept only
    studies with two images). Ids of "outside" are ``CXR<uid>``."""
    rows = {}
    with open(data_dir / CSV_NAME, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            rows[r["uid"]] = r
    split = json.loads((data_dir / SPLIT_NAME).read_text(encoding="utf-8"))
    out: dict[str, list[Example]] = {}
    in_split = set()
    for name in ("train", "val"):
        exs = []
        for e in split[name]:
            uid = re.match(r"CXR(\d+)_", e["id"]).group(1)
            in_split.add(uid)
            r = rows.get(uid)
            if r is None:
                continue
            fnd, imp = clean(r["findings"]), clean(r["impression"])
            if fnd and imp:
                exs.append(Example(e["id"], fnd, imp))
        out[name] = exs
    out["outside"] = [Example(f"CXR{uid}", clean(r["findings"]), clean(r["impression"]))
                      for uid, r in sorted(rows.items(), key=lambda kv: int(kv[0]) if kv[0].isdigit() else 0)
                      if uid not in in_split and clean(r["findings"]) and clean(r["impression"])]
    return out


def data_hash(data_dir: Path = DATA) -> dict[str, str]:
    return {n: hashlib.sha256((data_dir / n).read_bytes()).hexdigest() for n in (CSV_NAME, SPLIT_NAME)}


def drop_xxxx_sentences(exs: list[Example]) -> list[Example]:
    """Training examples whose impression keeps only the sentences without XXXX (examples left empty are dropped),
    so the model does not learn to write the de-identification token."""
    out = []
    for e in exs:
        if "xxxx" not in e.impression.lower():
            out.append(e)
            continue
        numbered = bool(re.match(r"\s*1[.)]\s", e.impression))
        parts = re.split(r"(?<=[.!?])\s+", re.sub(r"(?:^|\s)\d{1,2}[.)](?=\s)", " ", e.impression))
        sents = [s.strip() for s in parts if s.strip(" .") and "xxxx" not in s.lower()]
        if not sents:
            continue
        imp = " ".join(f"{i}. {s}" for i, s in enumerate(sents, 1)) if numbered and len(sents) > 1 else " ".join(sents)
        out.append(Example(e.id, e.findings, imp))
    return out


def tune_split(train: list[Example]) -> tuple[list[Example], list[Example]]:
    """Hold out ~10% of train (by a hash of the id) for tuning; val is only looked at once at the end."""
    dev = [e for e in train if int(hashlib.sha1(e.id.encode()).hexdigest(), 16) % 10 == 0]
    rest = [e for e in train if int(hashlib.sha1(e.id.encode()).hexdigest(), 16) % 10 != 0]
    return rest, dev


def build_tokenizer(texts: list[str], vocab: int):
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers

    tok = Tokenizer(models.BPE(unk_token="<unk>"))
    tok.normalizer = normalizers.NFKC()
    tok.pre_tokenizer = pre_tokenizers.Metaspace()
    tok.decoder = decoders.Metaspace()
    trainer = trainers.BpeTrainer(vocab_size=vocab, min_frequency=2, special_tokens=SPECIALS, show_progress=False)
    tok.train_from_iterator(texts, trainer)
    return tok


def make_sources(exs: list[Example], index, *, leave_one_out: bool, k: int = 1) -> list[str]:
    """Encoder input texts: findings, plus " [SEP] " and the nearest training impression(s) when retrieving
    (exactly what ``ImpressionModel.generate`` builds at run time)."""
    if index is None:
        return [e.findings for e in exs]
    from medassist.tasks.impression import retrieval_input

    out = []
    for i, e in enumerate(exs):
        ex = i if leave_one_out else None
        top = index.top(e.findings, k, exclude=ex) if k > 1 else [index.nearest(e.findings, exclude=ex)]
        out.append(retrieval_input(e.findings, [index.payloads[j] for j, _ in top]))
    return out


# ------------------------------------------------------------------------------------------------ model
def build_model(cfg: Config, vocab_size: int):
    import torch
    from torch import nn

    class MHA(nn.Module):
        def __init__(self, d, h, p):
            super().__init__()
            self.h, self.dk = h, d // h
            self.q, self.k, self.v, self.o = (nn.Linear(d, d) for _ in range(4))
            self.drop = nn.Dropout(p)

        def forward(self, x, mem, bias):
            b, tq, d = x.shape
            tk = mem.shape[1]
            q = self.q(x).view(b, tq, self.h, self.dk).transpose(1, 2)
            k = self.k(mem).view(b, tk, self.h, self.dk).transpose(1, 2)
            v = self.v(mem).view(b, tk, self.h, self.dk).transpose(1, 2)
            att = torch.matmul(q, k.transpose(-1, -2)) * (1.0 / math.sqrt(self.dk)) + bias
            att = self.drop(torch.softmax(att, dim=-1))
            y = torch.matmul(att, v).transpose(1, 2).reshape(b, tq, d)
            return self.o(y)

    class FF(nn.Module):
        def __init__(self, d, f, p):
            super().__init__()
            self.net = nn.Sequential(nn.Linear(d, f), nn.GELU(), nn.Dropout(p), nn.Linear(f, d))

        def forward(self, x):
            return self.net(x)

    class EncLayer(nn.Module):
        def __init__(self, c):
            super().__init__()
            self.n1, self.n2 = nn.LayerNorm(c.d_model), nn.LayerNorm(c.d_model)
            self.att, self.ff = MHA(c.d_model, c.heads, c.dropout), FF(c.d_model, c.ff, c.dropout)
            self.drop = nn.Dropout(c.dropout)

        def forward(self, x, bias):
            h = self.n1(x)
            x = x + self.drop(self.att(h, h, bias))
            return x + self.drop(self.ff(self.n2(x)))

    class DecLayer(nn.Module):
        def __init__(self, c):
            super().__init__()
            self.n1, self.n2, self.n3 = nn.LayerNorm(c.d_model), nn.LayerNorm(c.d_model), nn.LayerNorm(c.d_model)
            self.sa, self.ca = MHA(c.d_model, c.heads, c.dropout), MHA(c.d_model, c.heads, c.dropout)
            self.ff = FF(c.d_model, c.ff, c.dropout)
            self.drop = nn.Dropout(c.dropout)

        def forward(self, y, mem, self_bias, cross_bias):
            h = self.n1(y)
            y = y + self.drop(self.sa(h, h, self_bias))
            y = y + self.drop(self.ca(self.n2(y), mem, cross_bias))
            return y + self.drop(self.ff(self.n3(y)))

    class Seq2Seq(nn.Module):
        def __init__(self, c, V):
            super().__init__()
            self.c = c
            self.emb = nn.Embedding(V, c.d_model, padding_idx=PAD)
            # with a source encoder the encoder reads its (position-aware) token states, projected to d_model
            self.src_in = nn.Linear(c.source_dim, c.d_model) if c.source_dim else None
            self.src_pos = nn.Embedding(c.max_src, c.d_model)
            self.tgt_pos = nn.Embedding(c.max_tgt + 1, c.d_model)
            self.enc = nn.ModuleList(EncLayer(c) for _ in range(c.enc_layers))
            self.dec = nn.ModuleList(DecLayer(c) for _ in range(c.dec_layers))
            self.enc_norm, self.dec_norm = nn.LayerNorm(c.d_model), nn.LayerNorm(c.d_model)
            self.drop = nn.Dropout(c.dropout)
            self.scale = math.sqrt(c.d_model)
            n = c.max_tgt + 1
            self.register_buffer("causal", torch.triu(torch.full((n, n), -1e9), diagonal=1), persistent=False)
            nn.init.normal_(self.emb.weight, std=c.d_model ** -0.5)

        def encode(self, ids, mask):
            """``ids``: token ids [B,S], or the source encoder's states [B,S,E] when there is one."""
            if self.src_in is not None:
                x = self.drop(self.src_in(ids))
            else:
                x = self.drop(self.emb(ids) * self.scale + self.src_pos.weight[: ids.shape[1]])
            bias = ((1.0 - mask.to(x.dtype)) * -1e9)[:, None, None, :]
            for layer in self.enc:
                x = layer(x, bias)
            return self.enc_norm(x)

        def decode(self, dec_ids, mem, mask):
            t = dec_ids.shape[1]
            y = self.emb(dec_ids) * self.scale + self.tgt_pos.weight[:t]
            y = self.drop(y)
            self_bias = self.causal[:t, :t][None, None]
            cross_bias = ((1.0 - mask.to(y.dtype)) * -1e9)[:, None, None, :]
            for layer in self.dec:
                y = layer(y, mem, self_bias, cross_bias)
            y = self.dec_norm(y)
            return torch.matmul(y, self.emb.weight.t())  # tied output projection

        def forward(self, ids, mask, dec_ids):
            return self.decode(dec_ids, self.encode(ids, mask), mask)

    return Seq2Seq(cfg, vocab_size)


def _batches(src, tgt, batch, shuffle, rng):
    order = list(range(len(src)))
    if shuffle:
        rng.shuffle(order)
        # bucket by length inside chunks of 8 batches (less padding, still random)
        chunk = batch * 8
        order = [i for k in range(0, len(order), chunk) for i in sorted(order[k : k + chunk], key=lambda j: len(src[j]))]
        groups = [order[k : k + batch] for k in range(0, len(order), batch)]
        rng.shuffle(groups)
    else:
        groups = [order[k : k + batch] for k in range(0, len(order), batch)]
    return groups


def _pad(seqs, value=PAD):
    import torch

    n = max(len(s) for s in seqs)
    return torch.tensor([s + [value] * (n - len(s)) for s in seqs], dtype=torch.long)


def _pad_states(states):
    """Source-encoder states ([S_i, E] arrays) -> zero-padded float tensor [B,S,E] and its mask [B,S]."""
    import torch

    n, e = max(len(x) for x in states), states[0].shape[-1]
    x = torch.zeros((len(states), n, e))
    mask = torch.zeros((len(states), n), dtype=torch.long)
    for i, st in enumerate(states):
        x[i, : len(st)] = torch.as_tensor(st)
        mask[i, : len(st)] = 1
    return x, mask


def _source_batch(src, g, device):
    """The encoder input of the examples ``g``: padded token ids and mask, or padded source states and mask."""
    if src and not isinstance(src[0], list):
        x, mask = _pad_states([src[i] for i in g])
        return x.to(device), mask.to(device)
    ids = _pad([src[i] for i in g]).to(device)
    return ids, (ids != PAD).long()


def source_states(cfg: Config, texts: list[str], log=print) -> list:
    """The frozen source encoder's token states of each text ([S, E] float32 arrays), computed by the product's own
    :class:`medassist.runtime.seq2seq.SourceEncoder` (int8 ONNX, one text at a time): the model trains on exactly the
    states the app gives it. Sets ``cfg.source_dim`` and ``cfg.source_sha256``."""
    enc = load_source_encoder(cfg.source_encoder, threads=cfg.threads)
    cfg.source_dim, cfg.source_sha256 = enc.dim, enc.model_sha256
    t0 = time.time()
    out = [enc.states(t)[0][0] for t in texts]
    log(json.dumps({"source_states": len(texts), "sec": round(time.time() - t0, 1), "pack": cfg.source_encoder}))
    return out


@functools.lru_cache(maxsize=4)
def load_source_encoder(name: str, threads: int | None = None):
    """The installed embedding pack ``name`` as a SourceEncoder, loaded once per process (training and eval states)."""
    from medassist.errors import ModelPackError
    from medassist.runtime.registry import find_pack
    from medassist.runtime.seq2seq import SourceEncoder

    pack = find_pack(name)
    if pack is None:
        raise ModelPackError(f"no {name!r} pack (the embedding packs are built by `make`)", path=name)
    return SourceEncoder(pack, threads=threads)


def encode_texts(tok, texts, limit):
    return [e.ids[:limit] for e in tok.encode_batch(texts)]


def train_model(cfg: Config, tok, src_texts, tgt_texts, log=print, eval_fn=None, eval_every=0, device: str = "cpu",
                src_states=None):
    """Train on ``device`` ("cpu" for the shipped pack; "cuda" only to tune faster where a GPU exists). With a
    source encoder, ``src_states`` holds its states of ``src_texts`` (:func:`source_states`)."""
    import torch

    torch.manual_seed(cfg.seed)
    rng = random.Random(cfg.seed)
    torch.set_num_threads(cfg.threads)
    model = build_model(cfg, tok.get_vocab_size()).to(device)
    src = src_states if src_states is not None else encode_texts(tok, src_texts, cfg.max_src)
    tgt = [[BOS] + ids[: cfg.max_tgt - 1] + [EOS] for ids in encode_texts(tok, tgt_texts, cfg.max_tgt)]
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
    opt = torch.optim.AdamW(
        [{"params": decay, "weight_decay": cfg.weight_decay}, {"params": no_decay, "weight_decay": 0.0}], lr=cfg.lr, betas=(0.9, 0.98)
    )
    steps_per_epoch = math.ceil(len(src) / cfg.batch)
    total = max(1, steps_per_epoch * cfg.epochs)

    def lr_at(step):
        if step < cfg.warmup:
            return (step + 1) / cfg.warmup
        prog = (step - cfg.warmup) / max(1, total - cfg.warmup)
        return 0.5 * (1 + math.cos(math.pi * min(1.0, prog)))

    sched = torch.optim.lr_scheduler.LambdaLR(opt, lr_at)
    lossf = torch.nn.CrossEntropyLoss(ignore_index=PAD, label_smoothing=cfg.label_smoothing)
    step = 0
    history = []
    for epoch in range(cfg.epochs):
        model.train()
        t0, tot, nb = time.time(), 0.0, 0
        for g in _batches(src, tgt, cfg.batch, True, rng):
            ids, mask = _source_batch(src, g, device)
            t = _pad([tgt[i] for i in g]).to(device)
            logits = model(ids, mask, t[:, :-1])
            loss = lossf(logits.reshape(-1, logits.shape[-1]), t[:, 1:].reshape(-1))
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            step += 1
            tot += loss.item()
            nb += 1
        rec = {"epoch": epoch + 1, "loss": round(tot / max(1, nb), 4), "sec": round(time.time() - t0, 1)}
        if eval_fn is not None and eval_every and ((epoch + 1) % eval_every == 0 or epoch + 1 == cfg.epochs):
            rec.update(eval_fn(model))
        history.append(rec)
        log(json.dumps(rec))
    model.eval()
    return model.to("cpu"), history


def greedy_torch(model, tok, texts, cfg: Config, batch=64, states=None):
    """Batched greedy decode with the torch model (for tuning only; the product decodes with ONNX); ``states``: the
    source encoder's states of ``texts`` when the model reads them."""
    import torch

    dev = next(model.parameters()).device
    outs = []
    model.eval()
    src = states if states is not None else encode_texts(tok, texts, cfg.max_src)
    with torch.no_grad():
        for k in range(0, len(texts), batch):
            ids, mask = _source_batch(src, range(k, min(k + batch, len(texts))), dev)
            mem = model.encode(ids, mask)
            dec = torch.full((ids.shape[0], 1), BOS, dtype=torch.long, device=dev)
            done = torch.zeros(ids.shape[0], dtype=torch.bool, device=dev)
            for _ in range(cfg.max_tgt - 1):
                nxt = model.decode(dec, mem, mask)[:, -1].argmax(-1)
                nxt = torch.where(done, torch.full_like(nxt, PAD), nxt)
                dec = torch.cat([dec, nxt[:, None]], 1)
                done |= nxt == EOS
                if bool(done.all()):
                    break
            for row in dec.tolist():
                ids_ = [i for i in row[1:] if i not in (PAD,)]
                if EOS in ids_:
                    ids_ = ids_[: ids_.index(EOS)]
                outs.append(tok.decode(ids_))
    return outs


def rouge(preds, refs) -> dict[str, float]:
    from rouge_score import rouge_scorer

    sc = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    tot = {"rouge1": 0.0, "rouge2": 0.0, "rougeL": 0.0}
    for p, r in zip(preds, refs):
        s = sc.score(r, p)
        for k in tot:
            tot[k] += s[k].fmeasure
    n = max(1, len(refs))
    return {k: round(v / n, 4) for k, v in tot.items()}


# ------------------------------------------------------------------------------------------------ export
def export_onnx(model, cfg: Config, out_dir: Path) -> dict[str, Path]:
    import torch

    model.eval()
    out_dir.mkdir(parents=True, exist_ok=True)

    class Enc(torch.nn.Module):
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, source, attention_mask):  # token ids, or the source encoder's states
            return self.m.encode(source, attention_mask)

    class Dec(torch.nn.Module):
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, decoder_input_ids, encoder_hidden_states, attention_mask):
            return self.m.decode(decoder_input_ids, encoder_hidden_states, attention_mask)[:, -1, :]

    ids = torch.full((2, 7), 10, dtype=torch.long)
    mask = torch.ones_like(ids)
    mask[1, 5:] = 0
    enc_in, enc_args = "input_ids", ids  # (the ONNX input names come from input_names below)
    if cfg.source_dim:
        enc_in, enc_args = "encoder_states", torch.randn(2, 7, cfg.source_dim)
    dec = torch.full((2, 3), BOS, dtype=torch.long)
    enc_path, dec_path = out_dir / "encoder.onnx", out_dir / "decoder.onnx"
    import warnings

    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mem = model.encode(enc_args, mask)
        torch.onnx.export(
            Enc(model), (enc_args, mask), str(enc_path), dynamo=False, opset_version=17,
            input_names=[enc_in, "attention_mask"], output_names=["last_hidden_state"],
            dynamic_axes={enc_in: {0: "batch", 1: "src"}, "attention_mask": {0: "batch", 1: "src"},
                          "last_hidden_state": {0: "batch", 1: "src"}},
        )
        torch.onnx.export(
            Dec(model), (dec, mem, mask), str(dec_path), dynamo=False, opset_version=17,
            input_names=["decoder_input_ids", "encoder_hidden_states", "attention_mask"], output_names=["logits"],
            dynamic_axes={"decoder_input_ids": {0: "batch", 1: "tgt"}, "encoder_hidden_states": {0: "batch", 1: "src"},
                          "attention_mask": {0: "batch", 1: "src"}, "logits": {0: "batch"}},
        )
    return {"encoder": enc_path, "decoder": dec_path}


def quantize(paths: dict[str, Path], out_dir: Path) -> dict[str, Path]:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    out_dir.mkdir(parents=True, exist_ok=True)
    q = {}
    for k, p in paths.items():
        dst = out_dir / p.name
        quantize_dynamic(str(p), str(dst), per_channel=True, weight_type=QuantType.QInt8, op_types_to_quantize=["MatMul", "Gemm"])
        q[k] = dst
    return q


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_pack(out: Path, cfg: Config, onnx_paths: dict[str, Path], tok, retrieval_train: list[Example] | None,
               metrics: dict, history: list, data_sha: dict, quantization: str, extra: dict | None = None, *,
               splits: tuple = ("train",), version: str = "1.0.0") -> Path:
    """Assemble the pack folder: encoder.onnx, decoder.onnx, tokenizer.json, generation.json,
    retrieval.json (training findings + impressions for the neighbour input), manifest.json."""
    import shutil

    out.mkdir(parents=True, exist_ok=True)
    for k, p in onnx_paths.items():
        if p.resolve() != (out / f"{k}.onnx").resolve():
            shutil.copyfile(p, out / f"{k}.onnx")
    tok.save(str(out / "tokenizer.json"))
    gen = {"pad_id": PAD, "bos_id": BOS, "eos_id": EOS, "sep_token": "[SEP]", "max_src": cfg.max_src,
           "max_new_tokens": cfg.max_tgt - 1, "num_beams": cfg.num_beams, "length_penalty": cfg.length_penalty,
           "retrieval": bool(retrieval_train), "neighbours": cfg.neighbours, "guard": cfg.guard if retrieval_train else 0,
           "normal_wording_k": cfg.normal_wording_k if retrieval_train else 0,
           "normal_wording_min_sim": cfg.normal_wording_min_sim}
    if cfg.source_encoder:
        gen["source_encoder"] = {"pack": cfg.source_encoder, "model_sha256": cfg.source_sha256, "dim": cfg.source_dim}
    (out / "generation.json").write_text(json.dumps(gen, indent=1) + "\n", encoding="utf-8")
    files = ["encoder.onnx", "decoder.onnx", "tokenizer.json", "generation.json"]
    if retrieval_train:
        rows = [{"findings": e.findings, "impression": e.impression} for e in retrieval_train]
        (out / "retrieval.json").write_text(json.dumps(rows, ensure_ascii=False) + "\n", encoding="utf-8")
        files.append("retrieval.json")
    manifest = {
        "name": out.name,
        "task": "impression",
        "version": version,
        "licence": "Model code Apache-2.0; weights and retrieval.json derived from the Indiana University chest "
        "X-ray reports (Open-i, Demner-Fushman et al., JAMIA 2016): research use only, non-commercial "
        "(Kaggle repackaging CC BY-NC-ND 4.0). Not for clinical use without review."
        + (f" The encoder reads the token states of the {cfg.source_encoder} pack (all-MiniLM-L6-v2, Apache-2.0)."
           if cfg.source_encoder else ""),
        "source": "trained here by models/impression/recipe.py on IU X-ray (R2Gen split, "
                  + ("train+val ids" if "val" in splits else "train ids")
                  + (", and the reports the split leaves out" if "outside" in splits else "") + ")",
        "quantization": quantization,
        "files": [_file_entry(out, f) for f in files],
        "inputs": {"findings": "radiology findings text (str)"},
        "outputs": {"impression": "generated impression text (str)"},
        "architecture": {"type": "transformer encoder-decoder (pre-LN, tied embeddings), retrieval-augmented"
                                 + (f"; the encoder reads the frozen token states of the {cfg.source_encoder} pack"
                                    if cfg.source_encoder else ""),
                         "d_model": cfg.d_model, "heads": cfg.heads, "enc_layers": cfg.enc_layers,
                         "dec_layers": cfg.dec_layers, "ff": cfg.ff, "vocab": tok.get_vocab_size()},
        "recipe": {"script": "models/impression/recipe.py", "config": asdict(cfg), "history": history, **(extra or {})},
        "data": {"name": "IU X-ray (Open-i) reports, R2Gen split", "files": data_sha,
                 "splits": list(splits),
                 "licence": "research use (Open-i / NLM); non-commercial"},
        "metrics": metrics,
    }
    if cfg.source_encoder:
        manifest["requires"] = [{"pack": cfg.source_encoder, "role": "model", "sha256": cfg.source_sha256,
                                 "why": "the encoder reads this pack's token states (last_hidden_state) of the input"}]
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return out


# ------------------------------------------------------------------------------------------------ main
def run(args) -> dict:
    cfg = Config()
    if args.tiny:
        cfg = Config(d_model=64, heads=2, enc_layers=1, dec_layers=1, ff=128, vocab=400, batch=16, warmup=10, max_tgt=40)
    for k in ("neighbours", "epochs", "threads", "d_model", "enc_layers", "dec_layers", "ff", "vocab", "lr", "dropout", "batch", "heads", "seed"):
        v = getattr(args, k, None)
        if v is not None:
            setattr(cfg, k, v)
    if args.no_retrieval:
        cfg.retrieval = False
    data_dir = Path(args.data)
    splits = load_iu(data_dir)
    train, evals = splits["train"], splits["val"]
    eval_name = "val"
    if args.tune:
        train, evals = tune_split(train)
        eval_name = "train-heldout"
    if args.limit:
        train, evals = train[: args.limit], evals[: max(8, args.limit // 4)]
    if args.final and not args.tune:
        # the shipped pack: settings were chosen on the held-out 10% of train and measured on val with a
        # train-only pack; the final weights and retrieval index learn from every labelled report
        train = train + evals
        eval_name = "val-seen"
    if args.outside:
        # the CSV's reports outside the R2Gen split (neither its val nor its test): more training reports
        train = train + (splits["outside"][: max(8, args.limit // 4)] if args.limit else splits["outside"])
    if getattr(args, "target_xxxx", None):
        cfg.target_xxxx = args.target_xxxx
    if cfg.target_xxxx == "drop":
        train = drop_xxxx_sentences(train)  # eval references stay as they are
    t_start = time.time()
    tok = build_tokenizer([e.findings for e in train] + [e.impression for e in train], cfg.vocab)
    index = None
    if cfg.retrieval:
        from medassist.tasks.impression import TfidfIndex

        index = TfidfIndex([e.findings for e in train], [e.impression for e in train])
    src = make_sources(train, index, leave_one_out=True, k=cfg.neighbours)
    eval_src = make_sources(evals, index, leave_one_out=False, k=cfg.neighbours)
    refs = [e.impression for e in evals]
    states = eval_states = None
    if args.source_encoder:
        cfg.source_encoder = args.source_encoder
        states, eval_states = source_states(cfg, src), source_states(cfg, eval_src)

    def eval_fn(model):
        preds = greedy_torch(model, tok, eval_src, cfg, states=eval_states)
        return {f"{eval_name}_greedy_torch": rouge(preds, refs)}

    model, history = train_model(cfg, tok, src, [e.impression for e in train], eval_fn=eval_fn, eval_every=args.eval_every,
                                 src_states=states)
    train_sec = round(time.time() - t_start, 1)
    out = Path(args.out)
    work = out / ".fp32" if args.keep_fp32 else Path(args.work)
    fp32 = export_onnx(model, cfg, work)
    if args.fp32_only:
        onnx_paths, quant = fp32, "none (fp32)"
    else:
        onnx_paths, quant = quantize(fp32, work / "int8"), "int8 dynamic (onnxruntime quantize_dynamic, per_channel, MatMul/Gemm)"
    splits = (["train", "val"] if args.final and not args.tune else ["train"]) + (["outside"] if args.outside else [])
    extra = {"eval_split": eval_name}
    kw = {"splits": splits, "version": args.version or "1.0.0"}
    metrics = {"train_seconds": train_sec, "train_examples": len(train), f"{eval_name}_examples": len(evals)}
    write_pack(out, cfg, onnx_paths, tok, train if cfg.retrieval else None, metrics, history, data_hash(data_dir), quant,
               extra=extra, **kw)
    if cfg.retrieval and not args.no_knn:
        build_knn(out, args.knn_settings, "built by the training run", log=print)
    # evaluate the packaged ONNX model with the product's decode loop
    if not args.no_eval:
        from medassist.tasks.impression import ImpressionModel

        m = ImpressionModel.from_folder(out, verify=False)
        preds = [m.generate(e.findings).impression for e in evals]
        metrics[f"{eval_name}_onnx_beam"] = rouge(preds, refs)
        if m.seq.knn is not None:  # the same int8 model without its kNN memory, for comparison
            m0 = ImpressionModel.from_folder(out, verify=False, knn=False)
            metrics[f"{eval_name}_onnx_beam_without_knn"] = rouge([m0.generate(e.findings).impression for e in evals], refs)
        if not args.fp32_only:  # (the fp32 files as exported: the model alone, without the kNN memory)
            mf = ImpressionModel.from_folder(out, verify=False, onnx_override={"encoder": fp32["encoder"], "decoder": fp32["decoder"]})
            metrics[f"{eval_name}_onnx_fp32_beam"] = rouge([mf.generate(e.findings).impression for e in evals], refs)
        record_metrics(out, metrics)
    print(json.dumps(metrics))
    return metrics


def set_generation(pack: Path, updates: dict, note: str, version: str | None = None) -> dict:
    """Change run-time decoding settings of a built pack (generation.json) without retraining: the manifest's
    sha256/size of generation.json follow, and the change is recorded under recipe.generation_updates (with the
    pack's new ``version``, when given: what the app decodes has changed)."""
    pack = Path(pack)
    gpath = pack / "generation.json"
    gen = json.loads(gpath.read_text(encoding="utf-8"))
    gen.update(updates)
    gpath.write_text(json.dumps(gen, indent=1) + "\n", encoding="utf-8")

    def change(m: dict) -> None:
        _refresh_files(m, pack, ["generation.json"])
        entry = {"set": updates, "note": note}
        if version:
            entry["version"] = m["version"] = version
        m["recipe"].setdefault("generation_updates", []).append(entry)

    _update_manifest(pack, change)
    return gen


def add_member(pack: Path, member: Path, note: str = "", version: str | None = None) -> dict:
    """Make the built pack ``pack`` an ensemble: copy the int8 encoder/decoder of ``member`` (the same recipe on the
    same data, another seed) in as encoder.mK.onnx / decoder.mK.onnx and list them in generation.json "members".
    Refused (ValueError, the pack unchanged) unless both packs share the tokenizer, the retrieval index, the
    training splits and the generation ids, and the member's weights are not already in the pack. A kNN memory
    (:func:`build_knn`) holds the first model's states, so the ensemble goes without it (removed, and said so)."""
    import shutil

    pack, member = Path(pack), Path(member)
    for folder in (pack, member):
        for name in ("manifest.json", "generation.json", "tokenizer.json", "encoder.onnx", "decoder.onnx"):
            if not (folder / name).is_file():
                raise ValueError(f"{folder}: not a built impression pack ({name} missing)")
    for name in ("tokenizer.json", "retrieval.json"):
        a, b = pack / name, member / name
        if a.is_file() != b.is_file() or (a.is_file() and sha256(a) != sha256(b)):
            raise ValueError(f"{member}: {name} differs from the pack's; a member must come from the same recipe and data")
    gen = json.loads((pack / "generation.json").read_text(encoding="utf-8"))
    mgen = json.loads((member / "generation.json").read_text(encoding="utf-8"))
    for k in ("pad_id", "bos_id", "eos_id", "max_src", "sep_token", "retrieval", "source_encoder"):
        if gen.get(k) != mgen.get(k):
            raise ValueError(f"{member}: generation setting {k} is {mgen.get(k)!r}, the pack's is {gen.get(k)!r}")
    man = json.loads((pack / "manifest.json").read_text(encoding="utf-8"))
    mman = json.loads((member / "manifest.json").read_text(encoding="utf-8"))
    if man.get("data", {}).get("splits") != mman.get("data", {}).get("splits"):
        raise ValueError(f"{member}: learned from {mman.get('data', {}).get('splits')}, the pack from "
                         f"{man.get('data', {}).get('splits')}")
    members = gen.get("members") or [["encoder.onnx", "decoder.onnx"]]
    have = {sha256(pack / f) for pair in members for f in pair}
    if sha256(member / "encoder.onnx") in have or sha256(member / "decoder.onnx") in have:
        raise ValueError(f"{member}: its weights are already a member of the pack")
    k = len(members)
    pair = [f"encoder.m{k}.onnx", f"decoder.m{k}.onnx"]
    for src, dst in zip(("encoder.onnx", "decoder.onnx"), pair):
        shutil.copyfile(member / src, pack / dst)
    gen["members"] = members + [pair]
    dropped_knn = gen.pop("knn", None)  # a kNN memory holds one model's states: an ensemble decodes without it
    if dropped_knn and (pack / dropped_knn["file"]).is_file():
        (pack / dropped_knn["file"]).unlink()
    gpath = pack / "generation.json"
    gpath.write_text(json.dumps(gen, indent=1) + "\n", encoding="utf-8")

    def change(m: dict) -> None:
        _refresh_files(m, pack, ["generation.json", *pair])
        rec = m["recipe"]
        if dropped_knn:
            m["files"] = [f for f in m["files"] if f["path"] != dropped_knn["file"]]
            rec.setdefault("knn", {})["dropped"] = "removed by --add-member: the memory holds the first model's states"
            m.get("architecture", {}).pop("knn", None)
        if "members" not in rec:
            rec["members"] = [{"files": ["encoder.onnx", "decoder.onnx"], "seed": rec.get("config", {}).get("seed"),
                               "train_seconds": m.get("metrics", {}).get("train_seconds")}]
        rec["members"].append({"files": pair, "seed": mman.get("recipe", {}).get("config", {}).get("seed"),
                               "train_seconds": mman.get("metrics", {}).get("train_seconds"),
                               "config": mman.get("recipe", {}).get("config"), "note": note})
        m.setdefault("architecture", {})["ensemble"] = f"{k + 1} members of the same architecture (other seeds), log-probabilities averaged at each step"
        if version:
            m["version"] = version

    _update_manifest(pack, change)
    return gen


KNN_DEFAULT = {"k": 32, "lambda": 0.6, "temperature": 10.0}


def decoder_with_states(path: Path) -> bytes | None:
    """The decoder ONNX at ``path`` made to also return its final layer-normed states at every position
    (``decoder_hidden`` [B,T,D], the input of the tied output projection), the keys of a kNN memory, as serialized
    bytes; None when it returns them already. The weights are untouched (the int8 graph keeps its quantised MatMuls)."""
    import onnx

    from medassist.runtime.seq2seq import HIDDEN_OUTPUT

    m = onnx.load(str(path))
    if any(o.name == HIDDEN_OUTPUT for o in m.graph.output):
        return None
    norms = [n for n in m.graph.node if n.op_type == "LayerNormalization"]
    if not norms:
        raise ValueError(f"{path}: no LayerNormalization node (not a decoder exported by this recipe)")
    m.graph.node.append(onnx.helper.make_node("Identity", [norms[-1].output[0]], [HIDDEN_OUTPUT], name="expose_decoder_hidden"))
    m.graph.output.append(onnx.helper.make_tensor_value_info(HIDDEN_OUTPUT, onnx.TensorProto.FLOAT, ["batch", "tgt", "d_model"]))
    onnx.checker.check_model(m)
    return m.SerializeToString()


def expose_decoder_states(path: Path) -> bool:
    """Rewrite the decoder ONNX at ``path`` with :func:`decoder_with_states`; False when it had the output already."""
    data = decoder_with_states(path)
    if data is None:
        return False
    Path(path).write_bytes(data)
    return True


def write_knn_onnx(path: Path, keys, values) -> None:
    """The kNN memory as an ONNX graph (the app loads only ONNX and JSON): ``keys`` float16 [N,D] and ``values`` int32
    [N] are initializers; ``states`` float [B,D], ``k`` int64 [1] -> ``distances`` [B,k] (squared L2, ascending) and
    ``tokens`` int64 [B,k]."""
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    d = keys.shape[1]
    inits = [numpy_helper.from_array(np.asarray(keys, dtype=np.float16), "keys"),
             numpy_helper.from_array(np.asarray((keys.astype(np.float32) ** 2).sum(axis=1), dtype=np.float32), "key_norms"),
             numpy_helper.from_array(np.asarray(values, dtype=np.int32), "values"),
             numpy_helper.from_array(np.asarray(-2.0, dtype=np.float32), "minus_two")]
    nodes = [
        helper.make_node("Cast", ["keys"], ["keys32"], to=TensorProto.FLOAT),
        helper.make_node("Gemm", ["states", "keys32"], ["dots"], transB=1),
        helper.make_node("Mul", ["dots", "minus_two"], ["dots2"]),
        helper.make_node("Add", ["dots2", "key_norms"], ["part"]),
        helper.make_node("Mul", ["states", "states"], ["sq"]),
        helper.make_node("ReduceSum", ["sq", "axis1"], ["q_norms"], keepdims=1),
        helper.make_node("Add", ["part", "q_norms"], ["dist_all"]),
        helper.make_node("TopK", ["dist_all", "k"], ["distances", "idx"], axis=1, largest=0, sorted=1),
        helper.make_node("Gather", ["values", "idx"], ["tok32"], axis=0),
        helper.make_node("Cast", ["tok32"], ["tokens"], to=TensorProto.INT64),
    ]
    inits.append(numpy_helper.from_array(np.asarray([1], dtype=np.int64), "axis1"))
    graph = helper.make_graph(
        nodes, "knn_memory",
        [helper.make_tensor_value_info("states", TensorProto.FLOAT, ["batch", d]),
         helper.make_tensor_value_info("k", TensorProto.INT64, [1])],
        [helper.make_tensor_value_info("distances", TensorProto.FLOAT, ["batch", "k"]),
         helper.make_tensor_value_info("tokens", TensorProto.INT64, ["batch", "k"])],
        inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="medassist-recipe")
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, str(path))


def build_knn(pack: Path, settings: dict | None = None, note: str = "", version: str | None = None, log=print) -> dict:
    """Give a built single-model pack a kNN-LM memory (``knn.onnx``, generation.json ``knn``): the decoder's final
    states over every training impression of the pack (its retrieval.json, exactly what the model learned from),
    each decoded by teacher forcing from the encoder input it was trained on (findings + the nearest *other* training
    impression, leave-one-out as in :func:`make_sources`), with the next token as value. No retraining; the decoder
    gains the ``decoder_hidden`` output. Refused (ValueError, the pack unchanged) for an ensemble or a pack without
    retrieval, or settings that do not fit."""
    import numpy as np
    import onnxruntime as ort

    from medassist.tasks.impression import ImpressionModel

    pack = Path(pack)
    settings = dict(KNN_DEFAULT, **(settings or {}))
    if not int(settings["k"]) >= 1 or not 0 <= settings["lambda"] <= 1 or settings["temperature"] <= 0:
        raise ValueError(f"kNN settings {settings} out of range (k >= 1, 0 <= lambda <= 1, temperature > 0)")
    t0 = time.time()
    model = ImpressionModel.from_folder(pack, verify=False, knn=False, threads=1)
    gen = dict(model.gen)
    if len(gen.get("members") or [1]) != 1:
        raise ValueError(f"{pack}: an ensemble pack; a kNN memory belongs to one model")
    if model.index is None:
        raise ValueError(f"{pack}: no retrieval.json, so no training reports to build the memory from")
    seq = model.seq
    exposed = decoder_with_states(pack / "decoder.onnx")  # (written below, once nothing can refuse any more)
    decoder = seq.decoder if exposed is None else ort.InferenceSession(exposed, providers=["CPUExecutionProvider"])
    rows = json.loads((pack / "retrieval.json").read_text(encoding="utf-8"))
    exs = [Example(str(i), r["findings"], r["impression"]) for i, r in enumerate(rows)]
    keys, values = [], []
    for e, src in zip(exs, make_sources(exs, model.index, leave_one_out=True, k=int(gen.get("neighbours", 1)))):
        hidden, mask = seq.encode(src)
        ids = seq.tokenizer.encode(e.impression).ids[: int(gen["max_new_tokens"])]
        dec = np.asarray([[seq.bos_id] + ids], dtype=np.int64)
        states = decoder.run(["decoder_hidden"], {"decoder_input_ids": dec, "encoder_hidden_states": hidden,
                                                  "attention_mask": mask})[0][0]
        keys.append(states.astype(np.float16))
        values.extend(ids + [seq.eos_id])
    keys_arr, values_arr = np.concatenate(keys), np.asarray(values, dtype=np.int32)
    if int(settings["k"]) > len(values_arr):
        raise ValueError(f"kNN settings {settings} do not fit a memory of {len(values_arr)} entries")
    if exposed is not None:
        (pack / "decoder.onnx").write_bytes(exposed)
    write_knn_onnx(pack / "knn.onnx", keys_arr, values_arr)
    spec = {"file": "knn.onnx", **settings}
    gen["knn"] = spec
    (pack / "generation.json").write_text(json.dumps(gen, indent=1) + "\n", encoding="utf-8")
    sec = round(time.time() - t0, 1)
    log(json.dumps({"knn_entries": int(keys_arr.shape[0]), "dim": int(keys_arr.shape[1]), "reports": len(rows), "sec": sec}))

    def change(m: dict) -> None:
        _refresh_files(m, pack, ["decoder.onnx", "generation.json", "knn.onnx"])
        m["recipe"]["knn"] = {"settings": settings, "entries": int(keys_arr.shape[0]), "reports": len(rows),
                              "seconds": sec, "note": note,
                              "what": "kNN-LM (Khandelwal et al. 2020): decoder final states over the pack's training "
                                      "impressions (teacher forcing, leave-one-out retrieval input) -> next token; "
                                      "p = lambda * p_knn + (1 - lambda) * p_model at each step"}
        m.setdefault("architecture", {})["knn"] = (f"kNN-LM memory of {int(keys_arr.shape[0])} decoder states "
                                                   f"(k={settings['k']}, lambda={settings['lambda']}, "
                                                   f"temperature={settings['temperature']})")
        if version:
            m["version"] = version

    _update_manifest(pack, change)
    return spec


def _file_entry(folder: Path, name: str) -> dict:
    """A manifest "files" entry: path, sha256 and size of ``folder / name``."""
    return {"path": name, "sha256": sha256(folder / name), "size": (folder / name).stat().st_size}


def _refresh_files(m: dict, pack: Path, names: list[str]) -> None:
    """Bring the manifest's entries of ``names`` up to date with the files in ``pack`` (added when missing)."""
    fresh = {n: _file_entry(pack, n) for n in names}
    m["files"] = [fresh.pop(f["path"], f) for f in m["files"]] + list(fresh.values())


def _update_manifest(pack: Path, change) -> None:
    """Read a built pack's manifest.json, let ``change`` edit it in place, write it back."""
    mpath = Path(pack) / "manifest.json"
    m = json.loads(mpath.read_text(encoding="utf-8"))
    change(m)
    mpath.write_text(json.dumps(m, indent=1) + "\n", encoding="utf-8")


def record_metrics(pack: Path, metrics: dict, note: str | None = None) -> None:
    """Merge measured metrics (e.g. ``bench/impression.py --json`` on val) into a built pack's manifest."""

    def change(m: dict) -> None:
        m.setdefault("metrics", {}).update(metrics)
        if note:
            m["metrics"]["note"] = note

    _update_manifest(pack, change)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", required=True)
    p.add_argument("--work", default=str(ROOT / "models" / ".work" / "impression"))
    p.add_argument("--data", default=str(DATA))
    p.add_argument("--tune", action="store_true", help="train on 90%% of train, evaluate on the other 10%%")
    p.add_argument("--final", action="store_true", help="train on train+val (the shipped pack; measure on val with a "
                   "train-only pack first)")
    p.add_argument("--version", default=None, help="pack version written to the manifest (default 1.0.0; with "
                   "--add-member or --set-generation: the pack's version is kept unless given)")
    p.add_argument("--limit", type=int, default=0)
    p.add_argument("--tiny", action="store_true")
    p.add_argument("--outside", action="store_true",
                   help="also learn from the CSV's reports outside the R2Gen split (load_iu 'outside': neither val nor "
                        "test)")
    p.add_argument("--no-retrieval", action="store_true")
    p.add_argument("--source-encoder", default=None, metavar="PACK",
                   help="an embedding pack (minilm-embedder) whose frozen int8 token states the encoder reads instead of "
                        "its own token embeddings; the app then needs that pack, with the same model file")
    p.add_argument("--fp32-only", action="store_true")
    p.add_argument("--keep-fp32", action="store_true")
    p.add_argument("--no-eval", action="store_true")
    p.add_argument("--eval-every", type=int, default=0)
    p.add_argument("--target-xxxx", choices=["keep", "drop"], default=None,
                   help="drop: train on impressions without the sentences holding XXXX (default keep)")
    for k, t in (("neighbours", int), ("epochs", int), ("threads", int), ("d_model", int), ("enc_layers", int), ("dec_layers", int), ("ff", int),
                 ("vocab", int), ("lr", float), ("dropout", float), ("batch", int), ("heads", int), ("seed", int)):
        p.add_argument("--" + k.replace("_", "-"), dest=k, type=t, default=None)
    p.add_argument("--set-generation", nargs="+", metavar="KEY=VALUE", default=None,
                   help="no training: change these run-time settings of the pack at --out (JSON values), e.g. "
                        "normal_wording_k=5 normal_wording_min_sim=0.7")
    p.add_argument("--note", default="", help="with --set-generation / --add-member: why (recorded in the manifest)")
    p.add_argument("--add-member", metavar="DIR", default=None,
                   help="no training: add the model of the pack DIR (this recipe on the same data and tokenizer, another "
                        "--seed) to the pack at --out; the app then averages the members at each decoding step")
    p.add_argument("--knn", metavar="K:LAMBDA:TEMPERATURE", default=None,
                   help="kNN-LM memory settings (default %s); with no training flags, --add-knn builds it on the pack at --out"
                        % ":".join(str(v) for v in KNN_DEFAULT.values()))
    p.add_argument("--add-knn", action="store_true",
                   help="no training: give the pack at --out a kNN datastore of its training impressions")
    p.add_argument("--no-knn", action="store_true", help="train without building the kNN datastore")
    args = p.parse_args(argv)
    knn_settings = None
    if args.knn:
        try:
            k, lam, temp = args.knn.split(":")
            knn_settings = {"k": int(k), "lambda": float(lam), "temperature": float(temp)}
        except ValueError:
            p.error(f"--knn {args.knn!r}: expected K:LAMBDA:TEMPERATURE, e.g. 32:0.6:10")
    if args.add_knn:
        if not (Path(args.out) / "generation.json").is_file() or not (Path(args.out) / "manifest.json").is_file():
            p.error(f"--out {args.out}: not a built impression pack (generation.json and manifest.json needed)")
        try:
            return build_knn(Path(args.out), knn_settings, args.note, args.version)
        except ValueError as exc:
            p.error(str(exc))
    args.knn_settings = knn_settings
    if args.set_generation:
        updates = {}
        for kv in args.set_generation:
            k, eq, v = kv.partition("=")
            try:
                updates[k] = json.loads(v)
            except ValueError:
                p.error(f"--set-generation {kv!r}: expected KEY=VALUE with a JSON value (e.g. normal_wording_k=5)")
            if not k or not eq:
                p.error(f"--set-generation {kv!r}: expected KEY=VALUE")
        if not (Path(args.out) / "generation.json").is_file() or not (Path(args.out) / "manifest.json").is_file():
            p.error(f"--out {args.out}: not a built impression pack (generation.json and manifest.json needed)")
        return set_generation(Path(args.out), updates, args.note, args.version)
    if args.add_member:
        try:
            return add_member(Path(args.out), Path(args.add_member), args.note, args.version)
        except ValueError as exc:
            p.error(str(exc))
    return run(args)


if __name__ == "__main__":
    main()
