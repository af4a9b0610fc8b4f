#!/usr/bin/env bash
# The Debian packages the tests need, in one place. `npm test` (pretest), `npm run screenshots` and
# .ci/run call this first, so a missing package stops the run with one clear line instead of
# dozens of confusing test failures. As root it installs what is missing; otherwise it prints the
# exact command to run. TSUNAGU_SKIP_TEST_DEPS=1 skips the check (e.g. on a machine without dpkg
# where you provide the programs yourself).
set -euo pipefail

# package                      why the tests need it
packages=(
  chromium                     # browser tests (playwright-core drives Debian's Chromium)
  fonts-noto-cjk               # Japanese screens render (and are screenshotted) properly
  shellcheck                   # set-top image recipe: its shell scripts are linted
  systemd                      # set-top image recipe: systemd-analyze verifies its units
  open-jtalk                   # Japanese speech synthesis for announcements read aloud
  open-jtalk-mecab-naist-jdic  # Open JTalk's dictionary
  opus-tools                   # encodes synthesized speech to Opus
  espeak-ng                    # English speech synthesis
  postgresql                   # the PostgreSQL store runs against a real server
  redis-server                 # multi-node hub: Socket.IO adapter and shared state on a real Redis
  prometheus                   # promtool checks the alerting rules
  haproxy                      # multi-node hub behind a real load balancer
  openssl                      # notification tests: the local Web Push service's TLS certificate
)

[ "${TSUNAGU_SKIP_TEST_DEPS:-}" = 1 ] && exit 0

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "test-deps: this is not a Debian-like system (no dpkg-query). The tests need these Debian packages"
  echo "           (or their equivalents): ${packages[*]}"
  echo "           Install them, then run again with TSUNAGU_SKIP_TEST_DEPS=1."
  exit 1
fi

missing_packages() {
  local p
  for p in "${packages[@]}"; do
    [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" = "install ok installed" ] || echo "$p"
  done
}

mapfile -t missing < <(missing_packages)
[ "${#missing[@]}" -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "test-deps: the tests need Debian packages that are not installed: ${missing[*]}"
  echo "Install them with:"
  echo
  echo "  sudo apt-get install -y --no-install-recommends ${missing[*]}"
  echo
  exit 1
fi

echo "test-deps: installing ${missing[*]}"
# The tests start their own PostgreSQL, Redis, Prometheus and HAProxy on free ports; keep the
# packages' maintainer scripts from starting system-wide daemons (policy-rc.d exit 101 = "do not
# start"), unless the machine already has its own policy.
policy=${TSUNAGU_POLICY_RC_D:-/usr/sbin/policy-rc.d} # overridable for scripts/test-deps.test.ts
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod +x "$policy"
  trap 'rm -f "$policy"' EXIT
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

mapfile -t still < <(missing_packages)
if [ "${#still[@]}" -gt 0 ]; then
  echo "test-deps: apt-get did not install: ${still[*]}"
  exit 1
fi
