"""Where MWMS Desktop keeps its files.

The default database lives in the user's data directory as platformdirs reports it
(``~/.local/share/mwms-desktop`` on Linux, ``%LOCALAPPDATA%\\mwms-desktop`` on Windows,
``~/Library/Application Support/mwms-desktop`` on macOS). ``MWMS_DESKTOP_DATA_DIR``
overrides it; the tests point it at a temporary folder.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_DIR_NAME = "mwms-desktop"
ENV_DATA_DIR = "MWMS_DESKTOP_DATA_DIR"
DEFAULT_DB_NAME = "mwms.sqlite"


def data_dir() -> Path:
    override = os.environ.get(ENV_DATA_DIR)
    if override:
        return Path(override)
    return Path(platformdirs.user_data_dir(APP_DIR_NAME, appauthor=False))


def default_database() -> Path:
    """The default database file; its folder is created (owner-only) if missing."""
    folder = data_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder / DEFAULT_DB_NAME


def resources_dir() -> Path:
    """The ``resources/`` folder shipped beside the packages (also inside a frozen build)."""
    import resources

    return Path(resources.__file__).parent
