"""The W3C Entity Reconciliation Community Group's JSON Schemas, read where the shared standards keep
them (never copied into the project), and checks of answers against them.

`assert_valid` and `checked` validate wherever the schemas are at hand, so that behaviour tests run
everywhere; `test_reconcile_schemas`, which exists to validate, is skipped (visibly) without them."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import httpx
import pytest
from jsonschema import Draft7Validator
from referencing import Registry
from referencing.jsonschema import DRAFT7

from tests.helpers import PROJECT

SCHEMAS = PROJECT.parent / "shared" / "standards" / "reconciliation-schemas"
VERSIONS = ("0.2", "1.0-draft")
SUGGEST_SCHEMAS = {
    "entity": "suggest-entities-response.json",
    "type": "suggest-types-response.json",
    "property": "suggest-properties-response.json",
}

needs_schemas = pytest.mark.skipif(
    not SCHEMAS.is_dir(), reason="the reconciliation schemas live in ../shared/standards"
)


@cache
def registry(version: str) -> Registry[Any]:
    """Every schema of one version's folder under its `$id`, so that the relative `$ref`s between
    files of the folder resolve. One registry per version: two files of different versions share
    an `$id` (0.2's property proposal schema keeps the draft's)."""
    resources = []
    for path in sorted((SCHEMAS / version).glob("*.json")):
        contents = json.loads(path.read_text(encoding="utf-8"))
        # openapi.json is Swagger's own schema, `$id` "http://swagger.io/v2/schema.json#", which the
        # manifests' `authentication` refers to.
        resources.append((contents["$id"].removesuffix("#"), DRAFT7.create_resource(contents)))
    return Registry().with_resources(resources)


@cache
def validator(version: str, name: str) -> Draft7Validator:
    schema = json.loads((SCHEMAS / version / name).read_text(encoding="utf-8"))
    Draft7Validator.check_schema(schema)
    return Draft7Validator(schema, registry=registry(version), format_checker=Draft7Validator.FORMAT_CHECKER)


def errors(version: str, name: str, instance: Any) -> list[str]:
    """What the schema `name` of `version` finds wrong with `instance`, one line per error."""
    found = sorted(validator(version, name).iter_errors(instance), key=lambda e: list(map(str, e.absolute_path)))
    return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in found]


def assert_valid(version: str, name: str, instance: Any) -> None:
    if not SCHEMAS.is_dir():
        return
    problems = errors(version, name, instance)
    assert not problems, f"{version}/{name}:\n" + "\n".join(problems)


def checked(response: httpx.Response, version: str, name: str) -> Any:
    """The JSON of a successful answer, once the schema `name` of `version` has found it valid."""
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    answer = response.json()
    assert_valid(version, name, answer)
    return answer
