"""A real OpenAI-compatible chat-completions server for tests: stdlib ``http.server`` on 127.0.0.1.

It serves ``POST /v1/chat/completions`` from a background thread, records every request body and its
``Authorization`` header, and answers through a *responder*: a function from the request body to a
``Reply`` (status, raw body bytes). :func:`rich_reply` is the responder a capable model would be: it reads
the expert names out of the JSON schema in ``response_format`` and returns a valid weights object with a
rationale that names the decision it was asked about, so a test can tell which answer went where.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

MODEL_NAME = "test-model"
RATIONALE_PREFIX = "e2e-rationale"

_VARIABLE = re.compile(r'variable (A|B): name="((?:[^"\\]|\\.)*)"')


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes


Responder = Callable[[dict[str, Any]], Reply]


@dataclass(frozen=True)
class Decision:
    """The decision a rich referee prompt asks about, read back from its user message."""

    a: str
    b: str
    level: str  # "adjacency" or "orientation", as graph.json spells them

    @property
    def pair(self) -> frozenset[str]:
        return frozenset((self.a, self.b))


def user_text(body: dict[str, Any]) -> str:
    """The first user message of a chat request (a re-ask appends more; the case is in the first)."""
    for m in body.get("messages", []):
        if m.get("role") == "user":
            return str(m.get("content", ""))
    return ""


def decision_of(body: dict[str, Any]) -> Decision:
    text = user_text(body)
    names = {label: json.loads(f'"{raw}"') for label, raw in _VARIABLE.findall(text)}
    if set(names) != {"A", "B"}:
        raise ValueError(f"no variables A and B in the prompt: {text[:200]!r}")
    level = "adjacency" if "directly connected" in text else "orientation"
    return Decision(names["A"], names["B"], level)


def schema_of(body: dict[str, Any]) -> dict[str, Any]:
    fmt = body.get("response_format") or {}
    schema = (fmt.get("json_schema") or {}).get("schema")
    if not isinstance(schema, dict):
        raise ValueError("the request has no json_schema response_format")
    return schema


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref")
    if not isinstance(ref, str):
        return node
    target: Any = schema
    for part in ref.removeprefix("#/").split("/"):
        target = target[part]
    return dict(target)


def expert_names(schema: dict[str, Any]) -> list[str]:
    """The expert names the rich answer schema asks a weight for: ``properties.weights``' keys."""
    weights = _resolve(schema, schema["properties"]["weights"])
    return list(weights["properties"])


def rationale_for(decision: Decision) -> str:
    return f"{RATIONALE_PREFIX} for {decision.a} and {decision.b} ({decision.level})"


def answer_weights(names: list[str]) -> dict[str, float]:
    """Deterministic, valid and not all equal: the first expert trusted most."""
    return {n: round(0.9 - 0.5 * k / max(len(names) - 1, 1), 3) for k, n in enumerate(names)}


def completion(content: str, *, prompt_tokens: int = 120, completion_tokens: int = 30) -> Reply:
    body = {
        "id": "chatcmpl-e2e",
        "object": "chat.completion",
        "model": MODEL_NAME,
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }
    return Reply(200, json.dumps(body).encode())


def rich_reply(body: dict[str, Any]) -> Reply:
    """What a capable model answers to the rich referee prompt: a weight per expert and a rationale."""
    names = expert_names(schema_of(body))
    content = {"weights": answer_weights(names), "rationale": rationale_for(decision_of(body))}
    return completion(json.dumps(content))


@dataclass
class OpenAIServer:
    responder: Responder
    requests: list[dict[str, Any]] = field(default_factory=list)
    auth: list[str | None] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    url: str = ""

    def _handle(self, path: str, raw: bytes, authorization: str | None) -> Reply:
        self.paths.append(path)
        if path != "/v1/chat/completions":
            return Reply(404, b'{"error": {"message": "not found"}}')
        try:
            body = json.loads(raw)
        except json.JSONDecodeError:
            return Reply(400, b'{"error": {"message": "request body is not JSON"}}')
        self.requests.append(body)
        self.auth.append(authorization)
        try:
            return self.responder(body)
        except Exception as exc:  # a responder bug must show in the test, not hang the client
            return Reply(422, json.dumps({"error": {"message": repr(exc)}}).encode())


@contextmanager
def serve(responder: Responder = rich_reply) -> Iterator[OpenAIServer]:
    """Start the server on a free port of 127.0.0.1; ``server.url`` is its ``.../v1`` base URL."""
    server = OpenAIServer(responder)
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            with lock:
                reply = server._handle(self.path, raw, self.headers.get("Authorization"))
            self.send_response(reply.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            self.wfile.write(reply.body)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    server.url = f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    thread = threading.Thread(target=httpd.serve_forever, name="openai-test-server", daemon=True)
    thread.start()
    try:
        yield server
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)
