"""SQLite cache of model answers, so that a rerun of the same analysis makes no model call.

The key covers everything that changes an answer: backend, model, prompt version (bumped whenever the
wording of a prompt changes) and the full prompt (messages and output schema), hashed.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

from causal_ensemble.llm._client import Completion, JsonSchema, Message

CACHE_ENV = "CEA_CACHE_DIR"


def default_cache_dir() -> Path:
    """``$CEA_CACHE_DIR``, else ``$XDG_CACHE_HOME/causal-ensemble``, else ``~/.cache/causal-ensemble``."""
    own = os.environ.get(CACHE_ENV)
    if own:
        return Path(own).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "causal-ensemble"


def prompt_key(messages: Sequence[Message], schema: JsonSchema | None) -> str:
    payload = json.dumps(
        {"messages": [asdict(m) for m in messages], "schema": schema}, sort_keys=True, ensure_ascii=True
    )
    return hashlib.sha256(payload.encode()).hexdigest()


class AnswerCache:
    """One table ``answers(backend, model, prompt_version, prompt_sha256) -> text, tokens, top_logprobs``.

    ``top_logprobs`` (JSON) was added with graded questions; a cache file written before it gains the column
    on open, and its old rows read back with no alternatives.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path)
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS answers (backend TEXT, model TEXT, prompt_version TEXT, "
            "prompt_sha256 TEXT, text TEXT, prompt_tokens INTEGER, completion_tokens INTEGER, "
            "top_logprobs TEXT DEFAULT '', PRIMARY KEY (backend, model, prompt_version, prompt_sha256))"
        )
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(answers)")}
        if "top_logprobs" not in columns:
            self._db.execute("ALTER TABLE answers ADD COLUMN top_logprobs TEXT DEFAULT ''")
        self._db.commit()

    @classmethod
    def default(cls) -> AnswerCache:
        return cls(default_cache_dir() / "llm-answers.sqlite")

    def get(self, backend: str, model: str, version: str, key: str) -> Completion | None:
        row = self._db.execute(
            "SELECT text, prompt_tokens, completion_tokens, top_logprobs FROM answers "
            "WHERE backend=? AND model=? AND prompt_version=? AND prompt_sha256=?",
            (backend, model, version, key),
        ).fetchone()
        if row is None:
            return None
        try:
            alternatives = tuple((str(t), float(lp)) for t, lp in json.loads(row[3])) if row[3] else ()
        except (ValueError, TypeError):
            alternatives = ()  # a corrupt entry reads as one without alternatives; the caller re-asks
        return Completion(str(row[0]), int(row[1]), int(row[2]), alternatives)

    def put(self, backend: str, model: str, version: str, key: str, answer: Completion) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                backend,
                model,
                version,
                key,
                answer.text,
                answer.prompt_tokens,
                answer.completion_tokens,
                json.dumps([list(t) for t in answer.top_logprobs]),
            ),
        )
        self._db.commit()

    def close(self) -> None:
        self._db.close()
