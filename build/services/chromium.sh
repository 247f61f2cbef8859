# shellcheck shell=bash
# The browser tests (tests/TokenQuota.AspNetCore.Tests) drive the machine's /usr/bin/chromium through Microsoft.Playwright;
# Playwright never downloads a browser of its own here. Install Debian's chromium when it is missing. Nothing to stop.
if [ ! -x /usr/bin/chromium ]; then
  echo "== installing chromium (for the browser tests)"
  if ! { apt-get update >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium >/dev/null 2>&1; }; then
    echo "chromium.sh: could not install chromium; the browser tests will fail" >&2
  fi
fi
