"""Series colours of the analytics charts, for light and dark.

Stages run light to dark in lifecycle order (a cumulative flow reads as layers); the other
palettes are Okabe and Ito's, told apart by people with any common colour-vision deficiency;
health bands use the board's own colours. Every chart also has its table and a legend, so
colour is never the only carrier."""

from __future__ import annotations

from PySide6.QtGui import QColor

from ui import theme

_STAGES = (
    ("#c6dbef", "#deebf7"),
    ("#9ecae1", "#b5d4ea"),
    ("#6baed6", "#8cc0e3"),
    ("#3a87c2", "#5ba3d9"),
    ("#1c5ea3", "#3a82c4"),
    ("#0b3a6f", "#2563a6"),
)
_OFF = ("#bdbdbd", "#5f636a")
_OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")
_OKABE_ITO_DARK = ("#56B4E9", "#E69F00", "#2fc39b", "#e19ac4", "#9ad2f2", "#ff8a4c")
_OUTCOMES = ("#009E73", "#0072B2", "#56B4E9", "#E69F00", "#7f7f7f")
_OUTCOMES_DARK = ("#2fc39b", "#4d9fe0", "#9ad2f2", "#E69F00", "#a0a4ab")
_KINDS = ("#009E73", "#D55E00", "#8c8c8c", "#CC79A7")
_KINDS_DARK = ("#2fc39b", "#ff8a4c", "#a0a4ab", "#e19ac4")
REWORK = ("#c62828", "#ff6e6e")


def series_colours(palette: str, count: int, dark: bool) -> list[QColor]:
    d = 1 if dark else 0
    if palette == "stages":
        names = [pair[d] for pair in _STAGES][:count]
        names += [_OFF[d]] * (count - len(names))  # off the board
    elif palette == "bands":
        names = [theme.health_colour(b, dark).name() for b in ("healthy", "watch", "at_risk", "unknown")]
    elif palette == "outcomes":
        names = list(_OUTCOMES_DARK if dark else _OUTCOMES)
    elif palette == "kinds":
        names = list(_KINDS_DARK if dark else _KINDS)
    else:  # pair, types, single
        names = list(_OKABE_ITO_DARK if dark else _OKABE_ITO)
    return [QColor(names[n % len(names)]) for n in range(count)]


def rework_colour(dark: bool) -> QColor:
    return QColor(REWORK[1 if dark else 0])
