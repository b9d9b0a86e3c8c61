"""A client's name is shown as written wherever the board speaks of it: never as markup and
never as a keyboard mnemonic (the '&' of "Bloom & Barrow")."""

from __future__ import annotations

from PySide6.QtCore import Qt

from ui.reason_dialog import ReasonDialog
from ui.refusal_panel import RefusalPanel

CLIENT = "<b>Acme</b> & Sons"


def test_reason_dialog_shows_the_client_literally_and_needs_a_reason(qtbot):
    dialog = ReasonDialog(CLIENT, "Onboarding", "Qualification")
    qtbot.addWidget(dialog)
    assert dialog.question.textFormat() == Qt.TextFormat.PlainText
    assert dialog.question.text().startswith(f"Why does {CLIENT} go back")
    assert dialog.question.buddy() is None  # a buddy would turn '&' into a mnemonic
    ok = dialog.buttons.buttons()[0]
    assert not ok.isEnabled()  # a blank reason is refused before the core has to
    dialog.reason.setPlainText("  Sponsor left  ")
    assert ok.isEnabled()
    assert dialog.text() == "Sponsor left"


def test_refusal_panel_title_is_plain_text(qtbot):
    panel = RefusalPanel()
    qtbot.addWidget(panel)
    panel.show_refusal(1, CLIENT, "onboarding", ["Qualification: no stakeholder recorded."])
    assert panel.title.textFormat() == Qt.TextFormat.PlainText
    assert panel.title.text().startswith(CLIENT)
