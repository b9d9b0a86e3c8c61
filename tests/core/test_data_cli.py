"""The data commands end to end: backup, backups, restore, export, import, export-csv;
errors are one line on stderr with exit status 1."""

from __future__ import annotations

import json

import pytest

from mwms_desktop import maintenance
from mwms_desktop.cli import main


def _db(services) -> list[str]:
    return ["--db", str(services.path)]


def test_backup_backups_restore(services, capsys):
    """`backup` prints the new file's path, `backups` lists it, `restore NAME` brings it
    back and says where the replaced file was kept."""
    services.portfolio.add("Before")
    assert main([*_db(services), "backup"]) == 0
    out = capsys.readouterr().out
    (b,) = maintenance.list_backups(services.path)
    assert str(b.path) in out
    assert main([*_db(services), "backups"]) == 0
    assert b.name in capsys.readouterr().out
    services.portfolio.add("After")
    services.close()
    assert main([*_db(services), "restore", b.name]) == 0
    out = capsys.readouterr().out
    assert f"Restored {services.path.name} from {b.name}" in out
    assert ".replaced-" in out
    assert main([*_db(services), "list", "--json"]) == 0
    assert [r["client"] for r in json.loads(capsys.readouterr().out)] == ["Before"]


def test_no_backups_yet_and_unknown_backup(services, capsys):
    """An empty list says how to make one; an unknown name is a one-line error."""
    assert main([*_db(services), "backups"]) == 0
    assert "No backups" in capsys.readouterr().out
    assert main([*_db(services), "restore", "nope.sqlite"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("mwms-desktop: No backup 'nope.sqlite'")
    assert err.count("\n") == 1


def test_backup_of_a_missing_database(tmp_path, capsys):
    """Backing up a file that does not exist is a clear error."""
    assert main(["--db", str(tmp_path / "none.sqlite"), "backup"]) == 1
    assert "does not exist" in capsys.readouterr().err


def test_export_then_import_prints_added_then_skipped(demo_services, tmp_path, capsys):
    """Export two engagements; importing them into a new file reports them added (the
    counts, and the few clients), importing again reports everything skipped."""
    bundle = tmp_path / "two.json"
    assert main([*_db(demo_services), "export", str(bundle), "--engagement", "1", "--engagement", "2"]) == 0
    assert "Exported 2 engagement(s)" in capsys.readouterr().out
    clients = [demo_services.portfolio.card(i).client for i in (1, 2)]
    demo_services.close()
    other = ["--db", str(tmp_path / "other.sqlite")]
    assert main([*other, "import", str(bundle)]) == 0
    out = capsys.readouterr().out
    assert "engagements: 2 added, 0 updated, 0 skipped" in out
    assert "deleted, 0 skipped, 0 conflicts." in out
    assert "Added: " + ", ".join(clients) in out
    assert "backed up first" in out
    assert main([*other, "import", str(bundle)]) == 0
    out = capsys.readouterr().out
    assert "engagements: 0 added, 0 updated, 2 skipped" in out
    assert "stage moves: 0 added" in out
    assert "Records: 0 added, 0 updated, 0 deleted, " in out


def test_import_of_a_malformed_bundle_is_one_line(services, tmp_path, capsys):
    """A bad bundle: exit 1, one line naming the place, nothing imported."""
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "mwms-desktop-bundle", "version": 1, "exported_at": '
                   '"2026-11-02T09:00:00+00:00", "engagements": [{"uuid": 3}]}')  # fmt: skip
    assert main([*_db(services), "import", str(bad)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("mwms-desktop: engagements[0]: missing field")
    assert err.count("\n") == 1
    assert services.portfolio.count() == 0


def test_export_unknown_engagement_and_missing_folder(services, tmp_path, capsys):
    """Unknown ids and unusable targets are one-line errors; nothing is written."""
    assert main([*_db(services), "export", str(tmp_path / "x.json"), "--engagement", "99"]) == 1
    assert "No engagement with id 99" in capsys.readouterr().err
    assert main([*_db(services), "export", str(tmp_path / "no" / "x.json")]) == 1
    assert "does not exist" in capsys.readouterr().err
    assert not (tmp_path / "x.json").exists()


def test_export_csv(demo_services, tmp_path, capsys):
    """`export-csv` writes the board and says how many rows."""
    target = tmp_path / "board.csv"
    assert main([*_db(demo_services), "export-csv", str(target)]) == 0
    count = len(demo_services.portfolio.cards())
    assert f"Wrote {count} engagement(s)" in capsys.readouterr().out
    assert len(target.read_text(encoding="utf-8-sig").splitlines()) == count + 1


def test_export_with_a_bad_engagement_id_is_a_usage_error(services, tmp_path, capsys):
    """`export out.json --engagement abc`: one usage line, exit 2, no traceback, no file."""
    with pytest.raises(SystemExit) as exited:
        main(["--db", str(services.path), "export", str(tmp_path / "out.json"), "--engagement", "abc"])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "'abc' is not an engagement id" in err
    assert "Traceback" not in err
    assert not (tmp_path / "out.json").exists()


@pytest.mark.parametrize("when", ["parsing", "checking against the database"])
def test_a_refused_import_into_a_new_db_leaves_no_file(services, tmp_path, capsys, monkeypatch, when):
    """Refused while the bundle is read (nothing is created) or later, once the new database
    was opened: either way the folder is left as it was, with no empty database in it."""
    from mwms_desktop import bundle as bundle_module
    from mwms_desktop.bundle import export_bundle
    from mwms_desktop.errors import BundleError

    services.portfolio.add("Acme")
    file = tmp_path / "b.json"
    export_bundle(file)
    services.close()
    if when == "parsing":
        file.write_text('{"format": "nope"}', encoding="utf-8")
    else:

        def refuse(bundle):
            raise BundleError("engagements[0]: refused for this test.")

        monkeypatch.setattr(bundle_module, "check_against_db", refuse)
    folder = tmp_path / "laptop"
    folder.mkdir()
    assert main(["--db", str(folder / "new.sqlite"), "import", str(file)]) == 1
    assert capsys.readouterr().err.startswith("mwms-desktop: ")
    assert list(folder.iterdir()) == []


def test_import_summarises_the_added_clients(demo_services, tmp_path, capsys):
    """Thirteen engagements added: five names, then how many more, not every name."""
    bundle = tmp_path / "all.json"
    assert main([*_db(demo_services), "export", str(bundle)]) == 0
    clients = [c.client for c in demo_services.portfolio.cards(statuses=None)]
    demo_services.close()
    capsys.readouterr()
    assert main(["--db", str(tmp_path / "other.sqlite"), "import", str(bundle)]) == 0
    (added,) = [line for line in capsys.readouterr().out.splitlines() if line.startswith("Added: ")]
    names = added.removeprefix("Added: ").removesuffix(f" and {len(clients) - 5} more").split(", ")
    assert len(names) == 5
    assert set(names) <= set(clients)
