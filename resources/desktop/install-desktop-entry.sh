#!/bin/sh
# Put MWMS Desktop in the launcher: the desktop entry and the icon set, for this user.
#   install-desktop-entry.sh [PATH-TO-mwms-desktop]
# Default program: the mwms-desktop beside this script (the unpacked build), else the one on PATH.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
exe=${1:-}
if [ -z "$exe" ]; then
    if [ -x "$here/mwms-desktop" ]; then exe="$here/mwms-desktop"; else exe=$(command -v mwms-desktop); fi
fi
icons="$here/icons"
[ -d "$icons" ] || icons="$here/../icons"                      # in the source tree
[ -d "$icons" ] || icons="$here/_internal/resources/icons"     # in the unpacked build
entry="$here/mwms-desktop.desktop"
[ -f "$entry" ] || entry="$here/_internal/resources/desktop/mwms-desktop.desktop"
data=${XDG_DATA_HOME:-$HOME/.local/share}
for size in 16 24 32 48 64 128 256 512; do
    mkdir -p "$data/icons/hicolor/${size}x${size}/apps"
    cp "$icons/mwms-desktop-$size.png" "$data/icons/hicolor/${size}x${size}/apps/mwms-desktop.png"
done
mkdir -p "$data/icons/hicolor/scalable/apps" "$data/applications"
cp "$icons/mwms-desktop.svg" "$data/icons/hicolor/scalable/apps/mwms-desktop.svg"
sed "s|^Exec=.*|Exec=\"$exe\"|" "$entry" > "$data/applications/mwms-desktop.desktop"
command -v update-desktop-database >/dev/null && update-desktop-database -q "$data/applications" || true
command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t "$data/icons/hicolor" || true
echo "Installed $data/applications/mwms-desktop.desktop (runs $exe)."
