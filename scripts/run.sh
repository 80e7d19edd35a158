#!/usr/bin/env bash
# Install the archive and serve it on http://127.0.0.1:8000, ingesting seeds/ first when the
# archive is empty. Extra arguments go to `archive serve` (e.g. --port 8080).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/venv.sh ""
exec .venv/bin/archive serve --ingest-if-empty "$@"
