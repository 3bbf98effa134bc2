"""The API schema tells the truth about error answers and times of day.

drf-spectacular documents the success answer of each operation only, yet every
operation can also answer with an error (config.api.exception_handler): a 401
without credentials, a 403 when the role may not, a 400 for a write or query it
refuses, a 404 for an id (in the path or the query) the caller cannot see or
a page past the end, a 409
for a delete of something other records still use, a 429 when a throttled
view is called too often. A client generated from the schema,
or ``make fuzz`` checking answers against it, would otherwise meet answers the
schema does not know. Answers an operation documents itself (``extend_schema``)
are left as they are.

A time of day is ``"09:00:00"`` on the wire, which JSON Schema's ``time``
format (RFC 3339, offset required) refuses; such fields are documented by a
pattern instead.
"""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema

DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
# A serializer's field errors ({"field": ["…"]}), a ``detail`` for a body that
# does not parse, or a list of messages for errors about the request as a whole.
FIELD_ERRORS = {
    "anyOf": [
        {"type": "object", "additionalProperties": {}},
        {"type": "array", "items": {"type": "string"}},
    ]
}
TIME_OF_DAY = r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?$"


def _answer(description: str, schema: dict) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _without_time_format(schema):
    """The schema with ``format: time`` replaced by the pattern DRF's times match."""
    if isinstance(schema, dict):
        schema = {key: _without_time_format(value) for key, value in schema.items()}
        if schema.get("format") == "time":
            del schema["format"]
            schema["pattern"] = TIME_OF_DAY
        return schema
    if isinstance(schema, list):
        return [_without_time_format(item) for item in schema]
    return schema


class CampaignOpsAutoSchema(AutoSchema):
    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        responses = operation.setdefault("responses", {})
        parameters = operation.get("parameters") or []
        where = {parameter.get("in") for parameter in parameters}
        # A write can be refused by its service (a rule the data breaks) even without a body.
        if method.upper() != "GET" or "query" in where:
            responses.setdefault("400", _answer("The request was refused; the reasons.", FIELD_ERRORS))
        security = operation.get("security") or []
        if {} not in security:
            responses.setdefault("401", _answer("No valid credentials.", DETAIL))
            responses.setdefault("403", _answer("The user's role may not do this.", DETAIL))
        # An id in the path or the query (``?team=``) the caller cannot see, or a page past the end.
        if where & {"path", "query"}:
            responses.setdefault("404", _answer(
                "No such object among the caller's teams, or no such page.", DETAIL
            ))
        if method.upper() == "DELETE":
            responses.setdefault("409", _answer("Other records still use the object.", DETAIL))
        if getattr(self.view, "throttle_scope", None):
            responses.setdefault("429", _answer("Too many requests; try again later.", DETAIL))
        return operation

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        return _without_time_format(super()._map_serializer_field(field, direction, bypass_extensions))
