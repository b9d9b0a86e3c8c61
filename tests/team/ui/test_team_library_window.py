"""The library window's *Team library* toggle against the real team server, driven as a person
does: shown only once the database is in a team, clicked (or Alt+T), typed into; a colleague's
client shows as its type, a client's markup as written; "Offline" in one quiet line."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from mwms_desktop.services import Services
from mwms_desktop.team import address, membership
from tests.team.helpers import add, free_port_nobody_uses, insert_engagement, insert_learning, login
from tests.team.pg_server import TestServer
from ui.library.team_view import OFFLINE, TeamRole
from ui.library.window import LibraryWindow

LEFT = Qt.MouseButton.LeftButton
MARKUP = "<b>Bold & Co</b>"


@pytest.fixture
def colleague_rows(pg_server: TestServer, team_db: str) -> str:
    """alice's engagements on the server: an open learning, a private one, and a client whose
    name is markup (shared with no one). Returns nothing of hers but the team database."""
    creds = add(pg_server, team_db, "alice")
    with login(pg_server, team_db, *creds) as alice:
        eid = insert_engagement(alice, "e-alice", "Acme Retail", notes="budget is tight")
        insert_learning(alice, eid, "l-open", "Free shipping beats discounts")
        insert_learning(alice, eid, "l-private", "Free shipping upsets the CFO", private=True)
    return team_db


def opened(qtbot, services: Services) -> LibraryWindow:
    w = LibraryWindow(services, lambda *a: None)
    qtbot.addWidget(w)
    w.show()
    with qtbot.waitActive(w):  # offscreen: the window manager's part
        w.activateWindow()
    qtbot.waitUntil(lambda: w.result is not None and not w.team_check.busy)
    return w


def rows(w: LibraryWindow) -> list[tuple[str, str]]:
    m = w.team_model
    return [(m.index(r, 0).data(), m.index(r, 1).data()) for r in range(m.rowCount())]


def type_team(qtbot, w: LibraryWindow, text: str) -> None:
    w.search.clear()
    qtbot.keyClicks(w.search, text)
    qtbot.waitUntil(lambda: w.count.text() != "Searching the team library…" and not w.team_query.busy,
                    timeout=15_000)  # fmt: skip


def test_the_toggle_searches_the_team_with_a_colleagues_client_masked(
    qtbot, pg_server: TestServer, colleague_rows: str, services: Services, memory_keyring
) -> None:
    team_db = colleague_rows
    me, password = add(pg_server, team_db, "win_lib")
    membership.remember(*membership.verify(pg_server.url(team_db, user=me, password=password), ask=None))
    with login(pg_server, team_db, me, password) as conn:
        eid = insert_engagement(conn, "e-mine", MARKUP)
        insert_learning(conn, eid, "l-mine", "Shipping estimates lift conversion")
    services.portfolio.add("Local Only", "consulting")

    w = opened(qtbot, services)
    assert w.team_box.isVisible()
    assert not w.team_box.isChecked()
    qtbot.mouseClick(w.team_box, LEFT, pos=w.team_box.rect().center())
    assert w.team_box.isChecked()
    assert w.stack.currentWidget() is w.team_results
    assert not w.facets.isVisible()

    type_team(qtbot, w, "shipping")
    assert w.count.text() == "2 found in the team library."
    assert sorted(rows(w)) == [
        ("Free shipping beats discounts", "an ecommerce growth client"),
        ("Shipping estimates lift conversion", MARKUP),  # as written, never as markup
    ]
    assert "Acme" not in str(rows(w))
    assert "CFO" not in str(rows(w))  # alice's private learning never comes

    # The selected learning's detail: alice's client not named, mine escaped.
    qtbot.keyClick(w.search, Qt.Key.Key_Return)  # Enter goes to the results, on the first
    assert w.team_results.hasFocus()
    for r in range(w.team_model.rowCount()):
        if r:
            qtbot.keyClick(w.team_results, Qt.Key.Key_Down)
        learning = w.team_results.currentIndex().data(TeamRole)
        assert learning is w.team_model.learnings[r]
        text = w.detail.toPlainText()
        assert learning.statement in text
        if learning.uuid == "l-mine":
            assert MARKUP in text
        else:
            assert "Acme" not in text
            assert "an ecommerce growth client" in text

    # Alt+T goes back to this laptop's library: its own search, its facets.
    qtbot.keyClick(w.team_results, Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)
    assert not w.team_box.isChecked()
    assert w.stack.currentWidget() is w.results
    qtbot.waitUntil(lambda: not w.query.busy and w.result is not None and w.count.text() != "Searching…")
    assert w.count.text() == "Nothing found."  # "shipping" is in no local record
    assert w.team_model.rowCount() == 0


def test_offline_is_one_quiet_line(
    qtbot, pg_server: TestServer, colleague_rows: str, services: Services, memory_keyring
) -> None:
    me, password = add(pg_server, colleague_rows, "win_lib_off")
    port = free_port_nobody_uses()  # the laptop is off the network
    found, _ = address.parse(f"postgresql://{me}@127.0.0.1:{port}/{colleague_rows}")
    membership.remember(found, password)
    w = opened(qtbot, services)
    w.team_box.setFocus()
    qtbot.keyClick(w.team_box, Qt.Key.Key_Space)
    assert w.team_box.isChecked()
    qtbot.waitUntil(lambda: w.count.text() == OFFLINE, timeout=15_000)
    assert QApplication.activeModalWidget() is None  # no dialog
    assert w.team_model.rowCount() == 0
    assert "\n" not in w.count.text()


def test_not_in_a_team_the_toggle_is_not_shown(qtbot, services: Services) -> None:
    w = opened(qtbot, services)
    assert not w.team_box.isVisible()
    assert not w.team_box.isChecked()
