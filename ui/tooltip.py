"""Tooltips of user text (a client's name, a statement, a note, a file's path) shown as
typed.

Qt guesses whether a tooltip is rich text (``Qt.mightBeRichText``): a client named
``<b>Acme</b>`` would show bold, ``<img src=x>`` an image, ``&amp;`` an ampersand. Every
tooltip built from user data goes through :func:`plain_tip`: escaped inside a paragraph
that keeps its line breaks and spaces (and wraps a long statement instead of running it
across the screen)."""

from __future__ import annotations

import html


def plain_tip(text: str | None) -> str:
    """``text`` as a tooltip that shows it literally; empty for no text (no tooltip)."""
    if not text:
        return ""
    return f"<p style='white-space:pre-wrap'>{html.escape(text, quote=False)}</p>"
