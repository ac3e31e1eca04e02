#!/usr/bin/env bash
# The browser tests drive Debian's chromium (Playwright from PyPI with executable_path, never
# `playwright install`). Install it when missing and we may (root, apt-get present); otherwise say
# so and let the browser tests skip with the reason.
set -uo pipefail
[ -x /usr/bin/chromium ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing Debian chromium for the browser tests"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null \
        || echo "could not install chromium: browser tests will be skipped"
else
    echo "/usr/bin/chromium missing and apt-get not usable: browser tests will be skipped"
fi
exit 0
