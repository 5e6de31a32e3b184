#!/usr/bin/env python3
"""Seeded generator of realistic Kubernetes manifests for pullcheck's benchmark.

    python3 bench/generate.py [--seed N] [--out DIR] [--files 2000] [--corpus-mb 20] [--big-mb 50]

Writes into DIR (default bench/corpus):

    files/<namespace>/...   about 2,000 files, about 20 MB (MB = 10^6 bytes): the throughput corpus
    big/cluster-dump.yaml   one file of about 50 MB holding many documents (the memory test)
    small/web.yaml          one small, typical file (the start-up test)
    SUMMARY.txt             counts, sizes, the files that are broken on purpose, a digest of it all

The same seed gives the same bytes on every run and every Python 3 (only `random.random()` and
`getrandbits()` of a string-seeded `random.Random` are used, and no set or hash order leaks into
the output). Standard library only. Every credential in the output is random, fake material.

What it writes looks like what real repositories hold: Deployments, StatefulSets, DaemonSets,
Jobs, CronJobs, Pods, Argo Rollouts and `kubectl get -o yaml` Lists with several containers,
init containers, env, probes and volumes; Services, Ingresses, HPAs, PDBs, NetworkPolicies;
ConfigMaps (some with long multi-line data); docker-registry Secrets (mostly valid, some broken
in the ways people break them) and Opaque/TLS ones; ServiceAccounts that carry pull secrets;
Helm `# Source:` comments, other comments and `pullcheck:ignore` pragmas; anchors, aliases and
merge keys; flow and block styles; plain, quoted, literal and folded scalars; a few JSON, CRLF
and BOM files; image references of every shape (Docker Hub short names, tags, digests, ports,
private, node-authenticated and deprecated registries, and some invalid ones).
"""

import argparse
import base64
import hashlib
import json
import os
import re
import shutil
import sys

import random as _random

MB = 1_000_000

# ---------------------------------------------------------------------------------------------
# Random numbers (stable across Python versions: only random() and getrandbits() are used)


class Rng:
    def __init__(self, seed_text):
        self._r = _random.Random(str(seed_text))  # str seeds go through SHA-512: stable

    def random(self):
        return self._r.random()

    def int(self, lo, hi):
        """An integer in [lo, hi]."""
        return lo + int(self._r.random() * (hi - lo + 1))

    def choice(self, seq):
        return seq[int(self._r.random() * len(seq))]

    def chance(self, p):
        return self._r.random() < p

    def weighted(self, pairs):
        total = 0.0
        for _, w in pairs:
            total += w
        x = self._r.random() * total
        for value, w in pairs:
            x -= w
            if x < 0:
                return value
        return pairs[-1][0]

    def hex(self, n):
        return "%0*x" % (n, self._r.getrandbits(4 * n))

    def token(self, n, alphabet="abcdefghijklmnopqrstuvwxyz0123456789"):
        return "".join(alphabet[int(self._r.random() * len(alphabet))] for _ in range(n))

    def normal(self):
        # Box-Muller on random(): no library algorithm whose details could change.
        import math
        u1 = 1.0 - self._r.random()
        u2 = self._r.random()
        return math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)

    def lognormal_mean(self, mean, sigma):
        """A log-normal sample with the given mean."""
        import math
        mu = math.log(mean) - sigma * sigma / 2
        return math.exp(mu + sigma * self.normal())

    def sample(self, seq, k):
        pool = list(seq)
        out = []
        for _ in range(min(k, len(pool))):
            out.append(pool.pop(int(self._r.random() * len(pool))))
        return out


# ---------------------------------------------------------------------------------------------
# A small YAML emitter with the styles we want to exercise


class Map:
    __slots__ = ("items", "flow", "anchor")

    def __init__(self, items=None, flow=False, anchor=None):
        self.items = items if items is not None else []
        self.flow = flow
        self.anchor = anchor

    def add(self, key, value):
        self.items.append((key, value))
        return self

    def comment(self, text):
        self.items.append(Comment(text))
        return self

    def get(self, key):
        for item in self.items:
            if isinstance(item, tuple) and item[0] == key:
                return item[1]
        return None


class Seq:
    __slots__ = ("items", "flow", "anchor")

    def __init__(self, items=None, flow=False, anchor=None):
        self.items = items if items is not None else []
        self.flow = flow
        self.anchor = anchor


class Alias:
    __slots__ = ("name", "target")

    def __init__(self, name, target=None):
        self.name = name
        self.target = target  # the anchored node, for converting to plain data


class Str:
    """A string with a chosen style: plain, single, double, literal, folded (or auto)."""
    __slots__ = ("text", "style")

    def __init__(self, text, style="auto"):
        self.text = text
        self.style = style


class Comment:
    __slots__ = ("text",)

    def __init__(self, text):
        self.text = text


class Tc:
    """A value with a trailing comment."""
    __slots__ = ("value", "comment")

    def __init__(self, value, comment):
        self.value = value
        self.comment = comment


_TYPED = re.compile(r"^(?:[-+]?[0-9._][0-9a-fA-FxXoO_.:eE+-]*|[-+]?\.(?:inf|Inf|INF|nan|NaN|NAN))$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}")  # YAML 1.1 timestamps: kubectl quotes them
_RESERVED_WORDS = {"true", "false", "yes", "no", "on", "off", "null", "y", "n", "~", ""}
_INDICATOR_START = set("-?:,[]{}#&*!|>'\"%@`")


def plain_ok(s, flow=False):
    if not s or s[0] in _INDICATOR_START or s[0] == " " or s[-1] == " ":
        return False
    if ": " in s or " #" in s or s.endswith(":") or "\t" in s or "\n" in s or "\r" in s:
        return False
    if flow and any(c in s for c in ",[]{}"):
        return False
    if s.lower() in _RESERVED_WORDS:
        return False
    if any(c.isdigit() for c in s[:2]) and (_TYPED.match(s) or _DATE.match(s)):
        return False
    for c in s:
        o = ord(c)
        if o < 0x20 or o == 0x7F or o in (0x85, 0x2028, 0x2029, 0xFEFF):
            return False
    return True


def dq(s):
    out = ['"']
    for c in s:
        o = ord(c)
        if c == "\\":
            out.append("\\\\")
        elif c == '"':
            out.append('\\"')
        elif c == "\n":
            out.append("\\n")
        elif c == "\t":
            out.append("\\t")
        elif c == "\r":
            out.append("\\r")
        elif o < 0x20 or o == 0x7F:
            out.append("\\x%02x" % o)
        elif o == 0x85:
            out.append("\\N")
        elif o == 0x2028:
            out.append("\\L")
        elif o == 0x2029:
            out.append("\\P")
        elif o == 0xFEFF:
            out.append("\\uFEFF")
        else:
            out.append(c)
    out.append('"')
    return "".join(out)


def sq(s):
    if any(ord(c) < 0x20 or ord(c) in (0x7F, 0x85, 0x2028, 0x2029, 0xFEFF) for c in s):
        return dq(s)
    return "'" + s.replace("'", "''") + "'"


def scalar_text(v, flow=False):
    if isinstance(v, Str):
        style = v.style
        s = v.text
        if style == "plain":
            return s if plain_ok(s, flow) else dq(s)
        if style == "single":
            return sq(s)
        if style == "double" or style in ("literal", "folded"):
            return dq(s)
        return s if plain_ok(s, flow) else dq(s)
    if isinstance(v, str):
        return v if plain_ok(v, flow) else dq(v)
    if v is True:
        return "true"
    if v is False:
        return "false"
    if v is None:
        return "null"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return repr(v)
    raise TypeError("not a scalar: %r" % (v,))


def key_text(k):
    if k == "<<":
        return "<<"
    return scalar_text(k)


class Emitter:
    def __init__(self, indent=2, indent_seq=True):
        self.indent = indent
        self.indent_seq = indent_seq

    def document(self, node):
        lines = []
        if isinstance(node, Map) and not node.flow and node.items:
            self.map_block(node, 0, lines)
        else:
            lines.append(self.inline(node))
        return lines

    def inline(self, v, flow=False):
        if isinstance(v, Tc):
            v = v.value
        if isinstance(v, Alias):
            return "*" + v.name
        if isinstance(v, Map):
            anchor = ("&" + v.anchor + " ") if v.anchor else ""
            parts = []
            for item in v.items:
                if isinstance(item, Comment):
                    continue
                k, val = item
                parts.append(key_text(k) + ": " + self.inline(val, True))
            return anchor + "{" + ", ".join(parts) + "}"
        if isinstance(v, Seq):
            anchor = ("&" + v.anchor + " ") if v.anchor else ""
            return anchor + "[" + ", ".join(self.inline(x, True) for x in v.items if not isinstance(x, Comment)) + "]"
        return scalar_text(v, flow)

    @staticmethod
    def _is_block(v):
        if isinstance(v, (Map, Seq)):
            return not v.flow and bool(v.items)
        return False

    @staticmethod
    def _is_block_scalar(v):
        return isinstance(v, Str) and v.style in ("literal", "folded")

    def block_scalar(self, s, content_indent, lines, header_prefix):
        text = s.text
        folded = s.style == "folded"
        if text.endswith("\n"):
            body = text[:-1]
            chomp = ""
        else:
            body = text
            chomp = "-"
        if folded:
            # Only single-paragraph text: wrap words at about 80 columns.
            words = body.split(" ")
            out_lines, current = [], ""
            for w in words:
                if current and len(current) + 1 + len(w) > 80:
                    out_lines.append(current)
                    current = w
                else:
                    current = (current + " " + w) if current else w
            out_lines.append(current)
            body_lines = out_lines
        else:
            body_lines = body.split("\n")
        first = next((l for l in body_lines if l), "")
        indicator = str(self.indent) if first.startswith(" ") else ""
        lines.append(header_prefix + ("|" if not folded else ">") + indicator + chomp)
        pad = " " * content_indent
        for line in body_lines:
            lines.append(pad + line if line else "")

    def map_block(self, m, ind, lines):
        pad = " " * ind
        for item in m.items:
            if isinstance(item, Comment):
                lines.append(pad + "# " + item.text)
                continue
            k, v = item
            self.value_after(pad + key_text(k) + ":", v, ind, lines)

    def value_after(self, prefix, v, ind, lines):
        trailing = ""
        if isinstance(v, Tc):
            trailing = "  # " + v.comment
            v = v.value
        if self._is_block(v):
            anchor = (" &" + v.anchor) if v.anchor else ""
            lines.append(prefix + anchor + trailing)
            if isinstance(v, Map):
                self.map_block(v, ind + self.indent, lines)
            else:
                self.seq_block(v, ind + (self.indent if self.indent_seq else 0), lines)
        elif self._is_block_scalar(v):
            self.block_scalar(v, ind + self.indent, lines, prefix + " ")
            if trailing:
                pass
        else:
            lines.append(prefix + " " + self.inline(v) + trailing)

    def seq_block(self, s, ind, lines):
        pad = " " * ind
        for item in s.items:
            if isinstance(item, Comment):
                lines.append(pad + "# " + item.text)
                continue
            trailing = ""
            if isinstance(item, Tc):
                trailing = "  # " + item.comment
                item = item.value
            if isinstance(item, Map) and self._is_block(item):
                if item.anchor or isinstance(item.items[0], Comment):
                    lines.append(pad + "-" + ((" &" + item.anchor) if item.anchor else "") + trailing)
                    self.map_block(item, ind + 2, lines)
                else:
                    start = len(lines)
                    self.map_block(item, ind + 2, lines)
                    lines[start] = pad + "- " + lines[start][ind + 2:]
            elif isinstance(item, Seq) and self._is_block(item):
                lines.append(pad + "-" + ((" &" + item.anchor) if item.anchor else "") + trailing)
                self.seq_block(item, ind + 2, lines)
            elif self._is_block_scalar(item):
                self.block_scalar(item, ind + 2, lines, pad + "- ")
            else:
                lines.append(pad + "- " + self.inline(item) + trailing)


def to_plain(v):
    """Plain Python data (aliases resolved, merge keys applied as Kubernetes' decoder does)."""
    if isinstance(v, Tc):
        return to_plain(v.value)
    if isinstance(v, Alias):
        return to_plain(v.target)
    if isinstance(v, Map):
        explicit = {}
        merged = {}
        for item in v.items:
            if isinstance(item, Comment):
                continue
            k, val = item
            if k == "<<":
                sources = val.items if isinstance(val, Seq) else [val]
                for src in sources:
                    for mk, mv in to_plain(src).items():
                        merged.setdefault(mk, mv)
            else:
                explicit[to_plain(k)] = to_plain(val)
        out = dict(explicit)
        for mk, mv in merged.items():
            out.setdefault(mk, mv)
        return out
    if isinstance(v, Seq):
        return [to_plain(x) for x in v.items if not isinstance(x, Comment)]
    if isinstance(v, Str):
        return v.text
    return v


def from_plain(v, sort=True):
    """Nodes in kubectl's style: keys sorted, multi-line strings as literal blocks."""
    if isinstance(v, dict):
        keys = sorted(v) if sort else list(v)
        return Map([(k, from_plain(v[k], sort)) for k in keys])
    if isinstance(v, list):
        return Seq([from_plain(x, sort) for x in v])
    if isinstance(v, str) and "\n" in v and not v.endswith("\n\n") and not any(
            l.endswith(" ") for l in v.split("\n")):
        return Str(v, "literal")
    return v


# ---------------------------------------------------------------------------------------------
# Vocabulary

ADJ = ["blue", "fast", "quiet", "green", "north", "smart", "edge", "core", "prime", "rapid", "silver", "bright",
       "cold", "deep", "open", "lucky", "solid", "tiny", "grand", "clear"]
NOUN = ["cart", "checkout", "catalog", "search", "billing", "ledger", "gateway", "auth", "profile", "orders",
        "inventory", "payments", "notifier", "mailer", "reports", "scheduler", "ingest", "indexer", "recommender",
        "pricing", "shipping", "reviews", "media", "thumbnails", "exporter", "audit", "tenant", "session", "feeds",
        "router", "webhook", "sync", "importer", "analytics", "ranker", "loyalty", "quotes", "invoices", "fraud", "kyc"]
NAMESPACES = ["shop", "payments", "platform", "monitoring", "data", "identity", "search", "ml", "logistics",
              "marketing", "support", "finance", "media", "edge", "batch", "internal-tools", "partners", "mobile-api",
              "risk", "catalog", "ops", "security", "growth", "erp", "hr-apps", "crm", "warehouse", "pricing",
              "notifications", "analytics", "streaming", "gaming", "iot", "maps", "travel", "booking", "ads",
              "content", "legal", "devex", "qa", "staging-shop", "sandbox", "labs", "research", "ledger",
              "compliance", "observability", "gitops", "registry"]
TEAMS = ["team-a", "core", "web", "backend", "platform", "data-eng", "sre", "ml-infra", "mobile", "growth"]
WORDS = ("the service reads its settings from this map and reloads them when the file changes on disk so a "
         "rollout is not needed for every change to limits timeouts or feature flags owned by the team on call "
         "please keep values sorted and document every new key in the runbook before merging").split()
UNICODE_BITS = ["café", "naïve", "Zürich", "日本語", "données", "São Paulo", "Ωmega", "emoji 🚀", "Ελληνικά", "Кириллица"]

HUB_OFFICIAL = [
    ("nginx", ["1.27.3", "1.25.4-alpine", "1.26.2", "stable-alpine", "1.27-bookworm"]),
    ("redis", ["7.2.5", "7.4-alpine", "6.2.14-bookworm"]),
    ("postgres", ["16.4", "15.8-bookworm", "14-alpine3.20"]),
    ("busybox", ["1.36.1", "1.36", "1.37.0-musl"]),
    ("alpine", ["3.20", "3.19.1", "3.18.9"]),
    ("python", ["3.12-slim", "3.11.9-slim-bookworm", "3.13.0-alpine"]),
    ("node", ["20.17-alpine", "18-bullseye-slim", "22.9.0"]),
    ("golang", ["1.23.1", "1.22-alpine"]),
    ("memcached", ["1.6.29", "1.6-alpine"]),
    ("rabbitmq", ["3.13-management", "3.12.14"]),
    ("mongo", ["7.0.12", "6.0.17-jammy"]),
    ("mysql", ["8.4.2", "8.0.39-debian"]),
    ("haproxy", ["3.0.3", "2.8-alpine"]),
    ("traefik", ["v3.1.2", "v2.11.9"]),
    ("httpd", ["2.4.62", "2.4-alpine"]),
    ("ubuntu", ["24.04", "jammy-20240808"]),
    ("debian", ["bookworm-slim", "12.6"]),
    ("eclipse-temurin", ["21-jre", "17.0.12_7-jre-jammy"]),
]
HUB_ORGS = [
    ("grafana/grafana", ["11.2.0", "10.4.8"]),
    ("prom/prometheus", ["v2.54.1"]),
    ("prom/node-exporter", ["v1.8.2"]),
    ("prom/statsd-exporter", ["v0.27.1"]),
    ("fluent/fluent-bit", ["3.1.7", "2.2.3"]),
    ("curlimages/curl", ["8.9.1", "8.10.1"]),
    ("jaegertracing/all-in-one", ["1.60", "1.57.0"]),
    ("hashicorp/vault", ["1.17.5"]),
    ("envoyproxy/envoy", ["v1.31.1", "v1.30.6"]),
    ("otel/opentelemetry-collector-contrib", ["0.108.0"]),
    ("amazon/aws-cli", ["2.17.0", "2.18.1"]),
    ("bitnami/kubectl", ["1.30.4"]),
    ("bitnami/redis", ["7.2.5-debian-12-r4"]),
]
PUBLIC = [
    ("registry.k8s.io", "ingress-nginx/controller", ["v1.11.2", "v1.10.4"]),
    ("registry.k8s.io", "kube-state-metrics/kube-state-metrics", ["v2.13.0"]),
    ("registry.k8s.io", "metrics-server/metrics-server", ["v0.7.2"]),
    ("registry.k8s.io", "pause", ["3.10", "3.9"]),
    ("registry.k8s.io", "coredns/coredns", ["v1.11.3"]),
    ("registry.k8s.io", "git-sync/git-sync", ["v4.2.4"]),
    ("quay.io", "prometheus/prometheus", ["v2.54.1"]),
    ("quay.io", "jetstack/cert-manager-controller", ["v1.15.3"]),
    ("quay.io", "argoproj/argocd", ["v2.12.3"]),
    ("quay.io", "brancz/kube-rbac-proxy", ["v0.18.1"]),
    ("quay.io", "oauth2-proxy/oauth2-proxy", ["v7.6.0"]),
    ("ghcr.io", "fluxcd/source-controller", ["v1.3.0"]),
    ("ghcr.io", "external-secrets/external-secrets", ["v0.10.3"]),
    ("ghcr.io", "dexidp/dex", ["v2.41.1"]),
    ("ghcr.io", "open-telemetry/opentelemetry-operator/opentelemetry-operator", ["0.108.0"]),
    ("gcr.io", "distroless/static-debian12", ["nonroot", "debug-nonroot"]),
    ("gcr.io", "google-samples/hello-app", ["2.0"]),
    ("gcr.io", "kaniko-project/executor", ["v1.23.2"]),
    ("mcr.microsoft.com", "dotnet/aspnet", ["8.0", "8.0.8-jammy-chiseled"]),
    ("public.ecr.aws", "aws-observability/aws-for-fluent-bit", ["2.32.2"]),
    ("docker.elastic.co", "elasticsearch/elasticsearch", ["8.15.1"]),
    ("docker.elastic.co", "beats/filebeat", ["8.15.1"]),
    ("nvcr.io", "nvidia/k8s-device-plugin", ["v0.16.2"]),
    ("registry.gitlab.com", "gitlab-org/gitlab-runner", ["alpine-v17.3.1"]),
    ("cgr.dev", "chainguard/static", ["latest-glibc"]),
    ("lscr.io", "linuxserver/nginx", ["1.26.2"]),
]
PRIVATE_REGISTRIES = ["registry.corp.example.com", "harbor.acme.internal", "registry.example.com:5000",
                      "10.20.30.40:5000", "nexus.acme.io:8443", "artifactory.acme.io", "git.acme.io:4567",
                      "registry.acme.dev", "docker.acme-cloud.net", "cr.acme.eu"]
NODE_AUTH = ["123456789012.dkr.ecr.eu-west-1.amazonaws.com", "210987654321.dkr.ecr.us-east-1.amazonaws.com",
             "acmeprod.azurecr.io", "europe-west1-docker.pkg.dev/acme-prod/containers",
             "us-docker.pkg.dev/acme-shared/images"]
DEPRECATED = ["k8s.gcr.io/pause:3.2", "k8s.gcr.io/ingress-nginx/controller:v1.2.0", "k8s.gcr.io/kube-proxy:v1.24.17",
              "docker.pkg.github.com/acme/tools/cli:1.4.0", "k8s.gcr.io/metrics-server/metrics-server:v0.6.1"]
TYPO_REGISTRIES = ["docker.oi/library/nginx:1.27.3", "ghrc.io/acme/api:2.3.1", "qauy.io/prometheus/prometheus:v2.54.1",
                   "regsitry.k8s.io/pause:3.10", "gcr.oi/distroless/static-debian12:nonroot"]
INVALID_IMAGES = ["Nginx:1.27", "registry.corp.example.com/Team/App:1.0", "nginx:1.27:3", "nginx:",
                  "nginx@sha256:abc123", "https://registry.corp.example.com/team/app:1.0", "nginx 1.27",
                  "team/app:${TAG}", ":1.0", "registry.corp.example.com//app:1.2", "redis:7.2 ",
                  "app@sha256:" + "0" * 63, "nginx:" + "v1" * 65, "my_registry.local/app:1.0", "nginx:1.27\t"]
ENV_NAMES = ["LOG_LEVEL", "PORT", "DATABASE_URL", "REDIS_HOST", "FEATURE_FLAGS", "OTEL_EXPORTER_OTLP_ENDPOINT",
             "JAVA_OPTS", "GOMAXPROCS", "TZ", "HTTP_TIMEOUT", "CACHE_TTL", "WORKERS", "REGION",
             "SENTRY_DSN", "API_BASE_URL", "QUEUE_NAME", "MAX_CONNECTIONS", "RETRY_BACKOFF"]
TAG_TYPOS = ["lates", "lastest", "Latest", "latets", "LATEST"]


# ---------------------------------------------------------------------------------------------
# Building objects


class Ns:
    """What a namespace holds: its private registry and the pull secrets defined for it."""

    def __init__(self, rng, name):
        self.name = name
        self.registry = rng.choice(PRIVATE_REGISTRIES)
        others = [r for r in PRIVATE_REGISTRIES if r != self.registry]
        self.other_registry = rng.choice(others)
        self.team = rng.choice(TEAMS)
        self.pull_secret = rng.choice(["regcred", "registry-credentials", "harbor-robot", "pull-secret",
                                       name + "-pull", "docker-registry"])
        self.other_secret = "other-registry-pull"
        self.opaque_secret = rng.choice(["app-secrets", "db-credentials", "api-keys"])
        self.sa_with_pull = name + "-runner"
        self.apps = rng.sample(NOUN, 12)
        self.write_namespace = rng.chance(0.85)
        if not self.write_namespace:
            # Objects without metadata.namespace can land in any namespace of the run, so these
            # names must not collide with another namespace's (else pods resolve to those).
            self.pull_secret = name + "-registry"
            self.other_secret = name + "-other-pull"
            self.opaque_secret = name + "-app-secrets"


class Builder:
    def __init__(self, rng):
        self.rng = rng
        self.anchors = True  # off for JSON output
        self.findings_rate = 1.0
        self.n_anchor = 0

    # -- images ---------------------------------------------------------------------------------

    def digest(self):
        return "sha256:" + self.rng.hex(64)

    def shape(self, domain, repo, tag):
        r = self.rng
        name = (domain + "/" + repo) if domain else repo
        form = r.weighted([("tag", 76), ("digest", 12), ("both", 8), ("none", 0)])
        if form == "tag":
            return name + ":" + tag
        if form == "digest":
            return name + "@" + self.digest()
        return name + ":" + tag + "@" + self.digest()

    def public_image(self):
        r = self.rng
        kind = r.weighted([("hub", 45), ("org", 20), ("reg", 35)])
        if kind == "hub":
            repo, tags = r.choice(HUB_OFFICIAL)
            prefix = r.weighted([("", 80), ("docker.io/library/", 8), ("library/", 4), ("docker.io/", 4),
                                 ("index.docker.io/library/", 4)])
            return self.shape(None, prefix + repo, r.choice(tags))
        if kind == "org":
            repo, tags = r.choice(HUB_ORGS)
            if repo.startswith("bitnami/") and r.chance(0.7):
                repo, tags = r.choice(HUB_ORGS[:10])
            prefix = "docker.io/" if r.chance(0.1) else ""
            return self.shape(None, prefix + repo, r.choice(tags))
        domain, repo, tags = r.choice(PUBLIC)
        return self.shape(domain, repo, r.choice(tags))

    def private_tag(self):
        r = self.rng
        return r.weighted([
            ("%d.%d.%d" % (r.int(0, 4), r.int(0, 30), r.int(0, 20)), 40),
            ("v%d.%d.%d" % (r.int(0, 4), r.int(0, 30), r.int(0, 20)), 25),
            ("2024.%02d.%02d-%s" % (r.int(1, 12), r.int(1, 28), r.hex(7)), 12),
            ("main-" + r.hex(7), 10),
            ("sha-" + r.hex(12), 8),
            ("%d.%d" % (r.int(1, 9), r.int(0, 40)), 5),
        ])

    def private_image(self, ns, app, registry=None):
        r = self.rng
        registry = registry or ns.registry
        repo = r.weighted([(ns.team + "/" + app, 60), (ns.name + "/" + app, 25), (app, 10),
                           ("docker-local/" + ns.team + "/" + app, 5)])
        return self.shape(registry, repo, self.private_tag())

    def node_auth_image(self, app):
        r = self.rng
        return self.shape(r.choice(NODE_AUTH), r.choice(["services/", "", "apps/"]) + app, self.private_tag())

    def problem_image(self, ns, app):
        """An image with something for pullcheck to say; kind chosen by realistic frequency."""
        r = self.rng
        kind = r.weighted([("latest", 30), ("notag", 18), ("typo-tag", 6), ("invalid", 12), ("typo-reg", 8),
                           ("deprecated", 20), ("private-latest", 6)])
        if kind == "latest":
            repo, _ = r.choice(HUB_OFFICIAL)
            return repo + ":latest"
        if kind == "private-latest":
            return ns.registry + "/" + ns.team + "/" + app + ":latest"
        if kind == "notag":
            return r.choice([r.choice(HUB_OFFICIAL)[0], r.choice(HUB_ORGS)[0], ns.registry + "/" + ns.team + "/" + app])
        if kind == "typo-tag":
            return r.choice(HUB_OFFICIAL)[0] + ":" + r.choice(TAG_TYPOS)
        if kind == "invalid":
            return r.choice(INVALID_IMAGES)
        if kind == "typo-reg":
            return r.choice(TYPO_REGISTRIES)
        return r.choice(DEPRECATED)

    # -- small pieces ---------------------------------------------------------------------------

    def anchor(self, base):
        self.n_anchor += 1
        return "%s%d" % (base, self.n_anchor) if self.rng.chance(0.3) else base

    def labels(self, app, ns, extra=True):
        r = self.rng
        m = Map([("app.kubernetes.io/name", app), ("app.kubernetes.io/instance", app + "-" + ns.name)])
        if extra:
            m.add("app.kubernetes.io/part-of", ns.name)
            if r.chance(0.6):
                m.add("app.kubernetes.io/version", Str("%d.%d.%d" % (r.int(0, 3), r.int(0, 20), r.int(0, 9)), "double"))
            if r.chance(0.5):
                m.add("app.kubernetes.io/managed-by", r.choice(["Helm", "kustomize", "argocd"]))
            if r.chance(0.3):
                m.add("team", ns.team)
        if r.chance(0.25):
            m.flow = True
        return m

    def metadata(self, name, ns, labels=None, annotations=None):
        m = Map([("name", name)])
        if ns.write_namespace:
            m.add("namespace", ns.name)
        if labels is not None:
            m.add("labels", labels)
        if annotations:
            m.add("annotations", annotations)
        return m

    def env(self, app, n):
        r = self.rng
        seq = Seq()
        names = r.sample(ENV_NAMES, n)
        for i in range(n):
            k = r.weighted([("plain", 60), ("secret", 15), ("cm", 10), ("field", 10), ("quoted", 5)])
            name = names[i % len(names)] + ("" if i < len(names) else "_%d" % i)
            if k == "plain":
                seq.items.append(Map([("name", name), ("value", Str(r.choice(
                    ["info", "8080", "true", "debug", "Europe/Berlin", "30s", "-Xms256m -Xmx512m", "4",
                     "http://otel-collector.observability:4317", "eu-west-1", "10"]), "double"))]))
            elif k == "quoted":
                seq.items.append(Map([("name", name), ("value", Str(r.choice(UNICODE_BITS) + " " + r.token(6), "single"))],
                                     flow=r.chance(0.5)))
            elif k == "secret":
                seq.items.append(Map([("name", name), ("valueFrom", Map([("secretKeyRef", Map(
                    [("name", app + "-secrets"), ("key", name.lower().replace("_", "-"))]))]))]))
            elif k == "cm":
                seq.items.append(Map([("name", name), ("valueFrom", Map([("configMapKeyRef", Map(
                    [("name", app + "-config"), ("key", name.lower()), ("optional", True)]))]))]))
            else:
                seq.items.append(Map([("name", name), ("valueFrom", Map([("fieldRef", Map(
                    [("fieldPath", r.choice(["metadata.namespace", "status.podIP", "spec.nodeName"]))]))]))]))
        return seq

    def resources(self):
        r = self.rng
        cpu = r.choice(["50m", "100m", "250m", "500m", "1"])
        mem = r.choice(["64Mi", "128Mi", "256Mi", "512Mi", "1Gi"])
        flow = r.chance(0.3)
        return Map([("requests", Map([("cpu", cpu), ("memory", mem)], flow=flow)),
                    ("limits", Map([("memory", mem)] + ([("cpu", "2")] if r.chance(0.3) else []), flow=flow))])

    def probe(self, port):
        r = self.rng
        if r.chance(0.7):
            action = ("httpGet", Map([("path", r.choice(["/healthz", "/ready", "/-/healthy", "/actuator/health"])),
                                      ("port", port)]))
        else:
            action = ("tcpSocket", Map([("port", port)], flow=True))
        return Map([action, ("initialDelaySeconds", r.int(0, 30)), ("periodSeconds", r.choice([5, 10, 15, 30])),
                    ("timeoutSeconds", r.int(1, 5)), ("failureThreshold", r.int(3, 6))])

    # -- containers and pod specs -----------------------------------------------------------------

    def container(self, name, image, port=None, rich=True, policy=None):
        r = self.rng
        c = Map([("name", name)])
        img_style = r.weighted([("plain", 75), ("double", 15), ("single", 10)])
        img = Str(image, img_style)
        if r.chance(0.04):
            img = Tc(img, r.choice(["pinned by release tooling", "bump with renovate", "see runbook"]))
        c.add("image", img)
        if policy is not None:
            c.add("imagePullPolicy", policy)
        if rich:
            if r.chance(0.3):
                c.add("args", Seq([Str(x) for x in r.sample(["--log-level=info", "--port=8080", "--metrics",
                                                               "--config=/etc/app/config.yaml", "serve", "--v=2",
                                                               "--enable-leader-election"], r.int(1, 4))],
                                  flow=r.chance(0.5)))
            if port:
                c.add("ports", Seq([Map([("name", "http"), ("containerPort", port), ("protocol", "TCP")],
                                        flow=r.chance(0.3))] + (
                    [Map([("name", "metrics"), ("containerPort", 9090)])] if r.chance(0.4) else [])))
            if r.chance(0.8):
                c.add("env", self.env(name, r.int(2, 14)))
            if r.chance(0.3):
                c.add("envFrom", Seq([Map([("configMapRef", Map([("name", name + "-config")]))])]))
            c.add("resources", self.resources())
            if port and r.chance(0.7):
                c.add("livenessProbe", self.probe(port))
                c.add("readinessProbe", self.probe(port))
            if r.chance(0.6):
                c.add("volumeMounts", Seq([Map([("name", "config"), ("mountPath", "/etc/" + name), ("readOnly", True)]),
                                           Map([("name", "tmp"), ("mountPath", "/tmp")])]))
            if r.chance(0.5):
                c.add("securityContext", Map([("runAsNonRoot", True), ("readOnlyRootFilesystem", True),
                                              ("allowPrivilegeEscalation", False),
                                              ("capabilities", Map([("drop", Seq(["ALL"], flow=True))]))]))
        return c

    def pick_policy(self, image):
        r = self.rng
        x = r.random()
        if x < 0.55 * 1:
            return None
        if x < 0.80:
            return "IfNotPresent"
        if x < 0.97 - 0.02 * self.findings_rate:
            return "Always" if "@" not in image or r.chance(0.3) else "IfNotPresent"
        if x < 0.995:
            return "Never" if r.chance(0.3) else "IfNotPresent"
        return r.choice(["always", "IfNotPreset", "ifnotpresent", "Sometimes"]) if r.chance(self.findings_rate) else "Always"

    def pod_spec(self, ns, app, kind):
        """A pod spec with its pull-secret situation; returns the Map."""
        r = self.rng
        spec = Map()
        n = r.weighted([(1, 35), (2, 35), (3, 20), (4, 10)])
        containers = Seq()
        any_private = False
        home = r.weighted([("private", 60), ("public", 25), ("node", 15)])
        base_anchor = None
        first_map = None
        for i in range(n):
            cname = app if i == 0 else r.choice(["sidecar", "proxy", "metrics", "log-shipper", "envoy", "worker",
                                                  "cache", "oauth-proxy", "agent"]) + ("" if i < 2 else str(i))
            if r.chance(0.05 * self.findings_rate):
                image = self.problem_image(ns, app)
                any_private = any_private or image.startswith(ns.registry)
            elif i == 0 and home == "private":
                image = self.private_image(ns, app)
                any_private = True
            elif i == 0 and home == "node":
                image = self.node_auth_image(app)
            elif r.chance(0.25):
                image = self.private_image(ns, cname)
                any_private = True
            else:
                image = self.public_image()
            policy = self.pick_policy(image)
            if (i == 1 and first_map is not None and self.anchors and r.chance(0.08)):
                # A worker that inherits image and settings from the first container (merge key).
                if first_map.anchor is None:
                    first_map.anchor = self.anchor("app")
                base_anchor = first_map.anchor
                c = Map([("<<", Alias(base_anchor, first_map)), ("name", "worker"),
                         ("args", Seq(["worker", "--queue=" + app], flow=True))])
                containers.items.append(c)
                continue
            c = self.container(cname, image, port=8080 + i if r.chance(0.7) else None, rich=True, policy=policy)
            if i == 0:
                first_map = c
                if self.anchors and r.chance(0.15) and c.get("env") is not None:
                    env = c.get("env")
                    env.anchor = self.anchor("env")
            elif self.anchors and first_map is not None and first_map.get("env") is not None \
                    and first_map.get("env").anchor and r.chance(0.6):
                c.items = [it for it in c.items if not (isinstance(it, tuple) and it[0] == "env")]
                c.add("env", Alias(first_map.get("env").anchor, first_map.get("env")))
            if r.chance(0.002 * self.findings_rate):
                c.items = [it for it in c.items if not (isinstance(it, tuple) and it[0] == "image")]  # missing-image
            if r.chance(0.3) and c.get("image") is not None and "latest" in str(to_plain(c.get("image"))):
                c.items.insert(1, Comment("pullcheck:ignore latest-tag -- rebuilt nightly by the " + ns.team + " team"))
            elif r.chance(0.005):
                c.items.insert(1, Comment("pullcheck:ignore always-pull-immutable -- the registry is on the node's network"))
            containers.items.append(c)
        if r.chance(0.35):
            init = Seq()
            for j in range(r.int(1, 2)):
                init.items.append(self.container(
                    r.choice(["wait-for-db", "migrate", "init-config", "fix-perms"]) + ("" if j == 0 else "-2"),
                    r.choice(["busybox:1.36.1", "alpine:3.20", self.private_image(ns, app + "-migrations"),
                              "registry.k8s.io/git-sync/git-sync:v4.2.4", "groundnuty/k8s-wait-for:v2.0"]),
                    rich=r.chance(0.5)))
                if init.items[-1].get("image") and ns.registry in str(to_plain(init.items[-1].get("image"))):
                    any_private = True
            spec.add("initContainers", init)
        spec.add("containers", containers)

        # Pull secrets: mostly resolvable; the rest go wrong in the usual ways.
        if any_private or r.chance(0.3):
            how = r.weighted([("pod", 58), ("sa", 24), ("none", 4 * self.findings_rate),
                              ("missing", 5 * self.findings_rate), ("opaque", 3 * self.findings_rate),
                              ("other", 2 * self.findings_rate), ("both", 4)])
            if how == "pod":
                spec.add("imagePullSecrets", Seq([Map([("name", ns.pull_secret)], flow=r.chance(0.4))]))
            elif how == "both":
                spec.add("imagePullSecrets", Seq([Map([("name", ns.pull_secret)]), Map([("name", ns.other_secret)])],
                                                 flow=r.chance(0.3)))
            elif how == "sa":
                spec.add("serviceAccountName", ns.sa_with_pull)
            elif how == "missing":
                spec.add("imagePullSecrets", Seq([Map([("name", r.choice([ns.pull_secret + "s", "regcred-old",
                                                                            "gitlab-registry", "dockerhub"]))])]))
            elif how == "opaque":
                spec.add("imagePullSecrets", Seq([Map([("name", ns.opaque_secret)])]))
            elif how == "other":
                spec.add("imagePullSecrets", Seq([Map([("name", ns.other_secret)])]))
        elif r.chance(0.3):
            spec.add("serviceAccountName", app)
        if kind in ("Job", "CronJob"):
            spec.add("restartPolicy", r.choice(["OnFailure", "Never"]))
        if r.chance(0.4):
            spec.add("nodeSelector", Map([("kubernetes.io/os", "linux")] + (
                [("node.kubernetes.io/instance-type", r.choice(["m6i.large", "c6i.xlarge"]))] if r.chance(0.3) else []),
                flow=r.chance(0.4)))
        if r.chance(0.3):
            spec.add("tolerations", Seq([Map([("key", "dedicated"), ("operator", "Equal"), ("value", ns.name),
                                              ("effect", "NoSchedule")])]))
        if r.chance(0.25):
            spec.add("affinity", Map([("podAntiAffinity", Map([("preferredDuringSchedulingIgnoredDuringExecution", Seq([
                Map([("weight", 100), ("podAffinityTerm", Map([
                    ("labelSelector", Map([("matchLabels", Map([("app.kubernetes.io/name", app)]))])),
                    ("topologyKey", "kubernetes.io/hostname")]))])]))]))]))
        if r.chance(0.5):
            spec.add("securityContext", Map([("runAsUser", 10001), ("runAsGroup", 10001), ("fsGroup", 10001),
                                             ("seccompProfile", Map([("type", "RuntimeDefault")]))]))
        spec.add("volumes", Seq([Map([("name", "config"), ("configMap", Map([("name", app + "-config")]))]),
                                 Map([("name", "tmp"), ("emptyDir", Map())])]))
        if r.chance(0.3):
            spec.add("terminationGracePeriodSeconds", r.choice([10, 30, 60]))
        return spec

    # -- objects -----------------------------------------------------------------------------------

    def workload(self, ns, app, kind):
        r = self.rng
        labels = self.labels(app, ns)
        ann = None
        if r.chance(0.3):
            ann = Map([("description", Str(" ".join(r.sample(WORDS, r.int(8, 30))) + "\n", "folded")
                        if r.chance(0.5) else Str(r.choice(UNICODE_BITS) + " service owned by " + ns.team, "double"))])
            if r.chance(0.03):
                ann.add("ignore-check.pullcheck.io/missing-tag", "third-party chart pins by digest elsewhere")
            if r.chance(0.3):
                ann.add("checksum/config", r.hex(64))
        sel_labels = Map([("app.kubernetes.io/name", app), ("app.kubernetes.io/instance", app + "-" + ns.name)],
                         flow=r.chance(0.5))
        if self.anchors and kind in ("Deployment", "StatefulSet", "DaemonSet", "Rollout") and r.chance(0.3):
            sel_labels.anchor = self.anchor("selector")
            tmpl_labels = Alias(sel_labels.anchor, sel_labels)
        else:
            tmpl_labels = Map([("app.kubernetes.io/name", app), ("app.kubernetes.io/instance", app + "-" + ns.name)],
                              flow=sel_labels.flow)
        pod_meta = Map([("labels", tmpl_labels)])
        if r.chance(0.3):
            pod_meta.add("annotations", Map([("prometheus.io/scrape", Str("true", "double")),
                                             ("prometheus.io/port", Str("9090", "single"))]))
        pod = self.pod_spec(ns, app, kind)
        api = {"Deployment": "apps/v1", "StatefulSet": "apps/v1", "DaemonSet": "apps/v1", "Job": "batch/v1",
               "CronJob": "batch/v1", "Pod": "v1", "Rollout": "argoproj.io/v1alpha1"}[kind]
        obj = Map([("apiVersion", api), ("kind", kind), ("metadata", self.metadata(app, ns, labels, ann))])
        if r.chance(0.01 * self.findings_rate):
            labels_m = labels
            if isinstance(labels_m, Map) and not labels_m.flow:
                labels_m.add("app.kubernetes.io/name", app + "-dup")  # duplicate key
        if kind == "Pod":
            obj.add("spec", pod)
            return obj
        template = Map([("metadata", pod_meta), ("spec", pod)])
        spec = Map()
        if kind in ("Deployment", "StatefulSet", "Rollout"):
            spec.add("replicas", r.choice([1, 2, 3, 3, 5, 10]))
        if kind == "StatefulSet":
            spec.add("serviceName", app)
        if kind in ("Deployment", "StatefulSet", "DaemonSet", "Rollout"):
            spec.add("selector", Map([("matchLabels", sel_labels)]))
        if kind == "Deployment" and r.chance(0.4):
            spec.add("strategy", Map([("type", "RollingUpdate"), ("rollingUpdate", Map(
                [("maxSurge", Str("25%", "plain")), ("maxUnavailable", 0)], flow=r.chance(0.5)))]))
        if kind == "Rollout":
            spec.add("strategy", Map([("canary", Map([("steps", Seq([Map([("setWeight", 20)]), Map([("pause", Map(
                [("duration", "10m")]))]), Map([("setWeight", 60)])]))]))]))
        if kind == "Job":
            spec.add("backoffLimit", r.int(0, 6))
            spec.add("ttlSecondsAfterFinished", 3600)
        if kind == "CronJob":
            spec.add("schedule", Str(r.choice(["*/15 * * * *", "0 3 * * *", "30 1 * * 0", "@hourly"]), "double"))
            spec.add("concurrencyPolicy", "Forbid")
            spec.add("jobTemplate", Map([("spec", Map([("backoffLimit", 2), ("template", template)]))]))
        else:
            spec.add("template", template)
        if kind == "StatefulSet":
            spec.add("volumeClaimTemplates", Seq([Map([("metadata", Map([("name", "data")])), ("spec", Map([
                ("accessModes", Seq(["ReadWriteOnce"], flow=True)),
                ("resources", Map([("requests", Map([("storage", r.choice(["1Gi", "10Gi", "50Gi"]))])) ]))]))])]))
        obj.add("spec", spec)
        return obj

    def service(self, ns, app):
        r = self.rng
        ports = Seq([Map([("name", "http"), ("port", 80), ("targetPort", Str("http", "plain")), ("protocol", "TCP")],
                         flow=r.chance(0.4))])
        if r.chance(0.4):
            ports.items.append(Map([("name", "metrics"), ("port", 9090), ("targetPort", 9090)]))
        spec = Map([("type", r.weighted([("ClusterIP", 80), ("NodePort", 10), ("LoadBalancer", 10)])),
                    ("selector", Map([("app.kubernetes.io/name", app)], flow=r.chance(0.5))), ("ports", ports)])
        return Map([("apiVersion", "v1"), ("kind", "Service"), ("metadata", self.metadata(app, ns, self.labels(app, ns, False))),
                    ("spec", spec)])

    def small_configmap(self, ns, app):
        r = self.rng
        data = Map()
        for k in r.sample(["LOG_LEVEL", "FEATURE_X", "timeout", "region", "workers", "cache.ttl", "motd", "greeting"],
                          r.int(2, 6)):
            data.add(k, Str(r.choice(["info", "true", "30s", "eu-west-1", "8", "300", r.choice(UNICODE_BITS)]),
                            r.choice(["double", "plain", "single"])))
        if r.chance(0.5):
            data.add("config.yaml", Str(self.yaml_config_text(r.int(8, 40)), "literal"))
        return Map([("apiVersion", "v1"), ("kind", "ConfigMap"),
                    ("metadata", self.metadata(app + "-config", ns, self.labels(app, ns, False))), ("data", data)])

    def yaml_config_text(self, n):
        r = self.rng
        lines = ["server:", "  port: 8080", "  shutdownTimeout: 30s", "features:"]
        for i in range(n):
            lines.append("  flag_%d: %s" % (i, r.choice(["true", "false", "'beta'", "\"on\"", "42"])))
        if r.chance(0.08):
            lines.append("# pullcheck:ignore latest-tag -- a comment inside a string is not a pragma")
            lines.append("image: nginx:latest")
        return "\n".join(lines) + "\n"

    def long_text(self, size):
        """Multi-line text of about `size` bytes: config files, scripts, dashboards."""
        r = self.rng
        kind = r.choice(["nginx", "properties", "dashboard", "sql", "script", "csv"])
        out = []
        total = 0
        i = 0
        if kind == "dashboard":
            panels = []
            while total < size:
                panel = json.dumps({"id": i, "type": r.choice(["timeseries", "stat", "table", "gauge"]),
                                    "title": "Panel %d %s" % (i, r.choice(UNICODE_BITS)),
                                    "gridPos": {"h": 8, "w": 12, "x": (i % 2) * 12, "y": (i // 2) * 8},
                                    "targets": [{"expr": "sum(rate(http_requests_total{job=\"%s\",code=~\"5..\"}[5m])) by (instance)" % r.choice(NOUN),
                                                 "refId": "A", "legendFormat": "{{instance}}"}],
                                    "fieldConfig": {"defaults": {"unit": r.choice(["reqps", "s", "bytes", "percent"]),
                                                                 "thresholds": {"mode": "absolute", "steps": [
                                                                     {"color": "green", "value": None},
                                                                     {"color": "red", "value": r.int(50, 99)}]}}}},
                                   indent=2)
                panels.append(panel)
                total += len(panel) + 2
                i += 1
            text = '{\n  "title": "%s",\n  "uid": "%s",\n  "panels": [\n' % (r.choice(NOUN), r.token(9)) + \
                ",\n".join("    " + p.replace("\n", "\n    ") for p in panels) + "\n  ]\n}\n"
            return text
        while total < size:
            if kind == "nginx":
                line = r.choice(["    location /api/%s/ {" % r.choice(NOUN),
                                 "        proxy_pass http://%s.%s.svc.cluster.local:8080;" % (r.choice(NOUN), r.choice(NAMESPACES)),
                                 "        proxy_set_header X-Request-Id $request_id;",
                                 "        proxy_read_timeout %ds;" % r.int(5, 120), "    }",
                                 "    # %s" % " ".join(r.sample(WORDS, 6)), ""])
            elif kind == "properties":
                line = "%s.%s.%s=%s" % (r.choice(NOUN), r.choice(["pool", "client", "cache", "retry"]),
                                        r.choice(["size", "timeout", "enabled", "url"]),
                                        r.choice(["10", "true", "30s", "https://%s.example.com/v2" % r.choice(NOUN)]))
            elif kind == "sql":
                line = "INSERT INTO %s (id, name, created_at) VALUES (%d, '%s', now());" % (
                    r.choice(NOUN), r.int(1, 10 ** 6), r.choice(UNICODE_BITS).replace("'", "''"))
            elif kind == "script":
                line = r.choice(["if [ -z \"${%s:-}\" ]; then" % r.choice(["DB_HOST", "TOKEN", "REGION"]),
                                 "  echo \"waiting for %s...\" >&2" % r.choice(NOUN), "  sleep %d" % r.int(1, 9),
                                 "fi", "kubectl -n %s rollout status deploy/%s --timeout=120s" % (r.choice(NAMESPACES), r.choice(NOUN)),
                                 "# %s" % " ".join(r.sample(WORDS, 8))])
            else:
                line = "%d,%s,%s,%d.%02d" % (r.int(1, 10 ** 7), r.choice(NOUN), r.choice(UNICODE_BITS),
                                             r.int(0, 999), r.int(0, 99))
            out.append(line)
            total += len(line) + 1
        if kind == "nginx":
            out = ["server {", "    listen 8080;"] + out + ["}"]
        if kind == "script":
            out = ["#!/bin/sh", "set -eu"] + out
        return "\n".join(out) + "\n"

    def big_configmap(self, ns, size):
        r = self.rng
        app = r.choice(ns.apps)
        data = Map()
        key = r.choice(["nginx.conf", "application.properties", "dashboard.json", "seed.sql", "entrypoint.sh",
                        "prices.csv"])
        text = self.long_text(size)
        data.add(key, Str(text, "literal"))
        if r.chance(0.3):
            data.add("README", Str(" ".join(r.sample(WORDS, 20)) + "\n", "folded"))
        cm = Map([("apiVersion", "v1"), ("kind", "ConfigMap"),
                  ("metadata", self.metadata(app + "-" + key.split(".")[0], ns, self.labels(app, ns, False))),
                  ("data", data)])
        return cm

    # -- secrets -----------------------------------------------------------------------------------

    def userpass(self):
        r = self.rng
        user = r.choice(["robot$ci", "deploy", "puller", "svc-k8s", "AWS", "_json_key", "token"]) + \
            ("-" + r.token(4) if r.chance(0.5) else "")
        pw = r.token(r.int(16, 40), "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        return user, pw

    def auth_entry(self, registry):
        r = self.rng
        user, pw = self.userpass()
        form = r.weighted([("auth", 50), ("all", 35), ("userpass", 15)])
        if form == "auth":
            return {"auth": base64.b64encode((user + ":" + pw).encode()).decode()}
        if form == "userpass":
            return {"username": user, "password": pw}
        return {"username": user, "password": pw, "email": user.split("$")[0] + "@example.com",
                "auth": base64.b64encode((user + ":" + pw).encode()).decode()}

    def registry_key(self, registry):
        r = self.rng
        return r.weighted([(registry, 75), ("https://" + registry, 15), ("https://" + registry + "/v1/", 5),
                           (registry + "/", 5)])

    def docker_secret(self, ns, name, registries, broken=None):
        """A docker-registry Secret, valid unless `broken` names a way to break it."""
        r = self.rng
        config = {"auths": {self.registry_key(reg): self.auth_entry(reg) for reg in registries}}
        legacy = r.chance(0.06) and broken is None
        if legacy:
            config = config["auths"]
        style = r.weighted([("data", 65), ("stringData-literal", 20), ("stringData-flow", 15)])
        if broken == "json-syntax":
            style = "stringData-literal"
        if broken in ("bad-base64", ):
            style = "data"
        if broken == "no-colon":
            k = next(iter(config["auths"]))
            config["auths"][k] = {"auth": base64.b64encode(b"robot-token-without-colon-" + r.hex(8).encode()).decode()}
        if broken == "legacy-layout":
            config = config["auths"]
        if broken == "bad-auth":
            k = next(iter(config["auths"]))
            config["auths"][k] = {"auth": "dXNlcjpwYXNz%" + r.token(6)}
        if broken == "no-credential":
            k = next(iter(config["auths"]))
            config["auths"][k] = {"identitytoken": r.token(24)}
        key = ".dockercfg" if legacy else ".dockerconfigjson"
        typ = "kubernetes.io/dockercfg" if legacy else "kubernetes.io/dockerconfigjson"
        if broken == "wrong-key":
            key = "config.json"
        if style == "data":
            raw = json.dumps(config, separators=(",", ":")).encode()
            value = base64.b64encode(raw).decode()
            if broken == "bad-base64":
                cut = r.int(10, len(value) - 10)
                value = value[:cut] + r.choice(["!", " ", "-", "_"]) + value[cut + 1:]
            section = ("data", Map([(key, value)]))
        elif style == "stringData-literal":
            text = json.dumps(config, indent=2)
            if broken == "json-syntax":
                lines = text.split("\n")
                j = r.int(2, max(2, len(lines) - 3))
                lines[j] = lines[j].rstrip(",") if lines[j].endswith(",") else lines[j] + ","
                text = "\n".join(lines)
            section = ("stringData", Map([(key, Str(text + "\n", "literal"))]))
        else:
            section = ("stringData", Map([(key, Str(json.dumps(config), "single"))]))
        meta = self.metadata(name, ns, None,
                             Map([("replicator.v1.mittwald.de/replicate-to", Str("*", "double"))]) if r.chance(0.1) else None)
        return Map([("apiVersion", "v1"), ("kind", "Secret"), ("metadata", meta), ("type", typ), section])

    def opaque_secret(self, ns, name):
        r = self.rng
        data = Map()
        for k in r.sample(["username", "password", "api-key", "database-url", "token", "client-secret"], r.int(1, 4)):
            data.add(k, base64.b64encode(r.token(r.int(8, 48)).encode()).decode())
        s = Map([("apiVersion", "v1"), ("kind", "Secret"), ("metadata", self.metadata(name, ns))])
        if r.chance(0.7):
            s.add("type", "Opaque")
        s.add("data", data)
        if r.chance(0.2):
            s.add("stringData", Map([("config.ini", Str("[client]\nuser = app\nhost = db.%s.svc\n" % ns.name, "literal"))]))
        return s

    def tls_secret(self, ns, name):
        r = self.rng
        pem = "-----BEGIN CERTIFICATE-----\n" + "\n".join(
            base64.b64encode(bytes(r.int(0, 255) for _ in range(48))).decode() for _ in range(r.int(12, 30))) + \
            "\n-----END CERTIFICATE-----\n"
        return Map([("apiVersion", "v1"), ("kind", "Secret"), ("metadata", self.metadata(name, ns)),
                    ("type", "kubernetes.io/tls"),
                    ("data", Map([("tls.crt", base64.b64encode(pem.encode()).decode()),
                                  ("tls.key", base64.b64encode(("-----BEGIN PRIVATE KEY-----\n" + r.token(400) +
                                                               "\n-----END PRIVATE KEY-----\n").encode()).decode())]))])

    def service_account(self, ns, name, pull_secrets):
        r = self.rng
        sa = Map([("apiVersion", "v1"), ("kind", "ServiceAccount"), ("metadata", self.metadata(name, ns))])
        if pull_secrets:
            sa.add("imagePullSecrets", Seq([Map([("name", p)], flow=r.chance(0.5)) for p in pull_secrets]))
        if r.chance(0.3):
            sa.add("automountServiceAccountToken", False)
        return sa

    def namespace_secrets(self, ns, broken_rate=0.12):
        """The Secrets and ServiceAccounts of a namespace (what pods' pull secrets resolve to)."""
        r = self.rng
        docs = []
        broken = None
        if r.chance(broken_rate * self.findings_rate):
            broken = r.choice(["json-syntax", "bad-base64", "no-colon", "legacy-layout", "bad-auth", "no-credential",
                               "wrong-key"])
        docs.append(self.docker_secret(ns, ns.pull_secret, [ns.registry] + ([ns.other_registry] if r.chance(0.2) else []),
                                       broken))
        docs.append(self.docker_secret(ns, ns.other_secret, [ns.other_registry]))
        docs.append(self.opaque_secret(ns, ns.opaque_secret))
        if r.chance(0.4):
            docs.append(self.tls_secret(ns, ns.name + "-tls"))
        docs.append(self.service_account(ns, ns.sa_with_pull, [ns.pull_secret]))
        if r.chance(0.5):
            docs.append(self.service_account(ns, "default", [ns.pull_secret] if r.chance(0.5) else []))
        return docs

    # -- other kinds ---------------------------------------------------------------------------------

    def ingress(self, ns, app):
        r = self.rng
        host = "%s.%s.example.com" % (app, ns.name)
        return Map([("apiVersion", "networking.k8s.io/v1"), ("kind", "Ingress"),
                    ("metadata", self.metadata(app, ns, None, Map([
                        ("cert-manager.io/cluster-issuer", "letsencrypt"),
                        ("nginx.ingress.kubernetes.io/proxy-body-size", Str("8m", "double"))]))),
                    ("spec", Map([("ingressClassName", "nginx"),
                                  ("tls", Seq([Map([("hosts", Seq([host])), ("secretName", app + "-tls")])])),
                                  ("rules", Seq([Map([("host", host), ("http", Map([("paths", Seq([Map([
                                      ("path", "/"), ("pathType", "Prefix"),
                                      ("backend", Map([("service", Map([("name", app), ("port", Map([("number", 80)], flow=True))]))]))])]))]))])]))]))])

    def hpa(self, ns, app):
        r = self.rng
        return Map([("apiVersion", "autoscaling/v2"), ("kind", "HorizontalPodAutoscaler"), ("metadata", self.metadata(app, ns)),
                    ("spec", Map([("scaleTargetRef", Map([("apiVersion", "apps/v1"), ("kind", "Deployment"), ("name", app)])),
                                  ("minReplicas", 2), ("maxReplicas", r.choice([5, 10, 20])),
                                  ("metrics", Seq([Map([("type", "Resource"), ("resource", Map([("name", "cpu"), ("target", Map(
                                      [("type", "Utilization"), ("averageUtilization", r.choice([60, 70, 80]))]))]))])]))]))])

    def pdb(self, ns, app):
        return Map([("apiVersion", "policy/v1"), ("kind", "PodDisruptionBudget"), ("metadata", self.metadata(app, ns)),
                    ("spec", Map([("minAvailable", 1), ("selector", Map([("matchLabels", Map(
                        [("app.kubernetes.io/name", app)], flow=True))]))]))])

    def netpol(self, ns, app):
        return Map([("apiVersion", "networking.k8s.io/v1"), ("kind", "NetworkPolicy"), ("metadata", self.metadata(app, ns)),
                    ("spec", Map([("podSelector", Map([("matchLabels", Map([("app.kubernetes.io/name", app)]))])),
                                  ("policyTypes", Seq(["Ingress"], flow=True)),
                                  ("ingress", Seq([Map([("from", Seq([Map([("namespaceSelector", Map([("matchLabels", Map(
                                      [("kubernetes.io/metadata.name", "ingress-nginx")]))]))])])),
                                      ("ports", Seq([Map([("port", 8080), ("protocol", "TCP")], flow=True)]))])]))]))])

    def sealed_or_external(self, ns, app):
        r = self.rng
        if r.chance(0.5):
            return Map([("apiVersion", "bitnami.com/v1alpha1"), ("kind", "SealedSecret"), ("metadata", self.metadata(app + "-sealed", ns)),
                        ("spec", Map([("encryptedData", Map([(".dockerconfigjson", "Ag" + r.token(300, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"))])),
                                      ("template", Map([("type", "kubernetes.io/dockerconfigjson"),
                                                        ("metadata", Map([("name", app + "-sealed")]))]))]))])
        return Map([("apiVersion", "external-secrets.io/v1beta1"), ("kind", "ExternalSecret"), ("metadata", self.metadata(app + "-ext", ns)),
                    ("spec", Map([("refreshInterval", "1h"), ("secretStoreRef", Map([("name", "vault"), ("kind", "ClusterSecretStore")])),
                                  ("target", Map([("name", app + "-pull"), ("template", Map([("type", "kubernetes.io/dockerconfigjson")]))])),
                                  ("data", Seq([Map([("secretKey", ".dockerconfigjson"), ("remoteRef", Map([("key", "registry/" + ns.name)]))])]))]))])

    def bundle(self, ns, app=None):
        """The documents of one app: a workload and what usually ships beside it."""
        r = self.rng
        app = app or r.choice(ns.apps)
        kind = r.weighted([("Deployment", 47), ("StatefulSet", 12), ("DaemonSet", 6), ("Job", 7), ("CronJob", 11),
                           ("Pod", 9), ("Rollout", 4)])
        docs = []
        if r.chance(0.15):
            docs.append(self.service_account(ns, app, [ns.pull_secret] if r.chance(0.5) else []))
        if r.chance(0.35):
            docs.append(self.small_configmap(ns, app))
        docs.append(self.workload(ns, app, kind))
        if kind in ("Deployment", "StatefulSet", "Rollout") and r.chance(0.7):
            docs.append(self.service(ns, app))
        if kind == "Deployment":
            for p, f in ((0.2, self.ingress), (0.2, self.hpa), (0.15, self.pdb), (0.1, self.netpol)):
                if r.chance(p):
                    docs.append(f(ns, app))
        if r.chance(0.03):
            docs.append(self.sealed_or_external(ns, app))
        return docs

    # -- kubectl get -o yaml ---------------------------------------------------------------------------

    def kubectl_object(self, obj):
        """An object as the API server returns it: server fields, managedFields, last-applied, status."""
        r = self.rng
        plain = to_plain(obj)
        last_applied = json.dumps(plain, separators=(",", ":"), ensure_ascii=False) + "\n"
        meta = plain.setdefault("metadata", {})
        meta.setdefault("annotations", {})
        meta["annotations"]["kubectl.kubernetes.io/last-applied-configuration"] = last_applied
        meta["creationTimestamp"] = "2024-%02d-%02dT%02d:%02d:%02dZ" % (r.int(1, 12), r.int(1, 28), r.int(0, 23),
                                                                        r.int(0, 59), r.int(0, 59))
        meta["resourceVersion"] = str(r.int(10 ** 6, 10 ** 9))
        meta["uid"] = "%s-%s-%s-%s-%s" % (r.hex(8), r.hex(4), r.hex(4), r.hex(4), r.hex(12))
        if plain.get("kind") in ("Deployment", "StatefulSet", "DaemonSet"):
            meta["generation"] = r.int(1, 40)
            plain["status"] = {"observedGeneration": meta["generation"], "replicas": 3, "readyReplicas": 3,
                               "conditions": [{"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable",
                                               "lastTransitionTime": meta["creationTimestamp"],
                                               "lastUpdateTime": meta["creationTimestamp"],
                                               "message": "Deployment has minimum availability."}]}
        meta["managedFields"] = [{"apiVersion": plain.get("apiVersion"), "fieldsType": "FieldsV1",
                                  "fieldsV1": self.fields_v1({k: v for k, v in plain.items() if k != "status"}),
                                  "manager": "kubectl-client-side-apply", "operation": "Update",
                                  "time": meta["creationTimestamp"]}]
        return plain

    def fields_v1(self, v):
        if isinstance(v, dict):
            out = {}
            if v:
                out["."] = {}
            for k, val in v.items():
                if k in ("managedFields", "uid", "resourceVersion", "creationTimestamp"):
                    continue
                out["f:" + k] = self.fields_v1(val)
            return out
        if isinstance(v, list):
            out = {}
            for i, item in enumerate(v):
                if isinstance(item, dict) and "name" in item and isinstance(item["name"], str):
                    out['k:{"name":"%s"}' % item["name"]] = self.fields_v1(item)
                elif isinstance(item, str):
                    out['v:"%s"' % item.replace('"', '\\"')] = {}
            return out
        return {}


# ---------------------------------------------------------------------------------------------
# Files


def render(docs, rng, style=None, helm_chart=None, continuing=False):
    """YAML text for a list of document nodes, with varied document markers and styles.
    `continuing`: the text goes after earlier documents of the same file."""
    style = style or {}
    indent = style.get("indent", 2)
    emitter = Emitter(indent=indent, indent_seq=style.get("indent_seq", True))
    out = []
    if style.get("header"):
        out.append(style["header"])
    for i, doc in enumerate(docs):
        if i > 0 or continuing or style.get("leading_marker", False):
            out.append("---")
        if helm_chart:
            kind = kinds_of(doc)
            out.append("# Source: %s/templates/%s.yaml" % (helm_chart, (kind[0] if kind else "resource").lower()))
        elif rng.chance(0.08):
            out.append("# " + " ".join(rng.sample(WORDS, rng.int(3, 9))))
        out.extend(emitter.document(doc))
        if style.get("doc_end") and rng.chance(0.5):
            out.append("...")
    return "\n".join(out) + "\n"


def file_style(rng):
    return {"indent": rng.weighted([(2, 88), (4, 12)]), "indent_seq": rng.chance(0.6),
            "leading_marker": rng.chance(0.3), "doc_end": rng.chance(0.02)}


BROKEN_FILES = {
    "unrendered-template": """apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "app.fullname" . }}
  labels:
    {{- include "app.labels" . | nindent 4 }}
spec:
  replicas: {{ .Values.replicaCount }}
  template:
    spec:
      containers:
        - name: {{ .Chart.Name }}
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"
""",
    "unclosed-flow": """apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data: {mode: "fast", retries: "3"
---
apiVersion: v1
kind: Pod
metadata:
  name: after-the-error
spec:
  containers:
    - name: app
      image: nginx:1.27.3
""",
    "tab-indent": "apiVersion: v1\nkind: Pod\nmetadata:\n\tname: tabbed\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27.3\n",
    "merge-conflict": """apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    spec:
      containers:
        - name: api
<<<<<<< HEAD
          image: registry.corp.example.com/core/api:2.3.0
=======
          image: registry.corp.example.com/core/api:2.4.0
>>>>>>> feature/bump-api
""",
    "unclosed-quote": """apiVersion: v1
kind: Pod
metadata:
  name: "quoted
spec:
  containers:
    - name: app
      image: nginx:1.27.3
""",
    "bad-indent": """apiVersion: v1
kind: Service
metadata:
  name: web
   namespace: shop
spec:
  ports:
  - port: 80
""",
}


class Writer:
    def __init__(self, root):
        self.root = root
        self.files = []  # (relative path, bytes)
        self.docs = 0
        self.kinds = {}
        self.crlf = 0
        self.bom = 0

    def write(self, rel, text, docs=None, crlf=False, bom=False):
        data = text.replace("\n", "\r\n") if crlf else text
        raw = data.encode("utf-8")
        if bom:
            raw = b"\xef\xbb\xbf" + raw
        path = os.path.join(self.root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(raw)
        self.files.append((rel, raw))
        self.crlf += crlf
        self.bom += bom
        if docs is not None:
            self.docs += len(docs)
            for d in docs:
                for k in kinds_of(d):
                    self.kinds[k] = self.kinds.get(k, 0) + 1
        return len(raw)


def kinds_of(doc):
    if isinstance(doc, dict):
        k = doc.get("kind")
        if k == "List":
            out = ["List"]
            for item in doc.get("items", []):
                out += kinds_of(item)
            return out
        return [k] if k else []
    if isinstance(doc, Map):
        k = doc.get("kind")
        if k == "List":
            items = doc.get("items")
            out = ["List"]
            for it in (items.items if isinstance(items, Seq) else []):
                out += kinds_of(it)
            return out
        return [to_plain(k)] if k is not None else []
    return []


def kubectl_list(b, ns, n_items):
    items = []
    for _ in range(n_items):
        for d in b.bundle(ns):
            items.append(b.kubectl_object(d))
    return {"apiVersion": "v1", "kind": "List", "items": items, "metadata": {"resourceVersion": ""}}


def make_corpus(seed, root, n_files, target_bytes):
    rng = Rng("%s:corpus" % seed)
    b = Builder(rng)
    w = Writer(root)
    n_ns = max(1, min(len(NAMESPACES), n_files // 50))
    namespaces = [Ns(rng, name) for name in NAMESPACES[:n_ns]]
    broken_names = list(BROKEN_FILES)
    broken_at = {}
    for i, name in enumerate(broken_names):
        broken_at[int((i + 0.5) * n_files / len(broken_names))] = name
    broken = []
    written = 0
    index = 0
    per_ns_counter = {}
    used_paths = {}
    asked = got = 0.0

    def unique(rel):
        # Several files of one app may want the same name (kustomization.yaml, secrets.yaml).
        if rel not in used_paths:
            used_paths[rel] = 1
            return rel
        used_paths[rel] += 1
        stem, ext = os.path.splitext(rel)
        return unique("%s-%d%s" % (stem, used_paths[rel], ext))

    def put(rel, text, docs=None, **kw):
        return w.write(unique(rel), text, docs, **kw)

    while index < n_files:
        ns = namespaces[index % n_ns]
        remaining = n_files - index
        avg = max(1500.0, (target_bytes - written) / remaining)
        # Files come out larger than asked when the ask is below one bundle: ask the big ones
        # for less, in proportion, so the total lands on the budget.
        drift = (asked / got) if got else 1.0
        target = min(avg * 40, max(900.0, rng.lognormal_mean(avg, 1.0) * drift))
        if index in broken_at:
            name = broken_at[index]
            rel = "%s/broken/%s.yaml" % (ns.name, name)
            if name == "unrendered-template":
                rel = "%s/charts/%s/templates/deployment.yaml" % (ns.name, rng.choice(ns.apps))
            written += put(rel, BROKEN_FILES[name])
            broken.append(rel)
            index += 1
            continue
        count = per_ns_counter.get(ns.name, 0)
        per_ns_counter[ns.name] = count + 1
        if count == 0:
            docs = b.namespace_secrets(ns)
            ns_doc = Map([("apiVersion", "v1"), ("kind", "Namespace"), ("metadata", Map([("name", ns.name), ("labels", Map(
                [("kubernetes.io/metadata.name", ns.name), ("team", ns.team)]))]))])
            docs.insert(0, ns_doc)
            written += put("%s/00-namespace.yaml" % ns.name, render(docs, rng, file_style(rng)), docs)
            index += 1
            continue
        kind = rng.weighted([("app", 82), ("list", 5), ("json", 3), ("bigcm", 4), ("kustomization", 2), ("values", 2),
                             ("secrets", 2)])
        if kind in ("list", "bigcm") and target < 20_000:
            kind = "app"  # these cannot be small: keep the total on budget
        app = ns.apps[count % len(ns.apps)]
        if kind == "list":
            lst = kubectl_list(b, ns, max(1, min(4, int(target / 25_000))))
            text = render([from_plain(lst)], rng, {"indent": 2, "indent_seq": False})
            written += put("%s/dump/%s-%d.yaml" % (ns.name, app, count), text, [lst])
        elif kind == "json":
            b.anchors = False
            docs = b.bundle(ns, app)
            b.anchors = True
            obj = b.kubectl_object(docs[-1]) if rng.chance(0.5) else to_plain(docs[-1])
            if len(docs) > 1 and rng.chance(0.5):
                obj = {"apiVersion": "v1", "kind": "List", "items": [to_plain(d) for d in docs]}
            # As kubectl prints it: non-ASCII as UTF-8 (libyaml rejects escaped surrogate pairs).
            text = json.dumps(obj, indent=rng.choice([2, 4]), ensure_ascii=False) + "\n"
            written += put("%s/%s/%s-%d.json" % (ns.name, app, app, count), text, [obj])
        elif kind == "bigcm":
            size = int(min(target, 400_000))
            docs = [b.big_configmap(ns, size)]
            written += put("%s/%s/config-%d.yaml" % (ns.name, app, count), render(docs, rng, file_style(rng)), docs)
        elif kind == "kustomization":
            text = ("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: %s\nresources:\n"
                    "  - deployment.yaml\n  - service.yaml\nimages:\n  - name: %s\n    newName: %s/%s/%s\n    newTag: \"%s\"\n"
                    % (ns.name, app, ns.registry, ns.team, app, b.private_tag()))
            written += put("%s/%s/kustomization.yaml" % (ns.name, app), text, [{"kind": "Kustomization"}])
        elif kind == "values":
            text = ("# Default values for %s.\nreplicaCount: 2\nimage:\n  repository: %s/%s/%s\n  pullPolicy: IfNotPresent\n"
                    "  tag: \"\"\nimagePullSecrets: []\nservice:\n  type: ClusterIP\n  port: 80\nresources: {}\n"
                    % (app, ns.registry, ns.team, app))
            written += put("%s/charts/%s/values.yaml" % (ns.name, app), text, [{}])
        elif kind == "secrets":
            docs = [b.docker_secret(ns, app + "-pull", [ns.registry]), b.opaque_secret(ns, app + "-secrets")]
            written += put("%s/%s/secrets.yaml" % (ns.name, app), render(docs, rng, file_style(rng)), docs)
        else:
            docs = []
            parts = []
            size = 0
            emitter_style = file_style(rng)
            # helm template output: every document after a "# Source:" comment
            helm = app if rng.chance(0.12) else None
            while True:
                more = b.bundle(ns, app if not docs else None)
                part = render(more, rng, emitter_style, helm_chart=helm, continuing=bool(docs))
                docs += more
                parts.append(part)
                size += len(part.encode())
                if size >= target:
                    break
                if target - size > 30_000 and rng.chance(0.3):
                    more = [b.big_configmap(ns, int(min(target - size, 300_000)))]
                    parts.append(render(more, rng, emitter_style, helm_chart=helm, continuing=True))
                    docs += more
                    break
            text = "".join(parts)
            asked += target
            got += size
            crlf = rng.chance(0.01)
            bom = rng.chance(0.002)
            ext = rng.weighted([(".yaml", 90), (".yml", 10)])
            name = rng.weighted([(app, 50), ("deployment", 20), ("manifests", 15), ("release-%d" % count, 15)])
            written += put("%s/%s/%s-%d%s" % (ns.name, app, name, count, ext), text, docs, crlf=crlf, bom=bom)
        index += 1
    return w, broken


def make_big(seed, root, target_bytes):
    """One file of many documents: a whole cluster as `helm template` / `kubectl get` would print it."""
    rng = Rng("%s:big" % seed)
    b = Builder(rng)
    w_root = root
    path = os.path.join(w_root, "cluster-dump.yaml")
    os.makedirs(w_root, exist_ok=True)
    written = 0
    docs_count = 0
    kinds = {}
    digest = hashlib.sha256()
    n = 0
    with open(path, "wb") as f:
        header = ("# A whole cluster's manifests in one stream (helm template output and kubectl dumps).\n")
        f.write(header.encode())
        digest.update(header.encode())
        written += len(header)
        huge_done = False
        while written < target_bytes:
            name = NAMESPACES[n % len(NAMESPACES)] + ("" if n < len(NAMESPACES) else "-%d" % (n // len(NAMESPACES)))
            ns = Ns(rng, name)
            n += 1
            docs = b.namespace_secrets(ns)
            chart = rng.choice(ns.apps)
            for _ in range(rng.int(6, 20)):
                docs += b.bundle(ns)
            if rng.chance(0.2):
                docs.append(b.big_configmap(ns, rng.int(20_000, 250_000)))
            if not huge_done and written > target_bytes // 2:
                # One ConfigMap past 1 MiB of data (a dashboards bundle): near the etcd limit.
                docs.append(b.big_configmap(ns, 1_200_000))
                huge_done = True
            text = "---\n" + render(docs, rng, {"indent": 2, "indent_seq": rng.chance(0.5)}, helm_chart=chart)
            if rng.chance(0.3):
                lst = kubectl_list(b, ns, rng.int(2, 6))
                text += "---\n" + render([from_plain(lst)], rng, {"indent": 2, "indent_seq": False})
                docs.append(lst)
            raw = text.encode()
            f.write(raw)
            digest.update(raw)
            written += len(raw)
            docs_count += len(docs)
            for d in docs:
                for k in kinds_of(d):
                    kinds[k] = kinds.get(k, 0) + 1
    return path, written, docs_count, kinds, digest.hexdigest()


def make_small(seed, root):
    rng = Rng("%s:small" % seed)
    b = Builder(rng)
    b.findings_rate = 0.0
    ns = Ns(rng, "shop")
    ns.write_namespace = True
    secret = b.docker_secret(ns, ns.pull_secret, [ns.registry])
    dep = b.workload(ns, "web", "Deployment")
    # Two containers, one private (resolved through the secret) and one public with a finding.
    spec = dep.get("spec").get("template").get("spec")
    spec.items = [it for it in spec.items if not (isinstance(it, tuple) and it[0] in ("imagePullSecrets", "serviceAccountName", "containers", "initContainers"))]
    spec.items.insert(0, ("containers", Seq([
        b.container("web", b.private_image(ns, "web"), port=8080, policy="IfNotPresent"),
        b.container("metrics", "prom/statsd-exporter:latest", port=9102)])))
    spec.items.insert(0, ("imagePullSecrets", Seq([Map([("name", ns.pull_secret)])])))
    docs = [secret, dep, b.service(ns, "web")]
    text = "# The storefront: a Deployment, its Service and its pull secret.\n" + render(docs, rng, {"indent": 2})
    w = Writer(root)
    w.write("web.yaml", text, docs)
    return w


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--seed", default="1", help="the seed (any string; default 1)")
    p.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus"))
    p.add_argument("--files", type=int, default=2000)
    p.add_argument("--corpus-mb", type=float, default=20.0)
    p.add_argument("--big-mb", type=float, default=50.0)
    args = p.parse_args()

    out = os.path.abspath(args.out)
    tmp = out + ".tmp"
    if os.path.exists(tmp):
        shutil.rmtree(tmp)
    os.makedirs(tmp)

    corpus, broken = make_corpus(args.seed, os.path.join(tmp, "files"), args.files, int(args.corpus_mb * MB))
    big_path, big_bytes, big_docs, big_kinds, big_digest = make_big(args.seed, os.path.join(tmp, "big"),
                                                                    int(args.big_mb * MB))
    small = make_small(args.seed, os.path.join(tmp, "small"))

    corpus_bytes = sum(len(raw) for _, raw in corpus.files)
    h = hashlib.sha256()
    for rel, raw in sorted(corpus.files):
        h.update(rel.encode() + b"\0" + hashlib.sha256(raw).digest())
    h.update(b"big\0" + big_digest.encode())
    h.update(b"small\0" + hashlib.sha256(small.files[0][1]).digest())

    lines = [
        "seed: %s" % args.seed,
        "digest: %s" % h.hexdigest(),
        "corpus: files/ %d files, %d bytes (%.1f MB), %d documents" % (len(corpus.files), corpus_bytes, corpus_bytes / MB,
                                                                        corpus.docs),
        "corpus formats: %d .json, %d .yml, %d CRLF, %d with a byte-order mark" % (
            sum(1 for rel, _ in corpus.files if rel.endswith(".json")),
            sum(1 for rel, _ in corpus.files if rel.endswith(".yml")), corpus.crlf, corpus.bom),
        "corpus kinds: " + ", ".join("%s %d" % (k, v) for k, v in sorted(corpus.kinds.items(), key=lambda kv: (-kv[1], kv[0]))),
        "big: big/cluster-dump.yaml %d bytes (%.1f MB), %d documents" % (big_bytes, big_bytes / MB, big_docs),
        "big kinds: " + ", ".join("%s %d" % (k, v) for k, v in sorted(big_kinds.items(), key=lambda kv: (-kv[1], kv[0]))),
        "small: small/web.yaml %d bytes, %d documents" % (len(small.files[0][1]), small.docs),
        "broken on purpose (pullcheck exits 2 on these): " + " ".join("files/" + b for b in broken),
    ]
    with open(os.path.join(tmp, "SUMMARY.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    if os.path.exists(out):
        shutil.rmtree(out)
    os.rename(tmp, out)
    sys.stdout.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
