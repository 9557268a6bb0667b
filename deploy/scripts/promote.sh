#!/usr/bin/env bash
# Deploy (promote) an image tag to an environment with Helm.
#
#   deploy/scripts/promote.sh staging    <image-tag>
#   deploy/scripts/promote.sh production [<image-tag>]   # default: the tag staging runs now
#   deploy/scripts/promote.sh dr         <image-tag>     # the standby region (kube context!)
#
# Options: --dry-run (print the commands), --timeout 15m, --kube-context NAME.
# helm upgrade --install --atomic waits for the new pods and rolls back by itself on failure,
# including a failed migration Job (a pre-upgrade hook).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CHART="$ROOT/deploy/helm"
RELEASE="${RELEASE:-adaptive-learning}"
DRY_RUN=false
TIMEOUT=15m
KUBE_CONTEXT=""

usage() {
  sed -n '2,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  exit "${1:-0}"
}

run() {
  if [[ "$DRY_RUN" == true ]]; then
    printf '+'
    printf ' %q' "$@"
    printf '\n'
  else
    "$@"
  fi
}

# The tag staging runs now, so that production gets exactly what was tested there.
staging_tag() {
  local context_args=()
  if [[ -n "$KUBE_CONTEXT" ]]; then
    context_args=(--kube-context "$KUBE_CONTEXT")
  fi
  helm get values "$RELEASE" --namespace adaptive-learning-staging "${context_args[@]}" \
    --output json | python3 -c 'import json, sys; print(json.load(sys.stdin)["image"]["tag"])'
}

main() {
  local positional=()
  while (($#)); do
    case "$1" in
      --dry-run) DRY_RUN=true ;;
      --timeout) TIMEOUT="$2"; shift ;;
      --kube-context) KUBE_CONTEXT="$2"; shift ;;
      -h|--help) usage 0 ;;
      -*) echo "unknown option: $1" >&2; usage 2 ;;
      *) positional+=("$1") ;;
    esac
    shift
  done
  if ((${#positional[@]} < 1 || ${#positional[@]} > 2)); then
    usage 2
  fi
  local environment="${positional[0]}"
  local image_tag="${positional[1]:-}"
  local namespace
  local values=()
  case "$environment" in
    staging)
      namespace=adaptive-learning-staging
      values=(-f "$CHART/values-staging.yaml")
      ;;
    production)
      namespace=adaptive-learning
      values=(-f "$CHART/values-production.yaml")
      if [[ -z "$image_tag" ]]; then
        image_tag="$(staging_tag)"
        echo "promoting the tag staging runs: $image_tag" >&2
      fi
      ;;
    dr)
      namespace=adaptive-learning
      values=(-f "$CHART/values-production.yaml" -f "$CHART/values-dr.yaml")
      ;;
    *)
      echo "invalid environment: $environment (staging, production or dr)" >&2
      exit 2
      ;;
  esac
  if [[ -z "$image_tag" ]]; then
    echo "an image tag is required for $environment" >&2
    exit 2
  fi
  local context_args=()
  if [[ -n "$KUBE_CONTEXT" ]]; then
    context_args=(--kube-context "$KUBE_CONTEXT")
  fi
  run helm upgrade --install "$RELEASE" "$CHART" \
    --namespace "$namespace" --create-namespace \
    "${values[@]}" \
    --set-string "image.tag=$image_tag" \
    --atomic --wait --timeout "$TIMEOUT" \
    --history-max 10 \
    "${context_args[@]}"
  run helm status "$RELEASE" --namespace "$namespace" "${context_args[@]}"
}

main "$@"
