"""Persistence: SQLAlchemy models, the engine and sessions, Alembic migrations."""
