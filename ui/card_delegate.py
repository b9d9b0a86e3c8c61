"""Paints an engagement card: no widget per card, so ten thousand stay fluid.

Everything painted comes from the frozen card in the model's ``CardRole``; health is shown by
a coloured stripe *and* a word, drift by an icon with a count (the list is in the tooltip).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QGuiApplication,
    QPainter,
    QPalette,
    QPen,
    QPixmap,
    QPixmapCache,
)
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from mwms_desktop.views import EngagementCard
from ui import theme
from ui.stage_model import CardRole, days_shown

CARD_HEIGHT = 96
MIN_CARD_WIDTH = 130  # a column of its narrowest (stage_column.COLUMN_MIN_WIDTH) less frame and scroll bar
MARGIN = 5
PAD = 7
FOCUS_EDGE = 3  # px: the focused card's edge (a selected one has 2, any other 1)


def _type_and_owner(type_label: str, owner: str, fm: QFontMetrics, width: int, room: bool) -> list[str]:
    """The lines under the client: "Type · Owner" when it fits; else, with a line to spare
    (``room``), the type and the owner each on a line; else the type cut so the owner shows."""
    joined = type_label + (f" · {owner}" if owner else "")
    if fm.horizontalAdvance(joined) <= width or not owner:
        return [fm.elidedText(joined, Qt.TextElideMode.ElideRight, width)]
    if room:
        return [fm.elidedText(type_label, Qt.TextElideMode.ElideRight, width),
                fm.elidedText(owner, Qt.TextElideMode.ElideRight, width)]  # fmt: skip
    tail = f" · {owner}"
    left = width - fm.horizontalAdvance(tail)
    if left < fm.horizontalAdvance("Xx…"):  # a very long name: the name, cut, alone
        return [fm.elidedText(owner, Qt.TextElideMode.ElideRight, width)]
    return [fm.elidedText(type_label, Qt.TextElideMode.ElideRight, left) + tail]


class CardDelegate(QStyledItemDelegate):
    def __init__(self, parent=None, today: Callable[[], date] | None = None) -> None:
        super().__init__(parent)
        self._today = today or date.today  # asked at each paint: a window open past midnight
        self.today = self._today()
        self._font_key = ""
        self._font_cache: tuple[QFont, QFont, QFont] = (QFont(), QFont(), QFont())

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        return QSize(max(MIN_CARD_WIDTH, option.rect.width()), CARD_HEIGHT)

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        card: EngagementCard | None = index.data(CardRole)
        if card is None:
            return
        self.today = self._today()
        # The application palette, not the view's: the list view's style sheet makes its own
        # base transparent so the column shows through between cards.
        pal = QGuiApplication.palette()
        dark = theme.is_dark(pal)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        focused = bool(option.state & QStyle.StateFlag.State_HasFocus)
        # A card's picture depends only on these: paint it once, then blit it (scrolling,
        # repaints after a drop in another column).
        size = option.rect.size()
        device = painter.device()
        ratio = device.devicePixelRatioF() if device else 1.0
        # On screen a card lies on its column; in a drag's picture (Qt paints it on a pixmap)
        # it floats, with transparent corners.
        on_screen = not isinstance(device, QPixmap)
        key = (
            f"mwms-card:{card.id}:{hash(card):x}:{size.width()}x{size.height()}@{ratio}"
            f":{int(selected)}{int(focused)}{int(dark)}{int(on_screen)}:{pal.cacheKey()}"
            f":{option.font.key()}:{self.today}"
        )
        pixmap = QPixmapCache.find(key)
        if pixmap is None:
            pixmap = QPixmap(size * ratio)
            pixmap.setDevicePixelRatio(ratio)
            # Opaque, on the column's own colour (the list is transparent over it): an opaque
            # pixmap is copied to the screen, a transparent one blended pixel by pixel.
            pixmap.fill(
                pal.color(QPalette.ColorRole.AlternateBase) if on_screen else Qt.GlobalColor.transparent
            )
            card_painter = QPainter(pixmap)
            local = QStyleOptionViewItem(option)
            local.rect = QRect(0, 0, size.width(), size.height())
            self._paint_card(card_painter, local, card, pal, dark, selected, focused)
            card_painter.end()
            QPixmapCache.insert(key, pixmap)
        painter.drawPixmap(option.rect.topLeft(), pixmap)

    def _paint_card(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        card: EngagementCard,
        pal: QPalette,
        dark: bool,
        selected: bool,
        focused: bool,
    ) -> None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(option.rect.adjusted(MARGIN, MARGIN // 2 + 1, -MARGIN, -(MARGIN // 2 + 1)))
        base = pal.color(QPalette.ColorRole.Base)
        accent = pal.color(QPalette.ColorRole.Highlight)
        if focused:
            # The keyboard's place: a halo in the accent colour around a thick accent edge,
            # unmistakable next to a card that is merely selected (a thinner edge).
            halo = QColor(accent)
            halo.setAlpha(90)
            painter.setPen(QPen(halo, 5))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(rect, 6, 6)
        border = accent if selected or focused else theme.card_edge_colour(pal)
        painter.setPen(QPen(border, FOCUS_EDGE if focused else 2 if selected else 1))
        painter.setBrush(base)
        painter.drawRoundedRect(rect, 6, 6)

        band_colour = theme.health_colour(card.health.band, dark)
        stripe = QRectF(rect.left() + 1, rect.top() + 1, 5, rect.height() - 2)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(band_colour)
        painter.drawRoundedRect(stripe, 2, 2)

        text_colour = pal.color(QPalette.ColorRole.Text)
        muted = pal.color(QPalette.ColorRole.PlaceholderText)
        inner = rect.toRect().adjusted(PAD + 4, PAD - 2, -PAD, -PAD + 2)
        font, bold, small = self._fonts(option.font)
        line_h = QFontMetrics(font).height()

        # Line 1: client, drift badge on the right.
        drift_w = 0
        if card.drift:
            drift_w = self._drift_badge(painter, inner, len(card.drift), dark, small)
        painter.setFont(bold)
        painter.setPen(text_colour)
        fm = QFontMetrics(bold)
        client = fm.elidedText(card.client, Qt.TextElideMode.ElideRight, inner.width() - drift_w - 6)
        painter.drawText(
            QRect(inner.left(), inner.top(), inner.width(), line_h), Qt.AlignmentFlag.AlignVCenter, client
        )

        # Line 2: type and owner; when both do not fit, the owner keeps their name whole:
        # on a line of their own if the card has one free (no next action), else the type
        # gives way.
        painter.setFont(small)
        painter.setPen(muted)
        sfm = QFontMetrics(small)
        y = inner.top() + line_h + 2
        lines = _type_and_owner(card.type_label, card.owner, sfm, inner.width(), room=not card.next_action)
        for text in lines:
            painter.drawText(
                QRect(inner.left(), y, inner.width(), sfm.height()), Qt.AlignmentFlag.AlignVCenter, text
            )
            y += sfm.height() + (1 if len(lines) > 1 else 4)
        y += 3 if len(lines) > 1 else 0

        # Line 3: days in stage (ageing) and health word.
        stalled = any(s.code == "stalled" for s in card.drift)
        days = days_shown(card.days_in_stage)
        health_text = card.health.band_label + (
            f" {card.health.score}" if card.health.score is not None else ""
        )
        hw = sfm.horizontalAdvance(health_text)
        painter.setPen(theme.warning_text_colour(dark) if stalled else text_colour)
        room = inner.width() - hw - 16
        painter.drawText(
            QRect(inner.left(), y, room, sfm.height()),
            Qt.AlignmentFlag.AlignVCenter,
            sfm.elidedText(days, Qt.TextElideMode.ElideRight, room),
        )
        dot = QRectF(inner.right() - hw - 12, y + sfm.height() / 2 - 4, 8, 8)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(band_colour)
        painter.drawEllipse(dot)
        painter.setPen(text_colour)
        painter.drawText(
            QRect(inner.right() - hw, y, hw, sfm.height()), Qt.AlignmentFlag.AlignVCenter, health_text
        )

        # Line 4: next action and due date.
        if card.next_action:
            y += sfm.height() + 3
            due = card.next_action_due
            overdue = due is not None and due < self.today
            suffix = f" · due {due.strftime('%d %b')}" if due else ""
            painter.setPen(theme.warning_text_colour(dark) if overdue else muted)
            painter.drawText(
                QRect(inner.left(), y, inner.width(), sfm.height()),
                Qt.AlignmentFlag.AlignVCenter,
                sfm.elidedText(
                    "→ " + card.next_action,
                    Qt.TextElideMode.ElideRight,
                    inner.width() - sfm.horizontalAdvance(suffix),
                )
                + suffix,
            )
        painter.restore()

    def _fonts(self, base: QFont) -> tuple[QFont, QFont, QFont]:
        """Regular, bold and small variants of the view's font, made once per font."""
        key = base.key()
        if self._font_key != key:
            bold, small = QFont(base), QFont(base)
            bold.setBold(True)
            small.setPointSizeF(max(7.0, base.pointSizeF() * 0.9))
            self._font_cache = (QFont(base), bold, small)
            self._font_key = key
        return self._font_cache

    def _drift_badge(self, painter: QPainter, inner: QRect, count: int, dark: bool, font: QFont) -> int:
        text = f"⚠ {count}"
        fm = QFontMetrics(font)
        w = fm.horizontalAdvance(text) + 10
        badge = QRectF(inner.right() - w, inner.top() + 1, w, fm.height() + 2)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(theme.warning_colour(dark))
        painter.drawRoundedRect(badge, 4, 4)
        painter.setFont(font)
        painter.setPen(QColor("#1a1a1a") if not dark else QColor("#101010"))
        painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, text)
        return w
