"""Where a build lives in a remote store, and how the store switches from one build to the next.

The served build is laid out as the embedded store lays it out: one named graph per source file
under its own name, and their union in the store's default graph, so that visitors' queries run
on the remote store exactly as written. On an engine whose default graph is the union of all its
graphs (Virtuoso), the union is the named graph `{base}graph/default` instead, and queries name it
as their default graph. Beside them, two kinds of graphs of govlod's own:

- `{base}graph/release`: one triple naming the build being served. Every server reading the
  store consults it, so all replicas switch together.
- `{base}graph/staging/{build}/...`: a build being loaded, its graphs and its default graph under
  names of its own, invisible to queries of the default graph.

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


def named_graphs(connection: Connection) -> list[str]:
    """Every named graph of the store (Oxigraph answers from its list of graphs, not by a scan)."""
    rows = connection.solutions(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ {connection.engine.graphs_pattern} }} }}")
    return sorted(graph.value for row in rows if isinstance(graph := row.get("g"), ox.NamedNode))


def served_graphs(graphs: Iterable[str], base_iri: str) -> list[str]:
    """The named graphs of the served build among the store's graphs: not the engine's own, and
    not govlod's (release, union, staged builds)."""
    space, own = graph_space(base_iri), {release_graph(base_iri).value, union_graph(base_iri).value}
    staging = staging_space(base_iri)
    return [g for g in graphs if g.startswith(space) and g not in own and not g.startswith(staging)]


def drop_staged(connection: Connection, base_iri: str, keep: str | None = None) -> int:
    """Drop the staged graphs of builds that never switched in (other than `keep`); how many."""
    space = staging_space(base_iri)
    own = f"{space}{keep}/" if keep else None
    stale = [g for g in named_graphs(connection) if g.startswith(space) and not (own and g.startswith(own))]
    if stale:
        connection.update(" ;\n".join(f"DROP SILENT GRAPH {ox.NamedNode(g)}" for g in stale))
    return len(stale)


def switch_update(build_id: str, base_iri: str, graphs: Iterable[str], present: Sequence[str], engine: Engine) -> str:
    """The one update request that puts the staged build in place of the served one.

    `present`: the named graphs the store holds now, so that those the new build lacks go too.
    """
    release = release_graph(base_iri)
    new = set(graphs)
    operations = [f"DROP SILENT GRAPH {ox.NamedNode(g)}" for g in served_graphs(present, base_iri) if g not in new]
    operations += [
        f"MOVE SILENT GRAPH {staged_name(g, build_id, base_iri)} TO GRAPH {ox.NamedNode(g)}" for g in sorted(new)
    ]
    default = served_default(engine, base_iri)
    target = "DEFAULT" if isinstance(default, ox.DefaultGraph) else f"GRAPH {default}"
    operations.append(f"MOVE SILENT GRAPH {staged_default(build_id, base_iri)} TO {target}")
    operations.append(f"DROP SILENT GRAPH {release}")
    operations.append(f"INSERT DATA {{ GRAPH {release} {{ {release} {IDENTIFIER} {ox.Literal(build_id)} }} }}")
    return " ;\n".join(operations)
