"""The Alembic migrations of the registry's database, applied at every start-up."""
