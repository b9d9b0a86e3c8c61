"""The engagement workspace: everything recorded about one engagement, editable with undo."""
