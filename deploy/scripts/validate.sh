#!/usr/bin/env bash
# Validate every deployment file offline, with tools this script installs into .tools/:
#   helm lint --strict and helm template for each values file, the manifests through
#   kubernetes-validate (Kubernetes 1.28 and 1.30 schemas), hadolint, actionlint,
#   docker-compose config, promtool check/test rules, shellcheck, dashboard JSON, and
#   manage.py check --deploy under production variables (whitenoise and S3 static files).
# Runs every check, prints a summary, exits 1 if any failed.
#   VALIDATE_SKIP_DJANGO=1 skips the Django check (for machines without the app's deps).
# The checks below are called through check(), which shellcheck cannot follow.
# shellcheck disable=SC2329
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
TOOLS="${TOOLS_DIR:-$ROOT/.tools}"
CHART=deploy/helm
RENDERED="$TOOLS/rendered"
KUBE_VERSIONS=(1.28.0 1.30.0)

bash "$ROOT/deploy/scripts/install-tools.sh"
# actionlint runs shellcheck on workflow scripts when it is on PATH.
export PATH="$TOOLS/venv/bin:$TOOLS/bin:$PATH"
if [[ -z "${PYTHON:-}" ]]; then
  if [[ -x "$ROOT/.venv/bin/python" ]]; then PYTHON="$ROOT/.venv/bin/python"; else PYTHON=python3; fi
fi

results=()
failed=0

check() {
  local name="$1"
  shift
  printf '\n=== %s\n' "$name"
  if "$@"; then
    results+=("PASS  $name")
  else
    results+=("FAIL  $name")
    failed=1
  fi
}

# name -> helm arguments. "rollout" turns on the Argo blue-green path; "dev-secret" the
# development-only Secret; "logging" the Fluent Bit DaemonSet with the in-chart OpenSearch,
# "logging-managed" Fluent Bit towards Amazon OpenSearch Service; "static-s3" static files on
# S3 behind CloudFront; "velero" the optional Velero Schedule.
declare -A RENDERS=(
  [default]=""
  [staging]="-f $CHART/values-staging.yaml"
  [production]="-f $CHART/values-production.yaml"
  [dr]="-f $CHART/values-production.yaml -f $CHART/values-dr.yaml"
  [rollout]="-f $CHART/values-production.yaml --set rollout.enabled=true"
  [dev-secret]="--set secrets.create=true"
  [logging]="-f $CHART/values-production.yaml --set logging.enabled=true --set logging.opensearch.enabled=true --set logging.opensearch.replicas=3"
  [logging-managed]="-f $CHART/values-production.yaml --set logging.enabled=true --set logging.output.host=vpc-adaptive-learning-logs.us-west-2.es.amazonaws.com --set logging.output.port=443 --set logging.output.tls=true --set logging.output.awsAuth=true"
  [static-s3]="-f $CHART/values-production.yaml --set staticFiles.storage=s3 --set staticFiles.s3.bucket=adaptive-learning-static-123456789012 --set staticFiles.s3.cdnDomain=d1234abcd.cloudfront.net"
  [velero]="-f $CHART/values-production.yaml --set velero.enabled=true"
)

helm_lint() {
  local name args status=0
  for name in "${!RENDERS[@]}"; do
    read -r -a args <<<"${RENDERS[$name]}"
    echo "--- helm lint --strict ($name)"
    helm lint --strict "${args[@]}" "$CHART" || status=1
  done
  return "$status"
}

helm_render() {
  local name args status=0
  mkdir -p "$RENDERED"
  for name in "${!RENDERS[@]}"; do
    read -r -a args <<<"${RENDERS[$name]}"
    echo "--- helm template ($name)"
    helm template adaptive-learning "$CHART" --namespace adaptive-learning "${args[@]}" \
      --kube-version 1.30.0 --api-versions monitoring.coreos.com/v1 \
      --api-versions argoproj.io/v1alpha1 --api-versions velero.io/v1 \
      >"$RENDERED/$name.yaml" || status=1
  done
  # Refusals the chart must keep making.
  if helm template x "$CHART" -f "$CHART/values-production.yaml" --set secrets.create=true \
      >/dev/null 2>&1; then
    echo "secrets.create was accepted in production"
    status=1
  fi
  if helm template x "$CHART" --set logging.enabled=true >/dev/null 2>&1; then
    echo "logging without an output host or the in-chart OpenSearch was accepted"
    status=1
  fi
  if helm template x "$CHART" --set staticFiles.storage=s3 >/dev/null 2>&1; then
    echo "staticFiles.storage=s3 without a bucket and CDN domain was accepted"
    status=1
  fi
  return "$status"
}

kube_validate() {
  local file version status=0
  for version in "${KUBE_VERSIONS[@]}"; do
    for file in "$RENDERED"/*.yaml; do
      echo "--- kubernetes-validate -k $version $(basename "$file")"
      # CRDs (ServiceMonitor, PrometheusRule, Rollout, AnalysisTemplate, Velero's Schedule)
      # have no bundled schema and only warn.
      kubernetes-validate --strict --quiet -k "$version" "$file" || status=1
    done
  done
  return "$status"
}

alerts_copy_in_chart() {
  cmp deploy/monitoring/alerts.yml "$CHART/files/alerts.yml" ||
    { echo "copy deploy/monitoring/alerts.yml to $CHART/files/alerts.yml"; return 1; }
}

compose_config() {
  docker-compose -f docker-compose.yml config -q &&
    docker-compose -f docker-compose.yml --profile monitoring config -q &&
    docker-compose -f docker-compose.yml --profile logs config -q
}

promtool_checks() {
  promtool check rules deploy/monitoring/alerts.yml &&
    promtool test rules deploy/monitoring/alerts.test.yml &&
    promtool check config deploy/monitoring/prometheus.yml
}

shell_scripts() {
  shellcheck deploy/scripts/*.sh deploy/docker/start-web deploy/docker/start-worker \
    deploy/docker/start-beat deploy/docker/migrate
}

data_files() {
  "$TOOLS/venv/bin/python" - <<'PY'
import glob, json, sys
import yaml

ok = True
dashboards = sorted(glob.glob("deploy/monitoring/grafana/dashboards/*.json"))
if len(dashboards) != 3:
    ok = False
    print(f"BAD expected 3 dashboards, found {len(dashboards)}")
for path in dashboards:
    try:
        dashboard = json.load(open(path))
        assert dashboard["uid"] and dashboard["panels"], "needs a uid and panels"
        print(f"ok  {path} ({len(dashboard['panels'])} panels)")
    except Exception as error:  # noqa: BLE001
        ok = False
        print(f"BAD {path}: {error}")
for path in ["deploy/eks/cluster.yaml", "deploy/eks/cluster-dr.yaml",
             *sorted(glob.glob("deploy/monitoring/grafana/provisioning/*/*.yml"))]:
    try:
        document = yaml.safe_load(open(path))
        assert isinstance(document, dict), "not a mapping"
        print(f"ok  {path}")
    except Exception as error:  # noqa: BLE001
        ok = False
        print(f"BAD {path}: {error}")
sys.exit(0 if ok else 1)
PY
}

dashboards() {
  python3 deploy/monitoring/grafana/build_dashboards.py --check || return 1
  # Every panel query must parse as PromQL: write them as recording rules (Grafana's
  # variables replaced by plain values) and let promtool check them.
  python3 - "$RENDERED/dashboard-queries.yml" <<'PY' || return 1
import glob, json, sys
substitutions = {"$__rate_interval": "5m", "$namespace": ".*", "$release": "adaptive-learning"}
rules = []
for path in sorted(glob.glob("deploy/monitoring/grafana/dashboards/*.json")):
    for panel in json.load(open(path))["panels"]:
        for target in panel["targets"]:
            expr = target["expr"]
            for variable, value in substitutions.items():
                expr = expr.replace(variable, value)
            rules.append({"record": f"dashboard:query:{len(rules)}", "expr": expr})
with open(sys.argv[1], "w") as out:
    json.dump({"groups": [{"name": "dashboard-queries", "rules": rules}]}, out)
print(f"{len(rules)} dashboard queries")
PY
  promtool check rules "$RENDERED/dashboard-queries.yml"
}

# Extra NAME=value arguments go into the environment (the S3 static files variant).
django_check_deploy() {
  local secret
  secret="$("$PYTHON" -c 'import secrets; print(secrets.token_urlsafe(64))')"
  env "$@" DJANGO_SETTINGS_MODULE=adaptive_learning.settings.production \
    SECRET_KEY="$secret" \
    DEBUG=false \
    ALLOWED_HOSTS=api.adaptivelearning.com \
    CSRF_TRUSTED_ORIGINS=https://api.adaptivelearning.com \
    DATABASE_URL="${CHECK_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}" \
    REDIS_URL="${CHECK_REDIS_URL:-redis://127.0.0.1:6379/0}" \
    "$PYTHON" manage.py check --deploy --fail-level WARNING
}

check "helm lint --strict (every values file)" helm_lint
check "helm template (every values file)" helm_render
check "kubernetes-validate --strict (${KUBE_VERSIONS[*]})" kube_validate
check "rendered manifests meet the deployment policy (check_manifests.py)" \
  "$TOOLS/venv/bin/python" deploy/scripts/check_manifests.py "$RENDERED"
check "chart's PrometheusRule copy matches alerts.yml" alerts_copy_in_chart
check "hadolint Dockerfile" hadolint Dockerfile
check "actionlint .github/workflows" actionlint .github/workflows/ci-cd.yml
check "docker-compose config -q (default, monitoring and logs profiles)" compose_config
check "promtool check rules / test rules / check config" promtool_checks
check "shellcheck deploy scripts" shell_scripts
check "dashboards JSON, eksctl and provisioning YAML parse" data_files
check "Grafana dashboards up to date, every query valid PromQL (promtool)" dashboards
if [[ "${VALIDATE_SKIP_DJANGO:-0}" != 1 ]]; then
  check "manage.py check --deploy --fail-level WARNING (production settings)" django_check_deploy
  check "manage.py check --deploy with static files on S3 (STATIC_STORAGE=s3)" django_check_deploy \
    STATIC_STORAGE=s3 AWS_STORAGE_BUCKET_NAME=adaptive-learning-static-123456789012 \
    STATIC_CDN_DOMAIN=d1234abcd.cloudfront.net
fi

printf '\n=== summary\n'
printf '%s\n' "${results[@]}"
exit "$failed"
