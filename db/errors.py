"""Errors of the persistence layer; the core turns them into its own typed errors."""

from __future__ import annotations


class DatabaseOpenError(Exception):
    """The file cannot be used as an MWMS Desktop database; the message says why."""
