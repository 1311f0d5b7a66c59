"""One typed settings object: CLI flags first, then GOVLOD_* variables, then defaults."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from govlod.namespaces import CANONICAL_BASE


def _default_home() -> Path:
    """The folder holding ontology/ and shapes/: the current one, else this package's checkout."""
    here = Path.cwd()
    if (here / "ontology").is_dir() and (here / "shapes").is_dir():
        return here
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "ontology").is_dir():
        return checkout
    return here


class Settings(BaseSettings):
    """Each setting has a `GOVLOD_<NAME>` variable; list values are separated by os.pathsep."""

    model_config = SettingsConfigDict(env_prefix="GOVLOD_", extra="forbid")

    home: Path = Field(default_factory=_default_home, description="Folder with ontology/ and shapes/.")
    data: Annotated[list[Path], NoDecode] = Field(
        default_factory=list, description="Data folders or files; default: home/data."
    )
    store: Path | None = Field(default=None, description="Store folder; default: home/store.")
    host: str = Field(default="127.0.0.1", description="Address to listen on.")
    port: int = Field(default=8000, ge=0, le=65535, description="Port to listen on.")
    base_iri: str = Field(default=CANONICAL_BASE, description="Base IRI the served IRIs are rewritten to.")
    workers: int = Field(default=1, ge=1, le=64, description="uvicorn worker processes.")
    query_timeout: float = Field(default=30.0, gt=0, description="Seconds a SPARQL query may run.")
    max_rows: int = Field(default=100_000, ge=1, description="Most result rows or triples per query.")
    query_processes: int = Field(default=2, ge=1, le=64, description="Processes that run SPARQL queries.")
    allow_service: bool = Field(default=False, description="Allow SPARQL SERVICE (federated) queries.")
    cache_mb: int = Field(default=64, ge=0, description="Megabytes of answers kept by the query cache.")
    max_body_bytes: int = Field(
        default=1_048_576, ge=1024, description="Largest request body accepted; a larger one is 413."
    )
    max_query_length: int = Field(
        default=100_000, ge=100, description="Most characters of a SPARQL query; a longer one is 413."
    )
    max_concurrent_queries: int = Field(
        default=32,
        ge=1,
        description="SPARQL queries running or waiting at once, per worker; past it, 503 with Retry-After.",
    )
    reconcile_batch_size: int = Field(
        default=50, ge=1, le=1000, description="Most queries in one reconciliation batch; more is 413."
    )
    memory_copy_triples: int | None = Field(
        default=None,
        ge=0,
        description="Each query process keeps a memory copy of stores up to this many triples (0: never); "
        "default: 600k shared among all query processes (workers x query processes), so copies never multiply.",
    )

    store_url: str | None = Field(
        default=None,
        description="SPARQL 1.1 query endpoint of a remote store to build into and serve from, "
        "instead of the embedded one (e.g. http://127.0.0.1:7878/query for the Oxigraph server).",
    )
    store_update_url: str | None = Field(
        default=None, description="SPARQL 1.1 update endpoint of the remote store; default: the query endpoint."
    )
    store_data_url: str | None = Field(
        default=None,
        description="Endpoint of the remote store that takes a POST of N-Quads into their own graphs "
        "(the Oxigraph server's /store); loading uses it instead of SPARQL Update when given.",
    )
    store_user: str | None = Field(default=None, description="User name for the remote store.")
    store_password: SecretStr | None = Field(default=None, description="Password for the remote store.")
    store_token_file: Path | None = Field(
        default=None, description="File holding a bearer token for the remote store (read at start)."
    )
    store_token: SecretStr | None = Field(default=None, description="Bearer token for the remote store.")
    store_engine: Literal["auto", "oxigraph", "virtuoso", "sparql11"] = Field(
        default="auto",
        description="The remote store's engine, for what engines do differently; auto: by its Server header.",
    )
    store_timeout: float | None = Field(
        default=None,
        gt=0,
        description="Seconds the remote store may take to load or switch a build; default: 3600.",
    )

    @field_validator("store_url", "store_update_url", "store_data_url")
    @classmethod
    def _check_store_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL")
        return value

    @field_validator("data", mode="before")
    @classmethod
    def _split_paths(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [part for part in value.split(os.pathsep) if part]
        return value

    @field_validator("base_iri")
    @classmethod
    def _check_base_iri(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")) or not value.endswith("/"):
            raise ValueError("must be an http(s) IRI ending with '/', e.g. http://127.0.0.1:8000/")
        return value

    @model_validator(mode="after")
    def _fill_defaults(self) -> Settings:
        if not self.data:
            self.data = [self.home / "data"]
        if self.store is None:
            self.store = self.home / "store"
        return self

    @property
    def ontology_dir(self) -> Path:
        return self.home / "ontology"

    @property
    def shapes_dir(self) -> Path:
        return self.home / "shapes"

    @property
    def store_dir(self) -> Path:
        assert self.store is not None  # filled by _fill_defaults
        return self.store
