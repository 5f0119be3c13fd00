"""The OpenAI-compatible backend against a real HTTP server on 127.0.0.1 started by the test."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from pydantic import BaseModel

from causal_ensemble.llm import (
    AnswerCache,
    LLMError,
    LLMSession,
    LLMTimeoutError,
    Message,
    OpenAICompatibleModel,
    SessionSettings,
)

SECRET = "sk-test-do-not-leak-1234"


class Causes(BaseModel):
    causes: bool


class FakeServer:
    """Answers /v1/chat/completions from a script of (status, body or delay) steps, then 200s."""

    def __init__(self, steps: list[tuple[int, Any]]) -> None:
        self.steps = steps
        self.requests: list[dict[str, Any]] = []
        self.auth: list[str | None] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                owner.requests.append(json.loads(self.rfile.read(length)))
                owner.auth.append(self.headers.get("Authorization"))
                status, payload = owner.steps.pop(0) if owner.steps else (200, '{"causes": true}')
                if status == 0:  # a slow server
                    time.sleep(float(payload))
                    status, payload = 200, '{"causes": true}'
                body = (
                    json.dumps(
                        {
                            "choices": [{"message": {"role": "assistant", "content": payload}}],
                            "usage": {"prompt_tokens": 11, "completion_tokens": 3},
                        }
                    )
                    if status == 200
                    else json.dumps({"error": "boom"})
                )
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body.encode())

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server_factory() -> Iterator[Any]:
    servers: list[FakeServer] = []

    def make(steps: list[tuple[int, Any]]) -> FakeServer:
        servers.append(FakeServer(steps))
        return servers[-1]

    yield make
    for s in servers:
        s.close()


def _q() -> list[Message]:
    return [Message("system", "JSON only"), Message("user", "does a cause b?")]


def test_500_then_success_through_the_openai_compatible_backend(
    server_factory: Any, tmp_path: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    srv = server_factory([(500, None), (200, '{"causes": false}')])
    model = OpenAICompatibleModel(srv.url, "tiny", api_key=SECRET)
    cache = AnswerCache(tmp_path / "c.sqlite")
    session = LLMSession(model, cache=cache, sleep=lambda s: None)
    assert session.ask(_q(), Causes, version="v").causes is False
    assert len(srv.requests) == 2 and session.stats.retries == 1
    assert session.stats.prompt_tokens == 11 and session.stats.completion_tokens == 3
    req = srv.requests[-1]
    assert req["model"] == "tiny" and req["response_format"]["type"] == "json_schema"
    assert srv.auth[-1] == f"Bearer {SECRET}"
    # the key goes in the header only: not in logs, repr or the cache file
    cache.close()
    assert SECRET not in caplog.text and SECRET not in repr(model)
    assert SECRET.encode() not in (tmp_path / "c.sqlite").read_bytes()


def test_http_timeout_is_reported(server_factory: Any) -> None:
    srv = server_factory([(0, 2.0)])
    session = LLMSession(OpenAICompatibleModel(srv.url, "tiny"), settings=SessionSettings(timeout_s=0.3))
    with pytest.raises(LLMTimeoutError):
        session.ask(_q(), Causes, version="v")


def test_client_errors_are_not_retried(server_factory: Any) -> None:
    srv = server_factory([(401, None)])
    with pytest.raises(LLMError, match="HTTP 401"):
        LLMSession(OpenAICompatibleModel(srv.url, "tiny"), sleep=lambda s: None).ask(
            _q(), Causes, version="v"
        )
    assert len(srv.requests) == 1
