"""Tests of the benchmarks, which run as scripts and import their siblings (`common`, ...)."""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

from tests.helpers import PROJECT

BENCH = PROJECT / "bench"


def bench_module(name: str) -> ModuleType:
    """A script of bench/ as a module, with bench/ on the path as when it runs (loaded once)."""
    if name in sys.modules:
        return sys.modules[name]
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
