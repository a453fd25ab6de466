#!/usr/bin/env bash
# Install into .venv/, ingest and index the bundled data from ../shared (or $GOVASSIST_SHARED), start the service.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
ensure_venv
.venv/bin/govassist db upgrade        # schema migrations (serve runs them too)
.venv/bin/govassist ingest            # bundled data; idempotent
.venv/bin/govassist index             # incremental: unchanged chunks are not re-embedded
exec .venv/bin/govassist serve "$@"
