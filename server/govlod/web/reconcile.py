"""The W3C Reconciliation Service API, in the two versions its clients speak.

- `/reconcile` is protocol 0.2, as OpenRefine uses it: the manifest on `GET`, batches of named
  queries in `queries=` and data extension in `extend=` (by `GET` or form `POST`), and the
  sub-services that its manifest names by URL (`/reconcile/suggest/…`, `/reconcile/preview`,
  `/reconcile/extend/propose`).
- `/reconcile/v1` is the 1.0 draft: its manifest declares only "1.0-draft", and the sub-services sit
  where that draft puts them relative to the root (`/match`, `/suggest/…`, `/preview`, `/extend`,
  `/extend/propose`).

One manifest cannot claim both versions: 0.2 names each suggest service by URL where the 1.0 draft
only says whether it exists. Both services share the candidates, scores and matching features;
only the envelopes differ. `/reconcile/match` (1.0 batches) and `/reconcile/extend` (0.2 answers to
a JSON body) stay for the clients that learnt them before the 1.0 root existed.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from html import escape
from typing import Any, NamedTuple
from urllib.parse import parse_qsl, quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from govlod import __version__
from govlod.index.reading import ReleaseIndex
from govlod.reconciliation import (
    Candidate,
    Entity,
    identifier_key,
    name_score,
    place_hints,
    reconcile,
    territory_verdict,
    territory_words,
)
from govlod.search import normalise
from govlod.web.runtime import Runtime

NAME = "govlod: enti e tavoli della programmazione sociale"
TYPES = {  # local name in the vocabulary (or full IRI) -> (Italian name, English name)
    "PublicBody": ("Ente pubblico", "Public body"),
    "Coordination": ("Coordinamento", "Coordination"),
    "GovernanceStructure": ("Struttura di governo", "Governance structure"),
    "GovernanceTable": ("Tavolo di governance", "Governance table"),
    "PlanningOffice": ("Ufficio di Piano", "Planning office"),
    "http://www.w3.org/ns/org#Post": ("Posto", "Seat or post"),
    "http://www.w3.org/ns/org#Organization": ("Organizzazione", "Organization"),
    "http://data.europa.eu/eli/ontology#LegalResource": ("Norma", "Law"),
}
TERRITORY = "withinTerritoryOf"
PROPERTIES = {  # what queries can give and data extension returns: local name -> (name, description)
    "partitaIVA": ("partita IVA", "La partita IVA italiana: 11 cifre, l'ultima di controllo"),
    "codiceFiscale": ("codice fiscale", "11 cifre per gli enti, 16 caratteri per le persone"),
    "ipaCode": ("codice IPA", "Il codice dell'ente nell'Indice dei domicili digitali della PA"),
    "istatCode": ("codice ISTAT", "6 cifre per i Comuni, 3 per le Province, 2 per le Regioni"),
    TERRITORY: ("nel territorio di", "La Provincia o la Regione in cui si trova: nome o sigla (Novara, NO)"),
}
FEATURES = {  # matching features of every candidate, so that clients can re-score (Italian, as `lang` says)
    "name_score": "Somiglianza del nome, da 0 a 100 (parole in comune, pesate per rarità)",
    "identifier_agrees": "Un identificativo dato coincide con quello dell'ente",
    "territory_agrees": "Il territorio dato è uno di quelli in cui l'ente si trova",
}
EXTEND_SIZE = 500  # entities in one data extension request; more is 413
DEFAULT_LIMIT = 5
MAX_LIMIT = 100  # candidates are drawn from this many entities at most (govlod.index.reading)
SUGGEST_LIMIT = 20
MAX_TEXT = 1000  # characters of a name, value or prefix: longer is no name, and costly to look up
MAX_VALUES = 100  # alternative values of one property or condition
PREVIEW_SIZE = {"width": 420, "height": 200}


class RequestError(Exception):
    """A request the service cannot answer as asked; the message is the JSON error's text."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def _error(error: RequestError) -> JSONResponse:
    prefix = "bad request: " if error.status == 400 else ""
    return JSONResponse({"error": prefix + str(error)}, status_code=error.status)


# --- identifiers -------------------------------------------------------------------------------


def _iri(runtime: Runtime, key: str) -> str:
    """A type or property IRI from its local name in the vocabulary, or as given in full."""
    return key if key.startswith(("http://", "https://")) else runtime.prefixes["gl"] + key


def _id_space(runtime: Runtime) -> str:
    return f"{runtime.settings.base_iri}id/"


def _short(runtime: Runtime, iri: str) -> str:
    """Entity ids are paths in the identifier space: `organization/sercop`."""
    return iri.removeprefix(_id_space(runtime))


def _entity_iri(runtime: Runtime, entity_id: str) -> str:
    """An entity's IRI from its id; a full IRI is taken as it is."""
    return entity_id if entity_id.startswith(("http://", "https://")) else _id_space(runtime) + entity_id


def _property_key(runtime: Runtime, pid: str) -> str | None:
    """The local name of an identifier property named either way, None for any other property."""
    key = pid.removeprefix(runtime.prefixes["gl"])
    return key if key in PROPERTIES else None


def _type(runtime: Runtime, key: str) -> dict[str, str]:
    return {"id": _iri(runtime, key), "name": TYPES[key][0]}


def _types_of(runtime: Runtime, kinds: Collection[str]) -> list[dict[str, str]]:
    return [_type(runtime, key) for key in TYPES if _iri(runtime, key) in kinds]


# --- reading requests ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    """One reconciliation query, whichever version's shape it came in."""

    text: str = ""
    types: tuple[str, ...] = ()
    properties: tuple[tuple[str, str], ...] = ()  # identifiers (property IRI, value); one property's are alternatives
    places: tuple[str, ...] = ()  # territories the entity lies within, as given (alternatives)
    ids: tuple[str, ...] = ()  # IRIs of the entity the query names outright
    limit: int = DEFAULT_LIMIT
    required: tuple[str, ...] = ()  # identifier property IRIs whose value must agree (1.0 `required`)
    name_required: bool = False
    territory_required: bool = False


def _split(runtime: Runtime, pairs: Sequence[tuple[str, str]]) -> tuple[tuple[tuple[str, str], ...], tuple[str, ...]]:
    """(property IRI, value) pairs as identifiers and territories: the territory is no identifier."""
    territory = _iri(runtime, TERRITORY)
    return tuple(p for p in pairs if p[0] != territory), tuple(v for prop, v in pairs if prop == territory)


class Condition(NamedTuple):
    """One condition of a 1.0 query."""

    kind: str  # "name", "id" or "property"
    prop: str | None
    values: tuple[str, ...]
    required: bool


def _json(text: str | bytes, what: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as error:  # bad JSON, or bytes that are not UTF-8
        raise RequestError(f"{what} is not JSON ({error})") from None
    except RecursionError:  # the decoder gives up on arrays nested thousands deep
        raise RequestError(f"{what} is nested too deep") from None


def _positive(value: object, what: str, ceiling: int) -> int:
    """A positive integer from JSON (3 or 3.0), at most `ceiling`."""
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return min(value, ceiling)
    if isinstance(value, float) and value.is_integer() and value > 0:
        return min(int(value), ceiling)
    raise RequestError(f"{what} must be a positive integer")


def _text(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise RequestError(f"{what} must be a string")
    if len(value) > MAX_TEXT:
        raise RequestError(f"{what} is longer than {MAX_TEXT} characters")
    return value


def _value(item: object, what: str) -> str:
    """A property value as identifiers are compared: text, or a reconciled value's id."""
    if isinstance(item, str):
        return item
    if isinstance(item, bool):
        return str(item).lower()
    if isinstance(item, int | float):
        return str(int(item)) if float(item).is_integer() else str(item)
    if isinstance(item, dict) and isinstance(item.get("id"), str):
        return str(item["id"])
    raise RequestError(f"{what} must be a string, a number, a boolean or an object with an id")


def _values(value: object, what: str) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    if not items or len(items) > MAX_VALUES:  # each value can cost an index lookup
        raise RequestError(f"{what} must have from 1 to {MAX_VALUES} values")
    return tuple(_text(_value(item, what), what) for item in items)


def _check_batch(runtime: Runtime, size: int) -> None:
    """A batch within the size the manifests declare (a setting); a larger one is 413."""
    most = runtime.settings.reconcile_batch_size
    if size > most:
        raise RequestError(f"a batch holds at most {most} queries (batchSize); this one holds {size}", 413)


def _query_02(runtime: Runtime, key: str, raw: object) -> Query:
    """A 0.2 query: `query`, `type` (one or several), `limit`, `properties` of `pid` and `v`."""
    where = f"query {key}"
    if not isinstance(raw, dict):
        raise RequestError(f"{where} is not an object")
    types = raw.get("type")
    type_list = [types] if isinstance(types, str) else [] if types is None else types
    if not isinstance(type_list, list) or not all(isinstance(t, str) for t in type_list):
        raise RequestError(f"{where}: type must be a string or an array of strings")
    given = raw.get("properties") or []
    if not isinstance(given, list) or not all(isinstance(p, dict) for p in given):
        raise RequestError(f"{where}: properties must be an array of objects")
    pairs: list[tuple[str, str]] = []
    for prop in given:
        pid = prop.get("pid")
        if not isinstance(pid, str) or not pid or "v" not in prop:
            raise RequestError(f"{where}: every property needs a pid (a string) and a value v")
        pairs += [(_iri(runtime, pid), v) for v in _values(prop["v"], f"{where}: the value of {pid}")]
    limit = raw.get("limit")
    identifiers, places = _split(runtime, pairs)
    return Query(
        text=_text(raw.get("query", ""), f"{where}: query"),
        types=tuple(_iri(runtime, t) for t in type_list),
        properties=identifiers,
        places=places,
        limit=DEFAULT_LIMIT if limit is None else _positive(limit, f"{where}: limit", MAX_LIMIT),
    )


def _batch_02(runtime: Runtime, batch: object) -> dict[str, Query]:
    if not isinstance(batch, dict):
        raise RequestError("queries must be a JSON object of named queries")
    _check_batch(runtime, len(batch))
    return {key: _query_02(runtime, key, raw) for key, raw in batch.items()}


def _condition(runtime: Runtime, where: str, raw: object) -> Condition:
    """One 1.0 condition. Only what the service does is accepted: values are alternatives
    (`matchQuantifier` "any") and no `matchQualifier` is offered."""
    if not isinstance(raw, dict):
        raise RequestError(f"{where} is not an object")
    kind = raw.get("matchType")
    if kind not in ("name", "id", "property"):
        raise RequestError(f'{where}: matchType must be "name", "id" or "property"')
    if "propertyValue" not in raw:
        raise RequestError(f"{where}: propertyValue is missing")
    required = raw.get("required", False)
    if not isinstance(required, bool):
        raise RequestError(f"{where}: required must be a boolean")
    if raw.get("matchQuantifier", "any") != "any":
        raise RequestError(f'{where}: only matchQuantifier "any" is supported')
    if "matchQualifier" in raw:
        raise RequestError(f"{where}: this service offers no matchQualifier")
    prop = None
    if kind == "property":
        pid = raw.get("propertyId")
        if not isinstance(pid, str) or not pid:
            raise RequestError(f"{where}: a property condition needs a propertyId")
        prop = _iri(runtime, pid)
    return Condition(str(kind), prop, _values(raw["propertyValue"], f"{where}: propertyValue"), required)


def _query_10(runtime: Runtime, number: int, raw: object) -> Query:
    """A 1.0 query: `conditions` on the name, the id or properties, one `type`, `limit`."""
    where = f"query {number}"
    if not isinstance(raw, dict):
        raise RequestError(f"{where} is not an object")
    conditions = raw.get("conditions")
    if not isinstance(conditions, list) or not conditions:
        raise RequestError(f"{where}: conditions must be a non-empty array")
    type_id = raw.get("type")
    if type_id is not None and not isinstance(type_id, str):
        raise RequestError(f"{where}: type must be one type id (a string)")
    parsed = [_condition(runtime, f"{where}, condition {n}", c) for n, c in enumerate(conditions)]
    names = [value for c in parsed if c.kind == "name" for value in c.values]
    if len(names) > 1:
        raise RequestError(f"{where}: give one name (one name condition with one value)")
    limit = raw.get("limit")
    identifiers, places = _split(runtime, [(str(c.prop), v) for c in parsed if c.kind == "property" for v in c.values])
    territory = _iri(runtime, TERRITORY)
    required = {str(c.prop) for c in parsed if c.kind == "property" and c.required}
    return Query(
        text=names[0] if names else "",
        types=(_iri(runtime, type_id),) if type_id else (),
        properties=identifiers,
        places=places,
        ids=tuple(_entity_iri(runtime, v) for c in parsed if c.kind == "id" for v in c.values),
        limit=DEFAULT_LIMIT if limit is None else _positive(limit, f"{where}: limit", MAX_LIMIT),
        required=tuple(sorted(required - {territory})),
        name_required=any(c.required for c in parsed if c.kind == "name"),
        territory_required=territory in required,
    )


def _batch_10(runtime: Runtime, body: object) -> list[Query]:
    if not isinstance(body, dict) or not isinstance(body.get("queries"), list):
        raise RequestError('a JSON body {"queries": [...]} is expected')
    _check_batch(runtime, len(body["queries"]))
    return [_query_10(runtime, number, raw) for number, raw in enumerate(body["queries"])]


# --- answering queries --------------------------------------------------------------------------


def _meets_required(entity: Entity, query: Query) -> bool:
    """The 1.0 `required` conditions, applied before scoring so that the match decision only
    weighs entities that may be answered."""
    if query.name_required and not any(name_score(query.text, name) > 0 for name in entity.names):
        return False
    if query.territory_required and territory_verdict(entity, query.places) is not True:
        return False
    for prop in query.required:
        asked = {identifier_key(value) for p, value in query.properties if p == prop}
        if not asked & {identifier_key(known) for known in entity.identifiers.get(prop, ())}:
            return False
    return True


def _pool(index: ReleaseIndex, query: Query) -> list[Entity]:
    if query.ids:  # the query names its entity: no other can be it
        pool = [entity for entity in map(index.entity, query.ids) if entity is not None]
    else:
        pool = index.candidates(query.text, query.properties, query.places)
    return [entity for entity in pool if _meets_required(entity, query)]


def _candidate(runtime: Runtime, c: Candidate) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "id": _short(runtime, c.entity.iri),
        "name": c.name,
        "score": c.score,
        "match": c.match,
        "type": _types_of(runtime, c.entity.types),
        "features": [
            {"id": "name_score", "name": FEATURES["name_score"], "value": c.name_score},
            {"id": "identifier_agrees", "name": FEATURES["identifier_agrees"], "value": c.identifier_agrees},
            {"id": "territory_agrees", "name": FEATURES["territory_agrees"], "value": c.territory_agrees},
        ],
    }
    if c.entity.context:  # what tells this "Tavolo Politico" from the others
        answer["description"] = c.entity.context
    return answer


def _answer(runtime: Runtime, queries: Sequence[Query]) -> list[list[dict[str, Any]]]:
    """The candidates of each query of a batch (blocking index reads: run off the event loop)."""
    index = runtime.release_index()
    weights = index.word_weights
    # A query of no particular type is for an entity of the kinds the service reconciles (its
    # default types), not for a concept or a dataset that shares the name.
    service_kinds = [t["id"] for t in _default_types(runtime)]
    answers = []
    for asked in queries:
        q = _with_place_hints(runtime, index, asked)
        candidates = reconcile(
            _pool(index, q), q.text, list(q.types) or service_kinds, q.properties, q.limit, q.ids, weights, q.places
        )
        answers.append([_candidate(runtime, c) for c in candidates])
    return answers


def _with_place_hints(runtime: Runtime, index: ReleaseIndex, query: Query) -> Query:
    """The query with its territories as the index names them: a reconciled value's id (as OpenRefine
    sends a reconciled cell) read as its label, and the Regions, Provinces or Comuni named in
    parentheses ("CISS Borgomanero (Novara)") given as places, as a registry's province column
    would be. A hint's words stay in the text, but for its level ("Provincia"), so that an exact
    name with a place in it ("dirigente (Rivoli 3)") stays exact."""
    given = [_place_label(runtime, index, place) for place in query.places]
    text, hints = place_hints(query.text)
    named = [hint for hint in hints if index.territory_named(hint)]
    if named:
        kept = [" ".join(sorted(territory_words(hint))) if hint in named else hint for hint in hints]
        text = " ".join([text, *kept])
    else:
        text = query.text
    places = tuple(dict.fromkeys([*given, *named]))
    return replace(query, text=text, places=places) if (text, places) != (query.text, query.places) else query


def _place_label(runtime: Runtime, index: ReleaseIndex, place: str) -> str:
    """A place given as an entity's id or IRI, as that entity's name; any other value as it is."""
    if " " in place or "/" not in place:
        return place
    return index.label(_entity_iri(runtime, place), "it") or place


# --- data extension -----------------------------------------------------------------------------


def _is_acronym(name: str) -> bool:
    """A province's acronym ("NO"), kept among an entity's territories for matching only."""
    return len(name) == 2 and name.isalpha() and name.isupper()


@dataclass(frozen=True)
class Extension:
    ids: tuple[str, ...]
    properties: tuple[str, ...]  # as the client named them: answers echo these ids


def _extension(runtime: Runtime, body: object) -> Extension:
    if not isinstance(body, dict):
        raise RequestError('a JSON object {"ids": [...], "properties": [...]} is expected')
    ids, given = body.get("ids"), body.get("properties")
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise RequestError("ids must be an array of entity ids")
    if not isinstance(given, list) or not all(isinstance(p, dict) and isinstance(p.get("id"), str) for p in given):
        raise RequestError("properties must be an array of objects with an id")
    if len(ids) > EXTEND_SIZE:
        raise RequestError(f"data extension takes at most {EXTEND_SIZE} ids at a time; {len(ids)} were given", 413)
    wanted = tuple(dict.fromkeys(str(p["id"]) for p in given))
    unknown = [pid for pid in wanted if _property_key(runtime, pid) is None]
    if unknown:
        raise RequestError(f"unknown properties {', '.join(unknown)}: the service has {', '.join(PROPERTIES)}")
    return Extension(tuple(dict.fromkeys(ids)), wanted)


def _extension_values(runtime: Runtime, asked: Extension) -> dict[str, dict[str, list[str]]]:
    """Each entity's values of each property (blocking index reads: run off the event loop)."""
    index = runtime.release_index()
    rows: dict[str, dict[str, list[str]]] = {}
    for entity_id in asked.ids:
        entity = index.entity(_entity_iri(runtime, entity_id))
        known = dict(entity.identifiers) if entity else {}
        if entity is not None:  # the names of its territories (acronyms are only for matching)
            known[_iri(runtime, TERRITORY)] = {name for name in entity.territories if not _is_acronym(name)}
        rows[entity_id] = {pid: sorted(known.get(_iri(runtime, pid), ())) for pid in asked.properties}
    return rows


def _meta(runtime: Runtime, asked: Extension) -> list[dict[str, str]]:
    return [{"id": pid, "name": PROPERTIES[str(_property_key(runtime, pid))][0]} for pid in asked.properties]


def _extended_02(runtime: Runtime, asked: Extension) -> dict[str, Any]:
    """0.2 rows: an object by entity id, then by property id."""
    rows = _extension_values(runtime, asked)
    return {
        "meta": _meta(runtime, asked),
        "rows": {eid: {pid: [{"str": v} for v in vs] for pid, vs in row.items()} for eid, row in rows.items()},
    }


def _extended_10(runtime: Runtime, asked: Extension) -> dict[str, Any]:
    """1.0 rows: an array in the order of the ids asked, each with an array of properties."""
    rows = _extension_values(runtime, asked)
    return {
        "meta": _meta(runtime, asked),
        "rows": [
            {"id": eid, "properties": [{"id": pid, "values": [{"str": v} for v in vs]} for pid, vs in row.items()]}
            for eid, row in rows.items()
        ],
    }


# --- manifests ----------------------------------------------------------------------------------


def _default_types(runtime: Runtime) -> list[dict[str, str]]:
    return [_type(runtime, key) for key in TYPES]


def manifest_02(request: Request, runtime: Runtime) -> dict[str, Any]:
    """Protocol 0.2: every sub-service named by URL, view and preview templates with `{{id}}`."""
    server = str(request.base_url)
    root = server + "reconcile"
    return {
        "versions": ["0.2"],
        "name": NAME,
        "serviceVersion": __version__,
        "identifierSpace": _id_space(runtime),
        "schemaSpace": runtime.prefixes["gl"],
        "defaultTypes": _default_types(runtime),
        "view": {"url": server + "id/{{id}}"},
        "preview": {"url": root + "/preview?id={{id}}", **PREVIEW_SIZE},
        "suggest": {kind: {"service_url": root, "service_path": f"/suggest/{kind}"} for kind in SUGGESTERS},
        "extend": {
            "propose_properties": {"service_url": root, "service_path": "/extend/propose"},
            "property_settings": [],
        },
        "batchSize": runtime.settings.reconcile_batch_size,
    }


def manifest_10(request: Request, runtime: Runtime) -> dict[str, Any]:
    """The 1.0 draft: sub-services are routes under the root, so the manifest only says which exist."""
    return {
        "versions": ["1.0-draft"],
        "name": NAME,
        "lang": "it",  # names of bodies, types and properties are Italian
        "serviceVersion": __version__,
        # RFC 6570 reserved expansion keeps the slashes of ids such as `organization/sercop`.
        "view": {"url": f"{request.base_url}id/{{+id}}"},
        "defaultTypes": _default_types(runtime),
        "preview": dict(PREVIEW_SIZE),
        "suggest": {kind: True for kind in SUGGESTERS},
        "extend": {"proposeProperties": True, "propertySettings": []},
        "batchSize": runtime.settings.reconcile_batch_size,
        "standardizedScore": True,  # name scores and agreeing identifiers both run 0-100
    }


# --- suggest ------------------------------------------------------------------------------------


def _suggested_entity(
    runtime: Runtime, iri: str, name: str, context: str | None, kinds: Sequence[str]
) -> dict[str, Any]:
    types = _types_of(runtime, kinds)
    description = " — ".join(part for part in (context, ", ".join(t["name"] for t in types)) if part)
    answer: dict[str, Any] = {"id": _short(runtime, iri), "name": name, "notable": types}
    if description:
        answer["description"] = description
    return answer


def _suggest_entity(runtime: Runtime, prefix: str, limit: int, offset: int) -> list[dict[str, Any]]:
    """Names as people type them, and the entity whose id the prefix is, first (blocking reads)."""
    index = runtime.release_index()
    may_be_id = bool(prefix) and " " not in prefix and not offset  # ids have no spaces
    named = index.entity(_entity_iri(runtime, prefix)) if may_be_id else None
    found = [] if named is None or not named.names else [named]
    answer = [_suggested_entity(runtime, e.iri, e.names[0], e.context, sorted(e.types)) for e in found]
    hits, _ = index.search(prefix, "it", None, limit, offset) if normalise(prefix) else ([], 0)
    answer += [
        _suggested_entity(runtime, hit.iri, hit.label, hit.context, hit.kinds)
        for hit in hits
        if not found or hit.iri != found[0].iri
    ]
    return answer[:limit]


def _suggest_type(runtime: Runtime, prefix: str, limit: int, offset: int) -> list[dict[str, Any]]:
    wanted = normalise(prefix)
    return [
        {**_type(runtime, key), "description": names[1]}
        for key, names in TYPES.items()
        if wanted in normalise(" ".join(names)) or prefix in (key, _iri(runtime, key))
    ][offset : offset + limit]


def _suggest_property(runtime: Runtime, prefix: str, limit: int, offset: int) -> list[dict[str, Any]]:
    wanted = normalise(prefix)
    return [
        {"id": _iri(runtime, key), "name": name, "description": description}
        for key, (name, description) in PROPERTIES.items()
        if wanted in normalise(f"{key} {name}") or prefix == _iri(runtime, key)
    ][offset : offset + limit]


SUGGESTERS: dict[str, Callable[[Runtime, str, int, int], list[dict[str, Any]]]] = {
    "entity": _suggest_entity,
    "type": _suggest_type,
    "property": _suggest_property,
}


# --- routes -------------------------------------------------------------------------------------


async def _parameter(request: Request, name: str) -> str | None:
    """A parameter of the query string or, on POST, of the form body (OpenRefine posts forms)."""
    if request.method == "POST":
        try:
            form = dict(parse_qsl((await request.body()).decode("utf-8")))
        except UnicodeDecodeError:
            form = {}
        if name in form:
            return form[name]
    return request.query_params.get(name)


def _int_parameter(request: Request, name: str, default: int, least: int, ceiling: int) -> int:
    text = request.query_params.get(name)
    try:
        value = default if text is None else int(text)
    except ValueError:
        raise RequestError(f"{name} must be an integer") from None
    if value < least:
        raise RequestError(f"{name} must be at least {least}")
    return min(value, ceiling)


async def root_02(request: Request) -> Response:
    """Protocol 0.2: the manifest, a batch of queries in `queries=`, or data extension in `extend=`."""
    runtime: Runtime = request.app.state.runtime
    queries = await _parameter(request, "queries")
    extend = await _parameter(request, "extend")
    try:
        if extend is not None:
            asked = _extension(runtime, _json(extend, "extend"))
            return JSONResponse(await run_in_threadpool(_extended_02, runtime, asked))
        if queries is not None:
            batch = _batch_02(runtime, _json(queries, "queries"))
            results = await run_in_threadpool(_answer, runtime, list(batch.values()))
            return JSONResponse({key: {"result": result} for key, result in zip(batch, results, strict=True)})
    except RequestError as error:
        return _error(error)
    return JSONResponse(manifest_02(request, runtime))


async def root_10(request: Request) -> Response:
    """The 1.0 draft's root: the manifest. A 0.2 client posting `queries=` here learns where to go."""
    if request.method == "POST":
        message = "this is the 1.0-draft service: POST a JSON batch to /reconcile/v1/match (0.2 clients: /reconcile)"
        return JSONResponse({"error": message}, status_code=405, headers={"Allow": "GET, HEAD"})
    return JSONResponse(manifest_10(request, request.app.state.runtime))


async def match(request: Request) -> Response:
    """The 1.0 draft's match service: POST a JSON body {"queries": [...]} of conditions."""
    runtime: Runtime = request.app.state.runtime
    try:
        queries = _batch_10(runtime, _json(await request.body(), "the body"))
    except RequestError as error:
        return _error(error)
    results = await run_in_threadpool(_answer, runtime, queries)
    return JSONResponse({"results": [{"candidates": candidates} for candidates in results]})


async def suggest(request: Request) -> Response:
    """Auto-completion of entities, types and properties: `prefix`, `limit`, and `offset` (1.0) or
    `cursor` (0.2) to page on."""
    runtime: Runtime = request.app.state.runtime
    suggester = SUGGESTERS.get(request.path_params["kind"])
    if suggester is None:
        return JSONResponse({"error": f"no suggest service '{request.path_params['kind']}'"}, status_code=404)
    try:
        if "prefix" not in request.query_params:
            raise RequestError("prefix is missing (it may be empty)")
        prefix = _text(request.query_params["prefix"], "prefix")
        limit = _int_parameter(request, "limit", SUGGEST_LIMIT, 1, MAX_LIMIT)
        skip = "offset" if "offset" in request.query_params else "cursor"
        offset = _int_parameter(request, skip, 0, 0, 10_000)
    except RequestError as error:
        return _error(error)
    return JSONResponse({"result": await run_in_threadpool(suggester, runtime, prefix.strip(), limit, offset)})


def _preview_page(title: str, body: str) -> str:
    # A whole document in relative sizes, so that the client's zoom and font settings apply.
    return (
        '<!DOCTYPE html><html lang="it"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title></head>"
        f'<body style="font-family:sans-serif;margin:0.5em">{body}</body></html>'
    )


async def preview(request: Request) -> Response:
    """An HTML summary of one entity (`?id=`), sized for the manifest's viewport."""
    runtime: Runtime = request.app.state.runtime
    entity_id = request.query_params.get("id", "")
    if not entity_id:
        return _error(RequestError("the id of an entity is expected: ?id=organization/…"))
    entity = await run_in_threadpool(runtime.release_index().entity, _entity_iri(runtime, entity_id))
    if entity is None or not entity.names:
        return HTMLResponse(_preview_page("Non trovato", "<p>Non trovato / Not found</p>"), status_code=404)
    types = ", ".join(t["name"] for t in _types_of(runtime, entity.types))
    identifiers = "".join(
        f"<li>{escape(PROPERTIES.get(p.rsplit('#', 1)[-1], (p,))[0])}: {escape(v)}</li>"
        for p, vs in sorted(entity.identifiers.items())
        for v in sorted(vs)
    )
    link = f"{request.base_url}id/{quote(_short(runtime, entity.iri), safe='/')}"
    context = f"<p>{escape(entity.context)}</p>" if entity.context else ""
    body = (
        f'<p><a href="{escape(link)}" target="_blank"><strong>{escape(entity.names[0])}</strong></a></p>'
        f"{context}<p>{escape(types)}</p><ul>{identifiers}</ul>"
    )
    return HTMLResponse(_preview_page(entity.names[0], body))


async def _extend(request: Request, render: Callable[[Runtime, Extension], dict[str, Any]]) -> Response:
    runtime: Runtime = request.app.state.runtime
    try:
        asked = _extension(runtime, _json(await request.body(), "the body"))
    except RequestError as error:
        return _error(error)
    return JSONResponse(await run_in_threadpool(render, runtime, asked))


async def extend_02(request: Request) -> Response:
    """Data extension from a JSON body, answered in 0.2's shape (rows by entity id)."""
    return await _extend(request, _extended_02)


async def extend_10(request: Request) -> Response:
    """The 1.0 draft's data extension: a JSON body, rows as an array."""
    return await _extend(request, _extended_10)


async def propose(request: Request) -> Response:
    """Properties that data extension can fetch for entities of `type` (the same identifiers for all)."""
    runtime: Runtime = request.app.state.runtime
    try:
        kind = _text(request.query_params.get("type", ""), "type")
        limit = _int_parameter(request, "limit", len(PROPERTIES), 1, MAX_LIMIT)
    except RequestError as error:
        return _error(error)
    properties = [{"id": _iri(runtime, key), "name": name} for key, (name, _) in PROPERTIES.items()]
    answer: dict[str, Any] = {"type": kind, "properties": properties[:limit]}
    if "limit" in request.query_params:
        answer["limit"] = limit
    return JSONResponse(answer)


ROUTES = [
    # Protocol 0.2: the root, and the sub-services its manifest names.
    Route("/reconcile", root_02, methods=["GET", "POST"], name="reconcile"),
    Route("/reconcile/suggest/{kind}", suggest, methods=["GET"], name="reconcile-suggest"),
    Route("/reconcile/preview", preview, methods=["GET"], name="reconcile-preview"),
    Route("/reconcile/extend/propose", propose, methods=["GET"], name="reconcile-propose"),
    # Kept where earlier clients found them: 1.0 matching, and 0.2 extension answers to a JSON body.
    Route("/reconcile/match", match, methods=["POST"], name="reconcile-match"),
    Route("/reconcile/extend", extend_02, methods=["POST"], name="reconcile-extend"),
    # The 1.0 draft: every route relative to its own root.
    Route("/reconcile/v1", root_10, methods=["GET", "POST"], name="reconcile-v1"),
    Route("/reconcile/v1/match", match, methods=["POST"], name="reconcile-v1-match"),
    Route("/reconcile/v1/suggest/{kind}", suggest, methods=["GET"], name="reconcile-v1-suggest"),
    Route("/reconcile/v1/preview", preview, methods=["GET"], name="reconcile-v1-preview"),
    Route("/reconcile/v1/extend", extend_10, methods=["POST"], name="reconcile-v1-extend"),
    Route("/reconcile/v1/extend/propose", propose, methods=["GET"], name="reconcile-v1-propose"),
]
