"""`mwms-desktop screenshot` renders the real window headless to a PNG of the asked size."""

from __future__ import annotations

from PySide6.QtGui import QImage

from mwms_desktop.cli import main


def test_screenshot_writes_a_png_of_the_board(demo_services, db_path, tmp_path, capsys):
    """The PNG exists, has the requested size, and is not blank (cards were painted)."""
    demo_services.close()
    target = tmp_path / "board.png"
    assert main(["--db", str(db_path), "screenshot", str(target), "--size", "1200x800"]) == 0
    image = QImage(str(target))
    assert (image.width(), image.height()) == (1200, 800)
    colours = {image.pixel(x, y) for x in range(0, 1200, 40) for y in range(60, 800, 40)}
    assert len(colours) > 5
    assert "Saved" in capsys.readouterr().out
    assert not list(tmp_path.glob("*.ini"))  # scratch settings never land beside the target


def test_screenshot_refuses_bad_size_and_missing_folder(services, db_path, tmp_path, capsys):
    """Bad input gives one clear line and a non-zero exit, no traceback, no file."""
    services.close()
    assert main(["--db", str(db_path), "screenshot", str(tmp_path / "a.png"), "--size", "huge"]) == 1
    assert "Size must look like 1440x900" in capsys.readouterr().err
    assert main(["--db", str(db_path), "screenshot", str(tmp_path / "no" / "a.png")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "does not exist" in err


def test_screenshot_in_swimlanes_shows_the_lanes_and_leaves_the_preference(
    demo_services, db_path, tmp_path, monkeypatch
):
    """`--lanes type` renders the board in swimlanes by engagement type; a plain run does not."""
    from ui.main_window import MainWindow

    shown: list[str] = []
    real = MainWindow.set_swimlanes

    def spy(self, field):
        real(self, field)
        shown.append(type(self.boards.currentWidget()).__name__ + ":" + field)

    monkeypatch.setattr(MainWindow, "set_swimlanes", spy)
    demo_services.close()
    assert main(["--db", str(db_path), "screenshot", str(tmp_path / "lanes.png"), "--lanes", "type"]) == 0
    assert main(["--db", str(db_path), "screenshot", str(tmp_path / "plain.png")]) == 0
    # Each window opens plain (the scratch settings hold no choice), then is set as asked.
    assert shown == ["QScrollArea:", "SwimlaneBoard:engagement_type", "QScrollArea:", "QScrollArea:"]
    assert QImage(str(tmp_path / "lanes.png")) != QImage(str(tmp_path / "plain.png"))


def test_screenshot_renders_the_library_and_the_related_panel(services, tmp_path):
    from tests.core.library_helpers import portfolio

    ids = portfolio(services)
    path = services.path
    services.close()
    assert main(["--db", str(path), "screenshot", str(tmp_path / "lib.png"), "--library", "checkout",
                 "--size", "900x500"]) == 0  # fmt: skip
    assert main(["--db", str(path), "screenshot", str(tmp_path / "rel.png"), "--open", str(ids["c"]),
                 "--related", "Express checkout buttons", "--size", "1100x500"]) == 0  # fmt: skip
    for name, width in (("lib.png", 900), ("rel.png", 1100)):
        image = QImage(str(tmp_path / name))
        assert (image.width(), image.height()) == (width, 500)
    assert main(["--db", str(path), "screenshot", str(tmp_path / "x.png"), "--related", "x"]) == 1
