"""Alembic migrations of the roadmap file. Run through models.storage.migrations, not by hand."""
