"""The team password lives in the operating system's keyring, and nowhere else.

Where no keyring exists (a headless Linux without a Secret Service), the password is asked
for each time and kept only in memory for that one command: it is never written to a file,
to settings or to a log.
"""

from __future__ import annotations

import contextlib
import getpass
from collections.abc import Callable

import keyring
from keyring.errors import KeyringError, PasswordDeleteError

from mwms_desktop.team.address import TeamAddress
from mwms_desktop.team.errors import TeamError

SERVICE = "mwms-desktop team"

Ask = Callable[[str], str]


def store(address: TeamAddress, password: str) -> bool:
    """Keep the password in the keyring; False when there is no usable keyring."""
    try:
        keyring.set_password(SERVICE, address.keyring_user, password)
    except (KeyringError, RuntimeError):
        return False
    return True


def load(address: TeamAddress) -> str | None:
    try:
        return keyring.get_password(SERVICE, address.keyring_user)
    except (KeyringError, RuntimeError):
        return None


def forget(address: TeamAddress) -> None:
    # Nothing stored, or no keyring: nothing to forget.
    with contextlib.suppress(PasswordDeleteError, KeyringError, RuntimeError):
        keyring.delete_password(SERVICE, address.keyring_user)


def ask_terminal(prompt: str) -> str:
    return getpass.getpass(prompt)


def password(address: TeamAddress, ask: Ask | None = ask_terminal, *, fresh: bool = False) -> str:
    """The stored password, or one asked for now (not stored: there is no keyring). ``fresh``
    (a join): asked whenever it can be, since a stored one may be out of date."""
    stored = None if fresh and ask is not None else load(address)
    if stored is not None:
        return stored
    if ask is None:
        raise TeamError(
            f"No password for {address.user} on {address.where} is stored (there is no keyring); "
            "run the command in a terminal to type it."
        )
    try:
        typed = ask(f"Password for {address.user} on {address.where}: ")
    except (EOFError, OSError) as exc:
        raise TeamError(f"No password for {address.user} on {address.where} could be asked for.") from exc
    if not typed:
        raise TeamError("No password given.")
    return typed
