"""The checkout's scripts (build recipes under models/, benches under bench/, installers/) are files, not packages:
tests load them as modules by path."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]


def load_script(relpath: str, name: str) -> ModuleType:
    """Execute the script at ``ROOT / relpath`` as module ``name`` (registered in sys.modules first: dataclasses and
    pickling look a module up by its name) and return it."""
    spec = importlib.util.spec_from_file_location(name, ROOT / relpath)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod
