"""Where a build lives in a remote store, and how the store switches from one build to the next.

The served build is laid out as the embedded store lays it out: one named graph per source file
under its own name, and their union in the store's default graph, so that visitors' queries run
on the remote store exactly as written. On an engine whose default graph is the union of all its
graphs (Virtuoso), the union is the named graph `{base}graph/default` instead, and queries name it
as their default graph. Beside them, two kinds of graphs of govlod's own:

- `{base}graph/release`: the build being served (`dct:identifier`) and its named graphs
  (`dct:hasPart`). Every server reading the store consults it, so all replicas switch together.
- `{base}graph/staging/{build}/...`: a build being loaded, its graphs and its default graph under
  names of its own, invisible to queries of the default graph; `{base}graph/staged` lists them
  before they are loaded, so that the next build drops what a failed one left. govlod never lists
  the store's graphs (a scan of every quad on some engines) and never touches graphs it did not make.

A build switches in with one SPARQL Update request: the staged graphs MOVE onto the served names,
graphs the new build no longer has are dropped, and the release triple changes. A store that runs
an update request as one transaction (Oxigraph does) goes from the old build to the new one with
no reader ever seeing a mix; a build that fails or is interrupted leaves only staged graphs, which
the next build drops.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pyoxigraph as ox

from govlod.namespaces import GRAPH_SPACE, rebase
from govlod.stores.remote.connection import Connection
from govlod.stores.remote.engines import Engine

IDENTIFIER = ox.NamedNode("http://purl.org/dc/terms/identifier")
HAS_PART = ox.NamedNode("http://purl.org/dc/terms/hasPart")


def graph_space(base_iri: str) -> str:
    return rebase(GRAPH_SPACE, base_iri)


def release_graph(base_iri: str) -> ox.NamedNode:
    return ox.NamedNode(graph_space(base_iri) + "release")


def union_graph(base_iri: str) -> ox.NamedNode:
    """The served union, on an engine without a default graph of its own."""
    return ox.NamedNode(graph_space(base_iri) + "default")


def served_default(engine: Engine, base_iri: str) -> ox.DefaultGraph | ox.NamedNode:
    return ox.DefaultGraph() if engine.own_default_graph else union_graph(base_iri)


def staging_space(base_iri: str) -> str:
    return graph_space(base_iri) + "staging/"


def staging_record(base_iri: str) -> ox.NamedNode:
    """The graph that lists the graphs of builds being loaded (or left by failed builds)."""
    return ox.NamedNode(graph_space(base_iri) + "staged")


def staged_name(graph: str, build_id: str, base_iri: str) -> ox.NamedNode:
    """Where a named graph of the build waits until the switch."""
    space = graph_space(base_iri)
    local = graph[len(space) :] if graph.startswith(space) else graph
    return ox.NamedNode(f"{staging_space(base_iri)}{build_id}/{local}")


def staged_default(build_id: str, base_iri: str) -> ox.NamedNode:
    """Where the build's default graph (the union) waits until the switch."""
    return ox.NamedNode(f"{staging_space(base_iri)}{build_id}/default")


def served_build(connection: Connection, base_iri: str) -> str | None:
    """The build the store serves, by its release triple; None for a store govlod never switched."""
    graph = release_graph(base_iri)
    rows = connection.solutions(f"SELECT ?build WHERE {{ GRAPH {graph} {{ {graph} {IDENTIFIER} ?build }} }}")
    values = sorted(build.value for row in rows if isinstance(build := row.get("build"), ox.Literal))
    return values[-1] if values else None


def _parts(connection: Connection, record: ox.NamedNode) -> list[str]:
    rows = connection.solutions(f"SELECT ?g WHERE {{ GRAPH {record} {{ ?whole {HAS_PART} ?g }} }}")
    return sorted(graph.value for row in rows if isinstance(graph := row.get("g"), ox.NamedNode))


def served_graphs(connection: Connection, base_iri: str) -> list[str]:
    """The named graphs of the served build, as its release records them."""
    return _parts(connection, release_graph(base_iri))


def staged_graphs(connection: Connection, base_iri: str) -> list[str]:
    """The graphs of builds being loaded, or left behind by builds that failed, as recorded."""
    return _parts(connection, staging_record(base_iri))


def record_staging(connection: Connection, build_id: str, base_iri: str, graphs: Iterable[str]) -> None:
    """Note the graphs a build is about to load, before loading them: whatever happens to the build,
    the next one finds them without listing the store's graphs (a scan on some engines)."""
    record, whole = staging_record(base_iri), ox.NamedNode(f"{staging_space(base_iri)}{build_id}")
    names = [staged_name(g, build_id, base_iri) for g in graphs] + [staged_default(build_id, base_iri)]
    parts = " ".join(f"{whole} {HAS_PART} {name} ." for name in names)
    connection.update(f"INSERT DATA {{ GRAPH {record} {{ {parts} }} }}")


def drop_staged(connection: Connection, base_iri: str) -> int:
    """Drop the graphs of every build that never switched in, and their record; how many."""
    stale = staged_graphs(connection, base_iri)
    operations = [f"DROP SILENT GRAPH {ox.NamedNode(g)}" for g in stale]
    operations.append(f"DROP SILENT GRAPH {staging_record(base_iri)}")
    connection.update(" ;\n".join(operations))
    return len(stale)


def switch_update(build_id: str, base_iri: str, graphs: Iterable[str], served: Sequence[str], engine: Engine) -> str:
    """The one update request that puts the staged build in place of the served one.

    `served`: the named graphs the store serves now, so that those the new build lacks go too.
    """
    release, record = release_graph(base_iri), staging_record(base_iri)
    whole = ox.NamedNode(f"{staging_space(base_iri)}{build_id}")
    new = sorted(set(graphs))
    operations = [f"DROP SILENT GRAPH {ox.NamedNode(g)}" for g in served if g not in new]
    operations += [f"MOVE SILENT GRAPH {staged_name(g, build_id, base_iri)} TO GRAPH {ox.NamedNode(g)}" for g in new]
    default = served_default(engine, base_iri)
    target = "DEFAULT" if isinstance(default, ox.DefaultGraph) else f"GRAPH {default}"
    operations.append(f"MOVE SILENT GRAPH {staged_default(build_id, base_iri)} TO {target}")
    operations.append(f"DELETE WHERE {{ GRAPH {record} {{ {whole} {HAS_PART} ?g }} }}")
    operations.append(f"DROP SILENT GRAPH {release}")
    facts = [f"{release} {IDENTIFIER} {ox.Literal(build_id)} ."]
    facts += [f"{release} {HAS_PART} {ox.NamedNode(g)} ." for g in new]
    operations.append(f"INSERT DATA {{ GRAPH {release} {{ {' '.join(facts)} }} }}")
    return " ;\n".join(operations)
