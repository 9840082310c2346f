"""The dashboard, the alert rules and the Kubernetes manifests name only metrics the app
exports, so a renamed metric cannot leave them reading nothing."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import yaml

from tests.observability.support import scrape

INFRA = Path(__file__).resolve().parents[2] / "infra"
METRIC = re.compile(r"\bcoalition_[a-z0-9_]+\b")
ALERTS = {
    "CoalitionHighErrorRate",
    "CoalitionHighLatencyP99",
    "CoalitionDatabasePoolNearlyExhausted",
    "CoalitionDatabasePoolExhausted",
    "CoalitionDemandReleaseFailed",
}


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _rules() -> list[dict[str, Any]]:
    loaded = yaml.safe_load((INFRA / "prometheus" / "alerts.yml").read_text())
    return [rule for group in loaded["groups"] for rule in group["rules"]]


def _dashboard() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((INFRA / "grafana" / "coalition.json").read_text())
    return loaded


async def test_every_metric_the_alerts_and_dashboard_name_is_exported(
    http: httpx.AsyncClient,
) -> None:
    exported = (await scrape(http)).exported_names()
    named = {
        name
        for text in [*_strings(_rules()), *_strings(_dashboard())]
        for name in METRIC.findall(text)
    }

    assert named - exported == set()
    # Each family of ours is on the dashboard (an operator sees all of it).
    dashboard = " ".join(_strings(_dashboard()))
    unseen = {
        family
        for family in exported
        if family.startswith("coalition_")
        and not family.endswith(("_created", "_bucket", "_count", "_sum"))
        and family not in dashboard
    }
    assert unseen == set()


def test_every_expression_reads_a_metric_of_ours() -> None:
    expressions = [rule["expr"] for rule in _rules()] + [
        target["expr"] for panel in _dashboard()["panels"] for target in panel["targets"]
    ]

    assert [expr for expr in expressions if not METRIC.search(expr)] == []


def test_the_alert_rules_cover_errors_latency_the_pool_and_releases() -> None:
    rules = _rules()

    assert {rule["alert"] for rule in rules} == ALERTS
    assert all(rule["annotations"]["summary"] for rule in rules)


def test_the_pods_are_scraped_at_metrics() -> None:
    deployment = yaml.safe_load((INFRA / "k8s" / "deployment.yaml").read_text())
    monitor = yaml.safe_load((INFRA / "k8s" / "servicemonitor.yaml").read_text())
    annotations = deployment["spec"]["template"]["metadata"]["annotations"]
    [container] = deployment["spec"]["template"]["spec"]["containers"]

    assert annotations == {
        "prometheus.io/scrape": "true",
        "prometheus.io/port": str(container["ports"][0]["containerPort"]),
        "prometheus.io/path": "/metrics",
    }
    [endpoint] = monitor["spec"]["endpoints"]
    assert (endpoint["path"], endpoint["port"]) == ("/metrics", "http")
    assert endpoint["authorization"]["credentials"]["key"] == "COALITION_METRICS_TOKEN"
