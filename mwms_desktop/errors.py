"""Typed errors the services raise. Each carries a message a consultant can read as is."""

from __future__ import annotations


class MwmsError(Exception):
    """Base of every error the application reports to its user."""


class ValidationError(MwmsError):
    """Input that the framework's data model does not accept (a score of 7, an empty name)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NotFound(MwmsError):
    """A record that does not exist (an unknown engagement id)."""


class MoveRefused(MwmsError):
    """A stage move that the lifecycle's gates refuse. ``requirements`` lists each unmet one."""

    def __init__(self, requirements: list[str]) -> None:
        self.requirements = list(requirements)
        super().__init__("Move refused:\n" + "\n".join(f"- {r}" for r in self.requirements))


class ChangedElsewhere(MwmsError):
    """An undo or redo of an edit whose record was changed outside this window since (by a
    sync, an import or the command line): doing it would overwrite that change unseen, so
    nothing is written."""


class DatabaseError(MwmsError):
    """A database file that cannot be used: missing, unreadable, not SQLite, too new, locked."""


class DossierError(MwmsError):
    """A dossier that could not be written (missing folder, no permission, disk full);
    nothing is left behind at the target."""


class DatabaseDamaged(DatabaseError):
    """A corrupt or unreadable database file. ``backup`` is the newest sound backup (None
    when there is none), so the window can offer to restore it."""

    def __init__(self, message: str, path: object = None, backup: object = None) -> None:
        super().__init__(message)
        self.path = path
        self.backup = backup


class DatabaseInUse(DatabaseError):
    """The database is already open in another MWMS Desktop window (``pid``, if known)."""

    def __init__(self, message: str, pid: int | None = None) -> None:
        super().__init__(message)
        self.pid = pid


class BundleError(ValidationError):
    """A bundle that cannot be imported; the message names the place (record and field)."""
