"""Typography and colours of the dossier.

One Unicode TrueType family (DejaVu Sans, shipped in ``resources/fonts``) is embedded for
every piece of text, charts and page furniture included, so a client called "Zoë Ødegård"
or "Иванов" prints as written. The palette is a few slate greys and one blue whose
lightness differs enough to stay readable when the dossier is printed in greyscale.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import TableStyle

from mwms_desktop.paths import resources_dir

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"

PAGE_SIZE = A4
MARGIN_X = 2.0 * cm
MARGIN_TOP = 2.2 * cm
MARGIN_BOTTOM = 2.0 * cm
FRAME_WIDTH = PAGE_SIZE[0] - 2 * MARGIN_X

INK = colors.HexColor("#1f2933")  # body text
MUTED = colors.HexColor("#5f6b7a")  # captions, meta lines
RULE = colors.HexColor("#c5ccd6")  # hairlines, grid
SHADE = colors.HexColor("#eef1f5")  # header rows, panels
ACCENT = colors.HexColor("#1f4e79")  # headings, bars (dark: prints as near-black)
ACCENT_LIGHT = colors.HexColor("#8fb0cf")  # secondary bars (prints as mid-grey)
BAND_FILLS = {  # health bands behind the trend chart, light to lighter
    "healthy": colors.HexColor("#e3ebe3"),
    "watch": colors.HexColor("#f1eee0"),
    "at_risk": colors.HexColor("#f3e3e1"),
}


@cache
def register_fonts() -> None:
    """Register DejaVu Sans (regular and bold) once per process, as one family so that
    ``<b>`` in our own markup picks the bold face and never a built-in font."""
    folder = resources_dir() / "fonts"
    pdfmetrics.registerFont(TTFont(FONT, str(folder / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(folder / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)


def esc(value: object) -> str:
    """User text made safe for Paragraph markup: ``<b>Acme</b> & Sons`` prints literally;
    line breaks the consultant typed are kept."""
    text = escape("" if value is None else str(value))
    return text.replace("\r\n", "\n").replace("\n", "<br/>")


@dataclass(frozen=True)
class Styles:
    body: ParagraphStyle
    small: ParagraphStyle
    meta: ParagraphStyle
    cell: ParagraphStyle
    cell_bold: ParagraphStyle
    cell_head: ParagraphStyle
    cell_right: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    h3: ParagraphStyle
    empty: ParagraphStyle
    cover_kicker: ParagraphStyle
    cover_title: ParagraphStyle
    cover_sub: ParagraphStyle
    learning: ParagraphStyle
    learning_meta: ParagraphStyle
    caption: ParagraphStyle


@cache
def styles() -> Styles:
    register_fonts()

    def ps(name: str, **kw: object) -> ParagraphStyle:
        base: dict[str, object] = {
            "fontName": FONT,
            "fontSize": 9.5,
            "leading": 13,
            "textColor": INK,
            "alignment": TA_LEFT,
            "splitLongWords": 1,
            "embeddedHyphenation": 1,  # "Returning-customer" may break after its hyphen
        }
        base.update(kw)
        return ParagraphStyle(name, **base)  # type: ignore[arg-type]

    return Styles(
        body=ps("body", spaceAfter=4),
        small=ps("small", fontSize=8.5, leading=11.5),
        meta=ps("meta", fontSize=8, leading=10.5, textColor=MUTED),
        cell=ps("cell", fontSize=8.5, leading=11),
        cell_bold=ps("cell_bold", fontName=FONT_BOLD, fontSize=8.5, leading=11),
        cell_head=ps("cell_head", fontName=FONT_BOLD, fontSize=8, leading=10, textColor=INK),
        cell_right=ps("cell_right", fontSize=8.5, leading=11, alignment=TA_RIGHT),
        h1=ps("h1", fontName=FONT_BOLD, fontSize=15, leading=19, textColor=ACCENT, spaceBefore=6,
              spaceAfter=8),
        h2=ps("h2", fontName=FONT_BOLD, fontSize=11, leading=14, textColor=INK, spaceBefore=10,
              spaceAfter=5),
        h3=ps("h3", fontName=FONT_BOLD, fontSize=9.5, leading=12, textColor=ACCENT, spaceBefore=6,
              spaceAfter=3),
        empty=ps("empty", textColor=MUTED, fontSize=9, spaceBefore=2, spaceAfter=6),
        cover_kicker=ps("cover_kicker", fontName=FONT_BOLD, fontSize=10, leading=13, textColor=MUTED),
        cover_title=ps("cover_title", fontName=FONT_BOLD, fontSize=26, leading=32, textColor=ACCENT,
                       spaceBefore=6, spaceAfter=8),
        cover_sub=ps("cover_sub", fontSize=12, leading=16, textColor=INK, spaceAfter=18),
        learning=ps("learning", fontName=FONT_BOLD, fontSize=9.5, leading=13, leftIndent=0.9 * cm,
                    firstLineIndent=-0.9 * cm, spaceBefore=5),
        learning_meta=ps("learning_meta", fontSize=8, leading=10.5, textColor=MUTED,
                         leftIndent=0.9 * cm, spaceAfter=2),
        caption=ps("caption", fontSize=8, leading=10, textColor=MUTED, spaceBefore=2, spaceAfter=6),
    )  # fmt: skip


def table_style(*extra: tuple, header: bool = True, zebra: bool = True) -> TableStyle:
    """The one table look: hairline grid, shaded header row, DejaVu in every cell."""
    cmds: list[tuple] = [
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("FONTSIZE", (0, 0), (-1, -1), 8.5),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
    ]
    if header:
        cmds += [
            ("BACKGROUND", (0, 0), (-1, 0), SHADE),
            ("FONTNAME", (0, 0), (-1, 0), FONT_BOLD),
            ("LINEBELOW", (0, 0), (-1, 0), 0.8, ACCENT),
        ]
    if zebra:
        cmds.append(("ROWBACKGROUNDS", (0, 1 if header else 0), (-1, -1), [colors.white, "#f7f8fa"]))
    cmds.extend(extra)
    return TableStyle(cmds)
