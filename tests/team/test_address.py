"""Team server addresses are checked before anything connects; the password never stays in one."""

from __future__ import annotations

from pathlib import Path

import pytest

from mwms_desktop.team.address import parse, tls_warning
from mwms_desktop.team.errors import TeamError


def test_an_address_keeps_everything_but_the_password() -> None:
    address, password = parse("postgresql://dana:s%40cret@db.example.com/mwms_team?sslmode=require")
    assert (address.user, address.host, address.port, address.database) == (
        "dana",
        "db.example.com",
        5432,
        "mwms_team",
    )
    assert password == "s@cret"
    assert address.url() == "postgresql://dana@db.example.com:5432/mwms_team?sslmode=require"
    assert "s@cret" not in address.url()
    assert parse(address.url()) == (address, None)


def test_ipv6_and_a_port() -> None:
    address, _ = parse("postgres://dana@[::1]:6543/team")
    assert (address.host, address.port) == ("::1", 6543)
    assert parse(address.url())[0] == address


@pytest.mark.parametrize(
    "text",
    [
        "db.example.com/team",
        "mysql://dana@db/team",
        "postgresql://db.example.com/team",  # whose login?
        "postgresql://dana@db.example.com",  # which database?
        "postgresql://dana@db.example.com:99999/team",
        "postgresql://dana@db.example.com/team/extra",
    ],
)
def test_a_bad_address_is_one_clear_line(text: str) -> None:
    with pytest.raises(TeamError) as caught:
        parse(text)
    assert str(caught.value).startswith("Not a team server address:")
    assert "\n" not in str(caught.value)


def test_options_are_checked() -> None:
    with pytest.raises(TeamError, match="unknown option 'password'"):
        parse("postgresql://dana@db/team?password=x")
    with pytest.raises(TeamError, match="Unknown sslmode 'strict'"):
        parse("postgresql://dana@db/team?sslmode=strict")


def test_a_ca_file_means_verify_full_and_no_warning(tmp_path: Path) -> None:
    ca = tmp_path / "ca.pem"
    ca.write_text("x")
    address, _ = parse("postgresql://dana@db/team", ca_file=ca)
    assert (address.sslmode, address.ca_file) == ("verify-full", str(ca.resolve()))
    assert tls_warning(address) is None
    weak, _ = parse("postgresql://dana@db/team")
    assert weak.sslmode == "prefer"
    assert "not verified (sslmode=prefer)" in (tls_warning(weak) or "")
