"""The team mode's error: one line a consultant (or the firm's administrator) can act on."""

from __future__ import annotations

from mwms_desktop.errors import MwmsError


class TeamError(MwmsError):
    """A team server that cannot be reached, refuses us, or cannot do what was asked."""


class ClientTooOld(TeamError):
    """This MWMS Desktop is older than the oldest the team server accepts."""


class ServerTooOld(TeamError):
    """The team server's schema is older than this MWMS Desktop; only an administrator's
    ``team init --upgrade`` changes it, never a client by itself."""


class Offline(TeamError):
    """The team server cannot be reached (no network, server down, unknown host): the window
    shows "offline" and changes nothing else; the next sync tries again."""
