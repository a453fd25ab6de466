"""Shared fixtures. PostgreSQL: start a server with `eval "$(.ci/postgres.sh)"` (sets GOVASSIST_TEST_PG_URL)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

PG_ENV = "GOVASSIST_TEST_PG_URL"


@pytest.fixture(scope="session")
def pg_url() -> str:
    """URL of the test PostgreSQL database. Missing: fails under CI (env CI set), skips locally."""
    url = os.environ.get(PG_ENV)
    if url:
        return url
    reason = f'{PG_ENV} is not set; start PostgreSQL with: eval "$(.ci/postgres.sh)"'
    if os.environ.get("CI"):
        pytest.fail(f"CI run without PostgreSQL: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture
def pg_schema_url(pg_url: str) -> Iterator[str]:
    """A URL whose connections use a fresh, empty schema (search_path); the schema is dropped afterwards."""
    schema = f"t_{uuid.uuid4().hex[:16]}"
    admin = create_engine(pg_url)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = make_url(pg_url).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Under CI nothing may be skipped: a missing server, browser, model or data set is a failure there."""
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if os.environ.get("CI") and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped under CI (not allowed): {reason}"
