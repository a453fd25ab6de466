"""Alembic migrations of the whole database (knowledge, retrieval and app tables); run by `govassist db upgrade`."""
