"""What every app's API routes share: bounded paging, the capability check, the error bodies, and the one
NinjaAPI class that documents the answers the framework and the middleware give every route (`PrajaAPI`).

Every error under /api/ is JSON ``{"detail": ...}``: a route's own 403/404 (`Detail`), a form's field errors
(`FieldErrors`), ninja's validation errors (422, `ValidationErrors`), a body that cannot be read (400), a sender
without valid credentials (401), a session without its CSRF token (403), a body over the cap (413), an address
no route has (404, praja/ops/errors.py). Each route declares the answers its own code gives (``response={...}``);
`PrajaAPI` adds the ones every route of a kind gives, so /api/v1/openapi.json lists every status code the API
really answers (praja/reports/tests/test_api_schemathesis.py checks each answer against it).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, NinjaAPI, Schema
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination
from ninja.schema import NinjaGenerateJsonSchema

from praja.base.access import has_capability

MAX_PAGE = 1000
MAX_OFFSET = 10_000_000


class Detail(Schema):
    """An error: what went wrong, in words."""

    detail: str


class FieldErrors(Schema):
    """A form's errors: {field: [message, ...]}."""

    detail: str
    errors: dict[str, list[str]]


class ValidationIssue(Schema):
    type: str = Field(..., description="kind of error (pydantic's), e.g. missing, string_too_long, int_parsing")
    loc: list[str | int] = Field(..., description="where: body/query/path, then the field")
    msg: str
    ctx: dict[str, Any] | None = Field(None, description="the rule's parameters, e.g. {max_length: 20}")


class ValidationErrors(Schema):
    """ninja's answer to parameters or a body that do not match the documented schema (422)."""

    detail: list[ValidationIssue]


UNSAFE_METHODS = frozenset({"post", "put", "patch", "delete"})
_JSON = "application/json"
_REF = "#/components/schemas/{model}"


def _content(model: type[Schema]) -> dict[str, Any]:
    return {_JSON: {"schema": {"$ref": _REF.format(model=model.__name__)}}}


def _cookie_schemes(schema: dict[str, Any]) -> set[str]:
    schemes = schema.get("components", {}).get("securitySchemes", {})
    return {name for name, s in schemes.items() if s.get("type") == "apiKey" and s.get("in") == "cookie"}


_ANNOTATIONS = frozenset({"title", "description", "default", "examples", "example"})


def _can_fail(parameter: dict[str, Any]) -> bool:
    """Whether ninja can refuse this parameter (422): any but an optional string without rules (or a path's,
    which is there whenever the address matched)."""
    schema = {k: v for k, v in parameter.get("schema", {}).items() if k not in _ANNOTATIONS}
    if schema != {"type": "string"}:
        return True
    return bool(parameter.get("required")) and parameter.get("in") != "path"


def document_framework_answers(schema: dict[str, Any]) -> dict[str, Any]:
    """Adds to each operation of an OpenAPI ``schema`` the answers that do not come from its route's code (where
    the route declares the same status code for its own answer, the body is either):

    - 400 `Detail` where a body is read: not JSON ("Cannot parse request body"), or its non-file part over
      DATA_UPLOAD_MAX_MEMORY_SIZE, or a Content-Length that is not a number (praja/uploads.py);
    - 401 `Detail` where credentials are required ({"detail": "Unauthorized"});
    - 403 `Detail` for a write with a session cookie and no CSRF token ({"detail": "CSRF check Failed"}), and for
      a signed-in person whose role needs the second factor and has not passed it;
    - 413 `Detail` where a body is read: a Content-Length over PRAJA_MAX_REQUEST_BYTES (praja/uploads.py);
    - 422 `ValidationErrors` where the operation takes a body or a parameter ninja can refuse.
    """
    models = (Detail, ValidationErrors)
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for model in models:
        js = model.model_json_schema(ref_template=_REF, schema_generator=NinjaGenerateJsonSchema)
        for name, sub in js.pop("$defs", {}).items():
            components.setdefault(name, sub)
        components.setdefault(model.__name__, js)
    cookie_schemes = _cookie_schemes(schema)
    for path_item in schema.get("paths", {}).values():
        for method, op in path_item.items():
            if not isinstance(op, dict) or "responses" not in op:
                continue
            answers: dict[str, Any] = {}
            for code, answer in op["responses"].items():  # ninja keys status codes as ints: one key each
                answers.setdefault(str(code), {}).update(answer)
            op["responses"] = answers
            security = op.get("security") or []
            required = bool(security) and {} not in security
            has_body = "requestBody" in op

            def add(code: int, description: str, model: type[Schema], answers: dict[str, Any] = answers) -> None:
                known = answers.get(str(code))
                if known is None:
                    answers[str(code)] = {"description": description, "content": _content(model)}
                    return
                if description not in known.get("description", ""):
                    known["description"] = f"{known.get('description', '')}; {description}".lstrip("; ")
                # The route's own answer with this status code (a form's 400, the route's 422): either body.
                media = known.setdefault("content", {}).setdefault(_JSON, {})
                ours = {"$ref": _REF.format(model=model.__name__)}
                theirs = media.get("schema")
                if theirs is None:
                    media["schema"] = ours
                elif theirs != ours and ours not in theirs.get("anyOf", []):
                    media["schema"] = {"anyOf": [*theirs.get("anyOf", [theirs]), ours]}

            if has_body:
                add(400, "the body cannot be read: not JSON, or too big, or a malformed Content-Length", Detail)
                add(413, "the body is over the cap on a whole request (PRAJA_MAX_REQUEST_BYTES)", Detail)
            if required:
                add(401, "no valid credentials", Detail)
            uses_cookie = any(name in cookie_schemes for req in security for name in req)
            if uses_cookie:
                if method in UNSAFE_METHODS:
                    add(403, "a write with the session cookie but without the CSRF token", Detail)
                add(403, "the person's role needs the second factor, not yet passed", Detail)
            if has_body or any(_can_fail(p) for p in op.get("parameters", [])):
                add(422, "parameters or body do not match this schema", ValidationErrors)
            # praja/base/nul_guard.py: any route, whatever its parameters
            add(422, "the query string holds a NUL character", ValidationErrors)
    return schema


class PrajaAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI schema lists the answers every route gives besides its own (see
    `document_framework_answers`)."""

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        document_framework_answers(schema)
        return schema


def documented(param: Any, **schema: Any) -> Any:
    """A ninja parameter (``Query("")``) whose schema also says ``schema`` (an enum, a pattern) that the route
    checks itself, answering its own error (ninja's Query() takes no json_schema_extra of its own)."""
    param.json_schema_extra = {**(param.json_schema_extra or {}), **schema}
    return param


class BoundedPagination(LimitOffsetPagination):
    """limit/offset paging whose numbers stay within what every database accepts (else 422, never 500)."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=MAX_PAGE)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)


def require(request: HttpRequest, capability: str) -> None:
    """403 unless the signed-in person holds `capability`."""
    if not has_capability(request, capability):
        raise HttpError(403, f"missing capability {capability}")
