"""Portfolio analytics: what needs attention today, and how the practice does over time.

Qt-free and query-light: :mod:`source` reads the portfolio's raw facts in a few bulk queries
(the move log, engagements, cycles, learnings, check-ins); every other module is a pure
function of those facts and a :class:`~mwms_desktop.analytics.source.Scope` (period, type,
owner), returning frozen dataclasses the window, the CLI and the dossier all show.

Stage occupancy on any day is rebuilt from the append-only move log (``stage_move``), so
there is no stored snapshot to drift out of date. Instants are stored in UTC; days and
months are counted in the user's local time zone (:func:`mwms_desktop.clock.local_day`).
"""
