"""Write the three Grafana dashboards as JSON (dashboards as code).

    python deploy/monitoring/grafana/build_dashboards.py          # rewrite dashboards/*.json
    python deploy/monitoring/grafana/build_dashboards.py --check  # fail if they are stale

Queries use the job label "adaptive-learning" (compose's scrape job and the ServiceMonitor's
jobLabel) and the metric names the application exports. Standard library only.
"""

import json
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent / "dashboards"
APP = 'job="adaptive-learning", namespace=~"$namespace"'
RATE = "$__rate_interval"
HTTP = "django_http_responses_total_by_status_view_method_total"
LATENCY = "django_http_requests_latency_seconds_by_view_method_bucket"
# cAdvisor series of the release's containers (image!="" drops the pod-level cgroup).
POD = 'namespace=~"$namespace", pod=~"$release.*", image!=""'


def target(expr: str, legend: str = "", ref: str = "A") -> dict:
    return {
        "datasource": {"type": "prometheus", "uid": "${datasource}"},
        "expr": expr,
        "legendFormat": legend,
        "refId": ref,
    }


def panel(kind: str, title: str, targets: list[dict], unit: str, grid: tuple, **extra) -> dict:
    x, y, w, h = grid
    defaults: dict = {"unit": unit}
    if "thresholds" in extra:
        defaults["thresholds"] = {"mode": "absolute", "steps": extra.pop("thresholds")}
    body = {
        "type": kind,
        "title": title,
        "datasource": {"type": "prometheus", "uid": "${datasource}"},
        "gridPos": {"x": x, "y": y, "w": w, "h": h},
        "fieldConfig": {"defaults": defaults, "overrides": []},
        "targets": [{**t, "refId": chr(ord("A") + i)} for i, t in enumerate(targets)],
    }
    if kind == "timeseries":
        body["options"] = {"legend": {"displayMode": "table", "placement": "bottom"}}
    body.update(extra)
    return body


def timeseries(title: str, targets: list[dict], unit: str, grid: tuple, **extra) -> dict:
    return panel("timeseries", title, targets, unit, grid, **extra)


def stat(title: str, expr: str, unit: str, grid: tuple, steps: list[dict] | None = None) -> dict:
    steps = steps or [{"color": "green", "value": None}]
    return panel("stat", title, [target(expr)], unit, grid, thresholds=steps)


def variables(*extra: dict) -> dict:
    datasource = {
        "name": "datasource",
        "label": "Data source",
        "type": "datasource",
        "query": "prometheus",
        "current": {},
    }
    namespace = {
        "name": "namespace",
        "label": "Namespace",
        "type": "query",
        "datasource": {"type": "prometheus", "uid": "${datasource}"},
        "query": {"query": 'label_values(up{job="adaptive-learning"}, namespace)', "refId": "ns"},
        "includeAll": True,
        "multi": True,
        "refresh": 2,
        "current": {},
    }
    return {"list": [datasource, namespace, *extra]}


def dashboard(uid: str, title: str, description: str, panels: list[dict], **extra) -> dict:
    for number, item in enumerate(panels, start=1):
        item["id"] = number
    return {
        "uid": uid,
        "title": title,
        "description": description,
        "tags": ["adaptive-learning"],
        "timezone": "utc",
        "schemaVersion": 39,
        "version": 1,
        "editable": True,
        "refresh": "30s",
        "time": {"from": "now-6h", "to": "now"},
        "templating": extra.pop("templating", variables()),
        "panels": panels,
        **extra,
    }


def application_performance() -> dict:
    errors = f'sum(rate({HTTP}{{{APP}, status=~"5.."}}[{RATE}]))'
    total = f"sum(rate({HTTP}{{{APP}}}[{RATE}]))"

    def quantile(q: float) -> str:
        return (
            f"histogram_quantile({q}, sum by (le) (rate("
            f'{LATENCY}{{{APP}, view!="prometheus-django-metrics"}}[{RATE}])))'
        )

    panels = [
        stat("Requests / s", total, "reqps", (0, 0, 6, 4)),
        stat(
            "5xx error ratio",
            f"({errors} or vector(0)) / {total}",
            "percentunit",
            (6, 0, 6, 4),
            [
                {"color": "green", "value": None},
                {"color": "orange", "value": 0.01},
                {"color": "red", "value": 0.05},
            ],
        ),
        stat(
            "p99 latency",
            quantile(0.99),
            "s",
            (12, 0, 6, 4),
            [{"color": "green", "value": None}, {"color": "red", "value": 1}],
        ),
        stat("Pods answering /metrics", 'sum(up{job="adaptive-learning"})', "none", (18, 0, 6, 4)),
        timeseries(
            "Request rate by status",
            [target(f"sum by (status) (rate({HTTP}{{{APP}}}[{RATE}]))", "{{status}}")],
            "reqps",
            (0, 4, 12, 8),
        ),
        timeseries(
            "Error rates",
            [
                target(f"({errors} or vector(0)) / {total}", "5xx"),
                target(f'sum(rate({HTTP}{{{APP}, status=~"4.."}}[{RATE}])) / {total}', "4xx"),
            ],
            "percentunit",
            (12, 4, 12, 8),
        ),
        timeseries(
            "Response time percentiles",
            [target(quantile(q), f"p{int(q * 100)}") for q in (0.5, 0.95, 0.99)],
            "s",
            (0, 12, 12, 8),
        ),
        timeseries(
            "Slowest views (p95)",
            [
                target(
                    "topk(10, histogram_quantile(0.95, sum by (view, le) (rate("
                    f'{LATENCY}{{{APP}, view!="prometheus-django-metrics"}}[{RATE}]))))',
                    "{{view}}",
                )
            ],
            "s",
            (12, 12, 12, 8),
        ),
        timeseries(
            "Busiest views",
            [target(f"topk(10, sum by (view) (rate({HTTP}{{{APP}}}[{RATE}])))", "{{view}}")],
            "reqps",
            (0, 20, 12, 8),
        ),
        timeseries(
            "Database queries and errors",
            [
                target(f"sum(rate(django_db_execute_total{{{APP}}}[{RATE}]))", "queries/s"),
                target(f"sum(rate(django_db_errors_total{{{APP}}}[{RATE}]))", "errors/s"),
                target(
                    f"sum(rate(django_db_new_connections_total{{{APP}}}[{RATE}]))",
                    "new connections/s",
                ),
            ],
            "ops",
            (12, 20, 12, 8),
        ),
        timeseries(
            "Cache hit ratio",
            [
                target(
                    f"sum(rate(django_cache_get_hits_total{{{APP}}}[{RATE}])) / "
                    f"sum(rate(django_cache_get_total{{{APP}}}[{RATE}]))",
                    "hits",
                )
            ],
            "percentunit",
            (0, 28, 12, 8),
        ),
        timeseries(
            "Celery queue length",
            [target(f"max by (queue) (adaptive_celery_queue_length{{{APP}}})", "{{queue}}")],
            "none",
            (12, 28, 12, 8),
        ),
    ]
    return dashboard(
        "adaptive-learning-app",
        "Adaptive Learning / Application performance",
        "Request rate and latency, error rates, response time percentiles, database and cache.",
        panels,
    )


def infrastructure_health() -> dict:
    release = {
        "name": "release",
        "label": "Release (pod name prefix)",
        "type": "textbox",
        "query": "adaptive-learning",
        "current": {"text": "adaptive-learning", "value": "adaptive-learning"},
    }
    panels = [
        timeseries(
            "Container CPU (cores)",
            [
                target(
                    f"sum by (pod) (rate(container_cpu_usage_seconds_total{{{POD}}}[{RATE}]))",
                    "{{pod}}",
                )
            ],
            "none",
            (0, 0, 12, 8),
        ),
        timeseries(
            "Container CPU throttling",
            [
                target(
                    "sum by (pod) (rate(container_cpu_cfs_throttled_periods_total"
                    f"{{{POD}}}[{RATE}])) / sum by (pod) (rate(container_cpu_cfs_periods_total"
                    f"{{{POD}}}[{RATE}]))",
                    "{{pod}}",
                )
            ],
            "percentunit",
            (12, 0, 12, 8),
        ),
        timeseries(
            "Container memory (working set)",
            [target(f"sum by (pod) (container_memory_working_set_bytes{{{POD}}})", "{{pod}}")],
            "bytes",
            (0, 8, 12, 8),
        ),
        timeseries(
            "Memory of limit",
            [
                target(
                    f"sum by (pod) (container_memory_working_set_bytes{{{POD}}}) / sum by (pod) "
                    '(kube_pod_container_resource_limits{namespace=~"$namespace", '
                    'pod=~"$release.*", resource="memory"})',
                    "{{pod}}",
                )
            ],
            "percentunit",
            (12, 8, 12, 8),
        ),
        timeseries(
            "Pod network I/O",
            [
                target(
                    "sum by (pod) (rate(container_network_receive_bytes_total"
                    f'{{namespace=~"$namespace", pod=~"$release.*"}}[{RATE}]))',
                    "{{pod}} rx",
                ),
                target(
                    "-sum by (pod) (rate(container_network_transmit_bytes_total"
                    f'{{namespace=~"$namespace", pod=~"$release.*"}}[{RATE}]))',
                    "{{pod}} tx",
                ),
            ],
            "Bps",
            (0, 16, 12, 8),
        ),
        timeseries(
            "Container restarts (1h)",
            [
                target(
                    "sum by (pod) (increase(kube_pod_container_status_restarts_total"
                    '{namespace=~"$namespace", pod=~"$release.*"}[1h]))',
                    "{{pod}}",
                )
            ],
            "none",
            (12, 16, 12, 8),
        ),
        timeseries(
            "Node CPU utilisation",
            [
                target(
                    f'1 - avg by (instance) (rate(node_cpu_seconds_total{{mode="idle"}}[{RATE}]))',
                    "{{instance}}",
                )
            ],
            "percentunit",
            (0, 24, 12, 8),
        ),
        timeseries(
            "Node memory utilisation",
            [
                target(
                    "1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes",
                    "{{instance}}",
                )
            ],
            "percentunit",
            (12, 24, 12, 8),
        ),
        timeseries(
            "Node disk usage",
            [
                target(
                    "1 - node_filesystem_avail_bytes"
                    '{fstype!~"tmpfs|overlay|squashfs", mountpoint!~"/run.*"} / '
                    'node_filesystem_size_bytes{fstype!~"tmpfs|overlay|squashfs", '
                    'mountpoint!~"/run.*"}',
                    "{{instance}} {{mountpoint}}",
                )
            ],
            "percentunit",
            (0, 32, 12, 8),
            thresholds=[
                {"color": "green", "value": None},
                {"color": "orange", "value": 0.8},
                {"color": "red", "value": 0.9},
            ],
        ),
        timeseries(
            "Node disk and network I/O",
            [
                target(
                    f"sum by (instance) (rate(node_disk_read_bytes_total[{RATE}]))",
                    "{{instance}} disk read",
                ),
                target(
                    f"sum by (instance) (rate(node_disk_written_bytes_total[{RATE}]))",
                    "{{instance}} disk write",
                ),
                target(
                    "sum by (instance) (rate(node_network_receive_bytes_total"
                    f'{{device!~"lo|veth.*|eni.*"}}[{RATE}]))',
                    "{{instance}} net rx",
                ),
                target(
                    "sum by (instance) (rate(node_network_transmit_bytes_total"
                    f'{{device!~"lo|veth.*|eni.*"}}[{RATE}]))',
                    "{{instance}} net tx",
                ),
            ],
            "Bps",
            (12, 32, 12, 8),
        ),
        timeseries(
            "Pod volume usage (kubelet)",
            [
                target(
                    'kubelet_volume_stats_used_bytes{namespace=~"$namespace"} / '
                    'kubelet_volume_stats_capacity_bytes{namespace=~"$namespace"}',
                    "{{persistentvolumeclaim}}",
                )
            ],
            "percentunit",
            (0, 40, 24, 8),
        ),
    ]
    return dashboard(
        "adaptive-learning-infra",
        "Adaptive Learning / Infrastructure health",
        "CPU, memory, network and disk of the release's containers (cAdvisor via the kubelet, "
        "kube-state-metrics) and of the nodes (node-exporter).",
        panels,
        templating=variables(release),
    )


def business_metrics() -> dict:
    panels = [
        stat(
            "Active learners (15 min)",
            f'max(adaptive_active_learners{{{APP}, window="15m"}})',
            "none",
            (0, 0, 6, 4),
        ),
        stat(
            "Learning sessions today",
            f"sum(increase(adaptive_learning_sessions_total{{{APP}}}[1d]))",
            "none",
            (6, 0, 6, 4),
        ),
        stat(
            "Assessments completed today",
            f"sum(increase(adaptive_assessment_completions_total{{{APP}}}[1d]))",
            "none",
            (12, 0, 6, 4),
        ),
        stat(
            "Since last successful recalculation",
            f"time() - max(adaptive_recalculation_last_success_timestamp_seconds{{{APP}}})",
            "s",
            (18, 0, 6, 4),
            [
                {"color": "green", "value": None},
                {"color": "orange", "value": 86400},
                {"color": "red", "value": 93600},
            ],
        ),
        timeseries(
            "Active learners",
            [target(f'max(adaptive_active_learners{{{APP}, window="15m"}})', "active (15 min)")],
            "none",
            (0, 4, 12, 8),
        ),
        timeseries(
            "Learning sessions started / hour",
            [target(f"sum(increase(adaptive_learning_sessions_total{{{APP}}}[1h]))", "sessions")],
            "none",
            (12, 4, 12, 8),
        ),
        timeseries(
            "Assessment completions / hour by kind",
            [
                target(
                    f"sum by (kind) (increase(adaptive_assessment_completions_total{{{APP}}}[1h]))",
                    "{{kind}}",
                )
            ],
            "none",
            (0, 12, 12, 8),
        ),
        timeseries(
            "Answers / minute and share correct",
            [
                target(f"sum(rate(adaptive_answers_total{{{APP}}}[{RATE}])) * 60", "answers/min"),
                target(
                    f'sum(rate(adaptive_answers_total{{{APP}, correct="true"}}[{RATE}])) / '
                    f"sum(rate(adaptive_answers_total{{{APP}}}[{RATE}]))",
                    "share correct",
                ),
            ],
            "none",
            (12, 12, 12, 8),
            fieldConfig={
                "defaults": {"unit": "none"},
                "overrides": [
                    {
                        "matcher": {"id": "byName", "options": "share correct"},
                        "properties": [
                            {"id": "unit", "value": "percentunit"},
                            {"id": "custom.axisPlacement", "value": "right"},
                        ],
                    }
                ],
            },
        ),
        timeseries(
            "Recalculation runs / hour",
            [
                target(
                    f"sum by (status) (increase(adaptive_recalculation_runs_total{{{APP}}}[1h]))",
                    "{{status}}",
                )
            ],
            "none",
            (0, 20, 12, 8),
        ),
        timeseries(
            "Celery queue length",
            [target(f"max by (queue) (adaptive_celery_queue_length{{{APP}}})", "{{queue}}")],
            "none",
            (12, 20, 12, 8),
        ),
    ]
    return dashboard(
        "adaptive-learning-business",
        "Adaptive Learning / Business metrics",
        "Active learners, learning sessions, assessment completions, answers and the nightly "
        "learner-model recalculation.",
        panels,
    )


DASHBOARDS = {
    "application-performance.json": application_performance,
    "infrastructure-health.json": infrastructure_health,
    "business-metrics.json": business_metrics,
}


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = []
    OUT.mkdir(exist_ok=True)
    for filename, build in DASHBOARDS.items():
        text = json.dumps(build(), indent=2) + "\n"
        path = OUT / filename
        if check:
            if not path.exists() or path.read_text() != text:
                stale.append(filename)
        else:
            path.write_text(text)
    if stale:
        print("stale dashboards (run build_dashboards.py):", ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
