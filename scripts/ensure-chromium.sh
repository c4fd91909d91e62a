#!/usr/bin/env bash
# The e2e tests drive an installed Chrome or Chromium (Playwright's own browser
# download does not work offline): CHROMIUM_PATH, or the first one found where
# macOS or Linux installs it (scripts/chromium-path.ts). On Debian-like Linux
# as root it installs Debian's chromium when none is there; otherwise it says how.
set -euo pipefail
cd "$(dirname "$0")/.."
browser="$(node_modules/.bin/tsx scripts/chromium-path.ts)"
if [ -x "$browser" ]; then exit 0; fi
if [ -n "${CHROMIUM_PATH:-}" ]; then
  echo "runway: CHROMIUM_PATH=$CHROMIUM_PATH is not an executable file. Point it at Chrome's or Chromium's executable, or unset it to use an installed one." >&2
  exit 1
fi
case "$(uname -s)" in
  Darwin)
    echo "runway: the e2e tests need Google Chrome or Chromium, and neither is in /Applications or ~/Applications." >&2
    echo "  Install Google Chrome (the usual download, dragged to /Applications), or Chromium with: brew install --cask chromium" >&2
    echo "  A browser elsewhere: CHROMIUM_PATH=\"/path/to/Browser.app/Contents/MacOS/Browser\" npm test" >&2
    exit 1
    ;;
esac
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "runway: installing Debian's chromium for the e2e tests…"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "runway: Chromium not found at $browser (nor chromium-browser or google-chrome in /usr/bin). Install it (sudo apt-get install chromium) or set CHROMIUM_PATH." >&2
exit 1
