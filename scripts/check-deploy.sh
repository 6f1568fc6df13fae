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
#       period, non-root security context; every envFrom/configMapRef/
#       secretRef/secretKeyRef/configMapKeyRef names a ConfigMap or Secret
#       (and key) of the kustomization; every volumeMount names a volume or
#       claim template and every claim is mounted; the data folder and each
#       drive (STRATA_DRIVES) sit on claims, one claim per drive; a
#       PodDisruptionBudget selects the StatefulSet's pods and allows no
#       eviction of its single replica.
#       Compose (docker-compose.yml: strata, postgres, redis, prometheus,
#       grafana; any other docker-compose*.yml: at least strata): files it
#       references exist, images pinned, stop_grace_period and healthcheck,
#       variables defined in .env and every .env variable used; every
#       depends_on names a service (with a healthcheck for service_healthy);
#       postgres has a pg_isready healthcheck and initdb's C collation and
#       UTF8, redis a `redis-cli ping` healthcheck and no allkeys-* eviction;
#       STRATA_META/STRATA_CACHE name those services (user, database,
#       password variable, port) and strata waits for them to be healthy;
#       two files of one project never share Strata's volume with different
#       metadata stores. Prometheus scrapes /_strata/metrics.
#   (e) agreement: every STRATA_* variable set in the Dockerfile, Compose,
#       the Kubernetes env and ConfigMaps is one the server reads (when the
#       source is present: envname("STRATA_...") in src/app/server_config.cc
#       and getenv("STRATA_...") in src/app/*.cc); one port everywhere: the
#       Dockerfile's CMD --address is the reference for EXPOSE, the
#       HEALTHCHECK, Compose's command/STRATA_ADDRESS, published container
#       port and healthcheck, the Kubernetes args/STRATA_ADDRESS,
#       containerPorts, probe ports, Service targetPorts and scrape
#       annotation, and the Prometheus target.
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
import posixpath
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

# ------------------------------------------------------------ (e) what the server reads, and its port
# The STRATA_* variables `strata server` reads: its flags' envname()s in
# src/app/server_config.cc and the getenv("STRATA_...") calls in src/app/*.cc
# (root credentials, master key). Checked at the end against every variable
# deploy/ sets (Dockerfile ENV, Compose environment/env_file, Kubernetes env,
# ConfigMaps).
app_dir = REPO / "src" / "app"
server_vars = None
env_sets = set()  # (where, name)
if (app_dir / "server_config.cc").is_file():
    server_vars = set(re.findall(r'envname\(\s*"(STRATA_[A-Z0-9_]+)"\s*\)',
                                 (app_dir / "server_config.cc").read_text(errors="replace")))
    for p in sorted(app_dir.glob("*.cc")):
        if not p.name.endswith("_test.cc"):
            server_vars |= set(re.findall(r'getenv\(\s*"(STRATA_[A-Z0-9_]+)"\s*\)', p.read_text(errors="replace")))
    ok(server_vars, rel(app_dir / "server_config.cc"),
       'no envname("STRATA_...") found: cannot check the variables deploy/ sets')
else:
    print(f"check-deploy: {app_dir} is not here: the STRATA_* variable names are not checked")

DEFAULT_ADDRESS = ":9000"  # `strata server`'s --address default (README, Configuration)


def server_settings(args, env):
    """(address, data dir, drives) of `strata server ARGS` in environment ENV.
    A flag wins over its variable; every server flag takes a value."""
    flags, positional, i = {}, [], 0
    args = [str(a) for a in args or []]
    while i < len(args):
        a = args[i]
        if a.startswith("--"):
            if "=" in a:
                k, v = a.split("=", 1)
            else:
                k, v = a, (args[i + 1] if i + 1 < len(args) else "")
                i += 1
            flags[k] = v
        else:
            positional.append(a)
        i += 1
    address = flags.get("--address", env.get("STRATA_ADDRESS", DEFAULT_ADDRESS))
    data_dir = positional[-1] if positional else env.get("STRATA_DIR", "./data")
    drives = flags.get("--drives", env.get("STRATA_DRIVES"))
    drives = [d.strip() for d in str(drives).split(",") if d.strip()] if drives \
        else [posixpath.join(data_dir, f"drive{n}") for n in range(1, 7)]
    both = [f for f, v in (("--address", "STRATA_ADDRESS"), ("--drives", "STRATA_DRIVES"), ("--meta", "STRATA_META"))
            if f in flags and v in env]
    return address, data_dir, drives, both


def port_of(address):
    p = str(address).rpartition(":")[2]
    return int(p) if p.isdigit() else None


def url_port(text):
    m = re.search(r"\bhttps?://(?:\[[^\]]*\]|[^/:\s\"',\]]+):(\d+)", str(text))
    return int(m.group(1)) if m else None


port_claims = []  # (where, port): each must be the port the server listens on


def claim_port(where, port, what):
    port_claims.append((where, port, what))


def env_assignments(args):
    """ENV K=V K2=V2 (or the legacy ENV K V) -> {K: V}."""
    try:
        tokens = shlex.split(args)
    except ValueError:
        return {}
    if tokens and "=" not in tokens[0]:
        return {tokens[0]: " ".join(tokens[1:])}
    return dict(t.split("=", 1) for t in tokens if "=" in t)


image_env, image_cmd = {}, []
image_port = port_of(DEFAULT_ADDRESS)
if dockerfile.is_file():
    for st in stages:
        for n, word, args in st["ins"]:
            if word == "ENV":
                for k in env_assignments(args):
                    if k.startswith("STRATA_"):
                        env_sets.add((f"{rel(dockerfile)}:{n}", k))
    if stages:
        for n, word, args in stages[-1]["ins"]:
            if word == "ENV":
                image_env.update(env_assignments(args))
            elif word == "CMD" and args.lstrip().startswith("["):
                try:
                    image_cmd = [str(a) for a in json.loads(args)]
                except ValueError:
                    fail(f"{rel(dockerfile)}:{n}", "CMD is not a valid JSON array")
        address, _, _, both = server_settings(image_cmd, image_env)
        ok(not both, rel(dockerfile), f"sets both {both} and their variables: the flag wins, the ENV is ignored")
        image_port = port_of(address)
        ok(image_port, rel(dockerfile), f"CMD --address {address}: no port")
        claim_port(rel(dockerfile), image_port, f"CMD --address {address}")
        for n, word, args in stages[-1]["ins"]:
            if word == "EXPOSE":
                for t in args.split():
                    p = t.split("/")[0]
                    claim_port(f"{rel(dockerfile)}:{n}", int(p) if p.isdigit() else None, f"EXPOSE {t}")
            elif word == "HEALTHCHECK" and url_port(args):
                claim_port(f"{rel(dockerfile)}:{n}", url_port(args), "HEALTHCHECK URL")

# ------------------------------------------------------------ (d) Kubernetes
k8s = DEPLOY / "k8s"
kust_path = k8s / "kustomization.yaml"
k8s_docs = []  # (file, doc)
generated = {"ConfigMap": {}, "Secret": {}}  # kustomize generators: name -> keys


def check_manifest(where, doc):
    if not ok(isinstance(doc, dict), where, "a document is not a mapping"):
        return
    ok(doc.get("apiVersion"), where, "a document has no apiVersion")
    ok(doc.get("kind"), where, "a document has no kind")
    md = doc.get("metadata") or {}
    ok(isinstance(md, dict) and md.get("name"), where, f"a {doc.get('kind')} has no metadata.name")
    ok(not (isinstance(md, dict) and md.get("namespace")), where,
       f"{doc.get('kind')} {md.get('name')} sets a namespace: the manifests are namespace-less")


def generator_keys(gen):
    keys = set()
    for lit in gen.get("literals") or []:
        keys.add(str(lit).split("=", 1)[0])
    for f in gen.get("files") or []:
        keys.add(str(f).split("=", 1)[0] if "=" in str(f) else Path(str(f)).name)
    for f in gen.get("envs") or []:
        p = k8s / f
        if ok(p.is_file(), rel(kust_path), f"generator {gen.get('name')}: env file {f} does not exist"):
            keys |= {m.group(1) for m in re.finditer(r"(?m)^\s*([A-Za-z_][A-Za-z0-9_.-]*)=", p.read_text())}
    return keys


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
    for kind, key in (("ConfigMap", "configMapGenerator"), ("Secret", "secretGenerator")):
        for gen in k.get(key) or []:
            generated[kind][gen.get("name")] = generator_keys(gen)
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


def named(kind):
    """{name: set of data keys} of the ConfigMaps or Secrets in the kustomization."""
    out = dict(generated[kind])
    for _, d in by_kind.get(kind, []):
        if isinstance(d.get("metadata"), dict):
            out[d["metadata"].get("name")] = set((d.get("stringData") or {}) | (d.get("data") or {}))
    return out


secrets = named("Secret")
configmaps = named("ConfigMap")
for kind, objs in (("ConfigMap", configmaps), ("Secret", secrets)):
    for where, d in by_kind.get(kind, []):
        for key in (d.get("data") or {}) | (d.get("stringData") or {}):
            if str(key).startswith("STRATA_"):
                env_sets.add((f"{where}: {kind} {(d.get('metadata') or {}).get('name')}", key))


def container_env(c, where):
    """The container's environment as Kubernetes builds it: envFrom first,
    then env (which wins). Values from Secrets read as '<secret>'. Checks
    every reference on the way."""
    env = {}
    for ef in c.get("envFrom") or []:
        prefix = ef.get("prefix", "")
        for kind, key, objs in (("ConfigMap", "configMapRef", configmaps), ("Secret", "secretRef", secrets)):
            ref = ef.get(key)
            if ref is None:
                continue
            name = ref.get("name")
            if ok(name in objs or ref.get("optional") is True, where,
                  f"envFrom {key} {name} is not a {kind} in {rel(kust_path)}'s resources or generators"):
                data = {}
                for _, d in by_kind.get(kind, []):
                    if (d.get("metadata") or {}).get("name") == name:
                        data = {**(d.get("stringData") or {}), **(d.get("data") or {})} if kind == "Secret" \
                            else dict(d.get("data") or {})
                for k_ in objs.get(name, set()):
                    env[prefix + k_] = "<secret>" if kind == "Secret" else str(data.get(k_, ""))
    for e in c.get("env") or []:
        name = e.get("name")
        if str(name).startswith("STRATA_"):
            env_sets.add((where, name))
        vf = e.get("valueFrom") or {}
        if "value" in e:
            env[name] = str(e["value"])
        for kind, key, objs in (("Secret", "secretKeyRef", secrets), ("ConfigMap", "configMapKeyRef", configmaps)):
            ref = vf.get(key)
            if ref:
                ok(ref.get("optional") is True or ref.get("key") in objs.get(ref.get("name"), set()), where,
                   f"env {name}: {key} {ref.get('name')}/{ref.get('key')} is not in the {kind} manifests")
                env[name] = "<secret>" if kind == "Secret" else ""
    for ef in c.get("envFrom") or []:
        prefix = ef.get("prefix", "")
        for key, objs in (("configMapRef", configmaps), ("secretRef", secrets)):
            for k_ in objs.get((ef.get(key) or {}).get("name"), set()):
                if str(prefix + k_).startswith("STRATA_"):
                    env_sets.add((f"{where} (envFrom {(ef.get(key) or {}).get('name')})", prefix + k_))
    return env


def covering_volume(path, mounts):
    """The volume whose mountPath is PATH or its nearest ancestor, or None."""
    path = posixpath.normpath(path)
    best = None
    for mp, name in mounts.items():
        mp = posixpath.normpath(mp)
        if (path == mp or path.startswith(mp.rstrip("/") + "/")) and (best is None or len(mp) > len(best[0])):
            best = (mp, name)
    return best[1] if best else None


def labels_match(selector, labels):
    return bool(selector) and all(labels.get(k_) == v for k_, v in selector.items())


sts_list = by_kind.get("StatefulSet", [])
ok(sts_list, rel(k8s), "no StatefulSet")
services_k8s = by_kind.get("Service", [])
pdbs = by_kind.get("PodDisruptionBudget", [])
ok(pdbs, rel(k8s), f"no PodDisruptionBudget in {rel(kust_path)}'s resources: a drain would evict the only pod")
for where, pdb in pdbs:
    spec = pdb.get("spec") or {}
    name = (pdb.get("metadata") or {}).get("name")
    ok(("minAvailable" in spec) != ("maxUnavailable" in spec), where,
       f"PodDisruptionBudget {name}: set exactly one of minAvailable and maxUnavailable")
    sel = spec.get("selector") or {}
    ml = sel.get("matchLabels") or {}
    ok(ml and not sel.get("matchExpressions"), where,
       f"PodDisruptionBudget {name}: select the pods with matchLabels (only)")
    pods = [(((s.get("spec") or {}).get("template") or {}).get("metadata") or {}).get("labels") or {}
            for _, s in sts_list]
    ok(any(labels_match(ml, pl) for pl in pods), where,
       f"PodDisruptionBudget {name}: selector {ml} matches no StatefulSet's pod labels")

for where, sts in sts_list:
    spec = sts.get("spec") or {}
    sts_name = (sts.get("metadata") or {}).get("name")
    replicas = spec.get("replicas", 1)
    ok(replicas == 1, where, "Strata is one process per data folder: replicas must be 1")
    pod = (spec.get("template") or {}).get("spec") or {}
    pod_labels = ((spec.get("template") or {}).get("metadata") or {}).get("labels") or {}
    ann = ((spec.get("template") or {}).get("metadata") or {}).get("annotations") or {}
    ok(ann.get("prometheus.io/scrape") == "true" and ann.get("prometheus.io/path") == "/_strata/metrics"
       and str(ann.get("prometheus.io/port")) == "9000", where,
       "pod template needs prometheus.io/scrape, /path (/_strata/metrics) and /port (9000) annotations")
    sel = (spec.get("selector") or {}).get("matchLabels") or {}
    ok(labels_match(sel, pod_labels), where, "selector does not match the pod labels")
    covering = [(pw, p) for pw, p in pdbs
                if labels_match(((p.get("spec") or {}).get("selector") or {}).get("matchLabels") or {}, pod_labels)]
    if ok(covering, where, f"no PodDisruptionBudget selects the pods of StatefulSet {sts_name}"):
        for pw, p in covering:
            ps = p.get("spec") or {}
            mu, ma = ps.get("maxUnavailable"), ps.get("minAvailable")
            ok(mu == 0 or mu == "0%" or (isinstance(ma, int) and ma >= replicas) or ma == "100%", pw,
               f"PodDisruptionBudget {(p.get('metadata') or {}).get('name')} allows evicting one of {replicas} "
               f"replica(s): use maxUnavailable: 0 (or minAvailable: {replicas})")
    psc = pod.get("securityContext") or {}
    ok(psc.get("runAsNonRoot") is True, where, "pod securityContext.runAsNonRoot must be true")
    ok(psc.get("runAsUser", 0) != 0, where, "pod securityContext.runAsUser must not be 0")
    containers = pod.get("containers") or []
    c = next((c for c in containers if c.get("name") == "strata"), containers[0] if containers else {})
    ok(c, where, "no container")
    claims = {(t.get("metadata") or {}).get("name") for t in spec.get("volumeClaimTemplates") or []}
    volumes = {v.get("name"): v for v in pod.get("volumes") or []}
    mounted = set()
    for cc in containers + (pod.get("initContainers") or []):
        cw = f"{where}: container {cc.get('name')}"
        for m in cc.get("volumeMounts") or []:
            mounted.add(m.get("name"))
            ok(m.get("name") in volumes or m.get("name") in claims, cw,
               f"volumeMount {m.get('name')} ({m.get('mountPath')}) names no volume and no volumeClaimTemplate")
        if cc is not c:
            container_env(cc, cw)
    for n in sorted(claims - mounted):
        ok(False, where, f"volumeClaimTemplate {n} is mounted by no container")
    for n in sorted(set(volumes) - mounted):
        ok(False, where, f"volume {n} is mounted by no container")
    for n, v in volumes.items():
        for kind, key, field, objs in (("ConfigMap", "configMap", "name", configmaps),
                                       ("Secret", "secret", "secretName", secrets)):
            if isinstance(v.get(key), dict):
                ok(v[key].get(field) in objs or v[key].get("optional") is True, where,
                   f"volume {n}: {kind} {v[key].get(field)} is not in {rel(kust_path)}'s resources")
    cw = f"{where}: container {c.get('name')}"
    env = container_env(c, cw)
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
    timeout = parse_duration(env.get("STRATA_SHUTDOWN_TIMEOUT", 30))
    grace = pod.get("terminationGracePeriodSeconds", 30)
    ok(timeout is not None and isinstance(grace, int) and grace > timeout, where,
       f"terminationGracePeriodSeconds ({grace}) must exceed STRATA_SHUTDOWN_TIMEOUT ({timeout})")
    mounts = {m.get("mountPath"): m.get("name") for m in c.get("volumeMounts") or []}
    ok(any(mounts.get("/data") == n for n in claims), where, "/data must be mounted from a volumeClaimTemplate")
    ok({"STRATA_ROOT_USER", "STRATA_ROOT_PASSWORD"} <= set(env), where, "STRATA_ROOT_USER/STRATA_ROOT_PASSWORD are not set")
    for e in c.get("env") or []:
        if e.get("name") in ("STRATA_ROOT_USER", "STRATA_ROOT_PASSWORD") and \
                not (e.get("valueFrom") or {}).get("secretKeyRef"):
            ok(False, where, f"env {e.get('name')} must come from a secretKeyRef, not a literal")
    # The data folder and every drive live on claims, each drive on its own.
    args = c.get("args") if "args" in c else image_cmd
    address, data_dir, drives, both = server_settings(args, env)
    ok(not both, cw, f"sets both {both} and their variables: the flag wins, the variable is ignored")
    drive_volume = {}
    for path in [data_dir] + drives:
        what = "the data folder" if path == data_dir else "drive"
        vol = covering_volume(path, mounts)
        if not ok(vol, cw, f"{what} {path} is on no volume (the root filesystem is read-only)"):
            continue
        ok(vol in claims or isinstance((volumes.get(vol) or {}).get("persistentVolumeClaim"), dict), cw,
           f"{what} {path} is on volume {vol}, not a volumeClaimTemplate: it would not outlive the pod")
        if path != data_dir:
            if vol in drive_volume:
                ok(False, cw, f"drives {drive_volume[vol]} and {path} share the volume {vol}: give each drive a "
                              "claim of its own, so one lost disk is one lost drive")
            else:
                drive_volume[vol] = path
    # Ports: the server's, the container's, the probes', the Services'.
    port = port_of(address)
    claim_port(cw, port, f"--address/STRATA_ADDRESS {address}")
    by_name = {p.get("name"): p.get("containerPort") for p in c.get("ports") or [] if p.get("name")}
    ok(port in [p.get("containerPort") for p in c.get("ports") or []], cw,
       f"the server listens on {port} (--address {address}) but no containerPort is {port}")
    for p in c.get("ports") or []:
        claim_port(cw, p.get("containerPort"), f"containerPort ({p.get('name')})")

    def resolve(where_, ref, what):
        if isinstance(ref, str) and not ref.isdigit():
            if ok(ref in by_name, where_, f"{what} {ref} names no port of container {c.get('name')}"):
                claim_port(where_, by_name[ref], f"{what} {ref}")
        elif ref is not None:
            claim_port(where_, int(ref), what)

    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        hg = (c.get(probe) or {}).get("httpGet")
        if hg:
            resolve(cw, hg.get("port"), f"{probe} port")
    claim_port(f"{where}: pod annotations", int(ann["prometheus.io/port"]) if str(ann.get("prometheus.io/port", "")).isdigit()
               else None, "prometheus.io/port")
    svc_ok = False
    for swhere, svc in services_k8s:
        s = svc.get("spec") or {}
        if not labels_match(s.get("selector") or {}, pod_labels):
            continue
        if any(p.get("port") == 9000 for p in s.get("ports") or []):
            svc_ok = True
        for p in s.get("ports") or []:
            resolve(f"{swhere}: Service {(svc.get('metadata') or {}).get('name')}",
                    p.get("targetPort", p.get("port")), "targetPort")
    ok(svc_ok, where, "no Service on port 9000 selects this StatefulSet's pods")
    ok(spec.get("serviceName") in {(d.get("metadata") or {}).get("name") for _, d in services_k8s},
       where, f"serviceName {spec.get('serviceName')} is not a Service in the manifests")

# ------------------------------------------------------------ (d) Compose
env_file = DEPLOY / ".env"
env_defined = set()
if env_file.is_file():
    for line in env_file.read_text().splitlines():
        m = re.match(r"\s*([A-Za-z_][A-Za-z0-9_]*)=", line)
        if m:
            env_defined.add(m.group(1))
env_used = set()
MAIN_SERVICES = ("strata", "postgres", "redis", "prometheus", "grafana")
DEP_CONDITIONS = ("service_started", "service_healthy", "service_completed_successfully")


def service_env(svc, sw):
    """A service's environment: env_file entries, then environment (which wins)."""
    env = {}
    files = svc.get("env_file") or []
    for f in [files] if isinstance(files, (str, dict)) else files:
        p = f.get("path") if isinstance(f, dict) else f
        required = f.get("required", True) if isinstance(f, dict) else True
        path = DEPLOY / str(p)
        if path.is_file():
            for line in path.read_text().splitlines():
                m = re.match(r"\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)", line)
                if m:
                    env[m.group(1)] = m.group(2).strip().strip("'\"")
        else:
            ok(not required, sw, f"env_file {p} does not exist")
    e = svc.get("environment") or {}
    if isinstance(e, list):
        e = dict(x.split("=", 1) if "=" in x else (x, None) for x in map(str, e))
    env.update({k_: (None if v is None else str(v)) for k_, v in e.items()})
    return env


def healthcheck_test(svc):
    """The healthcheck command as one string ("" when none or disabled)."""
    hc = svc.get("healthcheck") or {}
    if hc.get("disable") is True:
        return ""
    t = hc.get("test")
    text = " ".join(map(str, t)) if isinstance(t, list) else str(t or "")
    return "" if text.strip().upper() in ("", "NONE") else text


def var_names(text):
    return re.findall(r"\$\{([A-Za-z_][A-Za-z0-9_]*)", str(text or ""))


def initdb_options(text):
    """POSTGRES_INITDB_ARGS -> {option: value}, long and short forms."""
    try:
        tokens = shlex.split(str(text or ""))
    except ValueError:
        return {}
    opts, i = {}, 0
    takes = {"-E": "--encoding", "--encoding": "--encoding", "--locale": "--locale", "--lc-collate": "--lc-collate",
             "--lc-ctype": "--lc-ctype", "--locale-provider": "--locale-provider"}
    while i < len(tokens):
        t = tokens[i]
        if t.startswith("--") and "=" in t:
            k_, v = t.split("=", 1)
            opts[k_] = v
        elif t in takes:
            opts[takes[t]] = tokens[i + 1] if i + 1 < len(tokens) else ""
            i += 1
        elif t.startswith("-E") and len(t) > 2:
            opts["--encoding"] = t[2:]
        else:
            opts[t] = ""
        i += 1
    if "-E" in opts:
        opts["--encoding"] = opts.pop("-E")
    return opts


def split_url(url):
    """scheme://[user[:password]@]host[:port][/path] with ${VAR} kept verbatim
    (a ${VAR:?message} may hold '/' and spaces) -> dict, or None."""
    m = re.fullmatch(r"([a-z]+)://(?:([^:@/]*)(?::(.*))?@)?([^@/:?]+)(?::(\d+))?(/[^?]*)?(\?.*)?", str(url or ""))
    if not m:
        return None
    return {"scheme": m.group(1), "user": m.group(2), "password": m.group(3), "host": m.group(4),
            "port": int(m.group(5)) if m.group(5) else None, "path": (m.group(6) or "/").lstrip("/")}


def is_image(svc, name, image):
    img = str(svc.get("image", "")).split("/")[-1]
    return name == image or img.split(":")[0] == image


strata_volumes = []  # (file, project, /data volume, metadata backend)


def check_compose(compose_path, required):
    docs = load_yaml(compose_path)
    if not docs:
        return None
    c = docs[0]
    where = rel(compose_path)
    if not ok(isinstance(c, dict), where, "is not a mapping"):
        return None
    services = c.get("services") or {}
    ok(set(required) <= set(services), where, f"needs the services {', '.join(required)}")
    raw = compose_path.read_text()
    env_used.update(re.findall(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)", raw))
    # ${VAR:?...} must be defined in .env; ${VAR:-default} may be.
    for m in re.finditer(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(:?[?])", raw):
        ok(m.group(1) in env_defined, where, f"${{{m.group(1)}}} is required but {rel(env_file)} does not define it")
    named_volumes = set((c.get("volumes") or {}).keys())
    for name, svc in services.items():
        sw = f"{where}: service {name}"
        if not ok(isinstance(svc, dict), sw, "is not a mapping"):
            continue
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
        env = service_env(svc, sw)
        for k_ in env:
            if k_.startswith("STRATA_"):
                env_sets.add((sw, k_))
        deps = svc.get("depends_on") or {}
        if isinstance(deps, list):
            deps = {d: {"condition": "service_started"} for d in deps}
        for d, dspec in deps.items():
            cond = (dspec or {}).get("condition", "service_started")
            if ok(d in services, sw, f"depends_on {d}: no such service in {where}"):
                ok(cond != "service_healthy" or healthcheck_test(services[d]) or services[d].get("build"), sw,
                   f"depends_on {d} with condition service_healthy, but {d} has no healthcheck")
            ok(cond in DEP_CONDITIONS, sw, f"depends_on {d}: unknown condition {cond!r}")
        if is_image(svc, name, "postgres"):
            ok("pg_isready" in healthcheck_test(svc), sw, "the postgres service needs a healthcheck running pg_isready")
            opts = initdb_options(env.get("POSTGRES_INITDB_ARGS"))
            collate = "C" if "--no-locale" in opts else opts.get("--lc-collate", opts.get("--locale"))
            ok(collate in ("C", "POSIX"), sw,
               f"POSTGRES_INITDB_ARGS must give initdb --locale=C (collation {collate or 'the image default, en_US.utf8'}): "
               "Strata refuses a database that does not sort text by bytes (docs/metadata-postgres.md)")
            enc = str(opts.get("--encoding", "")).upper().replace("-", "").replace("_", "")
            ok(enc == "UTF8", sw, "POSTGRES_INITDB_ARGS must give initdb --encoding=UTF8 (with the C locale "
                                  "initdb would pick SQL_ASCII): Strata requires UTF8")
            ok(opts.get("--locale-provider", "libc") == "libc", sw,
               "POSTGRES_INITDB_ARGS: --locale-provider must be libc (an ICU collation does not sort by bytes)")
        if is_image(svc, name, "redis"):
            t = healthcheck_test(svc)
            ok("redis-cli" in t and "ping" in t.lower(), sw, "the redis service needs a healthcheck running redis-cli ping")
            cmd = svc.get("command") or []
            cmd = shlex.split(cmd) if isinstance(cmd, str) else [str(x) for x in cmd]
            policy = cmd[cmd.index("--maxmemory-policy") + 1] if "--maxmemory-policy" in cmd[:-1] else "noeviction"
            ok(not policy.startswith("allkeys"), sw,
               f"--maxmemory-policy {policy} may evict Strata's cache epoch: use noeviction or volatile-* "
               "(src/meta/cache/cached_meta_store.h)")
    s = services.get("strata")
    if not isinstance(s, dict):
        return services
    sw = f"{where}: service strata"
    env = service_env(s, sw)
    deps = s.get("depends_on") or {}
    if isinstance(deps, list):
        deps = {d: {"condition": "service_started"} for d in deps}
    ok("STRATA_ROOT_USER" in env and "STRATA_ROOT_PASSWORD" in env, sw,
       "STRATA_ROOT_USER/STRATA_ROOT_PASSWORD are not passed")
    timeout = parse_duration(env.get("STRATA_SHUTDOWN_TIMEOUT") or 30)
    grace = parse_duration(s.get("stop_grace_period", "10s"))
    ok(timeout is not None and grace is not None and grace > timeout, sw,
       f"stop_grace_period ({s.get('stop_grace_period', '10s (default)')}) must exceed STRATA_SHUTDOWN_TIMEOUT ({timeout}s)")
    hc = healthcheck_test(s)
    ok("/_strata/health/" in hc, sw, "healthcheck must probe /_strata/health/ready")
    if url_port(hc):
        claim_port(sw, url_port(hc), "healthcheck URL")
    # The port: --address (command, or the image's CMD) or STRATA_ADDRESS,
    # and the container side of every published port.
    cmd = s.get("command")
    args = (shlex.split(cmd) if isinstance(cmd, str) else [str(x) for x in cmd]) if cmd is not None else image_cmd
    address, data_dir, _, both = server_settings(args, {**image_env, **{k_: v for k_, v in env.items() if v is not None}})
    ok(not both, sw, f"sets both {both} and their variables: the flag wins, the variable is ignored")
    claim_port(sw, port_of(address), f"--address/STRATA_ADDRESS {address}")
    published = []
    for p in s.get("ports") or []:
        target = p.get("target") if isinstance(p, dict) else str(p).split("/")[0].split(":")[-1]
        target = int(target) if str(target).isdigit() else None
        published.append(target)
        claim_port(sw, target, f"ports {p}")
    ok(published, sw, "publishes no port")
    ok(9000 in published, sw, "port 9000 is not published")
    # The metadata store and the cache: services of this file, healthy first.
    meta, cache = env.get("STRATA_META"), env.get("STRATA_CACHE")
    backend = "sqlite"
    for var, url, kind in (("STRATA_META", meta, "postgres"), ("STRATA_CACHE", cache, "redis")):
        if not url or str(url).startswith("sqlite:"):
            continue
        u = split_url(url)
        if not ok(u and u["scheme"] in ((kind, "postgresql") if kind == "postgres" else (kind,)), sw,
                  f"{var} {url} is not a {kind}:// URL"):
            continue
        if kind == "postgres":
            backend = f"postgres://{u['host']}/{u['path']}"
        if not ok(u["host"] in services, sw, f"{var} names host {u['host']}, which is not a service of {where}"):
            continue
        dep = services[u["host"]]
        dw = f"{where}: service {u['host']}"
        ok(is_image(dep, u["host"], kind), sw, f"{var} names service {u['host']}, which is not a {kind} image")
        ok((deps.get(u["host"]) or {}).get("condition") == "service_healthy", sw,
           f"must depend on {u['host']} (named by {var}) with condition: service_healthy")
        if kind == "postgres":
            penv = service_env(dep, dw)
            user = penv.get("POSTGRES_USER") or "postgres"
            db = penv.get("POSTGRES_DB") or user
            ok(u["user"] == user, sw, f"STRATA_META connects as {u['user']}, but POSTGRES_USER of {u['host']} is {user}")
            ok(u["path"] == db, sw, f"STRATA_META names database {u['path']}, but POSTGRES_DB of {u['host']} is {db}")
            ok((u["port"] or 5432) == 5432, sw, f"STRATA_META port {u['port']}: the postgres image listens on 5432")
            pw = penv.get("POSTGRES_PASSWORD")
            if pw is not None and not penv.get("POSTGRES_PASSWORD_FILE"):
                ok((var_names(u["password"]) or [u["password"]])[:1] == (var_names(pw) or [pw])[:1], sw,
                   f"the STRATA_META password is not POSTGRES_PASSWORD of {u['host']}")
        else:
            ok((u["port"] or 6379) == 6379, sw, f"STRATA_CACHE port {u['port']}: the redis image listens on 6379")
    vols = [(v.get("source") if isinstance(v, dict) else str(v).split(":")[0]) for v in s.get("volumes") or []
            if (v.get("target") if isinstance(v, dict) else (str(v).split(":") + [""])[1]) == data_dir]
    if vols:
        strata_volumes.append((where, c.get("name"), vols[0], backend))
    return services


compose_path = DEPLOY / "docker-compose.yml"
services = check_compose(compose_path, MAIN_SERVICES) or {}
for other in sorted(set(DEPLOY.glob("docker-compose*.y*ml")) | set(DEPLOY.glob("compose*.y*ml"))):
    if other != compose_path:
        check_compose(other, ("strata",))
# Files of one project must not serve one drive set with two metadata stores:
# the drives' shards would be orphans to the other store, and its GC would
# delete them after --gc-grace.
for i, (wa, pa, va, ba) in enumerate(strata_volumes):
    for wb, pb, vb, bb in strata_volumes[i + 1:]:
        ok(not (pa == pb and va == vb and ba != bb), wb,
           f"service strata keeps its data in volume {vb}, as {wa} does, but with metadata in {bb}, not {ba}: "
           "give each its own volume")
for name in sorted(env_defined - env_used):
    ok(False, rel(env_file), f"{name} is used by no compose file (a typo?)")
if services:
    # Grafana's dashboard provider reads the folder compose mounts the dashboards at.
    g = services.get("grafana") or {}
    gmounts = {}
    for v in g.get("volumes") or []:
        if isinstance(v, str) and v.count(":") >= 1:
            src, dst = v.split(":")[:2]
            gmounts[dst] = src
    ok("/etc/grafana/provisioning" in gmounts, f"{rel(compose_path)}: service grafana", "does not mount grafana/provisioning")
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
    ok(all(t.split(":")[0] in services for t in targets), rel(prom_path),
       f"targets {targets} are not compose services")
    for t in targets:
        if t.split(":")[0] == "strata":
            p = t.rpartition(":")[2]
            claim_port(rel(prom_path), int(p) if p.isdigit() else None, f"target {t}")

# ------------------------------------------------------------ (e) agreement
# One port everywhere: the image's (Dockerfile CMD --address) is the reference.
for where, port, what in port_claims:
    ok(port == image_port, where,
       f"port mismatch: {what} is {port}, but the server listens on {image_port} (Dockerfile CMD --address)")
# Every STRATA_* variable deploy/ sets is one the server reads.
if server_vars:
    for where, name in sorted(env_sets):
        ok(name in server_vars, where,
           f"{name} is not a variable the server reads (envname in src/app/server_config.cc, getenv in "
           "src/app/*.cc): a typo, or a setting that no longer exists")

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
