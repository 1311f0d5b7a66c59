"""Settings: flags over GOVLOD_* variables over defaults, and every setting documented."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pydantic import ValidationError

from govlod.settings import Settings
from tests.helpers import PROJECT, run_govlod


def test_environment_variables_set_every_setting(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("GOVLOD_PORT", "9100")
    monkeypatch.setenv("GOVLOD_DATA", os.pathsep.join([str(tmp_path / "a"), str(tmp_path / "b")]))
    monkeypatch.setenv("GOVLOD_QUERY_TIMEOUT", "2.5")
    monkeypatch.setenv("GOVLOD_ALLOW_SERVICE", "true")
    settings = Settings(home=PROJECT)
    assert settings.port == 9100
    assert settings.data == [tmp_path / "a", tmp_path / "b"]
    assert settings.query_timeout == 2.5
    assert settings.allow_service is True
    assert Settings(home=PROJECT, port=9200).port == 9200  # a flag wins over the variable


def test_defaults_point_into_the_home_folder() -> None:
    settings = Settings(home=PROJECT)
    assert settings.data == [PROJECT / "data"]
    assert settings.store_dir == PROJECT / "store"


def test_base_iri_must_be_an_http_iri_ending_with_a_slash() -> None:
    with pytest.raises(ValidationError):
        Settings(home=PROJECT, base_iri="http://127.0.0.1:8000")


def test_bad_setting_is_a_clear_message_not_a_traceback() -> None:
    result = run_govlod("serve", "--base-iri", "ftp://x/", "--port", "1")
    assert result.returncode == 2
    assert "--base-iri" in result.stderr
    assert "Traceback" not in result.stderr


def test_every_setting_is_documented_in_the_readme() -> None:
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    for name in Settings.model_fields:
        assert f"GOVLOD_{name.upper()}" in readme, f"GOVLOD_{name.upper()} is not documented"
