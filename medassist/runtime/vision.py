"""Image-to-text model packs (VisionEncoderDecoder exported by optimum with
``--task image-to-text-with-past``), run with onnxruntime + tokenizers + numpy + Pillow only — no torch.

A pack (task ``image-to-text``) holds ``encoder_model.onnx`` (pixel_values -> last_hidden_state), a decoder
(``decoder_model_merged.onnx`` with ``use_cache_branch`` and past key/values, else ``decoder_model.onnx``
run over the whole prefix each step), ``tokenizer.json``, ``preprocessor_config.json`` (size, rescale,
mean/std) and ``generation_config.json``/``config.json`` (decoder start, EOS, PAD ids).

``find_captioner()`` returns the installed pack's :class:`VisionCaptioner` or None (none is shipped: no
public chest-radiograph weights are reachable offline). ``draft_findings(captioner, study_headers)`` runs
it on the study's key image (the middle frame of its largest series) and returns the text with the image
it came from. Every draft is marked as model output for the radiologist to check.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ModelPackError, TaskError

PACK_TASK = "image-to-text"
DECODER_FILES = ("decoder_model_merged.onnx", "decoder_model.onnx")


@dataclass
class Caption:
    text: str
    token_ids: list[int]
    elapsed_ms: float
    steps: int
    decoder: str  # which decoder graph ran

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "token_ids": self.token_ids, "elapsed_ms": self.elapsed_ms, "steps": self.steps, "decoder": self.decoder}


@dataclass
class VisionCaptioner:
    folder: Path
    encoder: Any
    decoder: Any
    decoder_name: str
    tokenizer: Any
    size: tuple[int, int]  # (height, width)
    rescale: float
    mean: tuple[float, float, float]
    std: tuple[float, float, float]
    do_normalize: bool
    start_id: int
    eos_id: int | None
    max_length: int
    info_: dict[str, Any] = field(default_factory=dict)

    # ------------------------------------------------------------------------------- loading
    @classmethod
    def load(cls, pack_or_folder: Any, *, verify: bool = True, prefer_merged: bool = True, threads: int | None = None) -> "VisionCaptioner":
        """Load from a :class:`~medassist.runtime.packs.ModelPack` or a folder (with or without manifest)."""
        from .packs import ModelPack

        info: dict[str, Any]
        if isinstance(pack_or_folder, ModelPack):
            pack = pack_or_folder
            folder = pack.path
            info = pack.info()
        else:
            folder = Path(pack_or_folder)
            if (folder / "manifest.json").is_file():
                pack = ModelPack.load(folder, verify=verify)
                info = pack.info()
            else:
                if not folder.is_dir():
                    raise ModelPackError("image model folder not found", path=folder)
                info = {"name": folder.name, "version": "", "sha256": ""}
        need = ["encoder_model.onnx", "tokenizer.json", "preprocessor_config.json"]
        missing = [n for n in need if not (folder / n).is_file()]
        order = DECODER_FILES if prefer_merged else DECODER_FILES[::-1]
        dec = next((n for n in order if (folder / n).is_file()), None)
        if dec is None:
            missing.append(" or ".join(DECODER_FILES))
        if missing:
            raise ModelPackError(f"not an image-to-text pack: missing {', '.join(missing)}", path=folder)
        pre = _read_json(folder / "preprocessor_config.json")
        gen = _read_json(folder / "generation_config.json") if (folder / "generation_config.json").is_file() else {}
        cfg = _read_json(folder / "config.json") if (folder / "config.json").is_file() else {}
        start = _first(gen.get("decoder_start_token_id"), cfg.get("decoder_start_token_id"), gen.get("bos_token_id"),
                       cfg.get("decoder", {}).get("bos_token_id"))
        if start is None:
            raise ModelPackError("no decoder_start_token_id in generation_config.json/config.json", path=folder)
        eos = _first(gen.get("eos_token_id"), cfg.get("eos_token_id"), cfg.get("decoder", {}).get("eos_token_id"))
        if isinstance(eos, list):
            eos = eos[0] if eos else None
        size = pre.get("size", {"height": 224, "width": 224})
        if isinstance(size, int):
            size = {"height": size, "width": size}
        if "shortest_edge" in size:
            size = {"height": size["shortest_edge"], "width": size["shortest_edge"]}
        max_len = int(_first(gen.get("max_length") if gen.get("max_length", 20) != 20 else None,
                             cfg.get("decoder", {}).get("n_positions"), 64))
        from tokenizers import Tokenizer

        try:
            tok = Tokenizer.from_file(str(folder / "tokenizer.json"))
        except Exception as exc:  # tokenizers raises a bare Exception on bad files
            raise ModelPackError(f"tokenizer.json could not be read ({exc})", path=folder / "tokenizer.json") from exc
        enc_s = _session(folder / "encoder_model.onnx", threads)
        dec_s = _session(folder / dec, threads)
        return cls(
            folder=folder,
            encoder=enc_s,
            decoder=dec_s,
            decoder_name=dec,
            tokenizer=tok,
            size=(int(size["height"]), int(size["width"])),
            rescale=float(pre.get("rescale_factor", 1 / 255)) if pre.get("do_rescale", True) else 1.0,
            mean=tuple(pre.get("image_mean", [0.5, 0.5, 0.5])),
            std=tuple(pre.get("image_std", [0.5, 0.5, 0.5])),
            do_normalize=bool(pre.get("do_normalize", True)),
            start_id=int(start),
            eos_id=int(eos) if eos is not None else None,
            max_length=max_len,
            info_=info,
        )

    def info(self) -> dict[str, Any]:
        return dict(self.info_)

    # ------------------------------------------------------------------------------- running
    def preprocess(self, image) -> Any:
        """uint8 (H, W) grey or (H, W, 3) RGB -> float32 (1, 3, h, w): bilinear resize, rescale, normalize
        (as the ViT image processor does)."""
        import numpy as np
        from PIL import Image

        a = np.asarray(image)
        if a.ndim == 2:
            a = np.stack([a] * 3, axis=-1)
        if a.ndim != 3 or a.shape[2] not in (3, 4):
            raise TaskError(f"an image must be (H, W) or (H, W, 3), not {a.shape}")
        a = a[..., :3]
        if a.dtype != np.uint8:
            lo, hi = float(a.min()), float(a.max())
            a = ((a - lo) * (255.0 / (hi - lo) if hi > lo else 0.0)).astype(np.uint8)
        h, w = self.size
        img = Image.fromarray(np.ascontiguousarray(a), mode="RGB").resize((w, h), resample=Image.BILINEAR)
        x = np.asarray(img, dtype=np.float32) * np.float32(self.rescale)
        if self.do_normalize:
            x = (x - np.asarray(self.mean, np.float32)) / np.asarray(self.std, np.float32)
        return np.ascontiguousarray(x.transpose(2, 0, 1)[None])

    def generate(self, image, max_new_tokens: int | None = None, *, pixel_values=None) -> Caption:
        """Greedy decoding (the same choice as ``generate(do_sample=False, num_beams=1)``)."""
        import numpy as np

        t0 = time.perf_counter()
        pv = self.preprocess(image) if pixel_values is None else np.asarray(pixel_values, np.float32)
        enc_name = self.encoder.get_inputs()[0].name
        hidden = self.encoder.run(None, {enc_name: pv})[0]
        limit = max(1, (max_new_tokens or self.max_length - 1))
        ids = [self.start_id]
        inputs = {i.name: i for i in self.decoder.get_inputs()}
        outputs = [o.name for o in self.decoder.get_outputs()]
        merged = "use_cache_branch" in inputs
        past = {}
        if merged:
            for name, meta in inputs.items():
                if name.startswith("past_key_values"):
                    shape = [1 if i == 0 else (d if isinstance(d, int) else 0) for i, d in enumerate(meta.shape)]
                    past[name] = np.zeros(shape, dtype=np.float32)
        steps = 0
        for _ in range(limit):
            feed: dict[str, Any] = {"encoder_hidden_states": hidden}
            if merged:
                feed["input_ids"] = np.asarray([[ids[-1]]] if steps else [ids], dtype=np.int64)
                feed["use_cache_branch"] = np.asarray([steps > 0])
                feed.update(past)
            else:
                feed["input_ids"] = np.asarray([ids], dtype=np.int64)
            if "encoder_attention_mask" in inputs:
                feed["encoder_attention_mask"] = np.ones(hidden.shape[:2], dtype=np.int64)
            res = self.decoder.run(None, feed)
            steps += 1
            out = dict(zip(outputs, res))
            nxt = int(np.argmax(out["logits"][0, -1]))
            if merged:
                for name in past:
                    present = name.replace("past_key_values", "present")
                    if present in out and (steps == 1 or ".encoder." not in name):
                        past[name] = out[present]
            ids.append(nxt)
            if self.eos_id is not None and nxt == self.eos_id:
                break
        gen = ids[1:]
        if gen and self.eos_id is not None and gen[-1] == self.eos_id:
            gen = gen[:-1]
        text = self.tokenizer.decode(gen, skip_special_tokens=True).strip()
        return Caption(text, gen, round((time.perf_counter() - t0) * 1000.0, 2), steps, self.decoder_name)


def _first(*vals):
    for v in vals:
        if v is not None:
            return v
    return None


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelPackError(f"unreadable JSON ({exc})", path=path) from exc


def _session(path: Path, threads: int | None):
    try:
        from .session import create_session

        return create_session(path, threads=threads)
    except ImportError:  # pragma: no cover - the runtime ships session.py
        import onnxruntime as ort

        return ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])


# ----------------------------------------------------------------------------------- registry + study
def find_captioner() -> VisionCaptioner | None:
    """The installed image-to-text pack, or None when there is none (the usual case)."""
    try:
        from .registry import find_pack
    except ImportError:  # pragma: no cover
        return None
    pack = find_pack(task=PACK_TASK)
    return VisionCaptioner.load(pack) if pack is not None else None


def key_image(headers: Any) -> tuple[Any, int, Any]:
    """(dataset, frame, uint8 image) of the study's key image: the middle frame of its largest series,
    windowed as the file says (MONOCHROME1 inverted)."""
    series = max(headers.series, key=lambda s: s.n_frames)
    refs = [(ds, f) for ds in series.datasets for f in range(max(1, int(ds.get("NumberOfFrames", 1) or 1)))]
    ds, frame = refs[len(refs) // 2]
    inst = headers.instance_for(ds) if hasattr(headers, "instance_for") else None
    if inst is None:
        path = getattr(ds, "filename", None)
        if not path or not Path(str(path)).is_file():
            raise TaskError("the key image has no file to decode pixels from")
        from ..ingest.dicom import load_instance

        inst = load_instance(path)
    from ..ingest.pixels import display_frame

    return ds, frame, display_frame(inst, frame)


def _sentence_case(text: str) -> str:
    import re

    return re.sub(r"(^|[.!?]\s+)([a-z])", lambda m: m.group(1) + m.group(2).upper(), text.strip())


def draft_findings(captioner: VisionCaptioner, headers: Any) -> dict[str, Any]:
    """Findings text drafted from the key image, with the model's identity and the image it read."""
    ds, frame, image = key_image(headers)
    cap = captioner.generate(image)
    if not cap.text:
        raise TaskError("the image model produced no text")
    text = _sentence_case(cap.text)
    return {
        "text": text,
        "model": {**captioner.info(), "task": PACK_TASK, "decoder": cap.decoder, "elapsed_ms": cap.elapsed_ms},
        "evidence": {
            "key_image": True,
            "sop_instance_uid": str(ds.get("SOPInstanceUID", "")),
            "series_uid": str(ds.get("SeriesInstanceUID", "")),
            "frame": frame,
        },
    }
