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
