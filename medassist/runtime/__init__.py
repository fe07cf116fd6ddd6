"""Model runtime: packs (manifest + sha256 verification + import), the pack registry, one onnxruntime session
factory (execution-provider choice), and the text embedder.

Importing this package is cheap: onnxruntime, tokenizers and numpy load only in ``session`` / ``embedder``.

- :mod:`medassist.runtime.packs` — ``ModelPack.load(folder, verify=True)``, ``import_pack``
- :mod:`medassist.runtime.registry` — ``find_pack(name, task)``, ``list_packs()``, ``search_paths()``
- :mod:`medassist.runtime.session` — ``create_session(onnx_path, provider, threads)``, ``session_providers``
- :mod:`medassist.runtime.embedder` — ``get_embedder() -> Embedder``; ``Embedder.embed(texts)``
"""
