"""A tiny VisionEncoderDecoder (random-init ViT encoder + GPT-2 decoder) for testing the image-to-text pack
interface (``medassist.runtime.vision``). It is NOT a clinical model: it is trained for a few seconds on two
synthetic image kinds so that its output depends on the image, then exported with optimum
(``--task image-to-text-with-past``) into a pack folder: encoder_model.onnx, decoder_model_merged.onnx (or
decoder_model.onnx + decoder_with_past_model.onnx), tokenizer.json, preprocessor_config.json,
generation_config.json, config.json and manifest.json.

    python models/vision_tiny/recipe.py OUT_DIR [--steps 150]

Build time only (torch, transformers, optimum); HF_HUB_OFFLINE=1, nothing is downloaded.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

#: The two synthetic classes: image kind -> target sentence.
SENTENCES = {
    "clear": "the lungs are clear . no pleural effusion .",
    "opacity": "right lower lobe opacity . small right pleural effusion .",
}
IMAGE_SIZE = 32
SPECIALS = ["[PAD]", "[BOS]", "[EOS]", "[UNK]"]


def synthetic_image(kind: str, seed: int = 0):
    """uint8 (64, 64) grey: 'clear' is a smooth vertical gradient; 'opacity' adds a bright blob lower left
    (the patient's right on a PA chest)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    y = np.linspace(40, 120, 64, dtype=np.float32)[:, None] * np.ones((1, 64), np.float32)
    img = y + rng.normal(0, 6, (64, 64)).astype(np.float32)
    if kind == "opacity":
        yy, xx = np.mgrid[0:64, 0:64]
        img += 120.0 * np.exp(-(((yy - 44) ** 2) + ((xx - 18) ** 2)) / (2 * 8.0**2))
    return np.clip(img, 0, 255).astype(np.uint8)


def build_tokenizer(out: Path):
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers

    words = sorted({w for s in SENTENCES.values() for w in s.split()})
    vocab = {t: i for i, t in enumerate(SPECIALS + words)}
    tok = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    tok.decoder = decoders.WordPiece(prefix="##")  # joins words with spaces
    tok.save(str(out / "tokenizer.json"))
    return tok, vocab


def build(out_dir: str | os.PathLike, steps: int = 150, seed: int = 0, *, keep_hf: bool = False, merged_only: bool = False) -> Path:
    """Build (train ``steps`` steps; 0 keeps the random init) and export the pack into ``out_dir``.
    ``keep_hf`` keeps the transformers checkpoint beside it (``<out_dir>-hf``) for parity checks;
    ``merged_only`` drops the separate decoder graphs (the merged one serves both first and later steps)."""
    import numpy as np
    import torch
    from transformers import (
        GPT2Config,
        GPT2LMHeadModel,
        ViTConfig,
        ViTImageProcessor,
        ViTModel,
        VisionEncoderDecoderModel,
    )

    torch.manual_seed(seed)
    torch.set_num_threads(1)
    out = Path(out_dir)
    hf = out.parent / (out.name + "-hf")
    for p in (out, hf):
        shutil.rmtree(p, ignore_errors=True)
        p.mkdir(parents=True)
    tok, vocab = build_tokenizer(hf)
    pad, bos, eos = vocab["[PAD]"], vocab["[BOS]"], vocab["[EOS]"]
    enc = ViTModel(ViTConfig(image_size=IMAGE_SIZE, patch_size=8, num_channels=3, hidden_size=32, num_hidden_layers=2,
                             num_attention_heads=2, intermediate_size=64), add_pooling_layer=False)
    dec = GPT2LMHeadModel(GPT2Config(vocab_size=len(vocab), n_positions=32, n_embd=32, n_layer=2, n_head=2,
                                     bos_token_id=bos, eos_token_id=eos, pad_token_id=pad, add_cross_attention=True,
                                     is_decoder=True))
    model = VisionEncoderDecoderModel(encoder=enc, decoder=dec)
    model.config.decoder_start_token_id = bos
    model.config.pad_token_id = pad
    model.config.eos_token_id = eos
    model.generation_config.decoder_start_token_id = bos
    model.generation_config.bos_token_id = bos
    model.generation_config.eos_token_id = eos
    model.generation_config.pad_token_id = pad
    model.generation_config.max_length = 20
    proc = ViTImageProcessor(size={"height": IMAGE_SIZE, "width": IMAGE_SIZE}, image_mean=[0.5] * 3, image_std=[0.5] * 3,
                             do_resize=True, do_rescale=True, do_normalize=True)

    # a few seconds of training on the two synthetic kinds
    kinds = list(SENTENCES)
    labels = []
    for k in kinds:
        ids = [vocab[w] for w in SENTENCES[k].split()] + [eos]
        labels.append(ids)
    width = max(len(x) for x in labels)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
    model.train()
    t0 = time.time()
    for step in range(steps):
        imgs, labs = [], []
        for i in range(8):
            k = i % 2
            g = synthetic_image(kinds[k], seed=step * 8 + i)
            imgs.append(np.stack([g] * 3, axis=-1))
            labs.append(labels[k] + [-100] * (width - len(labels[k])))
        pv = torch.tensor(proc(images=imgs, return_tensors="np")["pixel_values"])
        lab = torch.tensor(labs)
        # teacher forcing: decoder input = [start] + labels[:-1]; the loss is computed here because the
        # model's own loss in transformers 4.57 shifts the (already shifted) labels once more
        dec_in = torch.cat([torch.full((lab.shape[0], 1), bos), lab[:, :-1].clamp(min=0)], dim=1)
        logits = model(pixel_values=pv, decoder_input_ids=dec_in).logits
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), lab.reshape(-1), ignore_index=-100)
        opt.zero_grad()
        loss.backward()
        opt.step()
    model.eval()
    if steps:
        print(f"trained {steps} steps in {time.time() - t0:.1f}s, last loss {loss.item():.4f}")
    model.save_pretrained(hf)
    proc.save_pretrained(hf)

    from optimum.exporters.onnx import main_export

    t0 = time.time()
    main_export(str(hf), output=str(out), task="image-to-text-with-past", no_post_process=False, do_validation=False)
    print(f"exported in {time.time() - t0:.1f}s")
    for name in ("tokenizer.json", "preprocessor_config.json"):
        if not (out / name).exists():
            shutil.copy(hf / name, out / name)
    if merged_only and (out / "decoder_model_merged.onnx").exists():
        for name in ("decoder_model.onnx", "decoder_with_past_model.onnx"):
            (out / name).unlink(missing_ok=True)
    write_manifest(out)
    if not keep_hf:
        shutil.rmtree(hf, ignore_errors=True)
    return out


def write_manifest(out: Path) -> None:
    files = []
    for p in sorted(out.iterdir()):
        if p.name == "manifest.json" or not p.is_file():
            continue
        files.append({"path": p.name, "sha256": hashlib.sha256(p.read_bytes()).hexdigest(), "size": p.stat().st_size})
    manifest = {
        "name": "vision-tiny-test",
        "task": "image-to-text",
        "version": "0.1.0",
        "licence": "Apache-2.0",
        "source": "random-init ViT + GPT-2 trained on synthetic images by models/vision_tiny/recipe.py (test model)",
        "quantization": "none",
        "files": files,
        "inputs": {"pixel_values": "float32 (1, 3, 32, 32)"},
        "outputs": {"text": "findings draft"},
        "recipe": "models/vision_tiny/recipe.py",
        "metrics": {"note": "not a clinical model; exists to test the image-to-text pack interface"},
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--steps", type=int, default=150)
    ap.add_argument("--keep-hf", action="store_true")
    ap.add_argument("--merged-only", action="store_true")
    a = ap.parse_args()
    build(a.out, steps=a.steps, keep_hf=a.keep_hf, merged_only=a.merged_only)
    sys.exit(0)
