"""A team server's address: ``postgresql://NAME@HOST[:PORT]/DATABASE[?sslmode=…&sslrootcert=…]``.

Parsed and checked here, before anything connects, so a mistyped address is one clear line.
A password written into the address is taken out of it (it goes to the keyring, never into
settings). TLS: ``sslmode=verify-full`` with the firm's CA file (``sslrootcert``) is the safe
setting; anything weaker gets :func:`tls_warning`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlencode, urlsplit

from mwms_desktop.team.errors import TeamError

SCHEMES = ("postgresql", "postgres")
SSL_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
EXPECTED = "expected postgresql://NAME@HOST[:PORT]/DATABASE"


@dataclass(frozen=True, slots=True)
class TeamAddress:
    user: str
    host: str
    port: int
    database: str
    sslmode: str = "prefer"
    ca_file: str | None = None

    def url(self) -> str:
        """The address as stored in settings: never with a password."""
        query = {"sslmode": self.sslmode}
        if self.ca_file:
            query["sslrootcert"] = self.ca_file
        host = f"[{self.host}]" if ":" in self.host else self.host
        user, database = quote(self.user, safe=""), quote(self.database, safe="")
        return f"postgresql://{user}@{host}:{self.port}/{database}?{urlencode(query)}"

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def keyring_user(self) -> str:
        return f"{self.user}@{self.host}:{self.port}/{self.database}"

    def connect_kwargs(self, password: str | None) -> dict[str, object]:
        kwargs: dict[str, object] = {
            "host": self.host,
            "port": self.port,
            "dbname": self.database,
            "user": self.user,
            "sslmode": self.sslmode,
            "connect_timeout": 5,
            "application_name": "mwms-desktop",
        }
        if self.ca_file:
            kwargs["sslrootcert"] = self.ca_file
        if password is not None:
            kwargs["password"] = password
        return kwargs


def parse(text: str, *, ca_file: Path | None = None) -> tuple[TeamAddress, str | None]:
    """The address and the password written into it (None when there is none)."""
    bad = f"Not a team server address: {text!r} ({EXPECTED})."
    try:
        parts = urlsplit(text.strip())
        port = parts.port
    except ValueError as exc:
        raise TeamError(bad) from exc
    if parts.scheme not in SCHEMES or not parts.hostname or not parts.username:
        raise TeamError(bad)
    database = unquote(parts.path.lstrip("/"))
    if not database or "/" in database:
        raise TeamError(bad)
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    unknown = set(query) - {"sslmode", "sslrootcert"}
    if unknown:
        raise TeamError(f"Not a team server address: unknown option {sorted(unknown)[0]!r} ({EXPECTED}).")
    sslmode = query.get("sslmode", "verify-full" if ca_file else "prefer")
    if sslmode not in SSL_MODES:
        raise TeamError(f"Unknown sslmode {sslmode!r}: one of {', '.join(SSL_MODES)}.")
    ca = str(ca_file) if ca_file is not None else query.get("sslrootcert")
    if ca is not None:
        path = Path(ca).expanduser()
        if not path.is_file():
            raise TeamError(f"The CA file {ca} does not exist.")
        ca = str(path.resolve())
    address = TeamAddress(
        user=unquote(parts.username),
        host=parts.hostname,
        port=port or 5432,
        database=database,
        sslmode=sslmode,
        ca_file=ca,
    )
    password = unquote(parts.password) if parts.password else None
    return address, password


def tls_warning(address: TeamAddress) -> str | None:
    """The warning for anything weaker than a verified TLS connection, or None."""
    if address.sslmode == "verify-full":
        return None
    return (
        f"Warning: the connection to {address.host} is not verified (sslmode={address.sslmode}): "
        "anyone on the network path could read or change it. Use sslmode=verify-full with the "
        "server's CA file (--ca-file)."
    )
