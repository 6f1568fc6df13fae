#!/usr/bin/env bash
# Checks deploy/ without a container engine or a cluster (CI has neither):
#
#   (a) every YAML file parses (Debian's python3-yaml) and passes yamllint
#       with deploy/.yamllint;
#   (b) the Grafana dashboards parse, every panel has a data source and
#       PromQL targets, and every strata_* metric (and label) they use is in
#       deploy/metrics.txt; every listed metric is shown somewhere and, when
#       the server source is present, defined in src/obs/;
#   (c) the Dockerfile: hadolint when installed; always a built-in lint
#       (FROM pinned to debian:12, non-root USER, no ADD, HEALTHCHECK on the
#       ready endpoint, EXPOSE 9000, VOLUME /data, the entrypoint, COPY
#       sources present and not excluded by .dockerignore);
#   (d) Kubernetes: `kubectl kustomize` when kubectl is installed; always:
#       every resource in kustomization.yaml exists, every document has
#       apiVersion/kind/metadata.name and no namespace, probes, grace
#       period, non-root security context, Secret references; Compose:
#       files it references exist, stop_grace_period and healthcheck,
#       variables defined in .env; Prometheus scrapes /_strata/metrics.
#
# Exits 1 listing every problem found, 0 when there is none.
#
# Environment:
#   DEPLOY_DIR  folder to check (default <repo>/deploy)
#   REPO_DIR    the repository the Dockerfile builds from (default: the
#               parent of DEPLOY_DIR)
#   PYTHON      interpreter with python3-yaml (default /usr/bin/python3)
set -uo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
DEPLOY_DIR="$(cd "${DEPLOY_DIR:-$here/deploy}" 2>/dev/null && pwd)" || {
  echo "check-deploy: FAIL: DEPLOY_DIR '${DEPLOY_DIR:-$here/deploy}' is not a folder" >&2
  exit 1
}
REPO_DIR="$(cd "${REPO_DIR:-$DEPLOY_DIR/..}" && pwd)"
PYTHON="${PYTHON:-/usr/bin/python3}"
export DEPLOY_DIR REPO_DIR

failures=0
fail() {
  echo "check-deploy: FAIL $*" >&2
  failures=$((failures + 1))
}
note() { echo "check-deploy: $*"; }

note "checking $DEPLOY_DIR (build context $REPO_DIR)"

# ---------------------------------------------------------------- tools
if ! "$PYTHON" -c 'import yaml' 2>/dev/null; then
  echo "check-deploy: FAIL: $PYTHON cannot import yaml (apt-get install python3-yaml, or run scripts/install-deps.sh)" >&2
  exit 1
fi

# ---------------------------------------------------------------- (a) yamllint
if command -v yamllint >/dev/null 2>&1; then
  if [ ! -f "$DEPLOY_DIR/.yamllint" ]; then
    fail "$DEPLOY_DIR/.yamllint: missing (yamllint configuration)"
  elif ! out="$(yamllint -f parsable -c "$DEPLOY_DIR/.yamllint" "$DEPLOY_DIR" 2>&1)"; then
    while IFS= read -r line; do fail "yamllint: $line"; done <<<"$out"
  else
    note "yamllint: ok"
  fi
else
  fail "yamllint is not installed (apt-get install yamllint, or run scripts/install-deps.sh)"
fi

# ---------------------------------------------------------------- (c) hadolint
if [ -f "$DEPLOY_DIR/Dockerfile" ] && command -v hadolint >/dev/null 2>&1; then
  if ! out="$(hadolint "$DEPLOY_DIR/Dockerfile" 2>&1)"; then
    while IFS= read -r line; do fail "hadolint: $line"; done <<<"$out"
  else
    note "hadolint: ok"
  fi
else
  note "hadolint not installed: the built-in Dockerfile lint runs alone"
fi

# ---------------------------------------------------------------- (d) kustomize
rendered=""
if [ -f "$DEPLOY_DIR/k8s/kustomization.yaml" ] && command -v kubectl >/dev/null 2>&1; then
  rendered="$(mktemp)"
  trap 'rm -f "$rendered"' EXIT
  if ! err="$(kubectl kustomize "$DEPLOY_DIR/k8s" 2>&1 >"$rendered")"; then
    fail "kubectl kustomize $DEPLOY_DIR/k8s: $err"
    rm -f "$rendered"
    rendered=""
  else
    note "kubectl kustomize: ok"
  fi
else
  note "kubectl not installed: checking kustomization.yaml's resources by hand"
fi
export KUSTOMIZE_RENDERED="$rendered"

# ---------------------------------------------------------------- everything else
if ! "$PYTHON" - <<'PY'; then
import fnmatch
import json
import os
import re
import shlex
import sys
from pathlib import Path

import yaml

DEPLOY = Path(os.environ["DEPLOY_DIR"])
REPO = Path(os.environ["REPO_DIR"])
RENDERED = os.environ.get("KUSTOMIZE_RENDERED", "")
problems = []
checks = 0


def fail(where, msg):
    problems.append(f"{where}: {msg}")


def rel(path):
    try:
        return str(Path(path).relative_to(DEPLOY.parent))
    except ValueError:
        return str(path)


def ok(cond, where, msg):
    global checks
    checks += 1
    if not cond:
        fail(where, msg)
    return cond


# ------------------------------------------------------------ (a) YAML parses
yaml_docs = {}
yaml_files = sorted(p for p in DEPLOY.rglob("*")
                    if p.is_file() and (p.suffix in (".yml", ".yaml") or p.name == ".yamllint"))
ok(yaml_files, rel(DEPLOY), "no YAML files found")
for path in yaml_files:
    try:
        with open(path, encoding="utf-8") as f:
            yaml_docs[path] = [d for d in yaml.safe_load_all(f) if d is not None]
        ok(True, rel(path), "")
    except (yaml.YAMLError, UnicodeDecodeError) as e:
        fail(rel(path), "does not parse as YAML: " + " ".join(str(e).split()))


def load_yaml(path):
    """The documents of a YAML file, or None (already reported) when it is missing or broken."""
    if not path.is_file():
        fail(rel(path), "missing")
        return None
    return yaml_docs.get(path)


def parse_duration(text):
    """Compose durations ("40s", "1m30s", "1h") and plain numbers, in seconds."""
    text = str(text).strip()
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return float(text)
    total, pos = 0.0, 0
    for m in re.finditer(r"(\d+(?:\.\d+)?)(ms|us|ns|h|m|s)", text):
        if m.start() != pos:
            return None
        total += float(m.group(1)) * {"h": 3600, "m": 60, "s": 1, "ms": 1e-3, "us": 1e-6, "ns": 1e-9}[m.group(2)]
        pos = m.end()
    return total if pos == len(text) and pos else None


# ------------------------------------------------------------ metrics.txt
metrics_txt = DEPLOY / "metrics.txt"
metrics = {}  # name -> (type, labels)
if ok(metrics_txt.is_file(), rel(metrics_txt), "missing (the documented metric names)"):
    for n, line in enumerate(metrics_txt.read_text().splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        if len(parts) != 3 or parts[1] not in ("counter", "gauge", "histogram") or \
                not re.fullmatch(r"strata_[a-z0-9_]+", parts[0]):
            fail(f"{rel(metrics_txt)}:{n}", f"expected 'strata_NAME counter|gauge|histogram LABELS|-', got '{line}'")
            continue
        labels = set() if parts[2] == "-" else set(parts[2].split(","))
        metrics[parts[0]] = (parts[1], labels)
    ok(metrics, rel(metrics_txt), "lists no metric")

# series name -> (family, labels allowed on it)
series = {}
for name, (kind, labels) in metrics.items():
    if kind == "histogram":
        series[name + "_bucket"] = (name, labels | {"le"})
        series[name + "_sum"] = (name, labels)
        series[name + "_count"] = (name, labels)
    else:
        series[name] = (name, labels)
TARGET_LABELS = {"instance", "job"}  # added by Prometheus to every series

# The server defines each listed family (when its source is here).
obs_dir = REPO / "src" / "obs"
if obs_dir.is_dir():
    source = "\n".join(p.read_text(errors="replace") for p in sorted(obs_dir.glob("*.cc")))
    for name in metrics:
        ok(f'"{name}"' in source, rel(metrics_txt),
           f"{name} is not defined in {obs_dir.relative_to(REPO)}/*.cc (renamed or removed in the server?)")

# ------------------------------------------------------------ (b) dashboards
PROMQL_WORDS = {
    # aggregations, functions and keywords that look like identifiers
    "sum", "min", "max", "avg", "count", "stddev", "stdvar", "topk", "bottomk", "quantile",
    "count_values", "group", "by", "without", "on", "ignoring", "group_left", "group_right",
    "bool", "and", "or", "unless", "offset", "rate", "irate", "increase", "delta", "idelta",
    "deriv", "predict_linear", "histogram_quantile", "label_replace", "label_join", "abs",
    "ceil", "floor", "round", "clamp", "clamp_min", "clamp_max", "absent", "absent_over_time",
    "changes", "resets", "time", "timestamp", "vector", "scalar", "sort", "sort_desc",
    "avg_over_time", "min_over_time", "max_over_time", "sum_over_time", "count_over_time",
    "last_over_time", "quantile_over_time", "stddev_over_time", "present_over_time", "exp",
    "ln", "log2", "log10", "sqrt", "sgn", "inf", "nan", "label_values", "query_result",
}


def promql_refs(expr):
    """(metric names, label names) an expression refers to."""
    text = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)            # drop string literals
    text = re.sub(r"\$\{?[A-Za-z_][A-Za-z0-9_]*\}?", "1", text)  # Grafana variables
    labels = set()
    for m in re.finditer(r"\{([^}]*)\}", text):                    # matchers
        labels |= set(re.findall(r"([A-Za-z_][A-Za-z0-9_]*)\s*(?:=~|!~|!=|=)", m.group(1)))
    for m in re.finditer(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)", text):
        labels |= {x.strip() for x in m.group(1).split(",") if x.strip()}
    bare = re.sub(r"\{[^}]*\}|\[[^\]]*\]", " ", text)
    bare = re.sub(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", bare)
    names = set()
    for m in re.finditer(r"(?<![A-Za-z0-9_.])([A-Za-z_:][A-Za-z0-9_:]*)", bare):
        word = m.group(1)
        if word in PROMQL_WORDS or re.fullmatch(r"\d.*", word):
            continue
        names.add(word)
    return names, labels


def check_expr(where, expr, used):
    names, labels = promql_refs(expr)
    strata = {n for n in names if n.startswith("strata_")}
    other = names - strata
    ok(not other, where, f"refers to {sorted(other)}: not a PromQL function nor a strata_* metric")
    if not ok(strata, where, f"uses no strata_* metric: {expr}"):
        return
    allowed = set(TARGET_LABELS)
    for name in sorted(strata):
        if ok(name in series, where, f"metric {name} is not in deploy/metrics.txt"):
            family, family_labels = series[name]
            used.add(family)
            allowed |= family_labels
    unknown = labels - allowed
    ok(not unknown, where, f"label(s) {sorted(unknown)} are not labels of {sorted(strata)} (deploy/metrics.txt)")


dash_dir = DEPLOY / "grafana" / "dashboards"
dashboards = sorted(dash_dir.glob("*.json")) if dash_dir.is_dir() else []
ok(dashboards, rel(dash_dir), "no dashboard JSON")
used_metrics = set()
all_dashboards_read = True
for path in dashboards:
    try:
        dash = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as e:
        fail(rel(path), f"is not valid JSON: {e}")
        all_dashboards_read = False
        continue
    where = rel(path)
    ok(isinstance(dash, dict) and dash.get("uid") and dash.get("title"), where, "needs a uid and a title")
    if not isinstance(dash, dict):
        continue
    variables = {v.get("name") for v in dash.get("templating", {}).get("list", []) if isinstance(v, dict)}
    for v in dash.get("templating", {}).get("list", []):
        q = v.get("query")
        q = q.get("query") if isinstance(q, dict) else q
        if v.get("type") == "query" and isinstance(q, str):
            # Grafana's label_values(SELECTOR, LABEL): check it as PromQL.
            m = re.fullmatch(r"\s*label_values\((.*),\s*(\w+)\s*\)\s*", q)
            if m:
                q = f"group by ({m.group(2)}) ({m.group(1)})"
            check_expr(f"{where}: variable {v.get('name')}", q, used_metrics)
    panels, stack = [], list(dash.get("panels", []))
    while stack:
        p = stack.pop(0)
        panels.append(p)
        stack.extend(p.get("panels", []) if isinstance(p, dict) else [])
    ok(any(p.get("type") != "row" for p in panels), where, "has no panels")
    boxes = [(p.get("title"), p["gridPos"]) for p in panels
             if isinstance(p.get("gridPos"), dict) and {"h", "w", "x", "y"} <= set(p["gridPos"])]
    for i, (ta, a) in enumerate(boxes):
        ok(0 <= a["x"] and a["x"] + a["w"] <= 24, where, f"panel '{ta}' does not fit the 24-column grid")
        for tb, b in boxes[i + 1:]:
            ok(a["x"] + a["w"] <= b["x"] or b["x"] + b["w"] <= a["x"] or
               a["y"] + a["h"] <= b["y"] or b["y"] + b["h"] <= a["y"], where, f"panels '{ta}' and '{tb}' overlap")
    ids = [p.get("id") for p in panels]
    ok(len(ids) == len(set(ids)) and None not in ids, where, "panel ids must be present and unique")
    for p in panels:
        if p.get("type") == "row":
            continue
        pw = f"{where}: panel {p.get('id')} '{p.get('title')}'"
        ok(p.get("title"), pw, "has no title")
        ok(isinstance(p.get("gridPos"), dict) and {"h", "w", "x", "y"} <= set(p["gridPos"]), pw, "has no gridPos")
        ds = p.get("datasource")
        if ok(isinstance(ds, dict) and ds.get("uid"), pw, "has no datasource"):
            uid = ds["uid"]
            m = re.fullmatch(r"\$\{?(\w+)\}?", uid)
            ok(ds.get("type") == "prometheus", pw, f"datasource type is {ds.get('type')!r}, not prometheus")
            ok(m is None or m.group(1) in variables, pw, f"datasource {uid} is not a dashboard variable")
        targets = p.get("targets")
        if not ok(isinstance(targets, list) and targets, pw, "has no targets"):
            continue
        refids = [t.get("refId") for t in targets]
        ok(len(refids) == len(set(refids)) and None not in refids, pw, "target refIds must be present and unique")
        for t in targets:
            tw = f"{pw} target {t.get('refId')}"
            if ok(isinstance(t.get("expr"), str) and t["expr"].strip(), tw, "has no PromQL expr"):
                ok(t["expr"].count("(") == t["expr"].count(")") and t["expr"].count("{") == t["expr"].count("}"),
                   tw, "unbalanced brackets")
                check_expr(tw, t["expr"], used_metrics)
for name in sorted(set(metrics) - used_metrics) if all_dashboards_read else []:
    ok(False, rel(metrics_txt), f"{name} is shown by no dashboard panel")

# Provisioning: datasources and dashboard providers.
prov = DEPLOY / "grafana" / "provisioning"
ds_uids = set()
for sub in ("datasources", "dashboards"):
    files = sorted((prov / sub).glob("*.y*ml")) if (prov / sub).is_dir() else []
    ok(files, rel(prov / sub), "no provisioning file")
    for path in files:
        for doc in yaml_docs.get(path, []):
            ok(isinstance(doc, dict) and doc.get("apiVersion") == 1, rel(path), "needs apiVersion: 1")
            key = "datasources" if sub == "datasources" else "providers"
            entries = doc.get(key) if isinstance(doc, dict) else None
            if ok(isinstance(entries, list) and entries, rel(path), f"needs a '{key}' list"):
                for e in entries:
                    if sub == "datasources":
                        ok(e.get("type") and e.get("url"), rel(path), f"datasource {e.get('name')} needs type and url")
                        ds_uids.add(e.get("uid"))
                    else:
                        ok((e.get("options") or {}).get("path"), rel(path), f"provider {e.get('name')} needs options.path")

# ------------------------------------------------------------ (c) Dockerfile lint
dockerfile = DEPLOY / "Dockerfile"


def dockerfile_instructions(text):
    """[(line number, INSTRUCTION, arguments)] with continuations joined and comments dropped."""
    out, buf, start = [], "", 0
    for n, line in enumerate(text.splitlines(), 1):
        s = line.strip()
        if not buf and (not s or s.startswith("#")):
            continue
        if buf and s.startswith("#"):
            continue
        if not buf:
            start = n
        if s.endswith("\\"):
            buf += s[:-1] + " "
            continue
        buf += s
        word, _, rest = buf.partition(" ")
        out.append((start, word.upper(), rest.strip()))
        buf = ""
    return out


def dockerignore_allows(path, patterns):
    """Docker's rule, simplified: the last pattern matching the path or a parent decides."""
    def to_re(p):
        r, i = "", 0
        while i < len(p):
            if p.startswith("**", i):
                r += ".*"
                i += 2
                if p.startswith("/", i):
                    r = r[:-2] + "(?:.*/)?"
                    i += 1
            elif p[i] == "*":
                r += "[^/]*"
                i += 1
            elif p[i] == "?":
                r += "[^/]"
                i += 1
            else:
                r += re.escape(p[i])
                i += 1
        return re.compile(r + r"\Z")
    parts = path.strip("/").split("/")
    candidates = ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]
    included = True
    for raw in patterns:
        neg = raw.startswith("!")
        pat = os.path.normpath(raw[1:] if neg else raw).strip("/")
        rx = to_re(pat)
        if any(rx.match(c) for c in candidates):
            included = neg
    return included


if ok(dockerfile.is_file(), rel(dockerfile), "missing"):
    ins = dockerfile_instructions(dockerfile.read_text())
    stages, current = [], None
    for n, word, args in ins:
        if word == "FROM":
            tokens = [t for t in args.split() if not t.startswith("--")]
            image = tokens[0] if tokens else ""
            name = tokens[2] if len(tokens) >= 3 and tokens[1].upper() == "AS" else None
            current = {"line": n, "image": image, "name": name, "ins": []}
            stages.append(current)
        elif current is not None:
            current["ins"].append((n, word, args))
    where = rel(dockerfile)
    ok(len(stages) >= 2, where, "expected a multi-stage build (build + runtime)")
    names = set()
    for st in stages:
        img = st["image"]
        ok(img in names or re.fullmatch(r"debian:12(\.\d+)?(-slim)?(@sha256:[0-9a-f]{64})?", img), f"{where}:{st['line']}",
           f"FROM {img}: base images must be debian:12 (bookworm), pinned to that tag (debian:12, debian:12-slim, debian:12.N)")
        if st["name"]:
            names.add(st["name"])
    for n, word, args in ins:
        ok(word != "ADD", f"{where}:{n}", "ADD: use COPY (no remote URLs or implicit archive extraction)")
        ok(word != "MAINTAINER", f"{where}:{n}", "MAINTAINER is deprecated: use a LABEL")
    if stages:
        final = stages[-1]
        words = {}
        for n, word, args in final["ins"]:
            words.setdefault(word, []).append((n, args))
        users = words.get("USER", [])
        if ok(users, where, "the runtime stage sets no USER (it would run as root)"):
            user = users[-1][1].split(":")[0]
            ok(user not in ("root", "0"), f"{where}:{users[-1][0]}", f"USER {users[-1][1]}: must not be root")
        hc = words.get("HEALTHCHECK", [])
        if ok(hc, where, "the runtime stage has no HEALTHCHECK"):
            ok("/_strata/health/" in hc[-1][1] and "NONE" not in hc[-1][1].upper().split(),
               f"{where}:{hc[-1][0]}", "HEALTHCHECK must probe /_strata/health/ready (or live)")
        ok(any("9000" in a.split() for _, a in words.get("EXPOSE", [])), where, "EXPOSE 9000 is missing")
        ok(any("/data" in a for _, a in words.get("VOLUME", [])), where, "VOLUME /data is missing")
        ep = words.get("ENTRYPOINT", [])
        ok(ep and ep[-1][1].replace(" ", "") == '["strata","server"]', where, 'ENTRYPOINT must be ["strata", "server"] (exec form)')
        cmd = words.get("CMD", [])
        ok(cmd and cmd[-1][1].lstrip().startswith("["), where, "CMD must be in exec form")
        for n, word, args in final["ins"]:
            if word == "RUN" and "apt-get install" in args:
                ok("--no-install-recommends" in args, f"{where}:{n}", "apt-get install without --no-install-recommends")
                ok("rm -rf /var/lib/apt/lists" in args, f"{where}:{n}", "apt lists are not removed in the same RUN")
                ok(not re.search(r"\S+-dev\b", args), f"{where}:{n}", "the runtime stage installs -dev packages")
    # COPY sources exist in the build context and pass .dockerignore.
    ignore_file = REPO / ".dockerignore"
    patterns = []
    if ignore_file.is_file():
        patterns = [l.strip() for l in ignore_file.read_text().splitlines() if l.strip() and not l.strip().startswith("#")]
    for n, word, args in ins:
        if word != "COPY":
            continue
        tokens = shlex.split(args)
        if any(t.startswith("--from") for t in tokens):
            continue
        srcs = [t for t in tokens if not t.startswith("--")][:-1]
        for src in srcs:
            ok((REPO / src).exists(), f"{where}:{n}", f"COPY {src}: not in the build context {REPO}")
            ok(dockerignore_allows(src, patterns), f"{where}:{n}", f"COPY {src}: excluded by {ignore_file}")
    # install-deps.sh must offer the build-only subset the build stage uses.
    if "install-deps.sh --build-only" in dockerfile.read_text():
        deps = REPO / "scripts" / "install-deps.sh"
        ok(deps.is_file() and "--build-only" in deps.read_text(), rel(deps), "has no --build-only option")

# ------------------------------------------------------------ (d) Kubernetes
k8s = DEPLOY / "k8s"
kust_path = k8s / "kustomization.yaml"
k8s_docs = []  # (file, doc)


def check_manifest(where, doc):
    if not ok(isinstance(doc, dict), where, "a document is not a mapping"):
        return
    ok(doc.get("apiVersion"), where, "a document has no apiVersion")
    ok(doc.get("kind"), where, "a document has no kind")
    md = doc.get("metadata") or {}
    ok(isinstance(md, dict) and md.get("name"), where, f"a {doc.get('kind')} has no metadata.name")
    ok(not (isinstance(md, dict) and md.get("namespace")), where,
       f"{doc.get('kind')} {md.get('name')} sets a namespace: the manifests are namespace-less")


kust = load_yaml(kust_path)
if kust:
    k = kust[0]
    ok(k.get("kind") == "Kustomization", rel(kust_path), "kind must be Kustomization")
    ok(not k.get("namespace"), rel(kust_path), "sets a namespace: the manifests are namespace-less")
    resources = k.get("resources") or []
    ok(resources, rel(kust_path), "lists no resources")
    for r in resources:
        path = k8s / r
        if ok(path.is_file(), rel(kust_path), f"resource {r} does not exist"):
            for doc in yaml_docs.get(path, []):
                check_manifest(rel(path), doc)
                k8s_docs.append((rel(path), doc))
if RENDERED:
    try:
        with open(RENDERED) as f:
            for doc in yaml.safe_load_all(f):
                if doc is not None:
                    check_manifest("kubectl kustomize output", doc)
    except yaml.YAMLError as e:
        fail("kubectl kustomize output", f"does not parse: {e}")

by_kind = {}
for where, doc in k8s_docs:
    if isinstance(doc, dict):
        by_kind.setdefault(doc.get("kind"), []).append((where, doc))


def env_value(container, name, default=None):
    for e in container.get("env") or []:
        if e.get("name") == name and "value" in e:
            return e["value"]
    return default


secrets = {d["metadata"]["name"]: set((d.get("stringData") or {}) | (d.get("data") or {}))
           for _, d in by_kind.get("Secret", []) if isinstance(d.get("metadata"), dict)}
sts_list = by_kind.get("StatefulSet", [])
ok(sts_list, rel(k8s), "no StatefulSet")
for where, sts in sts_list:
    spec = sts.get("spec") or {}
    ok(spec.get("replicas", 1) == 1, where, "Strata is one process per data folder: replicas must be 1")
    pod = (spec.get("template") or {}).get("spec") or {}
    pod_labels = ((spec.get("template") or {}).get("metadata") or {}).get("labels") or {}
    ann = ((spec.get("template") or {}).get("metadata") or {}).get("annotations") or {}
    ok(ann.get("prometheus.io/scrape") == "true" and ann.get("prometheus.io/path") == "/_strata/metrics"
       and str(ann.get("prometheus.io/port")) == "9000", where,
       "pod template needs prometheus.io/scrape, /path (/_strata/metrics) and /port (9000) annotations")
    sel = (spec.get("selector") or {}).get("matchLabels") or {}
    ok(sel and all(pod_labels.get(k) == v for k, v in sel.items()), where, "selector does not match the pod labels")
    psc = pod.get("securityContext") or {}
    ok(psc.get("runAsNonRoot") is True, where, "pod securityContext.runAsNonRoot must be true")
    ok(psc.get("runAsUser", 0) != 0, where, "pod securityContext.runAsUser must not be 0")
    containers = pod.get("containers") or []
    c = next((c for c in containers if c.get("name") == "strata"), containers[0] if containers else {})
    ok(c, where, "no container")
    sc = c.get("securityContext") or {}
    ok(sc.get("allowPrivilegeEscalation") is False, where, "container allowPrivilegeEscalation must be false")
    ok(sc.get("readOnlyRootFilesystem") is True, where, "container readOnlyRootFilesystem must be true")
    res = c.get("resources") or {}
    ok(res.get("requests") and res.get("limits"), where, "container needs resources.requests and resources.limits")
    rp = ((c.get("readinessProbe") or {}).get("httpGet") or {}).get("path")
    lp = ((c.get("livenessProbe") or {}).get("httpGet") or {}).get("path")
    ok(rp == "/_strata/health/ready", where, f"readinessProbe must GET /_strata/health/ready (is {rp})")
    ok(lp == "/_strata/health/live", where, f"livenessProbe must GET /_strata/health/live (is {lp})")
    ok(any(p.get("containerPort") == 9000 for p in c.get("ports") or []), where, "containerPort 9000 is missing")
    timeout = parse_duration(env_value(c, "STRATA_SHUTDOWN_TIMEOUT", 30))
    grace = pod.get("terminationGracePeriodSeconds", 30)
    ok(timeout is not None and isinstance(grace, int) and grace > timeout, where,
       f"terminationGracePeriodSeconds ({grace}) must exceed STRATA_SHUTDOWN_TIMEOUT ({timeout})")
    mounts = {m.get("name"): m.get("mountPath") for m in c.get("volumeMounts") or []}
    claims = {(t.get("metadata") or {}).get("name") for t in spec.get("volumeClaimTemplates") or []}
    ok(any(mounts.get(n) == "/data" for n in claims), where, "/data must be mounted from a volumeClaimTemplate")
    names = {e.get("name") for e in c.get("env") or []}
    ok({"STRATA_ROOT_USER", "STRATA_ROOT_PASSWORD"} <= names, where, "STRATA_ROOT_USER/STRATA_ROOT_PASSWORD are not set")
    for e in c.get("env") or []:
        ref = (e.get("valueFrom") or {}).get("secretKeyRef")
        if ref:
            ok(ref.get("key") in secrets.get(ref.get("name"), set()), where,
               f"env {e.get('name')}: secretKeyRef {ref.get('name')}/{ref.get('key')} is not in the Secret manifests")
        elif e.get("name") in ("STRATA_ROOT_USER", "STRATA_ROOT_PASSWORD"):
            ok(False, where, f"env {e.get('name')} must come from a secretKeyRef, not a literal")
    svc_ok = False
    for swhere, svc in by_kind.get("Service", []):
        s = svc.get("spec") or {}
        if s.get("selector") and all(pod_labels.get(k) == v for k, v in s["selector"].items()) \
                and any(p.get("port") == 9000 for p in s.get("ports") or []):
            svc_ok = True
    ok(svc_ok, where, "no Service on port 9000 selects this StatefulSet's pods")
    ok(spec.get("serviceName") in {(d.get("metadata") or {}).get("name") for _, d in by_kind.get("Service", [])},
       where, f"serviceName {spec.get('serviceName')} is not a Service in the manifests")

# ------------------------------------------------------------ (d) Compose
compose_path = DEPLOY / "docker-compose.yml"
compose = load_yaml(compose_path)
env_file = DEPLOY / ".env"
env_defined = set()
if env_file.is_file():
    for line in env_file.read_text().splitlines():
        m = re.match(r"\s*([A-Za-z_][A-Za-z0-9_]*)=", line)
        if m:
            env_defined.add(m.group(1))
if compose:
    c = compose[0]
    where = rel(compose_path)
    services = c.get("services") or {}
    ok({"strata", "prometheus", "grafana"} <= set(services), where, "needs the services strata, prometheus and grafana")
    # ${VAR:?...} must be defined in .env; ${VAR:-default} may be.
    for m in re.finditer(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(:?[?])", compose_path.read_text()):
        ok(m.group(1) in env_defined, where, f"${{{m.group(1)}}} is required but {rel(env_file)} does not define it")
    named_volumes = set((c.get("volumes") or {}).keys())
    for name, svc in services.items():
        sw = f"{where}: service {name}"
        build = svc.get("build")
        if build is not None:
            ctx = DEPLOY / (build.get("context", ".") if isinstance(build, dict) else build)
            df = ctx / (build.get("dockerfile", "Dockerfile") if isinstance(build, dict) else "Dockerfile")
            ok(ctx.is_dir(), sw, f"build context {ctx} does not exist")
            ok(df.resolve() == dockerfile.resolve() or df.is_file(), sw, f"Dockerfile {df} does not exist")
            ok(ctx.resolve() == REPO.resolve(), sw, f"build context {ctx.resolve()} is not the repository {REPO}")
        else:
            img = str(svc.get("image", ""))
            ok(re.search(r":[^/]+$", img) and not img.endswith(":latest"), sw, f"image {img!r} must be pinned to a tag")
        for v in svc.get("volumes") or []:
            src = (v.get("source") if isinstance(v, dict) else str(v).split(":")[0])
            if src and (src.startswith(".") or src.startswith("/")):
                ok((DEPLOY / src).exists(), sw, f"mounts {src}, which does not exist")
            elif src:
                ok(src in named_volumes, sw, f"volume {src} is not declared under top-level volumes")
    s = services.get("strata") or {}
    env = s.get("environment") or {}
    if isinstance(env, list):
        env = dict(e.split("=", 1) if "=" in e else (e, None) for e in env)
    ok("STRATA_ROOT_USER" in env and "STRATA_ROOT_PASSWORD" in env, f"{where}: service strata",
       "STRATA_ROOT_USER/STRATA_ROOT_PASSWORD are not passed")
    timeout = parse_duration(env.get("STRATA_SHUTDOWN_TIMEOUT", 30))
    grace = parse_duration(s.get("stop_grace_period", "10s"))
    ok(timeout is not None and grace is not None and grace > timeout, f"{where}: service strata",
       f"stop_grace_period ({s.get('stop_grace_period', '10s (default)')}) must exceed STRATA_SHUTDOWN_TIMEOUT ({timeout}s)")
    hc = s.get("healthcheck") or {}
    ok("/_strata/health/" in " ".join(map(str, hc.get("test") or [])) if isinstance(hc.get("test"), list)
       else "/_strata/health/" in str(hc.get("test", "")), f"{where}: service strata",
       "healthcheck must probe /_strata/health/ready")
    ok(any(str(p).split(":")[-1].split("/")[0] == "9000" for p in s.get("ports") or []), f"{where}: service strata",
       "port 9000 is not published")
    # Grafana's dashboard provider reads the folder compose mounts the dashboards at.
    g = services.get("grafana") or {}
    gmounts = {}
    for v in g.get("volumes") or []:
        if isinstance(v, str) and v.count(":") >= 1:
            src, dst = v.split(":")[:2]
            gmounts[dst] = src
    ok("/etc/grafana/provisioning" in gmounts, f"{where}: service grafana", "does not mount grafana/provisioning")
    for path in sorted((prov / "dashboards").glob("*.y*ml")) if (prov / "dashboards").is_dir() else []:
        for doc in yaml_docs.get(path, []):
            for e in (doc.get("providers") or []) if isinstance(doc, dict) else []:
                p = (e.get("options") or {}).get("path")
                src = gmounts.get(p)
                ok(src and (DEPLOY / src).resolve() == dash_dir.resolve(), rel(path),
                   f"provider path {p} is not where compose mounts {rel(dash_dir)}")

# Prometheus scrapes Strata's endpoint at the compose service.
prom_path = DEPLOY / "prometheus" / "prometheus.yml"
prom = load_yaml(prom_path)
if prom:
    jobs = (prom[0] or {}).get("scrape_configs") or [] if isinstance(prom[0], dict) else []
    targets = [t for j in jobs if j.get("metrics_path") == "/_strata/metrics"
               for sc in j.get("static_configs") or [] for t in sc.get("targets") or []]
    ok(targets, rel(prom_path), "no scrape job with metrics_path /_strata/metrics")
    ok(all(t.split(":")[0] in ((compose or [{}])[0].get("services") or {}) for t in targets), rel(prom_path),
       f"targets {targets} are not compose services")

# ------------------------------------------------------------ report
for p in problems:
    print(f"check-deploy: FAIL {p}", file=sys.stderr)
print(f"check-deploy: {checks} structural checks, {len(problems)} problem(s)")
sys.exit(1 if problems else 0)
PY
  failures=$((failures + 1))
fi

if [ "$failures" -ne 0 ]; then
  echo "check-deploy: FAILED (see the FAIL lines above)" >&2
  exit 1
fi
note "all checks passed"
