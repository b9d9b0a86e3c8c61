"""Persistence: the SQLite file, its schema and migrations, backups, the peewee models.

peewee imports every database driver it finds when it loads. psycopg (installed for team
mode, which talks to PostgreSQL through psycopg itself, never through peewee) costs about
200 ms that way (asyncio, importlib.metadata, its type adapters), paid by every start-up
of the window and of each command. So peewee is loaded here, first, with psycopg hidden
from it; psycopg itself imports as usual afterwards, when team mode needs it.
"""

import sys

if "peewee" not in sys.modules and "psycopg" not in sys.modules:
    sys.modules["psycopg"] = None  # type: ignore[assignment]  # `import psycopg` raises ImportError
    try:
        import peewee  # noqa: F401
    finally:
        del sys.modules["psycopg"]
