"""Damaged files: refused on open with the newest good backup named, moved aside (never
deleted) and recovered from that backup; the full check reports problems."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from mwms_desktop import maintenance
from mwms_desktop.cli import main
from mwms_desktop.errors import DatabaseDamaged, DatabaseError
from mwms_desktop.services import open_services
from tests.factories import corrupt as _corrupt
from tests.factories import filled_database as _filled


@pytest.fixture
def damaged(tmp_path: Path) -> tuple[Path, Path]:
    """A database with one good backup, then damaged on disk."""
    path = tmp_path / "p.sqlite"
    _filled(path)
    good = maintenance.backup_now(path)
    _corrupt(path)
    return path, good.path


def test_open_refuses_damage_naming_the_newest_good_backup(damaged):
    """Opening a corrupt file raises DatabaseDamaged whose message names the good backup
    and the command that restores it; the file is left exactly as it was."""
    path, good = damaged
    before = path.read_bytes()
    with pytest.raises(DatabaseDamaged) as info:
        open_services(path)
    message = str(info.value)
    assert "damaged" in message
    assert good.name in message
    assert f"restore {good.name}" in message
    assert info.value.backup == good
    assert path.read_bytes() == before


def test_a_damaged_backup_is_not_offered(damaged):
    """When the newest backup is itself damaged, the older sound one is named instead."""
    path, good = damaged
    newer = good.with_name(good.name.replace(".manual.", "-1.manual."))
    newer.write_bytes(b"SQLite format 3\x00" + b"\x00" * 4000)
    assert maintenance.list_backups(path)[0].path == newer
    with pytest.raises(DatabaseDamaged) as info:
        open_services(path)
    assert info.value.backup == good


def test_not_an_sqlite_file_is_called_damaged(tmp_path):
    """A file of garbage is refused as damaged (no backup to offer), not opened or changed."""
    path = tmp_path / "p.sqlite"
    path.write_bytes(b"this is not a database at all" * 10)
    with pytest.raises(DatabaseDamaged, match="No good backup"):
        open_services(path)
    assert path.read_bytes() == b"this is not a database at all" * 10


def test_recover_moves_the_damaged_file_aside_and_restores(damaged):
    """Recovery renames the damaged file to .damaged-<stamp> (byte for byte, owner-only)
    and puts the newest good backup in place; the database opens with its data."""
    path, good = damaged
    before = path.read_bytes()
    result = maintenance.recover_from_backup(path)
    assert result.backup == good
    (aside,) = [p for p in result.moved_aside if not p.name.endswith(("-wal", "-shm"))]
    assert ".damaged-" in aside.name
    assert aside.read_bytes() == before
    assert stat.S_IMODE(aside.stat().st_mode) == 0o600
    s = open_services(path)
    try:
        assert len(s.portfolio.cards()) == 60
    finally:
        s.close()


def test_recover_without_a_backup_leaves_the_file(tmp_path):
    """No good backup: recovery refuses and the damaged file stays where it is."""
    path = tmp_path / "p.sqlite"
    _filled(path)
    data = _corrupt(path)
    with pytest.raises(DatabaseError, match="No good backup"):
        maintenance.recover_from_backup(path)
    assert path.read_bytes() == data


def test_restore_over_a_damaged_file_labels_it_damaged(damaged):
    """Restoring a chosen backup over a damaged file keeps it aside as .damaged-."""
    path, good = damaged
    result = maintenance.restore(path, good)
    assert any(".damaged-" in p.name for p in result.moved_aside)


def test_check_reports_a_sound_file(services, capsys):
    """`mwms-desktop check` on a sound file says so and exits 0."""
    services.portfolio.add("Acme")
    assert main(["--db", str(services.path), "check"]) == 0
    assert "sound" in capsys.readouterr().out


def test_check_reports_damage_and_the_backup_to_restore(damaged, capsys):
    """On a damaged file `check` lists problems, names the good backup and the restore
    command, and exits 1; it never opens the file for writing."""
    path, good = damaged
    before = path.read_bytes()
    assert main(["--db", str(path), "check"]) == 1
    out = capsys.readouterr().out
    assert "problem(s) found" in out
    assert f"restore {good.name}" in out
    assert path.read_bytes() == before


def test_check_reports_broken_references(services, capsys):
    """A row pointing at a missing record (foreign keys bypassed) is reported by check."""
    services.portfolio.add("Acme")
    services.close()
    con = sqlite3.connect(services.path)
    con.execute("PRAGMA foreign_keys = OFF")
    con.execute(
        "INSERT INTO stakeholder (uuid, updated_at, engagement_id, name, role, influence, alignment, "
        "mitigation, note) VALUES ('u', '2026-01-01T00:00:00+00:00', 999, 'Ghost', '', 'low', "
        "'neutral', '', '')"
    )
    con.commit()
    con.close()
    report = maintenance.check(services.path)
    assert not report.ok
    assert report.problems == ("stakeholder row 1 refers to a missing engagement record",)
    assert main(["--db", str(services.path), "check"]) == 1


def test_cli_names_the_backup_when_opening_fails(damaged, capsys):
    """Any command on a damaged database prints one line naming the backup and the
    restore command, and exits 1 (no traceback); `restore` then brings it back."""
    path, good = damaged
    assert main(["--db", str(path), "list"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert f"mwms-desktop --db {path} restore {good.name}" in err
    assert main(["--db", str(path), "restore", good.name]) == 0
    assert "damaged-" in capsys.readouterr().out
    assert main(["--db", str(path), "list"]) == 0


# --- truncated files are damage, not a new database (issue 10, item 2) ---------------------


@pytest.fixture
def backed_up(tmp_path: Path) -> tuple[Path, Path]:
    """A sound database with one backup; the test then cuts the database short."""
    path = tmp_path / "p.sqlite"
    _filled(path, clients=30)
    good = maintenance.backup_now(path)
    return path, good.path


@pytest.mark.parametrize("keep", [0, 1, 15, 16, 60, 99, 100, 512, 4096, 8192, "half", "one page short"])
def test_a_truncated_file_with_backups_is_damage(backed_up, keep, capsys):
    """Cut to any length, a database that has backups is refused as damaged on open, naming
    the newest good backup (never opened as an empty board), and `check` reports it with
    the backup to restore; the file is left as it was."""
    path, good = backed_up
    data = path.read_bytes()
    page = int.from_bytes(data[16:18], "big")
    length = {"half": len(data) // 2, "one page short": len(data) - page}.get(keep, keep)
    path.write_bytes(data[:length])
    cut = path.read_bytes()
    with pytest.raises(DatabaseDamaged) as info:
        open_services(path)
    assert info.value.backup == good
    assert good.name in str(info.value)
    report = maintenance.check(path)
    assert report.problems
    assert report.newest_good_backup is not None
    assert report.newest_good_backup.path == good
    assert main(["--db", str(path), "list"]) == 1
    assert f"restore {good.name}" in capsys.readouterr().err
    assert path.read_bytes() == cut
    assert maintenance.list_backups(path)[0].path == good


def test_an_empty_sqlite_file_with_backups_is_damage(backed_up):
    """A valid SQLite file with no tables (the schema gone) beside backups is damage too."""
    path, good = backed_up
    path.unlink()
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE x (a)")
    con.execute("DROP TABLE x")
    con.commit()
    con.close()
    before = path.read_bytes()
    assert before[:16] == b"SQLite format 3\x00"
    with pytest.raises(DatabaseDamaged, match=r"\(it has no tables\)") as info:
        open_services(path)
    assert info.value.backup == good
    assert path.read_bytes() == before


def test_an_empty_file_without_backups_opens_new_but_check_says_it_is_empty(tmp_path, capsys):
    """With nothing to restore, a 0-byte file (from `touch`) still opens as a new database;
    but `check`, asked whether it holds a sound database, says it is empty."""
    path = tmp_path / "p.sqlite"
    path.touch()
    assert main(["--db", str(path), "check"]) == 1
    out = capsys.readouterr().out
    assert "it is empty: 0 bytes" in out
    assert "No good backup was found." in out
    assert path.stat().st_size == 0
    s = open_services(path)
    s.close()
    assert maintenance.check(path).ok


# --- the backup offered passes the full check (item 12) ------------------------------------


def _dangle(path: Path) -> None:
    """A stakeholder pointing at no engagement: passes quick_check, fails foreign_key_check."""
    con = sqlite3.connect(path)
    con.execute(
        "INSERT INTO stakeholder (uuid, updated_at, engagement_id, name, role, influence, alignment, "
        "mitigation, note) VALUES ('u', '2026-01-01T00:00:00+00:00', 999, 'Ghost', '', 'low', "
        "'neutral', '', '')"
    )
    con.commit()
    con.close()


def test_the_backup_offered_passes_the_full_check(damaged, capsys):
    """The newest backup has the same kind of fault as a file with a broken reference (it
    passes quick_check), and another is another program's file under a backup's name: both
    are passed over for the older backup that passes integrity and foreign key checks."""
    path, good = damaged
    dangling = good.with_name(good.name.replace(".manual.", "-1.manual."))
    dangling.write_bytes(good.read_bytes())
    _dangle(dangling)
    assert maintenance.check(dangling).problems  # the full check sees it...
    assert not check_quick(dangling)  # ...the quick one does not
    foreign = good.with_name(good.name.replace(".manual.", "-2.manual."))
    con = sqlite3.connect(foreign)
    con.execute("CREATE TABLE t (x)")
    con.close()
    assert [b.path for b in maintenance.list_backups(path)][:2] == [foreign, dangling]

    assert maintenance.newest_good_backup(path).path == good
    with pytest.raises(DatabaseDamaged) as info:
        open_services(path)
    assert info.value.backup == good
    assert main(["--db", str(path), "check"]) == 1
    assert f"restore {good.name}" in capsys.readouterr().out


def check_quick(path: Path) -> list[str]:
    from db import backup

    return backup.check(path, "quick_check")


# --- the backups folder (item 13) ----------------------------------------------------------


def test_a_backups_symlink_is_followed_but_its_target_keeps_its_mode(services, tmp_path):
    """`backups` may be a link to another disk: backups are written there (owner-only), but
    the folder it points to is the user's and keeps its mode."""
    services.portfolio.add("Acme")
    target = tmp_path / "elsewhere"
    target.mkdir(mode=0o755)
    target.chmod(0o755)
    (services.path.parent / "backups").symlink_to(target)
    made = maintenance.backup_now(services.path)
    assert made.path.parent.resolve() == target.resolve()
    assert stat.S_IMODE(made.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(target.stat().st_mode) == 0o755


def test_a_backups_folder_of_our_own_is_made_owner_only(services):
    services.portfolio.add("Acme")
    made = maintenance.backup_now(services.path)
    assert stat.S_IMODE(made.path.parent.stat().st_mode) == 0o700


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.mkdir(), "{p} is a folder, not a database file."),
        pytest.param(
            lambda p: os.mkfifo(p),
            "{p} is not a regular file (a pipe or a device), not a database file.",
            marks=pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX FIFOs"),
        ),
        (lambda p: None, "{p} does not exist."),
    ],
    ids=["folder", "fifo", "missing"],
)
@pytest.mark.parametrize("action", [maintenance.backup_now, maintenance.check], ids=["backup", "check"])
def test_backup_and_check_say_what_the_path_is(tmp_path, make, message, action):
    """The window's Back up now and the checks say a folder or a pipe is one (not that it
    does not exist), without opening it; nothing is created beside it."""
    path = tmp_path / "p.sqlite"
    make(path)
    with pytest.raises(DatabaseError) as info:
        action(path)
    assert str(info.value) == message.format(p=path)
    assert [p.name for p in tmp_path.iterdir() if p.name != "userdata"] == (
        [] if "exist" in message else ["p.sqlite"]
    )


# --- restore recognises both files (item 7) -------------------------------------------------


def test_restore_refuses_to_move_another_programs_file_aside(tmp_path):
    """A backup restored over another program's file (named as the database) is refused by
    the restore itself, not only by the CLI: the file stays where it is, byte for byte."""
    source = tmp_path / "src" / "p.sqlite"
    source.parent.mkdir()
    _filled(source, clients=3)
    good = maintenance.backup_now(source)
    other = tmp_path / "o.sqlite"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE t (x)")
    con.close()
    before = other.read_bytes()
    with pytest.raises(
        DatabaseError, match=r"^Not restored: o\.sqlite is an SQLite file of another program\.$"
    ):
        maintenance.restore(other, good.path)
    assert other.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "userdata") == ["o.sqlite", "src"]


def test_an_old_backup_without_the_application_id_is_still_restored(tmp_path):
    """A schema-1 backup (made before files carried the application id) is recognised by its
    tables, restored, and upgraded when the database next opens."""
    path = tmp_path / "p.sqlite"
    _filled(path, clients=2)
    old = tmp_path / "old-v1.sqlite"
    con = sqlite3.connect(old)
    con.executescript((Path(__file__).parent / "data" / "schema_v1.sql").read_text())
    con.close()
    maintenance.restore(path, old)
    s = open_services(path)
    try:
        assert s.portfolio.cards() == []
    finally:
        s.close()
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA application_id").fetchone()[0] == 0x4D574D53
    con.close()


def test_restore_of_an_empty_file_is_refused(tmp_path):
    path = tmp_path / "p.sqlite"
    _filled(path, clients=2)
    empty = tmp_path / "empty.sqlite"
    empty.touch()
    with pytest.raises(
        DatabaseError, match=r"^Not restored: empty\.sqlite holds no MWMS Desktop database\.$"
    ):
        maintenance.restore(path, empty)
    assert maintenance.check(path).ok


@pytest.mark.parametrize("keep", [0, 100])
def test_restore_over_a_truncated_file_keeps_it_aside_as_damaged(backed_up, keep):
    """A file cut short holds no database: restoring over it keeps it aside, byte for byte,
    as .damaged- (not as a 'replaced' database) and the backup's content is back."""
    path, good = backed_up
    path.write_bytes(path.read_bytes()[:keep])
    cut = path.read_bytes()
    result = maintenance.restore(path, good)
    (aside,) = [p for p in result.moved_aside if not p.name.endswith(("-wal", "-shm"))]
    assert ".damaged-" in aside.name
    assert aside.read_bytes() == cut
    assert open_services(path).portfolio.count() == 30
