"""Issue 10: no input produces a 500. A small hand-rolled fuzzer walks the OpenAPI schema and sends every
operation hostile path, query, header and body values (NUL, lone surrogates, markup, SQL, huge and negative
integers, wrong types, deep nesting), seeded and bounded in count, as an admin and without a token; every
response must be below 500. Runs on SQLite and on PostgreSQL (where NUL and int4 overflows used to be 500s)."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from app_support import FLOW_ID, ID_NUMBER, SERVICE_ID, bearer
from conftest import new_token
from fastapi.testclient import TestClient

from app.wiring import Services

Serve = Callable[..., tuple[Services, TestClient]]
VARIANTS = 10  # requests per operation and identity
SEED = 20261202

STRINGS: list[str] = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\ud800",
    "x\udfffy",
    "<script>alert(1)</script>",
    "'; DROP TABLE applications; --",
    "../../etc/passwd",
    "x" * 3000,
    "𠀀\u202e\ufeff",
    "%00%ff%",
    "４４０１０３１９９００１０１１２３６",
    "null",
    "已提交",
    "citizen",
]
NUMBERS: list[Any] = [0, -1, 1, 2**31 - 1, 2**31, -(2**31) - 1, 2**63, 10**30, 1.5, -0.0]
ODD: list[Any] = [None, [], {}, [1, "a"], {"a": {"b": [None]}}, True, "1", 1e308]


class Fuzzer:
    def __init__(self, spec: dict[str, Any], rng: random.Random) -> None:
        self.schemas = spec.get("components", {}).get("schemas", {})
        self.rng = rng

    def resolve(self, schema: Any) -> dict[str, Any]:
        if not isinstance(schema, dict):  # `additionalProperties: true` and the like
            return {}
        while "$ref" in schema:
            schema = self.schemas[schema["$ref"].rsplit("/", 1)[-1]]
        return schema

    def value(self, schema: Any, depth: int = 0) -> Any:
        rng = self.rng
        if rng.random() < 0.12:  # a wrong type anywhere
            return rng.choice(STRINGS + NUMBERS + ODD)
        schema = self.resolve(schema)
        for key in ("anyOf", "oneOf", "allOf"):
            if key in schema:
                return self.value(rng.choice(schema[key]), depth)
        if "enum" in schema and rng.random() < 0.6:
            return rng.choice(schema["enum"])
        kind = schema.get("type")
        if kind == "object" or "properties" in schema:
            props = schema.get("properties", {})
            required = set(schema.get("required", []))
            out = {
                name: self.value(sub, depth + 1)
                for name, sub in props.items()
                if name in required or rng.random() < 0.7
            }
            if depth < 3 and "additionalProperties" in schema and rng.random() < 0.5:
                out[rng.choice(STRINGS) or "k"] = self.value(
                    schema.get("additionalProperties") or {}, depth + 1
                )
            return out
        if kind == "array":
            return [
                self.value(schema.get("items", {}), depth + 1)
                for _ in range(rng.randint(0, 3 if depth < 3 else 0))
            ]
        if kind in ("integer", "number"):
            return rng.choice(NUMBERS)
        if kind == "boolean":
            return rng.choice([True, False, "yes", None])
        if kind == "string":
            return rng.choice(STRINGS)
        return rng.choice(STRINGS + NUMBERS + ODD)

    def scalar(self, schema: dict[str, Any]) -> str:
        """A query/path value as text (the wire has no types)."""
        value = self.value(schema)
        return value if isinstance(value, str) else json.dumps(value)


def _encode(text: str) -> str:
    return quote(text.encode("utf-8", "surrogatepass"), safe="")


def _requests(
    spec: dict[str, Any], fuzz: Fuzzer, known: dict[str, list[str]]
) -> list[tuple[str, str, dict, Any]]:
    rng = fuzz.rng
    out = []
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            for _ in range(VARIANTS):
                url, query, headers = path, [], {}
                for p in op.get("parameters", []):
                    where, name = p["in"], p["name"]
                    if where == "path":
                        pool = known.get(name, [])
                        raw = (
                            rng.choice(pool)
                            if pool and rng.random() < 0.4
                            else fuzz.scalar(p["schema"]) or "x"
                        )
                        url = url.replace("{" + name + "}", _encode(raw))
                    elif where == "query" and (p.get("required") or rng.random() < 0.8):
                        query.append(f"{_encode(name)}={_encode(fuzz.scalar(p['schema']))}")
                    elif where == "header":
                        raw = rng.choice(["k", "x" * 500, "", " ", "%00", "a b", "kk"])
                        headers[name] = raw
                if query:
                    url += "?" + "&".join(query)
                body = None
                schema = (
                    op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
                )
                if schema is not None:
                    body = fuzz.value(schema)
                out.append((method.upper(), url, headers, body))
    return out


def test_no_input_produces_a_500(serve: Serve) -> None:
    services, client = serve(
        rate_token_mint="10000/minute",
        rate_chat="10000/minute",
        rate_new_session="10000/minute",
        rate_applications="10000/minute",
    )
    admin, citizen = new_token(services, "admin"), new_token(services, "citizen")
    body = {
        "service_id": SERVICE_ID,
        "flow_id": FLOW_ID,
        "answers": {"pickup": "网点领取", "agent": "本人"},
        "fields": {
            "applicant_name": "张三",
            "applicant_id_number": ID_NUMBER,
            "phone": "13800138000",
            "reason": "遗失",
        },
    }
    app_id = client.post(
        "/api/v1/applications", json=body, headers=bearer(admin) | {"Idempotency-Key": "f"}
    ).json()["id"]
    sid = client.post("/api/v1/chat", json={"message": "火星签证"}, headers=bearer(admin)).json()[
        "session_id"
    ]
    known = {
        "guide_id": [SERVICE_ID],
        "application_id": [app_id],
        "session_id": [sid],
        "item_id": ["1"],
        "policy_id": [],
        "token_id": [],
    }
    spec = client.get("/openapi.json").json()
    sent, failures = 0, []
    for who in (admin, citizen, None):
        fuzz = Fuzzer(spec, random.Random(f"{SEED}-{who is None}-{who == citizen}"))
        for method, url, headers, payload in _requests(spec, fuzz, known):
            auth = bearer(who) if who else {}
            content = None if payload is None else json.dumps(payload)
            hdrs = auth | headers | ({"Content-Type": "application/json"} if content is not None else {})
            r = client.request(method, url, content=content, headers=hdrs)
            sent += 1
            if r.status_code >= 500:
                failures.append(
                    f"{method} {url[:200]} {content and content[:200]} -> {r.status_code} {r.text[:200]}"
                )
    assert sent >= 500
    assert not failures, "\n".join(failures[:20])
