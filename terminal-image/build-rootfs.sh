#!/bin/bash
# Build a Debian bookworm root filesystem for a Tsunagu set-top terminal. Needs root, debootstrap and,
# for a foreign architecture, qemu-user-static + binfmt-support. Not run in CI (see README.md).
#
#   sudo ./build-rootfs.sh --arch arm64 --out /srv/tsunagu-rootfs [--app-deb tsunagu-terminal_1.0.0_arm64.deb]
#       [--hub-url https://hub.example.city] [--mirror http://deb.debian.org/debian]
#
# Reproducibility: the suite, mirror and package list are pinned here, and SOURCE_DATE_EPOCH (default:
# the last commit's date) is passed to debootstrap's tools, so two builds from the same commit and the
# same mirror snapshot (e.g. --mirror http://snapshot.debian.org/archive/debian/20250601T000000Z)
# install the same package versions.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
suite=bookworm
arch=""
out=""
app_deb=""
hub_url=""
mirror="http://deb.debian.org/debian"

# Kept short on purpose: every package is something to patch on thousands of unattended boxes.
packages=(
  systemd-sysv dbus dbus-user-session libpam-systemd udev
  cage xwayland
  chromium fonts-noto-cjk fonts-noto-color-emoji
  pipewire pipewire-pulse wireplumber pipewire-alsa alsa-utils
  # Speech when no other voice exists: Chromium/Electron on Linux implement the Web Speech API's
  # speechSynthesis through speech-dispatcher, which speaks with espeak-ng (Japanese and English).
  speech-dispatcher speech-dispatcher-espeak-ng espeak-ng
  v4l-utils
  network-manager ca-certificates curl jq
  unattended-upgrades apt-listchanges
  systemd-timesyncd
)

usage() {
  sed -n '5,7p' "$0" | sed 's/^# *//' >&2
  exit 64
}

while [ $# -gt 0 ]; do
  case "$1" in
    --arch) arch="${2:?}"; shift 2 ;;
    --out) out="${2:?}"; shift 2 ;;
    --app-deb) app_deb="${2:?}"; shift 2 ;;
    --hub-url) hub_url="${2:?}"; shift 2 ;;
    --mirror) mirror="${2:?}"; shift 2 ;;
    -h | --help) usage ;;
    *) echo "build-rootfs.sh: unknown option $1" >&2; usage ;;
  esac
done

case "$arch" in
  amd64 | arm64) ;;
  *) echo "build-rootfs.sh: --arch must be amd64 or arm64" >&2; usage ;;
esac
[ -n "$out" ] || usage
[ "$(id -u)" -eq 0 ] || { echo "build-rootfs.sh: must run as root" >&2; exit 77; }
command -v debootstrap >/dev/null || { echo "build-rootfs.sh: apt-get install debootstrap" >&2; exit 69; }

# The kernel package name depends on the architecture.
packages+=("linux-image-$arch")

export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-$(git -C "$here" log -1 --format=%ct 2>/dev/null || date +%s)}"

foreign=()
if [ "$arch" != "$(dpkg --print-architecture)" ]; then
  foreign=(--foreign)
fi

include="$(IFS=,; echo "${packages[*]}")"
debootstrap "${foreign[@]}" --arch="$arch" --variant=minbase --components=main \
  --include="$include" "$suite" "$out" "$mirror"
if [ ${#foreign[@]} -gt 0 ]; then
  chroot "$out" /debootstrap/debootstrap --second-stage
fi

in_root() {
  chroot "$out" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive "$@"
}

# Security updates come from the security archive, which debootstrap does not configure.
cat >"$out/etc/apt/sources.list" <<SOURCES
deb $mirror $suite main
deb $mirror $suite-updates main
deb http://security.debian.org/debian-security $suite-security main
SOURCES

# Units, PAM stack, watchdog, unattended-upgrades and the session launcher.
cp -a "$here/rootfs/." "$out/"
chmod 0755 "$out/usr/local/bin/tsunagu-kiosk-session"

# The kiosk user: no password, no shell login; camera via "video", audio via "audio", GPU via "render".
if ! in_root id tsunagu >/dev/null 2>&1; then
  in_root useradd --create-home --shell /usr/sbin/nologin --groups video,audio,render,input tsunagu
fi
in_root passwd --lock tsunagu

if [ -n "$app_deb" ]; then
  cp "$app_deb" "$out/tmp/tsunagu-terminal.deb"
  in_root apt-get install -y /tmp/tsunagu-terminal.deb
  rm -f "$out/tmp/tsunagu-terminal.deb"
fi

# Audio: pipewire for every user session, started by the user manager the kiosk's PAM session creates.
in_root systemctl --global enable pipewire.socket pipewire-pulse.socket wireplumber.service
in_root systemctl enable tsunagu-kiosk.service NetworkManager.service systemd-timesyncd.service \
  unattended-upgrades.service apt-daily.timer apt-daily-upgrade.timer
in_root systemctl set-default graphical.target

if [ -n "$hub_url" ]; then
  "$here/provision.sh" --root "$out" --hub-url "$hub_url"
fi

# Each box gets its own machine-id on first boot, and the image ships without apt caches.
: >"$out/etc/machine-id"
in_root apt-get clean
rm -rf "$out/var/lib/apt/lists/"*

echo "Root filesystem ready in $out. See terminal-image/README.md to turn it into a disk image."
