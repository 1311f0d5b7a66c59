"""What a running server keeps per build."""

from __future__ import annotations

from pathlib import Path

from govlod.build import build
from govlod.settings import Settings
from govlod.web.runtime import Runtime
from tests.helpers import PROJECT


def test_per_build_caches_live_side_by_side_and_go_with_their_build(tmp_path: Path) -> None:
    settings = Settings(home=PROJECT, store=tmp_path / "store")
    build(settings, check=False)
    runtime = Runtime.create(settings)
    runtime.keep_for_build("label-index", "labels")
    runtime.keep_for_build("reconcile", "entities")
    # Regression: keeping the search index used to throw away the reconciliation entities.
    assert runtime.for_build("label-index") == "labels"
    assert runtime.for_build("reconcile") == "entities"
    build(settings, check=False)  # a new build is switched in
    assert runtime.for_build("reconcile") is None
    runtime.keep_for_build("reconcile", "new entities")
    assert runtime.indexes == {("reconcile", runtime.build_id): "new entities"}
