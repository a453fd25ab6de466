#!/usr/bin/env bash
# Run the whole test suite: installs what the tests need (system packages, the venv, a real PostgreSQL server,
# Chromium for browser tests), then ruff, import-linter and pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
ensure_system_packages
ensure_venv dev
eval "$(bash .ci/postgres.sh)"          # exports GOVASSIST_TEST_PG_URL
export GOVASSIST_TEST_ARTIFACTS="${GOVASSIST_TEST_ARTIFACTS:-$PWD/test-artifacts}"
.venv/bin/ruff check .
.venv/bin/lint-imports
.venv/bin/pytest -q -rs -p no:cacheprovider "$@"
