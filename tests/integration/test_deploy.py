"""deploy/ (Dockerfile, Compose, Kubernetes, Prometheus, Grafana) through
scripts/check-deploy.sh, which needs no container engine and no cluster.

The negative cases run the script on a copy of deploy/ (DEPLOY_DIR) beside
symlinks to the rest of the repository, so the copy is a complete build
context; an unbroken copy must pass first, so each failure is the breakage's.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "check-deploy.sh"


def run_check(deploy_dir: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.pop("REPO_DIR", None)
    if deploy_dir is None:
        env.pop("DEPLOY_DIR", None)
    else:
        env["DEPLOY_DIR"] = str(deploy_dir)
    return subprocess.run(["bash", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=120)


def explain(r: subprocess.CompletedProcess) -> str:
    return f"exit {r.returncode}\n--- stdout\n{r.stdout}\n--- stderr\n{r.stderr}"


@pytest.fixture
def deploy_copy(tmp_path: Path) -> Path:
    """tmp/deploy: a copy of deploy/; every other top-level entry a symlink."""
    root = tmp_path / "repo"
    root.mkdir()
    for entry in REPO.iterdir():
        if entry.name != "deploy":
            (root / entry.name).symlink_to(entry)
    shutil.copytree(REPO / "deploy", root / "deploy")
    return root / "deploy"


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def test_deploy_checks_pass():
    r = run_check()
    assert r.returncode == 0, explain(r)
    assert "all checks passed" in r.stdout, explain(r)


def test_unbroken_copy_passes(deploy_copy: Path):
    r = run_check(deploy_copy)
    assert r.returncode == 0, explain(r)


# (file under deploy/, text, replacement, words expected in the FAIL output)
BREAKAGES = {
    "broken_yaml": ("prometheus/prometheus.yml", "scrape_configs:", "scrape_configs: [unclosed",
                    "prometheus.yml"),
    "unknown_metric": ("grafana/dashboards/strata.json", "strata_objects{", "strata_object_count{",
                       "strata_object_count is not in deploy/metrics.txt"),
    "root_user": ("Dockerfile", "USER 10001:10001", "USER root", "must not be root"),
    "missing_k8s_resource": ("k8s/kustomization.yaml", "  - service.yaml", "  - services.yaml",
                             "services.yaml"),
    "short_grace_period": ("k8s/statefulset.yaml", "terminationGracePeriodSeconds: 45",
                           "terminationGracePeriodSeconds: 10", "terminationGracePeriodSeconds"),
    # Every STRATA_* variable set is one the server reads (src/app).
    "unknown_env_compose": ("docker-compose.yml", "STRATA_LOG_LEVEL: ${STRATA_LOG_LEVEL",
                            "STRATA_LOGLEVEL: ${STRATA_LOG_LEVEL",
                            "STRATA_LOGLEVEL is not a variable the server reads"),
    "unknown_env_configmap": ("k8s/configmap.yaml", "  STRATA_ERASURE:", "  STRATA_ERASURE_CODING:",
                              "STRATA_ERASURE_CODING is not a variable the server reads"),
    "unknown_env_dockerfile": ("Dockerfile", "ENV STRATA_SHUTDOWN_TIMEOUT=30",
                               "ENV STRATA_SHUTDOWN_TIMEOUT_S=30",
                               "STRATA_SHUTDOWN_TIMEOUT_S is not a variable the server reads"),
    "unknown_env_statefulset": ("k8s/statefulset.yaml", "- name: STRATA_ROOT_PASSWORD",
                                "- name: STRATA_ROOT_PASS",
                                "STRATA_ROOT_PASS is not a variable the server reads"),
    # One port: Dockerfile CMD --address, EXPOSE, Compose, Kubernetes.
    "port_mismatch_compose": ("docker-compose.yml", '"9000:9000"', '"9000:9001"',
                              "port mismatch: ports 9000:9001 is 9001"),
    "port_mismatch_expose": ("Dockerfile", "EXPOSE 9000", "EXPOSE 8080", "port mismatch: EXPOSE 8080"),
    "port_mismatch_k8s_args": ("k8s/statefulset.yaml", 'args: ["--address", ":9000", "/data"]',
                               'args: ["--address", ":9090", "/data"]',
                               "port mismatch: --address/STRATA_ADDRESS :9090"),
    "unknown_target_port": ("k8s/service.yaml", "targetPort: http", "targetPort: s3",
                            "targetPort s3 names no port of container strata"),
    "address_flag_and_env": ("k8s/configmap.yaml", "  STRATA_LOG_LEVEL: info",
                             '  STRATA_LOG_LEVEL: info\n  STRATA_ADDRESS: ":9000"',
                             "the flag wins, the variable is ignored"),
    # Kubernetes references.
    "pdb_selector_mismatch": ("k8s/pdb.yaml", "      app.kubernetes.io/component: server",
                              "      app.kubernetes.io/component: api",
                              "matches no StatefulSet's pod labels"),
    "pdb_allows_eviction": ("k8s/pdb.yaml", "maxUnavailable: 0", "maxUnavailable: 1",
                            "allows evicting one of 1 replica(s)"),
    "pdb_not_in_kustomization": ("k8s/kustomization.yaml", "  - pdb.yaml\n", "",
                                 "no PodDisruptionBudget"),
    "mount_without_volume": ("k8s/statefulset.yaml", "- name: drive5\n              mountPath: /drives/5",
                             "- name: drive6\n              mountPath: /drives/5",
                             "volumeMount drive6 (/drives/5) names no volume and no volumeClaimTemplate"),
    "missing_configmap": ("k8s/statefulset.yaml", "name: strata-config", "name: strata-settings",
                          "envFrom configMapRef strata-settings is not a ConfigMap"),
    "missing_secret_key": ("k8s/secret.yaml", "  secret-key:", "  secret_key:",
                           "secretKeyRef strata-root-credentials/secret-key is not in the Secret manifests"),
    "drive_off_claim": ("k8s/configmap.yaml", "/drives/5\n", "/scratch/5\n",
                        "drive /scratch/5 is on no volume"),
    "drives_share_claim": ("k8s/configmap.yaml", "/drives/4,/drives/5", "/drives/4,/drives/4/b",
                           "share the volume drive4"),
    # Compose: dependencies, PostgreSQL and Redis.
    "depends_on_unknown": ("docker-compose.yml", "    depends_on:\n      - prometheus",
                           "    depends_on:\n      - prometheus-server",
                           "depends_on prometheus-server: no such service"),
    "postgres_no_healthcheck": ("docker-compose.yml", "    healthcheck:\n      # Over TCP",
                                "    x-healthcheck:\n      # Over TCP",
                                "depends_on postgres with condition service_healthy, but postgres has no healthcheck"),
    "redis_no_ping": ("docker-compose.yml", 'test: ["CMD", "redis-cli", "ping"]', 'test: ["CMD", "true"]',
                      "needs a healthcheck running redis-cli ping"),
    "postgres_collation": ("docker-compose.yml", "--locale=C ", "--locale=en_US.UTF-8 ",
                           "POSTGRES_INITDB_ARGS must give initdb --locale=C"),
    "redis_evicts_epoch": ("docker-compose.yml", "volatile-lru", "allkeys-lru", "may evict Strata's cache epoch"),
    "meta_user_mismatch": ("docker-compose.yml", "STRATA_META: postgres://strata:", "STRATA_META: postgres://admin:",
                           "STRATA_META connects as admin"),
    "meta_not_awaited": ("docker-compose.yml", "      postgres:\n        condition: service_healthy",
                         "      postgres:\n        condition: service_started",
                         "must depend on postgres (named by STRATA_META) with condition: service_healthy"),
    "volume_shared_across_backends": ("docker-compose.sqlite.yml", "- strata-data:/data", "- strata-drives:/data",
                                      "give each its own volume"),
    "unused_env_variable": (".env", "GRAFANA_ADMIN_USER=admin", "GRAFANA_ADMIN_USR=admin",
                            "GRAFANA_ADMIN_USR is used by no compose file"),
}


@pytest.mark.parametrize("case", sorted(BREAKAGES))
def test_broken_deploy_fails(deploy_copy: Path, case: str):
    rel, old, new, expected = BREAKAGES[case]
    replace(deploy_copy / rel, old, new)
    r = run_check(deploy_copy)
    assert r.returncode != 0, explain(r)
    fail_lines = [line for line in r.stderr.splitlines() if "FAIL" in line]
    assert fail_lines, explain(r)
    assert any(expected in line for line in fail_lines), explain(r)


def test_missing_deploy_dir_fails(tmp_path: Path):
    r = run_check(tmp_path / "nowhere")
    assert r.returncode != 0, explain(r)
    assert "is not a folder" in r.stderr, explain(r)
