"""Optional LLM packs run by onnxruntime-genai (a folder with ``genai_config.json`` + ONNX + tokenizer).

onnxruntime-genai is an optional extra (``pip install medassist[llm]``); it is imported only when a pack is
used. Without it, :func:`genai_status` says "not installed" and :class:`GenAIGenerator` raises a
ModelPackError saying so. No LLM pack ships as a default: the only small one in the package index
(Gemma-3-270M, pretrained only) invents drugs and doses.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import ModelPackError


def genai_status() -> dict[str, Any]:
    """{"installed": bool, "version": str|None, "detail": str} — never raises."""
    try:
        import onnxruntime_genai as og  # type: ignore
    except ImportError:
        return {"installed": False, "version": None, "detail": "onnxruntime-genai is not installed (pip install onnxruntime-genai)"}
    except Exception as exc:  # a broken install
        return {"installed": False, "version": None, "detail": f"onnxruntime-genai failed to import: {exc}"}
    return {"installed": True, "version": getattr(og, "__version__", "unknown"), "detail": "available"}


def is_genai_folder(folder: str | Path) -> bool:
    return (Path(folder) / "genai_config.json").is_file()


class GenAIGenerator:
    """Greedy text generation with an onnxruntime-genai model folder."""

    def __init__(self, folder: str | Path):
        folder = Path(folder)
        if not is_genai_folder(folder):
            raise ModelPackError("not an onnxruntime-genai model folder (genai_config.json missing)", path=folder)
        status = genai_status()
        if not status["installed"]:
            raise ModelPackError(status["detail"], path=folder)
        import onnxruntime_genai as og  # type: ignore

        self._og = og
        self.folder = folder
        try:
            self.model = og.Model(str(folder))
            self.tokenizer = og.Tokenizer(self.model)
        except Exception as exc:
            raise ModelPackError(f"onnxruntime-genai could not load the model: {exc}", path=folder) from exc

    def generate(self, prompt: str, *, max_new_tokens: int = 256) -> str:
        og = self._og
        ids = self.tokenizer.encode(prompt)
        params = og.GeneratorParams(self.model)
        params.set_search_options(max_length=len(ids) + max_new_tokens, do_sample=False)
        gen = og.Generator(self.model, params)
        gen.append_tokens(ids)
        while not gen.is_done():
            gen.generate_next_token()
        seq = gen.get_sequence(0)
        return self.tokenizer.decode(seq[len(ids):])
