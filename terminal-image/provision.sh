#!/bin/bash
# Provision one Tsunagu terminal: record which hub it belongs to and, optionally, the 8-digit
# enrollment code the installer was given, for the terminal to submit on first start.
#
#   provision.sh --hub-url https://hub.example.city [--code 12345678] [--require-keyring] [--root DIR]
#
# --root DIR writes into DIR instead of / (an image being built, or a test's temp dir).
# The enrollment code is handed to the app, not exchanged here: the long-lived credential the hub
# returns must only ever exist encrypted by the app, never as a plaintext file written by a script.
set -euo pipefail

usage() {
  sed -n '5,6p' "$0" | sed 's/^# *//' >&2
  exit 64
}

die() {
  echo "provision.sh: $*" >&2
  exit 65
}

root=""
hub_url=""
code=""
allow_basic_text=true

while [ $# -gt 0 ]; do
  case "$1" in
    --root) root="${2:?--root needs a directory}"; shift 2 ;;
    --hub-url) hub_url="${2:?--hub-url needs a URL}"; shift 2 ;;
    --code) code="${2:?--code needs 8 digits}"; shift 2 ;;
    # The cage kiosk has no OS keyring, so Electron can only use its basic_text backend; a
    # machine that has one (a desktop used for testing) can insist on it.
    --require-keyring) allow_basic_text=false; shift ;;
    -h | --help) usage ;;
    *) echo "provision.sh: unknown option $1" >&2; usage ;;
  esac
done

[ -n "$hub_url" ] || die "--hub-url is required, e.g. --hub-url https://hub.example.city"

# Same rule as the app (apps/terminal/src/main/config.ts): https, or http only on loopback, because
# camera and microphone need a secure context. The character set also keeps the JSON below valid.
hub_re='^https://[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:[0-9]{1,5})?(/[A-Za-z0-9._~/-]*)?$'
local_re='^http://(localhost|127\.0\.0\.1)(:[0-9]{1,5})?(/[A-Za-z0-9._~/-]*)?$'
if ! [[ "$hub_url" =~ $hub_re || "$hub_url" =~ $local_re ]]; then
  die "hub URL '$hub_url' is not valid: write it like https://hub.example.city (https is required)"
fi
hub_url="${hub_url%/}"

if [ -n "$code" ] && ! [[ "$code" =~ ^[0-9]{8}$ ]]; then
  die "enrollment code must be exactly 8 digits (got '$code')"
fi

config_dir="$root/etc/tsunagu"
state_dir="$root/var/lib/tsunagu"
mkdir -p "$config_dir" "$state_dir"

# Write then rename, so the app never reads a half-written config.
tmp="$(mktemp "$config_dir/.terminal.json.XXXXXX")"
printf '{\n  "hubUrl": "%s",\n  "allowBasicTextSecrets": %s\n}\n' "$hub_url" "$allow_basic_text" >"$tmp"
chmod 0644 "$tmp"
mv "$tmp" "$config_dir/terminal.json"

# The kiosk user's uid/gid come from the target's passwd, which may not be this machine's.
kiosk_ids=""
if [ -r "$root/etc/passwd" ]; then
  kiosk_ids="$(awk -F: '$1 == "tsunagu" { print $3 ":" $4 }' "$root/etc/passwd")"
fi

if [ -n "$code" ]; then
  (
    umask 077
    printf '%s\n' "$code" >"$state_dir/enrollment-code"
  )
fi

chmod 0700 "$state_dir"
if [ -n "$kiosk_ids" ] && [ "$(id -u)" -eq 0 ]; then
  chown -R "$kiosk_ids" "$state_dir"
elif [ -n "$code" ]; then
  echo "provision.sh: warning: no tsunagu user in $root/etc/passwd (or not root); $state_dir is not owned by the kiosk user" >&2
fi

echo "Provisioned hub $hub_url in $config_dir/terminal.json${code:+ with an enrollment code}."
