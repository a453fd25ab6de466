# Shared helpers for scripts/run.sh and scripts/test.sh (sourced, not executed).
export HF_HUB_OFFLINE=1 HF_HUB_DISABLE_TELEMETRY=1 GRADIO_ANALYTICS_ENABLED=False ANONYMIZED_TELEMETRY=False
export TOKENIZERS_PARALLELISM=false

apt_install() {  # apt_install PKG... : install missing Debian packages (needs root)
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then echo "need root to apt-get install ${missing[*]}" >&2; return 1; fi
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

ensure_system_packages() {
  apt_install postgresql chromium fonts-noto-cjk espeak-ng
}

ensure_venv() {  # ensure_venv [dev]: create .venv and install the project (and test extras)
  local extras="postgres"
  [ "${1:-}" = "dev" ] && extras="postgres,dev"
  [ -x .venv/bin/python ] || python3 -m venv .venv
  local stamp=".venv/.installed-$extras-$(sha1sum pyproject.toml | cut -c1-12)"
  if [ ! -f "$stamp" ]; then
    .venv/bin/pip install -q --upgrade pip
    if [ "${1:-}" = "dev" ]; then
      # CPU build of torch from the local wheel cache: pinned, so no CUDA packages are pulled.
      .venv/bin/pip install -q "torch==2.13.0"
      .venv/bin/pip install -q -e ".[$extras,st]"
    else
      .venv/bin/pip install -q -e ".[$extras]"
    fi
    touch "$stamp"
  fi
}
