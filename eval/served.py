"""The answer benchmark against a running service: every question is asked over the HTTP API (POST /api/v1/chat)
with an anonymous citizen token, as the web page asks it, and judged on what the page shows (reply, citations,
choices). It measures the deployment itself: the data ingested there, its index and its settings.

A tap on a choice is asked from the state after the question, as the in-process benchmark does: the question is
asked again in a new session and the choice sent after it (a session cannot be forked over the API)."""

from __future__ import annotations

import time
from typing import Any

import httpx

from assistant.state import Citation, DialogueState, Reply, TurnResult

API = "/api/v1"
RETRIES = 8


class ServedError(RuntimeError):
    """The service did not answer a chat turn (a status other than 200 and 429)."""


class ServedAssistant:
    """Stands in for the DialogueManager in `eval.answers.evaluate_answers`: `handle(state, text)` asks the service.
    `client`: an httpx.Client whose base URL is the service (FastAPI's TestClient in tests)."""

    def __init__(self, client: httpx.Client, *, pause: float = 1.0) -> None:
        self.client = client
        self.pause = pause  # seconds to wait when the service asks to slow down without saying how long
        self._token: str | None = None
        self._asked: dict[str, list[str]] = {}  # local state id -> the messages sent to reach it

    def handle(self, state: DialogueState, text: str) -> TurnResult:
        before = self._asked.get(state.session_id, [])
        session: str | None = None
        out: dict[str, Any] = {}
        for message in [*before, text]:  # a later message replays the session's earlier ones first
            out = self._chat(message, session)
            session = str(out["session_id"])
        # the state after this turn: a new local id for the messages sent so far, so that every tap from it
        # replays just these (the state passed in is left as it was, as DialogueManager.handle leaves it)
        after = state.model_copy(update={"session_id": f"{state.session_id}/{len(self._asked)}"})
        self._asked[after.session_id] = [*before, text]
        reply = Reply(
            text=str(out["reply"]),
            citations=[Citation(**c) for c in out.get("citations") or []],
            choices=list(out.get("choices") or []),
            confident=bool(out.get("confident", True)),
        )
        return TurnResult(state=after, reply=reply)

    def _chat(self, message: str, session: str | None) -> dict[str, Any]:
        body: dict[str, Any] = {"message": message, **({"session_id": session} if session else {})}
        for _ in range(RETRIES):
            r = self.client.post(
                f"{API}/chat", json=body, headers={"Authorization": f"Bearer {self._citizen()}"}
            )
            if r.status_code == 200:
                return dict(r.json())
            if r.status_code == 429 and session is None:
                self._token = None  # limits count per token (new sessions, sessions open): take a fresh one
                continue
            if r.status_code == 429:
                time.sleep(_retry_after(r, self.pause))
                continue
            raise ServedError(f"HTTP {r.status_code}: {r.text[:200]}")
        raise ServedError(f"still limited after {RETRIES} tries (HTTP 429)")

    def _citizen(self) -> str:
        while self._token is None:
            r = self.client.post(f"{API}/auth/citizen")
            if r.status_code == 429:
                time.sleep(_retry_after(r, self.pause))
                continue
            if r.status_code != 201:
                raise ServedError(f"no citizen token: HTTP {r.status_code}: {r.text[:200]}")
            self._token = str(r.json()["token"])
        return self._token


def _retry_after(r: httpx.Response, default: float) -> float:
    try:
        return min(float(r.headers.get("Retry-After", default)), 60.0)
    except ValueError:
        return default
