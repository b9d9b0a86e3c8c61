"""Which files of the one-folder build the app really opens, as users use it (Linux):

    python tools/trace_build.py dist/mwms-desktop [--json OUT.json]

Runs the built binary under ``strace`` (every ``open``/``openat`` that succeeded) through what
users do: demo, list, every window view the ``screenshot`` command renders (board, lanes, a
workspace, Today, the library, all five analytics tabs, light and dark), the dossier and
playbook PDFs, a bundle export and import, CSV export, report, backup and check, the team
commands (which say team mode is not in this build), with Qt on ``offscreen`` and on ``xcb``
under ``xvfb-run``; then the window itself on xcb, where ``xdotool`` opens the library
(Ctrl+L) and quits (Ctrl+Q). It prints the files of the folder that nothing opened, largest
first, with their sizes: the candidates for build.spec to leave out. Python modules live in
the PYZ archive and are not files: which of them load is what the venv's test run shows.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

ANALYTICS = ("flow", "durations", "outcomes", "execution", "health")
OPENED = re.compile(r'open(?:at)?\((?:AT_FDCWD, |\d+, )?"([^"]+)".*\)\s+=\s+\d+')


def scenarios(work: Path) -> list[tuple[str, list[str]]]:
    """(platform, arguments) pairs; the database and outputs live in ``work``."""
    db = ["--db", str(work / "app.sqlite")]
    shots = [
        ["screenshot", str(work / "board.png")],
        ["screenshot", str(work / "dark.png"), "--theme", "dark"],
        ["screenshot", str(work / "lanes.png"), "--lanes", "type"],
        ["screenshot", str(work / "open.png"), "--open", "1"],
        ["screenshot", str(work / "today.png"), "--today"],
        ["screenshot", str(work / "library.png"), "--library", "checkout"],
    ]
    shots += [["screenshot", str(work / f"{tab}.png"), "--analytics", tab] for tab in ANALYTICS]
    cli = [
        ["--version"],
        ["demo"],
        ["list", "--json"],
        ["gate", "1"],
        ["report"],
        ["dossier", "1", "--out", str(work / "one.pdf")],
        ["dossier", "--all", "--out", str(work / "all.pdf")],
        ["library", "search", "checkout"],
        ["library", "playbook", "--out", str(work / "playbook.pdf")],
        ["export", str(work / "bundle.json")],
        ["export-csv", str(work / "board.csv")],
        ["backup"],
        ["backups"],
        ["check"],
        ["conflicts"],
        ["team", "join", "postgresql://nobody@127.0.0.1:1/team"],
    ]
    runs = [("offscreen", db + args if args != ["--version"] else args) for args in cli]
    runs.append(("offscreen", ["--db", str(work / "other.sqlite"), "import", str(work / "bundle.json")]))
    runs += [(platform, db + shot) for platform in ("offscreen", "xcb") for shot in shots]
    return runs


def opened(trace: Path, folder: Path) -> set[Path]:
    found: set[Path] = set()
    for log in trace.parent.glob(trace.name + "*"):
        for match in OPENED.finditer(log.read_text(errors="replace")):
            path = Path(os.path.normpath(match[1]))
            if path.is_relative_to(folder) and path.is_file():
                found.add(path.resolve())
    return found


def traced(binary: Path, args: list[str], platform: str, work: Path, trace: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env.update(QT_QPA_PLATFORM=platform, MWMS_DESKTOP_DATA_DIR=str(work / "userdata"))
    command = ["strace", "-f", "-qq", "-ff", "-e", "trace=open,openat", "-o", str(trace), str(binary), *args]
    if platform == "xcb":
        command = ["xvfb-run", "-a", "-s", "-screen 0 1600x1000x24", *command]
    return subprocess.Popen(
        command, env=env, cwd=work, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def window_session(binary: Path, work: Path, trace: Path) -> None:
    """The window on xcb: opened, the library opened with Ctrl+L, quit with Ctrl+Q."""
    script = (
        f'"{binary}" --db "{work / "app.sqlite"}" & app=$!; sleep 8; '
        "xdotool search --sync --onlyvisible --class mwms windowactivate --sync key ctrl+l; sleep 4; "
        "xdotool key ctrl+q; sleep 3; kill $app 2>/dev/null; wait $app"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env.update(QT_QPA_PLATFORM="xcb", MWMS_DESKTOP_DATA_DIR=str(work / "userdata"))
    command = [
        "xvfb-run",
        "-a",
        "-s",
        "-screen 0 1600x1000x24",
        "strace",
        "-f",
        "-qq",
        "-ff",
        "-e",
        "trace=open,openat",
        "-o",
        str(trace),
        "sh",
        "-c",
        script,
    ]
    subprocess.run(command, env=env, cwd=work, capture_output=True, text=True, timeout=120)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="the built folder (dist/mwms-desktop)")
    parser.add_argument("--json", type=Path, help="write the opened and unopened files here")
    args = parser.parse_args(argv)
    for tool in ("strace", "xvfb-run", "xdotool"):
        if shutil.which(tool) is None:
            parser.error(f"{tool} is needed")
    folder = args.folder.resolve()
    binary = folder / "mwms-desktop"
    used: set[Path] = set()
    failures: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for n, (platform, run_args) in enumerate(scenarios(work)):
            trace = work / "traces" / f"run{n}"
            trace.parent.mkdir(exist_ok=True)
            started = time.monotonic()
            done = traced(binary, run_args, platform, work, trace)
            _out, err = done.communicate(timeout=300)
            expected_failure = run_args[-3:-1] == ["team", "join"]
            if (done.returncode != 0) != expected_failure:
                failures.append(
                    f"{platform} {' '.join(run_args)}: exit {done.returncode}: {err.strip()[-300:]}"
                )
            used |= opened(trace, folder)
            print(f"{platform:9} {time.monotonic() - started:5.1f} s  {' '.join(run_args)[:100]}")
        trace = work / "traces" / "window"
        window_session(binary, work, trace)
        window_files = opened(trace, folder)
        used |= window_files
        print(f"xcb window: {len(window_files)} files opened")
    files = {p.resolve() for p in folder.rglob("*") if p.is_file() and not p.is_symlink()}
    unused = sorted(files - used, key=lambda p: -p.stat().st_size)
    mb = 1024 * 1024
    for path in unused:
        print(f"{path.stat().st_size / mb:8.2f} MB  unopened  {path.relative_to(folder)}")
    print(
        f"opened {len(used & files)} files, {sum(p.stat().st_size for p in used & files) / mb:.1f} MB; "
        f"unopened {len(unused)} files, {sum(p.stat().st_size for p in unused) / mb:.1f} MB"
    )
    for failure in failures:
        print("FAILED", failure)
    if args.json:
        rel = lambda paths: sorted(str(p.relative_to(folder)) for p in paths)  # noqa: E731
        args.json.write_text(json.dumps({"opened": rel(used & files), "unopened": rel(unused)}, indent=1))
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
