"""The window's part of team mode: joining and leaving a team, the background sync and its
status-bar indicator. The work is the core's (``mwms_desktop.team``, ``mwms_desktop.sync``),
always on a worker thread; nothing here imports psycopg or keyring before it is needed."""
