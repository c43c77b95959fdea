"""Alembic environment: runs against the engine handed over by receptiondesk.db."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from receptiondesk.db import is_modelled
from receptiondesk.model import Base

config = context.config
target_metadata = Base.metadata


def run_migrations() -> None:
    engine = config.attributes.get("engine")
    if engine is None:  # the alembic command line, with sqlalchemy.url in an ini file
        engine = create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
            include_name=is_modelled,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations()
