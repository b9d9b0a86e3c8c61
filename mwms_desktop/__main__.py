"""``python -m mwms_desktop`` and the PyInstaller build's entry script."""

from mwms_desktop.streams import ensure_std_streams

ensure_std_streams()  # first: a windowed build has no stdout/stderr, even while importing

from mwms_desktop.cli import entry  # noqa: E402

entry()
