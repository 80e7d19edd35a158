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

.venv/bin/python -m pytest "$@"

# The search tests again with the second engine (README, Engines), unless the arguments
# name test files or folders of their own. 5 is pytest's "no test selected" (e.g. -k parse).
for arg in "$@"; do
  [ -e "${arg%%::*}" ] && exit 0
done
engine_tests=(tests/test_search.py tests/test_languages.py tests/test_search_page.py
  tests/test_api.py tests/test_index.py tests/test_index_copy.py tests/test_budget.py
  tests/test_ingest.py tests/test_budgets.py tests/test_who_said_it.py tests/test_properties.py)
echo "the search tests with ARCHIVE_ENGINE=tantivy"
status=0
ARCHIVE_ENGINE=tantivy .venv/bin/python -m pytest "${engine_tests[@]}" "$@" || status=$?
[ "$status" = 0 ] || [ "$status" = 5 ] || exit "$status"
