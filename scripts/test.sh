#!/usr/bin/env bash
# Install the archive with its test tools and run the whole test suite.
# Browser tests drive Debian's chromium; on a fresh Debian machine (as root) it is installed here.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/venv.sh "[test]"

if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing Debian's chromium for the browser tests"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
  else
    echo "browser tests need /usr/bin/chromium: sudo apt-get install chromium fonts-noto-cjk" >&2
  fi
fi

# Lint, format and types first: a red line here costs seconds, not a whole test run.
.venv/bin/ruff check app bench tests
.venv/bin/ruff format --check app bench tests
.venv/bin/mypy  # [tool.mypy] in pyproject.toml: app and bench, strict on parse and search

exec .venv/bin/python -m pytest "$@"
