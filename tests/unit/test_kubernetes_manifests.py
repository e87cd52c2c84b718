"""The Kubernetes manifests (infra/kubernetes) are valid against the Kubernetes API schemas,
and say what the services need: probes wired to /readyz and /livez, a disruption budget per
service, a migration job for every service, only settings the services know, and the same
path rules as the embedded gateway."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from lifecase_insight.settings import InsightSettings
from lifecase_intake.settings import IntakeSettings
from lifecase_lifecycle.settings import LifecycleSettings
from lifecase_notifications.settings import NotificationsSettings
from lifecase_routing.settings import RoutingSettings

MANIFESTS = Path(__file__).parents[2] / "infra" / "kubernetes"
SERVICES = {"intake", "lifecycle", "routing", "notifications", "insight"}
KUBERNETES_VERSION = "1.31"


def _resources() -> list[tuple[str, dict[str, Any]]]:
    found = []
    for path in sorted(MANIFESTS.glob("*.yaml")):
        for document in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if document:
                found.append((path.name, document))
    return found


RESOURCES = _resources()


def _of(kind: str) -> dict[str, dict[str, Any]]:
    return {r["metadata"]["name"]: r for _, r in RESOURCES if r["kind"] == kind}


@pytest.mark.parametrize(
    "resource", [r for _, r in RESOURCES], ids=[f"{f}:{r['kind']}" for f, r in RESOURCES]
)
def test_each_resource_is_valid_against_the_kubernetes_schema(resource: dict[str, Any]) -> None:
    kubernetes_validate.validate(resource, KUBERNETES_VERSION, strict=True)


def test_every_service_runs_two_replicas_with_honest_probes_and_a_disruption_budget() -> None:
    deployments, budgets = _of("Deployment"), _of("PodDisruptionBudget")
    assert set(deployments) == SERVICES
    assert set(budgets) == SERVICES
    for name, deployment in deployments.items():
        spec = deployment["spec"]
        assert spec["replicas"] >= 2
        [container] = spec["template"]["spec"]["containers"]
        assert container["args"][:3] == ["python", "-m", f"lifecase_{name}"]
        assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
        assert container["livenessProbe"]["httpGet"]["path"] == "/livez"
        assert container["resources"]["requests"]["cpu"]
        assert container["resources"]["requests"]["memory"]
        assert budgets[name]["spec"]["minAvailable"] == 1
        assert budgets[name]["spec"]["selector"] == spec["selector"]


def test_the_migration_job_migrates_every_service_once() -> None:
    [job] = _of("Job").values()
    pod = job["spec"]["template"]["spec"]
    containers = [*pod.get("initContainers", []), *pod["containers"]]
    assert sorted(c["args"] for c in containers) == sorted(
        ["python", "-m", f"lifecase_{s}", "--migrate-only"] for s in SERVICES
    )


def test_the_config_holds_only_settings_some_service_reads() -> None:
    known = {"LIFECASE_" + n.upper() for n in LifecycleSettings.model_fields}
    for settings in (
        IntakeSettings,
        LifecycleSettings,
        RoutingSettings,
        NotificationsSettings,
        InsightSettings,
    ):
        for name, field in settings.model_fields.items():
            alias = field.validation_alias
            known.add(alias if isinstance(alias, str) else "LIFECASE_" + name.upper())
    [config] = _of("ConfigMap").values()
    assert set(config["data"]) - known == set()


def test_the_ingress_sends_each_path_to_the_service_that_owns_it() -> None:
    from lifecase_embedded.system import ROUTES  # the embedded gateway's own table

    [ingress] = _of("Ingress").values()
    rules = {
        p["path"]: p["backend"]["service"]["name"]
        for p in ingress["spec"]["rules"][0]["http"]["paths"]
        if p["path"] != "/"
    }
    assert rules == ROUTES


def test_the_caddyfile_follows_the_same_path_rules() -> None:
    from lifecase_embedded.system import ROUTES

    caddyfile = (MANIFESTS.parent / "Caddyfile").read_text(encoding="utf-8")
    rules = {}
    for line in caddyfile.splitlines():
        words = line.split()
        if len(words) > 2 and words[0].startswith("@") and words[1] == "path":
            for path in words[2:]:
                if path != "/":
                    rules[path.removesuffix("/*")] = words[0][1:]
    assert rules == ROUTES
