"""The library window and the related-learnings panel, driven as a person does."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from mwms_desktop import library
from tests.core.library_helpers import portfolio
from ui.library.related_panel import CONTRADICTING, RelatedPanel
from ui.library.results_model import HitRole, ResultsModel
from ui.library.window import LibraryWindow


@pytest.fixture
def opened():
    return []


@pytest.fixture
def window(qtbot, services, opened):
    ids = portfolio(services)
    w = LibraryWindow(services, lambda *a: opened.append(a))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    qtbot.waitUntil(lambda: w.result is not None)
    w.ids = ids  # type: ignore[attr-defined]
    return w


def _type(qtbot, w: LibraryWindow, text: str) -> None:
    w.search.clear()
    qtbot.keyClicks(w.search, text)
    qtbot.waitUntil(lambda: not w.query.busy and not w.facet_query.busy and w.result is not None
                    and w.result.query == library.search(w.search.text()).query)  # fmt: skip


def test_the_results_model_is_a_sound_qt_model(qtmodeltester, services):
    portfolio(services)
    model = ResultsModel()
    model.set_hits(library.search("checkout").hits)
    qtmodeltester.check(model)
    model.set_hits(())
    qtmodeltester.check(model)
    hits = library.search("checkout").hits
    wanted = []
    model.more_wanted.connect(lambda: wanted.append(model.rowCount()))
    model.set_hits(hits[:1], more=True)  # a first page, more to come
    qtmodeltester.check(model)
    assert wanted == [1]  # asked once, until the page comes
    assert not model.canFetchMore()
    model.add_hits(hits[1:], more=False)
    qtmodeltester.check(model)
    assert [h.id for h in model.hits] == [h.id for h in hits]
    assert not model.canFetchMore()


def test_typing_searches_every_engagement(qtbot, window):
    _type(qtbot, window, "muller invo")
    hits = [window.model.data(window.model.index(r, 0), HitRole) for r in range(window.model.rowCount())]
    assert [h.id for h in hits] == [window.ids["muller"]]
    assert window.count.text() == "1 found."
    _type(qtbot, window, '"(AND -')  # any text: never an error
    assert "found" in window.count.text() or window.count.text() == "Nothing found."


def test_a_facet_value_narrows_the_query(qtbot, window):
    _type(qtbot, window, "checkout")
    tree = window.facets
    tags = next(tree.topLevelItem(i) for i in range(tree.topLevelItemCount())
                if tree.topLevelItem(i).text(0) == "Tags")  # fmt: skip
    trust = next(tags.child(i) for i in range(tags.childCount()) if tags.child(i).text(0).startswith("trust"))
    assert trust.text(0) == "trust (1)"
    tree.setFocus()
    tree.setCurrentItem(trust)
    qtbot.keyClick(tree, Qt.Key.Key_Return)
    assert window.search.text() == "checkout tag:trust"
    qtbot.waitUntil(lambda: window.model.rowCount() == 1)
    assert window.model.hit(0).id == window.ids["checkout"]


def test_the_evidence_chain_and_reuse_show_for_the_selected_result(qtbot, window, services):
    h = services.records.add("hypothesis", window.ids["c"], statement="Badges for cards").id
    services.citations.cite("hypothesis", h, window.ids["checkout"])
    _type(qtbot, window, "badges kind:learning")
    qtbot.waitUntil(lambda: "Reused in 1 engagement" in window.detail.toPlainText())
    text = window.detail.toPlainText()
    assert "Cycle (Experimentation cycle, win): Shipping test" in text
    assert "Hypothesis: Show shipping early" in text
    assert "Insight: Users abandon at shipping" in text
    assert "Иванов и партнёры" in text


def test_enter_opens_the_engagement_at_the_record(qtbot, window, opened):
    _type(qtbot, window, "invoices")
    qtbot.keyClick(window.search, Qt.Key.Key_Return)  # to the results
    assert window.results.hasFocus()
    qtbot.keyClick(window.results, Qt.Key.Key_Return)
    assert opened == [(window.ids["b"], "learning", window.ids["muller"])]


def test_the_workspace_opens_at_the_record(make, services, qtbot):
    from ui.library.open_record import show_record

    ids = portfolio(services)
    h = make(services, ids["b"])
    h.show(qtbot)
    show_record(h.window, "learning", ids["muller"])
    pane = h.pane("Learnings")
    assert h.window.tabs.currentWidget() is pane
    assert pane.table.selected_id() == ids["muller"]


def test_without_fts5_it_still_finds_and_says_once_it_is_slower(qtbot, services, monkeypatch):
    from db import fts

    portfolio(services)
    monkeypatch.setattr(fts, "fts5_available", lambda database: False)
    w = LibraryWindow(services, lambda *a: None)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.result is not None)
    assert w.notice.isVisible()
    assert "slower" in w.notice.text()
    _type(qtbot, w, "zoe")
    assert w.model.rowCount() >= 1


# --- the related-learnings panel -----------------------------------------------------------


def test_the_panel_follows_the_statement_as_it_is_typed_and_cites(make, services, qtbot, monkeypatch):
    ids = portfolio(services)
    h = make(services, ids["c"])
    h.show(qtbot)
    table = h.pane("Insights & hypotheses").hypotheses
    threads = []
    real = library.related

    def spy(*args, **kw):
        threads.append(threading.current_thread())
        return real(*args, **kw)

    monkeypatch.setattr(library, "related", spy)
    dialog = table.add_dialog()
    dialog.show()
    qtbot.waitExposed(dialog)
    panel: RelatedPanel = dialog.related
    editor = dialog.form.editors["statement"]
    editor.setFocus()
    qtbot.keyClicks(editor, "Express checkout buttons for first buyers")
    qtbot.waitUntil(lambda: panel.list.count() >= 2)
    texts = [panel.list.item(i).text() for i in range(panel.list.count())]
    first = next(i for i, t in enumerate(texts) if t.startswith("Express buttons confuse"))
    assert CONTRADICTING in texts[first]  # its cycle was a loss
    assert not any(t.startswith("Иванов") for t in texts)  # never its own engagement
    assert threads
    assert all(t is not threading.main_thread() for t in threads)  # the keystrokes never waited
    panel.list.setFocus()
    panel.list.setCurrentRow(first)
    qtbot.keyClick(panel.list, Qt.Key.Key_Return)  # cite it
    assert "cited" in panel.list.item(first).text()
    qtbot.keyClick(editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # save
    qtbot.waitUntil(lambda: not dialog.isVisible())
    new = max(hy.id for hy in services.lifecycle.detail(ids["c"]).hypotheses)
    (cited,) = services.citations.built_on("hypothesis", new)
    assert cited.learning_id == ids["notes_only"]
    assert services.citations.reused(ids["notes_only"])[0].client == "Иванов и партнёры"


CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def _undo_key(qtbot, h, mods) -> None:
    """Ctrl+Z (or Ctrl+Shift+Z) in the workspace window, as the person presses it."""
    with qtbot.waitActive(h.window):
        h.window.activateWindow()
    h.window.tabs.setFocus()
    qtbot.keyClick(h.window.tabs, Qt.Key.Key_Z, mods)


def _reused(services, lid: int) -> list[str]:
    return [c.client for c in services.citations.reused(lid)]


def _cite_row(qtbot, panel: RelatedPanel, statement: str) -> int:
    qtbot.waitUntil(lambda: panel.list.count() >= 1)
    texts = [panel.list.item(i).text() for i in range(panel.list.count())]
    row = next(i for i, t in enumerate(texts) if t.startswith(statement))
    panel.list.setFocus()
    panel.list.setCurrentRow(row)
    qtbot.keyClick(panel.list, Qt.Key.Key_Return)  # cite it
    return row


def test_adding_and_citing_in_one_dialog_is_one_undo_step(make, services, qtbot):
    ids = portfolio(services)
    h = make(services, ids["c"])
    h.show(qtbot)
    table = h.pane("Insights & hypotheses").hypotheses
    before = h.detail().hypotheses
    dialog = table.add_dialog()
    dialog.show()
    qtbot.waitExposed(dialog)
    editor = dialog.form.editors["statement"]
    editor.setFocus()
    qtbot.keyClicks(editor, "Express checkout buttons for first buyers")
    _cite_row(qtbot, dialog.related, "Express buttons confuse")
    qtbot.keyClick(editor, Qt.Key.Key_Return, CTRL)  # save
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert _reused(services, ids["notes_only"]) == ["Иванов и партнёры"]
    assert h.stack.undoText() == "Add hypothesis built on 1 learning"

    _undo_key(qtbot, h, CTRL)  # the hypothesis and its citation go together
    assert _reused(services, ids["notes_only"]) == []
    assert h.detail().hypotheses == before
    _undo_key(qtbot, h, CTRL_SHIFT)
    (hyp,) = set(h.detail().hypotheses) - set(before)
    assert hyp.statement == "Express checkout buttons for first buyers"
    (cited,) = services.citations.built_on("hypothesis", hyp.id)
    assert cited.learning_id == ids["notes_only"]


def test_citing_and_removing_a_citation_are_undoable_edits(make, services, qtbot):
    ids = portfolio(services)
    hid = services.records.add("hypothesis", ids["c"], statement="Express checkout for first buyers").id
    h = make(services, ids["c"])
    h.show(qtbot)
    table = h.pane("Insights & hypotheses").hypotheses
    table.select_id(hid)
    dialog = table.edit_dialog(hid)
    dialog.show()
    qtbot.waitExposed(dialog)
    panel: RelatedPanel = dialog.related
    _cite_row(qtbot, panel, "Express buttons confuse")  # recorded at once
    assert _reused(services, ids["notes_only"]) == ["Иванов и партнёры"]
    assert h.stack.undoText() == "Cite a learning of Müller & Söhne GmbH"
    built_on = dialog.built_on
    assert built_on.list.count() == 1
    built_on.list.setFocus()
    built_on.list.setCurrentRow(0)
    qtbot.mouseClick(built_on.remove_button, Qt.MouseButton.LeftButton)
    assert _reused(services, ids["notes_only"]) == []
    assert built_on.list.count() == 0
    assert "cited" not in panel.list.item(0).text()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())

    _undo_key(qtbot, h, CTRL)  # the removal undone: the citation is back, as it was
    (back,) = services.citations.built_on("hypothesis", hid)
    assert _reused(services, ids["notes_only"]) == ["Иванов и партнёры"]
    _undo_key(qtbot, h, CTRL)  # the citing undone: the "reused in" count goes back
    assert _reused(services, ids["notes_only"]) == []
    _undo_key(qtbot, h, CTRL_SHIFT)  # redo: the same citation (same uuid) again
    (again,) = services.citations.built_on("hypothesis", hid)
    assert again.uuid == back.uuid
    assert _reused(services, ids["notes_only"]) == ["Иванов и партнёры"]


def test_an_answer_to_older_text_is_dropped(qtbot, services):
    ids = portfolio(services)
    panel = RelatedPanel(ids["c"], pause_ms=0)
    qtbot.addWidget(panel)
    panel.set_text("invoices")
    panel.set_text("badges trust")
    qtbot.waitUntil(lambda: not panel.query.busy)
    QApplication.processEvents()
    assert [panel.list.item(i).data(Qt.ItemDataRole.UserRole + 3) for i in range(panel.list.count())][:1] == [
        ids["checkout"]
    ]
    panel.wait()


def test_the_playbook_is_written_on_a_worker_for_the_searched_type_and_tag(qtbot, window, tmp_path):
    _type(qtbot, window, "type:ecommerce_growth tag:checkout")
    target = tmp_path / "book.pdf"
    task = window.export_playbook(target)
    with qtbot.waitSignal(task.done, timeout=20000) as blocker:
        pass
    assert blocker.args[0].path == target
    assert target.read_bytes().startswith(b"%PDF")
    assert window.count.text().startswith("Playbook written: book.pdf")


def test_view_learning_library_opens_it_and_enter_opens_the_workspace_at_the_record(
    qtbot, services, tmp_path
):
    from PySide6.QtCore import QSettings

    from ui.main_window import MainWindow
    from ui.preferences import Preferences

    ids = portfolio(services)
    main = MainWindow(services, Preferences(QSettings(str(tmp_path / "p.ini"), QSettings.Format.IniFormat)),
                      restore_state=False)  # fmt: skip
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    assert main.library_action.shortcut().toString() == "Ctrl+L"
    assert main.library_action in main.actions()  # active from anywhere in the window
    main.library_action.trigger()
    lib = main.library_window
    qtbot.waitUntil(lambda: lib.isVisible() and lib.result is not None)
    _type(qtbot, lib, "invoices")
    qtbot.keyClick(lib.search, Qt.Key.Key_Return)
    qtbot.keyClick(lib.results, Qt.Key.Key_Return)
    workspace = main.active_workspace()
    assert workspace is not None
    assert workspace.eid == ids["b"]
    pane = workspace.pane("Learnings")
    assert workspace.tabs.currentWidget() is pane
    assert pane.table.selected_id() == ids["muller"]
    lib.close()


def test_facet_counts_come_after_the_results_and_never_for_text_typed_over(qtbot, services, monkeypatch):
    portfolio(services)
    w = LibraryWindow(services, lambda *a: None)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.result is not None and not w.facet_query.busy)
    counted: list[str] = []
    real = library.search

    def spy(text, *args, **kw):
        if kw.get("facets", True):
            counted.append(text)
        return real(text, *args, **kw)

    monkeypatch.setattr(library, "search", spy)
    w.search.setFocus()
    qtbot.keyClicks(w.search, "check")
    qtbot.waitUntil(lambda: w.result is not None and w.result.query.words == ("check",))
    assert w.facet_query.busy  # the page first, its counts asked for after a pause
    qtbot.keyClicks(w.search, "out")  # typed before the counts of "check" were asked for
    qtbot.waitUntil(
        lambda: not w.query.busy and not w.facet_query.busy and w.result.query.words == ("checkout",)
    )
    qtbot.waitUntil(lambda: w.facets.topLevelItemCount() > 0)
    assert counted == ["checkout"]
    assert "Kind of record" in [w.facets.topLevelItem(i).text(0) for i in range(w.facets.topLevelItemCount())]


def test_the_total_is_counted_on_a_worker_after_the_page_is_shown(qtbot, window, monkeypatch):
    import ui.library.window as window_mod

    monkeypatch.setattr(window_mod, "LIMIT", 1)
    threads = []
    real = library.count

    def spy(*args, **kw):
        threads.append(threading.current_thread())
        return real(*args, **kw)

    monkeypatch.setattr(library, "count", spy)
    _type(qtbot, window, "checkout")
    qtbot.waitUntil(lambda: not window.count_query.busy)
    total = library.search("checkout").total
    assert total > 1
    assert window.count.text().startswith(f"{total} found")
    assert threads
    assert all(t is not threading.main_thread() for t in threads)


def test_the_panel_asks_again_only_when_the_meaningful_words_change(qtbot, services, monkeypatch):
    ids = portfolio(services)
    asked: list[str] = []
    real = library.related

    def spy(text, *args, **kw):
        asked.append(text)
        return real(text, *args, **kw)

    monkeypatch.setattr(library, "related", spy)
    panel = RelatedPanel(ids["c"], pause_ms=0)
    qtbot.addWidget(panel)
    panel.show()
    panel.list.setFocus()
    for typed in ("Express", "Express ", "Express bu", "Express buttons", "Express buttons for the"):
        panel.set_text(typed)
        qtbot.waitUntil(lambda: not panel.query.busy)
    assert asked == ["Express", "Express buttons"]
    assert panel.list.count() >= 1
    panel.wait()


def test_the_results_come_a_page_at_a_time_as_the_view_scrolls(qtbot, window, services, monkeypatch):
    """The first page is what a keystroke waits for; the next pages are read on a worker
    when the view has room or scrolls to the end (here a page is one result)."""
    import ui.library.window as window_mod

    monkeypatch.setattr(window_mod, "LIMIT", 1)
    for n in range(6):
        services.records.add("learning", window.ids["a"], statement=f"Checkout lesson {n}")
    pages: list[tuple[int, int]] = []
    real = library.search

    def spy(text, *args, **kw):
        result = real(text, *args, **kw)
        if not kw.get("facets", True):
            pages.append((kw.get("offset", 0), len(result.hits)))
        return result

    monkeypatch.setattr(library, "search", spy)
    window.resize(900, 120)  # room for about two rows
    _type(qtbot, window, "checkout")
    total = real("checkout").total
    assert total >= 8
    assert pages[0] == (0, 1)  # the keystroke read one page
    window.results.setFocus()
    for _ in range(total):
        qtbot.keyClick(window.results, Qt.Key.Key_Down)
        qtbot.waitUntil(lambda: not window.more_query.busy)
    qtbot.waitUntil(lambda: window.model.rowCount() == total)
    assert [h.id for h in window.model.hits] == [h.id for h in real("checkout", limit=total).hits]
    assert [offset for offset, _n in pages] == list(range(total))
    assert not window.model.canFetchMore()
    assert window.count.text().startswith(f"{total} found")


def test_a_page_asked_for_between_a_keystroke_and_its_answer_is_of_the_rows_shown(qtbot, window, services,
                                                                                   monkeypatch):  # fmt: skip
    """The results of "checkout" are shown; "parcel" is typed and, before its first page
    comes, the results are scrolled to their end: the next page is of "checkout", the text
    those rows answer, never "parcel"'s second page under "checkout"'s first."""
    import ui.library.window as window_mod

    monkeypatch.setattr(window_mod, "LIMIT", 3)
    for n in range(8):
        services.records.add("learning", window.ids["a"], statement=f"Checkout lesson {n}")
        services.records.add("learning", window.ids["a"], statement=f"Parcel lesson {n}")
    window.resize(900, 120)  # room for about two rows
    _type(qtbot, window, "checkout")
    assert window.model.rowCount() == 3
    assert window.model.canFetchMore()
    window.query._timer.setInterval(3000)  # "parcel"'s first page: still coming while we scroll
    window.search.selectAll()
    qtbot.keyClicks(window.search, "parcel")
    assert window.result.query.words == ("checkout",)  # the rows shown are still "checkout"'s
    with qtbot.waitSignal(window.model.rowsInserted, timeout=5_000):
        window.results.verticalScrollBar().triggerAction(
            window.results.verticalScrollBar().SliderAction.SliderToMaximum
        )
    added = window.model.hits[3:]
    assert added
    assert all("checkout" in h.statement.casefold() for h in added), [h.statement for h in added]
    expected = [h.id for h in library.search("checkout", limit=3, offset=3, facets=False, total=False).hits]
    assert [h.id for h in added] == expected
    window.query._timer.setInterval(0)
    qtbot.waitUntil(lambda: window.result.query.words == ("parcel",), timeout=10_000)
    assert all("parcel" in h.statement.casefold() for h in window.model.hits)


def _facet_child(tree, title: str, starts: str):
    top = next(tree.topLevelItem(i) for i in range(tree.topLevelItemCount())
               if tree.topLevelItem(i).text(0) == title)  # fmt: skip
    items = [top.child(i) for i in range(top.childCount())]
    items += [c.child(j) for c in list(items) for j in range(c.childCount())]
    return next(item for item in items if item.text(0).startswith(starts))


def _activate(qtbot, tree, item) -> None:
    tree.setFocus()
    tree.setCurrentItem(item)
    qtbot.keyClick(tree, Qt.Key.Key_Return)


def test_the_date_facet_goes_from_a_year_to_its_months(qtbot, window, services):
    from datetime import date

    for day in ("2025-11-20", "2026-03-01", "2026-03-31", "2026-06-30"):
        services.records.add("insight", window.ids["a"], statement=f"Parcel test {day}",
                             recorded_on=date.fromisoformat(day))  # fmt: skip
    _type(qtbot, window, "parcel")
    qtbot.waitUntil(lambda: window.facets.topLevelItemCount() > 0)
    tree = window.facets
    year = _facet_child(tree, "Date", "2026")
    assert year.text(0) == "2026 (3)"
    assert year.childCount() == 0  # two years: the months wait for one
    _activate(qtbot, tree, year)
    assert window.search.text() == "parcel year:2026"
    qtbot.waitUntil(lambda: window.model.rowCount() == 3 and not window.facet_query.busy
                    and window.facets.topLevelItemCount() > 0)  # fmt: skip
    march = _facet_child(window.facets, "Date", "March")
    assert march.text(0) == "March (2)"
    _activate(qtbot, window.facets, march)
    assert window.search.text() == "parcel year:2026 month:2026-03"
    qtbot.waitUntil(lambda: window.model.rowCount() == 2)
    assert sorted(window.model.hit(r).day for r in range(2)) == ["2026-03-01", "2026-03-31"]


def test_a_range_is_typed_and_a_wrong_date_is_said_in_one_line(qtbot, window, services):
    from datetime import date

    for day in ("2026-02-28", "2026-03-15", "2026-07-01"):
        services.records.add("insight", window.ids["a"], statement=f"Parcel {day}",
                             recorded_on=date.fromisoformat(day))  # fmt: skip
    _type(qtbot, window, "parcel from:2026-03 to:2026-06")
    qtbot.waitUntil(lambda: window.model.rowCount() == 1)
    assert window.model.hit(0).day == "2026-03-15"
    _type(qtbot, window, "parcel from:march")
    qtbot.waitUntil(lambda: window.model.rowCount() == 3)
    assert window.count.text() == (
        "3 found. from: wants a date like 2026-03-14, 2026-03 or 2026 (not 'march'), so it narrows nothing."
    )
