"""What Qt asks of ICU, answered, as JSON on stdout (tests/test_packaging.py, tools/trim_icu_data.py):

    python tools/icu_answers.py                                   # the venv's full ICU data
    LD_PRELOAD=dist/mwms-desktop/_internal/PySide6/Qt/lib/libicudata.so.73 python tools/icu_answers.py

Collation in a dozen locales, locale case mapping (Turkish, Lithuanian, Greek...), opening
converters by name, and time-zone names in six locales: the four ICU services Qt uses. The
same answers from the full and the trimmed library show the trim took nothing Qt reads;
``icudata`` says which library answered.
"""

from __future__ import annotations

import json

from PySide6.QtCore import (
    QCollator,
    QDateTime,
    QLocale,
    QStringConverter,
    QStringDecoder,
    QStringEncoder,
    Qt,
    QTimeZone,
)

WORDS = [
    "zebra",
    "Äpfel",
    "apple",
    "Ångström",
    "öl",
    "chata",
    "hotel",
    "ıspanak",
    "İstanbul",
    "istanbul",
    "ñandú",
    "nube",
    "Łódź",
    "lodz",
    "東京",
    "北京",
    "ソウル",
    "강남",
    "Ωmega",
    "ωmega",
    "Zürich",
]
COLLATION = [
    "en_US",
    "de_DE",
    "sv_SE",
    "da_DK",
    "es_ES",
    "cs_CZ",
    "tr_TR",
    "pl_PL",
    "ja_JP",
    "zh_CN",
    "ko_KR",
    "el_GR",
]
CASING = ["tr_TR", "az_AZ", "lt_LT", "el_GR", "nl_NL", "de_DE", "en_US"]
CODECS = [
    "Shift_JIS",
    "EUC-JP",
    "ISO-2022-JP",
    "GB18030",
    "GBK",
    "Big5",
    "EUC-KR",
    "KOI8-R",
    "windows-1251",
    "windows-1252",
    "windows-1256",
    "ISO-8859-15",
    "IBM037",
    "IBM850",
    "TIS-620",
    "macintosh",
]
ZONES = [b"Europe/Berlin", b"America/New_York", b"Asia/Tokyo", b"Asia/Kolkata", b"Australia/Sydney", b"UTC"]
ZONE_LOCALES = ["en_US", "de_DE", "fr_FR", "ja_JP", "ru_RU", "ar_EG"]


def answers() -> dict[str, object]:
    out: dict[str, object] = {}
    for name in COLLATION:
        collator = QCollator(QLocale(name))
        out[f"sort {name}"] = sorted(WORDS, key=collator.sortKey)
        collator.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        out[f"compare {name}"] = [collator.compare("Straße", "STRASSE"), collator.compare("öl", "ol")]
    for name in CASING:
        locale = QLocale(name)
        out[f"case {name}"] = [locale.toUpper("iıijstraße ΐ"), locale.toLower("IİIJ ΣΑΣ")]
    for name in CODECS:  # PySide6 binds no encode call; opening a converter loads its table
        encoder, decoder = QStringEncoder(name), QStringDecoder(name)
        out[f"codec {name}"] = [
            encoder.isValid(),
            decoder.isValid(),
            encoder.name(),
            encoder.requiredSpace(10),
        ]
    out["codecs"] = sorted(QStringConverter.availableCodecs())
    winter, summer = QDateTime.fromSecsSinceEpoch(1_700_000_000), QDateTime.fromSecsSinceEpoch(1_690_000_000)
    kinds = [QTimeZone.TimeType.StandardTime, QTimeZone.TimeType.DaylightTime, QTimeZone.TimeType.GenericTime]
    names = [QTimeZone.NameType.LongName, QTimeZone.NameType.ShortName, QTimeZone.NameType.OffsetName]
    for zone_id in ZONES:
        zone = QTimeZone(zone_id)
        for name in ZONE_LOCALES:
            locale = QLocale(name)
            out[f"zone {zone_id.decode()} {name}"] = [
                zone.displayName(k, n, locale) for k in kinds for n in names
            ] + [
                zone.displayName(winter, QTimeZone.NameType.LongName, locale),
                zone.displayName(summer, QTimeZone.NameType.ShortName, locale),
            ]
    return out


def main() -> int:
    with open("/proc/self/maps", encoding="ascii", errors="replace") as maps:
        icudata = sorted({line.split()[-1] for line in maps if "libicudata" in line})
    print(json.dumps({"answers": answers(), "icudata": icudata}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
