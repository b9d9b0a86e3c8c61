from mwms_desktop.cli import entry

entry()
