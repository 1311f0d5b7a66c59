"""Conversions between pyoxigraph terms (the store) and rdflib terms (pyshacl, graph tools)."""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox
import rdflib
from rdflib.term import Node

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal


def to_rdflib(term: OxTerm | ox.Triple | ox.DefaultGraph) -> Node:
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return rdflib.Literal(term.value, lang=term.language)
        if term.datatype.value == _XSD_STRING:
            # RDF 1.1 makes the two the same; rdflib only treats the plain form as a simple literal.
            return rdflib.Literal(term.value)
        return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))
    raise TypeError(f"no rdflib equivalent for {term!r}")


def to_oxigraph(term: Node) -> OxTerm:
    if isinstance(term, rdflib.URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, rdflib.BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, rdflib.Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"no pyoxigraph equivalent for {term!r}")


def triples_to_graph(triples: Iterable[ox.Triple], graph: rdflib.Graph | None = None) -> rdflib.Graph:
    """Add pyoxigraph triples to an rdflib graph (a new one unless given)."""
    target = graph if graph is not None else rdflib.Graph()
    add = target.add
    for triple in triples:
        add((to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object)))
    return target
