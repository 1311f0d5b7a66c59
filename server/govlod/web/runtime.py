"""What a running server holds: settings, the store folder, the store behind the seam and the cache."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from govlod.index.building import INDEX_FILE
from govlod.index.reading import ReleaseIndex
from govlod.namespaces import project_prefixes
from govlod.settings import Settings
from govlod.sparql.cache import AnswerCache
from govlod.sparql.executor import QueryExecutor
from govlod.sparql.memory import memory_copy_limit, resident_limit
from govlod.store import BuildInfo, StoreFolder
from govlod.stores.embedded import EmbeddedReads
from govlod.stores.interface import Queries, Reads
from govlod.stores.remote.connection import Connection
from govlod.stores.remote.queries import RemoteQueries
from govlod.stores.remote.reads import RemoteReads
from govlod.web.admission import Admission

RETRY_AFTER_SECONDS = 2  # said to a client refused for too many queries at once


class MissingIndex(Exception):
    """A build made by an older version, without the finding aid this server reads."""


@dataclass
class Runtime:
    settings: Settings
    folder: StoreFolder
    queries: Queries
    cache: AnswerCache
    reads: Reads
    admission: Admission
    _info: BuildInfo | None = None
    _build_id: str | None = None
    prefixes: dict[str, str] = field(default_factory=dict)
    indexes: dict[tuple[str, str], Any] = field(default_factory=dict)

    @classmethod
    def create(cls, settings: Settings) -> Runtime:
        folder = StoreFolder(settings.store_dir)
        queries: Queries
        reads: Reads
        if settings.store_url is not None:
            connection = Connection(settings)
            concurrency = max(4, settings.query_processes)  # the store does the work: threads only wait
            queries = RemoteQueries(connection, settings.base_iri, settings.query_timeout, concurrency)
            reads = RemoteReads(connection, settings.base_iri)
        else:
            workers, processes = settings.workers, settings.query_processes
            queries = QueryExecutor(
                settings.store_dir,
                processes,
                settings.query_timeout,
                memory_limit=memory_copy_limit(settings.memory_copy_triples, workers, processes),
                resident_limit=resident_limit(workers, processes),
            )
            reads = EmbeddedReads(folder)
        return cls(
            settings=settings,
            folder=folder,
            queries=queries,
            cache=AnswerCache(settings.cache_mb * 1024 * 1024),
            reads=reads,
            admission=Admission(settings.max_concurrent_queries, RETRY_AFTER_SECONDS),
            prefixes=project_prefixes(settings.base_iri),
        )

    @property
    def remote(self) -> bool:
        return self.settings.store_url is not None

    def describe_store(self) -> str:
        """Where the data is served from, for the operator's log (a remote store without credentials)."""
        if isinstance(self.queries, RemoteQueries):
            return f"remote store {self.queries.store_name}, build files in {self.folder.root}"
        return f"store {self.folder.current_build()}"

    @property
    def build_id(self) -> str:
        """The build being served: the one the query processes answer from.

        After `govlod build`, that is the previous build until the new one is warm, so that cache
        keys, ETags and versions name the build that actually answers. Before the query processes
        are ready (or when they are not running), it is the build `current` names. A remote store
        names the build it serves itself; its files (dumps, finding aid) are read from the folder.
        """
        build = self.queries.follow()
        if build is None and not self.remote:  # the embedded store's processes are still loading
            build = self.folder.current_id()
        if build is None:
            raise self.folder.no_store()
        if build != self._build_id or self._info is None:
            self._info = self.folder.info_of(build)
            self._build_id = build
        return build

    @property
    def info(self) -> BuildInfo:
        """The record of the build being served."""
        _ = self.build_id
        assert self._info is not None
        return self._info

    def for_build(self, name: str) -> Any:
        """What `keep_for_build` kept under `name` for the build being served, or None."""
        return self.indexes.get((name, self.build_id))

    def keep_for_build(self, name: str, value: Any) -> Any:
        """Keep `value` for the build being served; whatever belonged to older builds goes."""
        build = self.build_id
        self.indexes = {key: kept for key, kept in self.indexes.items() if key[1] == build}
        self.indexes[(name, build)] = value
        return value

    def release_index(self) -> ReleaseIndex:
        """The finding aid of the build being served (search, reconciliation, sitemaps)."""
        index: ReleaseIndex | None = self.for_build("release-index")
        if index is None:
            path = self.folder.build_path(self.build_id) / INDEX_FILE
            if not path.is_file():
                raise MissingIndex(f"the build being served has no {INDEX_FILE}: run `govlod build` again")
            index = self.keep_for_build("release-index", ReleaseIndex(path))
        return index

    def prefix_block(self) -> str:
        return "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in self.prefixes.items())
