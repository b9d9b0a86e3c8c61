"""A keyring for CLI subprocesses in tests (``PYTHON_KEYRING_BACKEND=tests.team.env_keyring.EnvKeyring``):
it hands out the password in ``MWMS_TEST_PASSWORD`` and stores nothing."""

from __future__ import annotations

import os

from keyring.backend import KeyringBackend


class EnvKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        return os.environ.get("MWMS_TEST_PASSWORD")

    def set_password(self, service: str, username: str, password: str) -> None:
        pass

    def delete_password(self, service: str, username: str) -> None:
        pass
