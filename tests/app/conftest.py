"""Fixtures of the app tests: a real KnowledgeStore + app tables on a temp SQLite file, the bundled sample guides
and flows, a scripted dialogue manager (app_support.py), and a TestClient over create_app()."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from app_support import make_services
from fastapi.testclient import TestClient

from app.api import create_app
from app.auth import create_token
from app.wiring import Services


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Services]:
    s = make_services(f"sqlite:///{tmp_path / 'app.db'}", tmp_path, max_message_chars=200)
    yield s
    s.close()


@pytest.fixture
def client(services: Services) -> Iterator[TestClient]:
    with TestClient(create_app(services)) as c:
        yield c


@pytest.fixture
def token(services: Services) -> Callable[..., str]:
    """token("clerk") -> a fresh bearer token of that role."""

    def make(role: str, name: str = "") -> str:
        with services.db.write() as session:
            return create_token(session=session, role=role, name=name or f"test-{role}")

    return make


BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgres", id="postgres", marks=[pytest.mark.postgres, pytest.mark.integration]),
]


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The same test on a SQLite file and on a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'app.db'}"
    return str(request.getfixturevalue("pg_schema_url"))


@pytest.fixture
def serve(db_url: str, tmp_path: Path) -> Iterator[Callable[..., tuple[Services, TestClient]]]:
    """serve(**settings) -> (services, client) over `db_url`; closed at the end of the test."""
    opened: list[tuple[Services, TestClient]] = []

    def make(**settings: object) -> tuple[Services, TestClient]:
        s = make_services(db_url, tmp_path, **settings)
        c = TestClient(create_app(s))
        c.__enter__()
        opened.append((s, c))
        return s, c

    yield make
    for s, c in opened:
        c.__exit__(None, None, None)
        s.close()


def new_token(services: Services, role: str, **kw: object) -> str:
    with services.db.write() as session:
        return create_token(session=session, role=role, name=f"test-{role}", **kw)  # type: ignore[arg-type]
