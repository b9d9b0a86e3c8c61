"""MWMS Desktop: run client relationships through the six-stage lifecycle, offline."""

import db  # noqa: F401  (first: peewee loads without the PostgreSQL driver, see db/__init__.py)

__version__ = "0.1.0"
APP_NAME = "MWMS Desktop"
