"""Policy checks on the chart's rendered manifests (validate.sh renders them first).

kubernetes-validate proves the manifests are well-formed; this proves they say what the
deployment design requires: hardened pods, one beat, workers on the worker nodes, no secret
values in real environments, the document's autoscaling behaviour.

    python3 deploy/scripts/check_manifests.py .tools/rendered
"""

import sys
from pathlib import Path

import yaml

WORKLOADS = {"Deployment", "Rollout", "Job", "CronJob"}


def pod_spec(obj: dict) -> dict:
    spec = obj["spec"]
    if obj["kind"] == "CronJob":
        spec = spec["jobTemplate"]["spec"]
    return spec["template"]["spec"]


def check_pod(name: str, pod: dict) -> list[str]:
    problems = []
    context = pod.get("securityContext", {})
    if not (context.get("runAsNonRoot") and context.get("runAsUser") == 1000):
        problems.append(f"{name}: pod must run as non-root uid 1000")
    if context.get("seccompProfile", {}).get("type") != "RuntimeDefault":
        problems.append(f"{name}: seccompProfile RuntimeDefault missing")
    tmp = [v for v in pod.get("volumes", []) if v["name"] == "tmp" and "emptyDir" in v]
    if not tmp:
        problems.append(f"{name}: no emptyDir volume for /tmp")
    for container in pod["containers"]:
        sc = container.get("securityContext", {})
        where = f"{name}/{container['name']}"
        if sc.get("readOnlyRootFilesystem") is not True:
            problems.append(f"{where}: readOnlyRootFilesystem must be true")
        if sc.get("allowPrivilegeEscalation") is not False:
            problems.append(f"{where}: allowPrivilegeEscalation must be false")
        if sc.get("capabilities", {}).get("drop") != ["ALL"]:
            problems.append(f"{where}: capabilities must drop ALL")
        mounts = [m["mountPath"] for m in container.get("volumeMounts", [])]
        if "/tmp" not in mounts:  # noqa: S108 - checking the mount, not using it
            problems.append(f"{where}: /tmp is not mounted")
        if not container.get("resources", {}).get("limits"):
            problems.append(f"{where}: no resource limits")
        for env in container.get("env", []):
            secret_like = any(w in env["name"] for w in ("PASSWORD", "SECRET_KEY"))
            if "value" in env and secret_like and not env["name"].endswith("_FILE"):
                problems.append(f"{where}: {env['name']} has a literal value")
    return problems


def check_render(name: str, objects: list[dict]) -> list[str]:
    problems = []
    by_kind: dict[str, list[dict]] = {}
    for obj in objects:
        by_kind.setdefault(obj["kind"], []).append(obj)
        labels = obj["metadata"].get("labels", {})
        for label in (
            "app.kubernetes.io/name",
            "app.kubernetes.io/instance",
            "app.kubernetes.io/managed-by",
            "helm.sh/chart",
        ):
            if label not in labels:
                problems.append(f"[{name}] {obj['kind']}/{obj['metadata']['name']}: no {label}")
        if obj["kind"] in WORKLOADS:
            problems += [f"[{name}] {p}" for p in check_pod(obj["metadata"]["name"], pod_spec(obj))]

    deployments = {
        d["metadata"]["name"].rsplit("-", 1)[-1]: d for d in by_kind.get("Deployment", [])
    }
    beat = deployments.get("beat")
    if beat is None:
        problems.append(f"[{name}] no beat Deployment")
    else:
        if beat["spec"]["replicas"] not in (0, 1) or beat["spec"]["strategy"]["type"] != "Recreate":
            problems.append(f"[{name}] beat must have one replica (0 when suspended) and Recreate")
    worker = deployments.get("worker")
    if worker is None:
        problems.append(f"[{name}] no worker Deployment")
    else:
        pod = pod_spec(worker)
        toleration = {
            "key": "workload",
            "operator": "Equal",
            "value": "worker",
            "effect": "NoSchedule",
        }
        if pod.get("nodeSelector") != {"workload": "worker"} or toleration not in pod.get(
            "tolerations", []
        ):
            problems.append(f"[{name}] worker must select and tolerate workload=worker")
    web = [
        o
        for o in objects
        if o["kind"] in ("Deployment", "Rollout") and o["metadata"]["name"].endswith("-web")
    ]
    if len(web) != 1:
        problems.append(f"[{name}] expected exactly one web Deployment or Rollout, got {len(web)}")
    else:
        container = pod_spec(web[0])["containers"][0]
        if container["livenessProbe"]["httpGet"]["path"] != "/health":
            problems.append(f"[{name}] web liveness probe must GET /health")
        if container["readinessProbe"]["httpGet"]["path"] != "/ready":
            problems.append(f"[{name}] web readiness probe must GET /ready")

    jobs = by_kind.get("Job", [])
    hooks = [
        j
        for j in jobs
        if "pre-upgrade" in j["metadata"].get("annotations", {}).get("helm.sh/hook", "")
    ]
    if name != "dr" and not hooks:
        problems.append(f"[{name}] no pre-install/pre-upgrade migration Job")
    if name in ("staging", "production", "dr", "rollout") and "Secret" in by_kind:
        problems.append(f"[{name}] the chart rendered a Secret in a real environment")
    if name == "production":
        hpa = next(
            h for h in by_kind["HorizontalPodAutoscaler"] if h["metadata"]["name"].endswith("-web")
        )
        expected = {"minReplicas": 3, "maxReplicas": 20}
        if {k: hpa["spec"][k] for k in expected} != expected or "behavior" not in hpa["spec"]:
            problems.append(f"[{name}] web HPA must be 3-20 with the document's behaviour")
        if "ServiceMonitor" not in by_kind:
            problems.append(f"[{name}] no ServiceMonitor although the API was offered")
    if name == "rollout" and not {"Rollout", "AnalysisTemplate"} <= by_kind.keys():
        problems.append(f"[{name}] rollout.enabled must render a Rollout and an AnalysisTemplate")
    if name in ("staging", "production", "dr"):
        # The API gateway's replacement (deploy/README.md): a regional WAF web ACL on the ALB.
        region = "us-east-1" if name == "dr" else "us-west-2"
        for ingress in by_kind.get("Ingress", []):
            acl = ingress["metadata"]["annotations"].get(
                "alb.ingress.kubernetes.io/wafv2-acl-arn", ""
            )
            if not acl.startswith(f"arn:aws:wafv2:{region}:"):
                problems.append(f"[{name}] the ALB needs a WAF web ACL of {region}")
    problems += check_optional_parts(name, by_kind)
    return problems


def check_optional_parts(name: str, by_kind: dict[str, list[dict]]) -> list[str]:
    """The optional parts (logging, static files on S3, Velero) appear only where turned on."""
    problems = []
    daemonsets = by_kind.get("DaemonSet", [])
    statefulsets = by_kind.get("StatefulSet", [])
    schedules = by_kind.get("Schedule", [])
    config = next(
        (
            c["data"]
            for c in by_kind.get("ConfigMap", [])
            if c["metadata"]["name"].endswith("-fluent-bit")
        ),
        None,
    )
    if name.startswith("logging"):
        if len(daemonsets) != 1 or config is None:
            problems.append(f"[{name}] logging must render one Fluent Bit DaemonSet and its config")
        for daemonset in daemonsets:
            container = pod_spec(daemonset)["containers"][0]
            sc = container.get("securityContext", {})
            if not (
                sc.get("readOnlyRootFilesystem") is True
                and sc.get("allowPrivilegeEscalation") is False
                and sc.get("capabilities", {}).get("drop") == ["ALL"]
                and container.get("resources", {}).get("limits")
            ):
                problems.append(f"[{name}] Fluent Bit must be locked down and limited")
            mounts = {m["mountPath"]: m for m in container.get("volumeMounts", [])}
            if not mounts.get("/var/log", {}).get("readOnly"):
                problems.append(f"[{name}] Fluent Bit must mount the node's /var/log read-only")
        if config is not None:
            if "Parser        adaptive-learning-json" not in config["fluent-bit.conf"]:
                problems.append(f"[{name}] Fluent Bit does not parse our JSON lines")
            if "Name        adaptive-learning-json" not in config["parsers.conf"]:
                problems.append(f"[{name}] the adaptive-learning-json parser is not defined")
            if "Name                opensearch" not in config["fluent-bit.conf"]:
                problems.append(f"[{name}] Fluent Bit has no OpenSearch output")
            if (
                name == "logging-managed"
                and "AWS_Auth            On" not in config["fluent-bit.conf"]
            ):
                problems.append(f"[{name}] the managed output must sign requests (AWS_Auth)")
        wanted = 1 if name == "logging" else 0
        if len(statefulsets) != wanted:
            problems.append(f"[{name}] expected {wanted} OpenSearch StatefulSet(s)")
        for statefulset in statefulsets:
            if not statefulset["spec"].get("volumeClaimTemplates"):
                problems.append(f"[{name}] OpenSearch must keep its data on a volume")
    elif daemonsets or statefulsets:
        problems.append(f"[{name}] logging is off by default but rendered a DaemonSet/StatefulSet")

    if name == "velero":
        if len(schedules) != 1:
            problems.append(f"[{name}] velero.enabled must render one Schedule")
        for schedule in schedules:
            spec = schedule["spec"]
            if spec["schedule"] != "0 2 * * *" or spec["template"]["ttl"] != "720h0m0s":
                problems.append(f"[{name}] the Schedule must keep the document's 0 2 * * * / 720h")
    elif schedules:
        problems.append(f"[{name}] Velero is off by default but rendered a Schedule")

    app_config = next(
        c["data"]
        for c in by_kind.get("ConfigMap", [])
        if not c["metadata"]["name"].endswith("-fluent-bit")
    )
    on_s3 = app_config.get("STATIC_STORAGE") == "s3"
    if on_s3 != (name == "static-s3"):
        problems.append(
            f"[{name}] STATIC_STORAGE=s3 must appear exactly when staticFiles.storage=s3"
        )
    if on_s3 and not (
        app_config.get("AWS_STORAGE_BUCKET_NAME") and app_config.get("STATIC_CDN_DOMAIN")
    ):
        problems.append(f"[{name}] static files on S3 need the bucket and the CDN domain")
    return problems


def main(directory: str) -> int:
    problems = []
    files = sorted(Path(directory).glob("*.yaml"))
    for path in files:
        if path.name.startswith("dashboard"):
            continue
        objects = [o for o in yaml.safe_load_all(path.read_text()) if o]
        problems += check_render(path.stem, objects)
    for problem in problems:
        print(problem)
    print(f"{len(files)} renders checked, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else ".tools/rendered"))
