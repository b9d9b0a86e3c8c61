"""Tooltips built from user data show it as typed: a client named like markup is not
formatted (Qt guesses a tooltip is rich text when it looks like markup)."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QToolBar

from mwms_desktop import library
from tests.core.library_helpers import portfolio
from tests.factories import engagement_at
from tests.ui.tips import shown
from ui.library.related_panel import RelatedPanel
from ui.library.window import LibraryWindow
from ui.main_window import MainWindow
from ui.preferences import Preferences
from ui.tooltip import plain_tip

NAME = "<b>Acme</b> & <img src=x>"
STATEMENT = "Checkout <i>trust</i> badges &amp; guarantees lift conversion"


def test_plain_tip_shows_any_text_as_typed():
    for text in (NAME, STATEMENT, "line one\n  indented two", "a < b > c", "&lt;"):
        assert shown(plain_tip(text)) == text
    assert plain_tip("") == ""


def test_the_library_shows_a_markup_like_client_and_statement_literally(qtbot, services):
    ids = portfolio(services)
    eid = engagement_at(services, "optimization", NAME, "ecommerce_growth")
    services.records.add("learning", eid, statement=STATEMENT, tags="checkout")
    w = LibraryWindow(services, lambda *a: None)
    qtbot.addWidget(w)
    w.show()
    qtbot.keyClicks(w.search, "guarantees")
    qtbot.waitUntil(lambda: w.result is not None and w.result.query.words == ("guarantees",) and
                    w.model.rowCount() == 1 and w.facets.topLevelItemCount() > 0, timeout=10_000)  # fmt: skip
    model = w.model
    assert shown(model.index(0, 1).data(Qt.ItemDataRole.ToolTipRole)) == STATEMENT
    assert shown(model.index(0, 2).data(Qt.ItemDataRole.ToolTipRole)) == NAME
    assert model.index(0, 2).data(Qt.ItemDataRole.DisplayRole) == NAME  # the cell itself: unchanged
    client = next(w.facets.topLevelItem(i) for i in range(w.facets.topLevelItemCount())
                  if w.facets.topLevelItem(i).text(0) == "Client")  # fmt: skip
    assert shown(client.child(0).toolTip(0)) == f'Narrow to client:"{NAME}"'
    w.close()

    panel = RelatedPanel(ids["c"], pause_ms=0)
    qtbot.addWidget(panel)
    panel.set_text("guarantees lift conversion")
    qtbot.waitUntil(lambda: not panel.query.busy and panel.list.count() > 0, timeout=10_000)
    tips = [shown(panel.list.item(i).toolTip()) for i in range(panel.list.count())]
    assert f"{STATEMENT}\n{NAME} · results: —" in tips
    panel.wait()
    assert library.search("guarantees").hits[0].client == NAME


def test_the_undo_buttons_tooltip_names_a_markup_like_client_literally(qtbot, services, tmp_path):
    prefs = Preferences(QSettings(str(tmp_path / "prefs.ini"), QSettings.Format.IniFormat))
    w = MainWindow(services, prefs, restore_state=False)
    qtbot.addWidget(w)
    w.show()
    w.controller.add(NAME, "consulting", "")
    (undo,) = [a for a in w.findChild(QToolBar, "boardToolbar").actions() if a.text() == "Undo"]
    assert NAME in shown(undo.toolTip())
