#!/usr/bin/env bash
# Fail over to the disaster-recovery region (us-east-1 by default).
#
#   deploy/scripts/failover.sh --replica-id adaptive-learning-dr \
#     --hosted-zone-id Z123456789 --record api.adaptivelearning.com \
#     --kube-context adaptive-learning-dr [--dr-alb-dns k8s-...elb.amazonaws.com] \
#     [--dr-region us-east-1] [--dry-run]
# Without --dr-alb-dns the DR Ingress's load balancer name is read from the cluster.
#
# Steps: 1 promote the cross-region RDS read replica, 2 wait until it is a standalone,
# available instance, 3 point the Secret's DATABASE_URL at it, 4 switch the DNS record to the
# DR load balancer (Route 53), 5 scale the DR release up and restart it on the new Secret,
# 6 verify /ready through the public name. --dry-run prints every command without running it.
# Needs: aws (v2), kubectl, python3, curl; an operator with rights in both AWS and the cluster.
set -euo pipefail

DR_REGION=us-east-1
NAMESPACE=adaptive-learning
RELEASE=adaptive-learning
SECRET_NAME=adaptive-learning-secrets
SECRET_KEY=database-url
REPLICA_ID=""
HOSTED_ZONE_ID=""
RECORD=""
DR_ALB_DNS=""
KUBE_CONTEXT=""
WEB_REPLICAS=3
WORKER_REPLICAS=2
DNS_TTL=60
DRY_RUN=false
WAIT_MINUTES=30

log() { printf '[failover %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

usage() {
  sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  exit "${1:-0}"
}

# Run a command, or print it under --dry-run.
run() {
  if [[ "$DRY_RUN" == true ]]; then
    printf '+'
    printf ' %q' "$@"
    printf '\n'
  else
    "$@"
  fi
}

kube() { run kubectl --context "$KUBE_CONTEXT" --namespace "$NAMESPACE" "$@"; }

parse_args() {
  while (($#)); do
    case "$1" in
      --replica-id) REPLICA_ID="$2"; shift ;;
      --dr-region) DR_REGION="$2"; shift ;;
      --hosted-zone-id) HOSTED_ZONE_ID="$2"; shift ;;
      --record) RECORD="$2"; shift ;;
      --dr-alb-dns) DR_ALB_DNS="$2"; shift ;;
      --kube-context) KUBE_CONTEXT="$2"; shift ;;
      --namespace) NAMESPACE="$2"; shift ;;
      --release) RELEASE="$2"; shift ;;
      --secret) SECRET_NAME="$2"; shift ;;
      --web-replicas) WEB_REPLICAS="$2"; shift ;;
      --worker-replicas) WORKER_REPLICAS="$2"; shift ;;
      --dry-run) DRY_RUN=true ;;
      -h|--help) usage 0 ;;
      *) log "unknown argument: $1"; usage 2 ;;
    esac
    shift
  done
  local name
  for name in REPLICA_ID HOSTED_ZONE_ID RECORD KUBE_CONTEXT; do
    [[ -n "${!name}" ]] || die "missing --$(tr '[:upper:]_' '[:lower:]-' <<<"$name")"
  done
  if [[ "$DRY_RUN" != true ]]; then
    local tool
    for tool in aws kubectl python3 curl; do
      command -v "$tool" >/dev/null || die "$tool is not installed"
    done
  fi
}

rds_field() {
  aws rds describe-db-instances --region "$DR_REGION" \
    --db-instance-identifier "$REPLICA_ID" --query "DBInstances[0].$1" --output text
}

promote_replica() {
  log "1/6 promoting RDS read replica $REPLICA_ID in $DR_REGION"
  run aws rds promote-read-replica --region "$DR_REGION" \
    --db-instance-identifier "$REPLICA_ID" --backup-retention-period 7
}

wait_for_standalone() {
  log "2/6 waiting until $REPLICA_ID is standalone and available (up to $WAIT_MINUTES min)"
  if [[ "$DRY_RUN" == true ]]; then
    run aws rds wait db-instance-available --region "$DR_REGION" --db-instance-identifier "$REPLICA_ID"
    return
  fi
  # `aws rds wait db-instance-available` alone can return before the promotion has even
  # started, so also wait for the replication source to disappear.
  local deadline=$((SECONDS + WAIT_MINUTES * 60)) status source
  while ((SECONDS < deadline)); do
    status="$(rds_field DBInstanceStatus)"
    source="$(rds_field ReadReplicaSourceDBInstanceIdentifier)"
    log "   status=$status source=$source"
    if [[ "$status" == available && ( "$source" == None || -z "$source" ) ]]; then
      # Multi-AZ again, like the primary was (runs in the background on AWS's side).
      run aws rds modify-db-instance --region "$DR_REGION" --db-instance-identifier "$REPLICA_ID" \
        --multi-az --apply-immediately >/dev/null
      return
    fi
    sleep 20
  done
  die "$REPLICA_ID did not become a standalone instance in $WAIT_MINUTES minutes"
}

update_secret() {
  # A promoted replica keeps its endpoint, so this is often a no-op; it matters when the
  # standby read from another host (a proxy, or the primary across regions).
  log "3/6 pointing $SECRET_NAME/$SECRET_KEY at the promoted instance"
  if [[ "$DRY_RUN" == true ]]; then
    run aws rds describe-db-instances --region "$DR_REGION" --db-instance-identifier "$REPLICA_ID" \
      --query 'DBInstances[0].Endpoint.Address' --output text
    kube patch secret "$SECRET_NAME" --type merge -p '{"data":{"'"$SECRET_KEY"'":"<base64 of the URL with the new host>"}}'
    return
  fi
  local endpoint current updated
  endpoint="$(rds_field Endpoint.Address)"
  current="$(kubectl --context "$KUBE_CONTEXT" --namespace "$NAMESPACE" get secret "$SECRET_NAME" \
    -o "jsonpath={.data.$SECRET_KEY}" | base64 -d)"
  [[ -n "$current" ]] || die "secret $SECRET_NAME has no key $SECRET_KEY"
  # Replace only the host: user, password, port, database and options stay as they were.
  updated="$(CURRENT="$current" ENDPOINT="$endpoint" python3 -c '
import os
from urllib.parse import urlsplit, urlunsplit
url = urlsplit(os.environ["CURRENT"])
userinfo, _, _ = url.netloc.rpartition("@")
port = f":{url.port}" if url.port else ""
netloc = (userinfo + "@" if userinfo else "") + os.environ["ENDPOINT"] + port
print(urlunsplit(url._replace(netloc=netloc)))
')"
  # The value goes through stdin, never the command line (ps) or the log.
  printf '{"data":{"%s":"%s"}}' "$SECRET_KEY" "$(printf '%s' "$updated" | base64 -w0)" |
    kubectl --context "$KUBE_CONTEXT" --namespace "$NAMESPACE" patch secret "$SECRET_NAME" \
      --type merge --patch-file /dev/stdin
  if [[ "$updated" == "$current" ]]; then
    log "   DATABASE_URL already points at $endpoint"
  else
    log "   DATABASE_URL now points at $endpoint"
  fi
}

switch_dns() {
  if [[ -z "$DR_ALB_DNS" ]]; then
    if [[ "$DRY_RUN" == true ]]; then
      kube get ingress "$RELEASE" -o 'jsonpath={.status.loadBalancer.ingress[0].hostname}'
      DR_ALB_DNS="<dr-alb-hostname>"
    else
      DR_ALB_DNS="$(kubectl --context "$KUBE_CONTEXT" --namespace "$NAMESPACE" get ingress \
        "$RELEASE" -o 'jsonpath={.status.loadBalancer.ingress[0].hostname}')"
      [[ -n "$DR_ALB_DNS" ]] || die "the DR Ingress has no load balancer; pass --dr-alb-dns"
    fi
  fi
  log "4/6 pointing $RECORD at $DR_ALB_DNS (TTL $DNS_TTL)"
  local batch
  batch="$(mktemp)"
  # shellcheck disable=SC2064  # expand now: the path is fixed
  trap "rm -f '$batch'" EXIT
  cat >"$batch" <<JSON
{
  "Comment": "adaptive-learning failover to $DR_REGION",
  "Changes": [{
    "Action": "UPSERT",
    "ResourceRecordSet": {
      "Name": "$RECORD",
      "Type": "CNAME",
      "TTL": $DNS_TTL,
      "ResourceRecords": [{"Value": "$DR_ALB_DNS"}]
    }
  }]
}
JSON
  if [[ "$DRY_RUN" == true ]]; then
    cat "$batch" >&2
  fi
  run aws route53 change-resource-record-sets --hosted-zone-id "$HOSTED_ZONE_ID" \
    --change-batch "file://$batch"
}

scale_up() {
  log "5/6 scaling up the DR release and restarting it on the new DATABASE_URL"
  # The web HPA's floor wins over a plain scale, so raise the floor too.
  if [[ "$DRY_RUN" == true ]] || kubectl --context "$KUBE_CONTEXT" --namespace "$NAMESPACE" \
      get hpa "$RELEASE-web" >/dev/null 2>&1; then
    kube patch hpa "$RELEASE-web" --type merge -p "{\"spec\":{\"minReplicas\":$WEB_REPLICAS}}"
  fi
  kube scale deployment "$RELEASE-web" --replicas "$WEB_REPLICAS"
  kube scale deployment "$RELEASE-worker" --replicas "$WORKER_REPLICAS"
  kube scale deployment "$RELEASE-beat" --replicas 1
  kube rollout restart deployment "$RELEASE-web" "$RELEASE-worker" "$RELEASE-beat"
  local deployment
  for deployment in web worker beat; do
    kube rollout status deployment "$RELEASE-$deployment" --timeout 10m
  done
}

verify() {
  log "6/6 checking https://$RECORD/ready"
  if [[ "$DRY_RUN" == true ]]; then
    run curl -fsS --max-time 10 "https://$RECORD/ready"
    return
  fi
  # Resolvers may keep the old answer for the record's previous TTL.
  local attempt
  for attempt in $(seq 1 30); do
    if curl -fsS --max-time 10 "https://$RECORD/ready" >/dev/null; then
      log "failover completed: https://$RECORD/ready answers 200"
      return
    fi
    log "   attempt $attempt: not ready yet"
    sleep 20
  done
  die "https://$RECORD/ready did not answer 200; check the pods and DNS"
}

main() {
  parse_args "$@"
  if [[ "$DRY_RUN" == true ]]; then
    log "dry run: printing commands only"
  fi
  promote_replica
  wait_for_standalone
  update_secret
  switch_dns
  scale_up
  verify
  log "afterwards: set the new values in values-dr.yaml (or make us-east-1 the primary) so the next helm upgrade keeps them"
}

main "$@"
