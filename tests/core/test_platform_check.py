"""Before the QApplication: a missing xcb library gives one readable line naming the package,
not Qt's abort; the window is never started."""

from __future__ import annotations

from pathlib import Path

import pytest

from mwms_desktop import cli, platform_check
from mwms_desktop.errors import MwmsError
from mwms_desktop.platform_check import require_display_libraries, uses_xcb

X11 = {"DISPLAY": ":0"}


def loader_without(*missing: str):
    def load(soname: str) -> object:
        if soname in missing:
            raise OSError(f"{soname}: cannot open shared object file: No such file or directory")
        return object()

    return load


def test_a_missing_library_names_the_debian_and_fedora_package() -> None:
    with pytest.raises(MwmsError) as caught:
        require_display_libraries(X11, loader_without("libxcb-cursor.so.0"), platform="linux")
    message = str(caught.value)
    assert "\n" not in message
    assert "libxcb-cursor.so.0" in message
    assert "sudo apt install libxcb-cursor0" in message
    assert "sudo dnf install xcb-util-cursor" in message


def test_the_three_libraries_of_the_issue_are_named_together() -> None:
    missing = ("libxcb-cursor.so.0", "libxcb-icccm.so.4", "libxcb-keysyms.so.1")
    with pytest.raises(MwmsError, match="apt install libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1"):
        require_display_libraries(X11, loader_without(*missing), platform="linux")


def test_packages_shared_by_several_libraries_are_named_once() -> None:
    with pytest.raises(MwmsError, match=r"dnf install libxcb`"):
        require_display_libraries(
            X11, loader_without("libxcb-shm.so.0", "libxcb-sync.so.1"), platform="linux"
        )


def test_nothing_missing_passes() -> None:
    require_display_libraries(X11, loader_without(), platform="linux")


def test_no_display_is_said_in_one_line_instead_of_qt_aborting() -> None:
    with pytest.raises(MwmsError, match=r"no display .* \(DISPLAY is not set\)") as caught:
        require_display_libraries({}, loader_without(), platform="linux")
    assert "\n" not in str(caught.value)
    require_display_libraries({"QT_QPA_PLATFORM": "offscreen"}, loader_without(), platform="linux")


def test_only_checked_where_qt_would_use_xcb() -> None:
    assert uses_xcb({}, "linux")
    assert uses_xcb({"QT_QPA_PLATFORM": "xcb"}, "linux")
    assert not uses_xcb({"QT_QPA_PLATFORM": "offscreen"}, "linux")
    assert not uses_xcb({"QT_QPA_PLATFORM": "wayland"}, "linux")
    assert not uses_xcb({"WAYLAND_DISPLAY": "wayland-0", "XDG_SESSION_TYPE": "wayland"}, "linux")
    assert not uses_xcb({}, "win32")
    assert not uses_xcb({}, "darwin")
    # the check is skipped, whatever the loader says
    require_display_libraries(
        {"QT_QPA_PLATFORM": "offscreen"}, loader_without("libxcb.so.1"), platform="linux"
    )


def test_the_window_command_stops_before_qt_with_one_line(monkeypatch, capsys, tmp_path) -> None:
    monkeypatch.setattr(platform_check, "_dlopen", loader_without("libxcb-icccm.so.4"))
    monkeypatch.setattr(platform_check.sys, "platform", "linux")
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    started = []
    from mwms_desktop.commands import window

    monkeypatch.setattr(window, "open_window", lambda ctx: started.append(ctx) or 0)
    db = tmp_path / "x.sqlite"
    assert cli.main(["--db", str(db)]) == cli.EXIT_ERROR
    err = capsys.readouterr().err.splitlines()
    assert err == [err[0]]
    for name in ("libxcb-icccm.so.4", "libxcb-icccm4", "xcb-util-wm"):
        assert name in err[0]
    assert started == []
    assert not db.exists()


def test_the_list_names_every_library_the_xcb_plugin_links() -> None:
    """The table follows the plugin PySide6 ships: every library it needs (beyond Qt's own and
    the C/C++ runtime) has a package named."""
    import subprocess
    from pathlib import Path

    import PySide6

    plugin = Path(PySide6.__file__).parent / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    if not plugin.exists():
        pytest.skip("no xcb plugin on this platform")
    out = subprocess.run(["readelf", "-d", str(plugin)], capture_output=True, text=True, check=True).stdout
    needed = {line.split("[")[1].rstrip("]") for line in out.splitlines() if "(NEEDED)" in line}
    runtime = {"libstdc++.so.6", "libm.so.6", "libgcc_s.so.1", "libc.so.6"}
    named = {lib.soname for lib in platform_check.XCB_LIBRARIES}
    assert {n for n in needed if not n.startswith("libQt6")} - runtime - named == set()


def test_a_built_app_counts_the_libraries_it_carries(tmp_path, monkeypatch) -> None:
    """In the PyInstaller folder most xcb libraries are bundled: they are not missing even
    where the system lacks them; the ones it does not carry are looked up on the system."""
    import ctypes.util
    import shutil

    real = ctypes.util.find_library("z")
    if real is None:
        pytest.skip("no libz to stand in for a bundled library")
    source = next(p for p in (Path("/lib/x86_64-linux-gnu"), Path("/usr/lib")) if (p / "libz.so.1").exists())
    fake = platform_check.SharedLibrary("libmwms-bundled-only.so.7", "libmwms7", "mwms7")
    monkeypatch.setattr(platform_check, "XCB_LIBRARIES", (fake,))
    assert platform_check.missing_libraries() == [fake]  # not on the system
    shutil.copy(source / "libz.so.1", tmp_path / fake.soname)
    monkeypatch.setattr(platform_check.sys, "frozen", True, raising=False)
    monkeypatch.setattr(platform_check.sys, "_MEIPASS", str(tmp_path), raising=False)
    assert platform_check.missing_libraries() == []
