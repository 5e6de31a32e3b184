#!/usr/bin/env python3
"""The registry lab: real container registries on 127.0.0.1 for pullcheck's online-mode tests.

Usage: lab.py --dir DIR [--keep] [--no-stdin] [--bench-repos N]

Starts Debian's docker-registry (distribution 2.8) three times on one shared storage directory
(no auth, htpasswd, Bearer token), nginx in front of them for TLS, logging, 429s and a redirect,
a Bearer token server and a socket that never answers; pushes the lab's images through the v2 API;
writes DIR/lab.json; prints READY. It stops everything and removes what it made in DIR on SIGTERM,
SIGINT, SIGHUP or when its standard input closes (unless --no-stdin). See README.md next to it.

Python 3 standard library only, plus the programs docker-registry, openssl, htpasswd and nginx.
"""

import argparse
import base64
import concurrent.futures
import ctypes
import gzip
import hashlib
import http.client
import http.server
import io
import json
import os
import secrets
import shutil
import signal
import socket
import socketserver
import ssl
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import urllib.parse

# ---------------------------------------------------------------------------------------------
# Fixed, documented accounts. The passwords and identity tokens are canaries: tests check that
# they never appear in pullcheck's output and that only the right hosts receive them.

ACCOUNTS = {
    "alice": {"password": "alice-canary-7f3e9b", "identityToken": "alice-idtoken-canary-5d8e21"},
    "bob": {"password": "bob-canary-2c4a61", "identityToken": "bob-idtoken-canary-9b17f0"},
}
TOKEN_SERVICE = "pullcheck-lab"
TOKEN_ISSUER = "pullcheck-lab-token-issuer"
TOKEN_LIFETIME = 300
BASIC_REALM = "pullcheck-lab"
BIG_LAYER_SIZE = 3 * 1024 * 1024 * 1024
REQUIRED_PROGRAMS = {
    "docker-registry": "docker-registry",
    "openssl": "openssl",
    "htpasswd": "apache2-utils",
    "nginx": "nginx-light",
}

MT_OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
MT_OCI_INDEX = "application/vnd.oci.image.index.v1+json"
MT_OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
MT_OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"
MT_DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
MT_DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
MT_DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json"
MT_DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip"
MT_SCHEMA1_SIGNED = "application/vnd.docker.distribution.manifest.v1+prettyjws"
MT_IN_TOTO = "application/vnd.in-toto+json"
ACCEPT_ALL = ", ".join([MT_OCI_INDEX, MT_OCI_MANIFEST, MT_DOCKER_LIST, MT_DOCKER_MANIFEST])


def find_program(name):
    """A program on PATH, or in the sbin directories (nginx is /usr/sbin/nginx, which is not on
    every user's PATH)."""
    return shutil.which(name) or shutil.which(name, path="/usr/local/sbin:/usr/sbin:/sbin")


def program(name):
    path = find_program(name)
    if path is None:
        raise LabError("missing program %s (Debian package %s)" % (name, REQUIRED_PROGRAMS.get(name, name)))
    return path


class LabError(Exception):
    """A failure to start the lab: printed as one clear message, exit status 1."""


def log(message):
    print("lab.py: " + message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# ECDSA P-256 (ES256), pure Python: signs the token server's JWTs and the schema 1 manifest.
# A fixed-base table (4-bit windows) makes a signature about 64 point additions.

P256_P = 0xFFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF
P256_N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
P256_G = (
    0x6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296,
    0x4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5,
)


def _jacobian_double(point):
    x, y, z = point
    if z == 0 or y == 0:
        return (0, 1, 0)
    p = P256_P
    yy = y * y % p
    s = 4 * x * yy % p
    zz = z * z % p
    m = 3 * (x - zz) * (x + zz) % p
    x3 = (m * m - 2 * s) % p
    y3 = (m * (s - x3) - 8 * yy * yy) % p
    return (x3, y3, 2 * y * z % p)


def _jacobian_add_affine(point, affine):
    x1, y1, z1 = point
    if affine is None:
        return point
    x2, y2 = affine
    if z1 == 0:
        return (x2, y2, 1)
    p = P256_P
    z1z1 = z1 * z1 % p
    u2 = x2 * z1z1 % p
    s2 = y2 * z1 * z1z1 % p
    h = (u2 - x1) % p
    r = (s2 - y1) % p
    if h == 0:
        return _jacobian_double(point) if r == 0 else (0, 1, 0)
    hh = h * h % p
    hhh = h * hh % p
    v = x1 * hh % p
    x3 = (r * r - hhh - 2 * v) % p
    y3 = (r * (v - x3) - y1 * hhh) % p
    return (x3, y3, z1 * h % p)


def _to_affine(point):
    x, y, z = point
    zi = pow(z, -1, P256_P)
    zi2 = zi * zi % P256_P
    return (x * zi2 % P256_P, y * zi2 * zi % P256_P)


_BASE_TABLE = []
_BASE_TABLE_LOCK = threading.Lock()


def _base_table():
    with _BASE_TABLE_LOCK:
        if not _BASE_TABLE:
            base = P256_G
            for _ in range(64):
                row = [None]
                acc = (0, 1, 0)
                for _ in range(15):
                    acc = _jacobian_add_affine(acc, base)
                    row.append(_to_affine(acc))
                _BASE_TABLE.append(row)
                doubled = (base[0], base[1], 1)
                for _ in range(4):
                    doubled = _jacobian_double(doubled)
                base = _to_affine(doubled)
        return _BASE_TABLE


def p256_multiply_base(k):
    table = _base_table()
    acc = (0, 1, 0)
    for i in range(64):
        acc = _jacobian_add_affine(acc, table[i][(k >> (4 * i)) & 15])
    return _to_affine(acc)


class ECKey:
    """A P-256 key: the private scalar and the public point."""

    def __init__(self, d=None):
        self.d = d if d is not None else secrets.randbelow(P256_N - 1) + 1
        self.x, self.y = p256_multiply_base(self.d)

    def sign(self, message):
        """ES256: SHA-256, then the raw r || s (32 bytes each), as JWS wants it."""
        e = int.from_bytes(hashlib.sha256(message).digest(), "big")
        while True:
            k = secrets.randbelow(P256_N - 1) + 1
            r = p256_multiply_base(k)[0] % P256_N
            if r == 0:
                continue
            s = pow(k, -1, P256_N) * (e + r * self.d) % P256_N
            if s != 0:
                return r.to_bytes(32, "big") + s.to_bytes(32, "big")

    def public_point(self):
        return b"\x04" + self.x.to_bytes(32, "big") + self.y.to_bytes(32, "big")

    def spki_der(self):
        prefix = bytes.fromhex("3059301306072a8648ce3d020106082a8648ce3d030107034200")
        return prefix + self.public_point()

    def sec1_pem(self):
        der = (
            bytes.fromhex("30770201010420")
            + self.d.to_bytes(32, "big")
            + bytes.fromhex("a00a06082a8648ce3d030107a144034200")
            + self.public_point()
        )
        body = base64.encodebytes(der).decode().replace("\n", "")
        lines = [body[i : i + 64] for i in range(0, len(body), 64)]
        return "-----BEGIN EC PRIVATE KEY-----\n" + "\n".join(lines) + "\n-----END EC PRIVATE KEY-----\n"

    def libtrust_key_id(self):
        """docker/libtrust's key ID: base32 of the first 240 bits of SHA-256 over the DER
        SubjectPublicKeyInfo, in groups of four joined by ':'. distribution 2.8 looks up a
        token's `kid` among the keys of auth.token.rootcertbundle by this ID."""
        encoded = base64.b32encode(hashlib.sha256(self.spki_der()).digest()[:30]).decode().rstrip("=")
        return ":".join(encoded[i : i + 4] for i in range(0, len(encoded), 4))

    def jwk(self):
        return {
            "crv": "P-256",
            "kid": self.libtrust_key_id(),
            "kty": "EC",
            "x": b64url(self.x.to_bytes(32, "big")),
            "y": b64url(self.y.to_bytes(32, "big")),
        }


def b64url(data):
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def compact_json(value):
    return json.dumps(value, separators=(",", ":"), sort_keys=True).encode()


def sign_jwt(key, claims):
    header = {"typ": "JWT", "alg": "ES256", "kid": key.libtrust_key_id()}
    signing_input = b64url(compact_json(header)) + "." + b64url(compact_json(claims))
    return signing_input + "." + b64url(key.sign(signing_input.encode()))


def sign_schema1(key, manifest):
    """A Docker schema 1 manifest signed the way docker/libtrust's PrettySignature does it: the
    protected header names the length of the payload before its final brace and the tail after
    it. Returns (the signed document, the canonical payload whose SHA-256 is the digest)."""
    content = json.dumps(manifest, indent=3).encode()
    close = len(content.rstrip()) - 1
    assert content[close : close + 1] == b"}"
    format_length = len(content[:close].rstrip())
    tail = content[format_length:]
    protected = b64url(
        compact_json({"formatLength": format_length, "formatTail": b64url(tail), "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())})
    )
    signature = key.sign((protected + "." + b64url(content)).encode())
    signatures = [{"header": {"jwk": key.jwk(), "alg": "ES256"}, "signature": b64url(signature), "protected": protected}]
    document = content[:format_length] + b',\n   "signatures": ' + json.dumps(signatures, indent=3).encode() + b"\n}"
    return document, content


# ---------------------------------------------------------------------------------------------
# The images, synthesized: small gzipped tar layers, configs, manifests, indexes.


def sha256_digest(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def make_layer(text):
    """A gzipped tar with one file; byte-for-byte the same on every run."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        data = text.encode()
        info = tarfile.TarInfo("lab.txt")
        info.size = len(data)
        info.mtime = 0
        info.mode = 0o644
        tar.addfile(info, io.BytesIO(data))
    uncompressed = raw.getvalue()
    return gzip.compress(uncompressed, mtime=0), sha256_digest(uncompressed)


class Blob:
    def __init__(self, data, media_type):
        self.data = data
        self.digest = sha256_digest(data)
        self.media_type = media_type

    def descriptor(self, media_type=None, size=None):
        return {"mediaType": media_type or self.media_type, "digest": self.digest, "size": len(self.data) if size is None else size}


class Manifest:
    """One manifest to PUT, the blobs it needs, and what lab.json says about it."""

    def __init__(self, media_type, body, blobs=(), children=(), platforms=(), compressed_size=None, platform=None):
        self.media_type = media_type
        self.body = body
        self.digest = sha256_digest(body)
        self.blobs = list(blobs)
        self.children = list(children)
        self.platforms = list(platforms)
        self.compressed_size = compressed_size
        self.platform = platform

    def descriptor(self, platform=None, annotations=None):
        result = {"mediaType": self.media_type, "digest": self.digest, "size": len(self.body)}
        if platform:
            result["platform"] = platform
        if annotations:
            result["annotations"] = annotations
        return result


def platform_string(platform):
    text = platform["os"] + "/" + platform["architecture"]
    if platform.get("variant"):
        text += "/" + platform["variant"]
    return text


class ImageFactory:
    def __init__(self):
        self.layers = {}

    def layer(self, name):
        if name not in self.layers:
            data, diff_id = make_layer("pullcheck registry lab, layer " + name + "\n")
            self.layers[name] = (Blob(data, MT_OCI_LAYER), diff_id)
        return self.layers[name]

    def image(self, label, platform, oci, layer_size=None):
        """A single-platform image manifest (OCI or Docker v2) with one config and one layer."""
        layer, diff_id = self.layer(platform_string(platform))
        config_value = {
            "architecture": platform["architecture"],
            "os": platform["os"],
            "config": {"Labels": {"org.pullcheck.lab.image": label}},
            "created": "2024-01-01T00:00:00Z",
            "rootfs": {"type": "layers", "diff_ids": [diff_id]},
        }
        if platform.get("variant"):
            config_value["variant"] = platform["variant"]
        config = Blob(compact_json(config_value), MT_OCI_CONFIG if oci else MT_DOCKER_CONFIG)
        size = len(layer.data) if layer_size is None else layer_size
        body = {
            "schemaVersion": 2,
            "mediaType": MT_OCI_MANIFEST if oci else MT_DOCKER_MANIFEST,
            "config": config.descriptor(),
            "layers": [layer.descriptor(MT_OCI_LAYER if oci else MT_DOCKER_LAYER, size)],
        }
        return Manifest(
            body["mediaType"],
            json.dumps(body, indent=2).encode(),
            blobs=[config, layer],
            platforms=[platform_string(platform)],
            compressed_size=len(config.data) + size,
            platform=platform,
        )

    def index(self, label, platforms, oci, attestation=False):
        children = [self.image(label, platform, oci) for platform in platforms]
        entries = [child.descriptor(platform=child.platform) for child in children]
        if attestation:
            # What BuildKit adds next to each image: an attestation manifest for platform
            # unknown/unknown that is not an image a node can run.
            statement = Blob(compact_json({"_type": "https://in-toto.io/Statement/v0.1", "predicateType": "https://spdx.dev/Document"}), MT_IN_TOTO)
            config = Blob(compact_json({"architecture": "unknown", "os": "unknown", "rootfs": {"type": "layers", "diff_ids": []}}), MT_OCI_CONFIG)
            body = {"schemaVersion": 2, "mediaType": MT_OCI_MANIFEST, "config": config.descriptor(), "layers": [statement.descriptor()]}
            unknown = {"architecture": "unknown", "os": "unknown"}
            attest = Manifest(MT_OCI_MANIFEST, json.dumps(body, indent=2).encode(), blobs=[config, statement], platform=unknown)
            attest.compressed_size = len(config.data) + len(statement.data)
            entries.append(
                attest.descriptor(
                    platform=unknown,
                    annotations={"vnd.docker.reference.digest": children[0].digest, "vnd.docker.reference.type": "attestation-manifest"},
                )
            )
            children.append(attest)
        media_type = MT_OCI_INDEX if oci else MT_DOCKER_LIST
        body = {"schemaVersion": 2, "mediaType": media_type, "manifests": entries}
        return Manifest(
            media_type, json.dumps(body, indent=2).encode(), children=children, platforms=[platform_string(c.platform) for c in children]
        )

    def schema1(self, key, repository, tag):
        platform = {"os": "linux", "architecture": "amd64"}
        layer, diff_id = self.layer(platform_string(platform))
        layer_id = hashlib.sha256(("schema1 " + diff_id).encode()).hexdigest()
        v1 = {"id": layer_id, "created": "2016-01-01T00:00:00Z", "os": "linux", "architecture": "amd64", "config": {"Cmd": ["sh"]}}
        manifest = {
            "schemaVersion": 1,
            "name": repository,
            "tag": tag,
            "architecture": "amd64",
            "fsLayers": [{"blobSum": layer.digest}],
            "history": [{"v1Compatibility": json.dumps(v1, separators=(",", ":"), sort_keys=True)}],
        }
        document, canonical = sign_schema1(key, manifest)
        result = Manifest(MT_SCHEMA1_SIGNED, document, blobs=[layer], platforms=["linux/amd64"], compressed_size=len(layer.data))
        result.digest = sha256_digest(canonical)
        return result


AMD64 = {"architecture": "amd64", "os": "linux"}
ARM64 = {"architecture": "arm64", "os": "linux"}
ARMV7 = {"architecture": "arm", "os": "linux", "variant": "v7"}


def lab_images(factory, schema1_key, prefix):
    """The images of one repository family (prefix "", "public/" or "private/"), tag → Manifest."""
    images = {
        prefix + "app:1.0": factory.image(prefix + "app:1.0", AMD64, oci=False),
        prefix + "app:1.1": factory.image(prefix + "app:1.1", AMD64, oci=True),
        prefix + "app:1.27.3": factory.image(prefix + "app:1.27.3", AMD64, oci=False),
        prefix + "multi:1.0": factory.index(prefix + "multi:1.0", [AMD64, ARM64], oci=True),
        prefix + "armonly:1.0": factory.index(prefix + "armonly:1.0", [ARM64], oci=True),
        prefix + "dockerlist:1.0": factory.index(prefix + "dockerlist:1.0", [AMD64, ARM64, ARMV7], oci=False),
        prefix + "attested:1.0": factory.index(prefix + "attested:1.0", [AMD64], oci=True, attestation=True),
        prefix + "big:1.0": factory.image(prefix + "big:1.0", AMD64, oci=False, layer_size=BIG_LAYER_SIZE),
        prefix + "old:1.0": factory.schema1(schema1_key, prefix + "old", "1.0"),
    }
    return images


def describe_image(reference, manifest):
    repository, tag = reference.rsplit(":", 1)
    entry = {
        "repository": repository,
        "tag": tag,
        "digest": manifest.digest,
        "mediaType": manifest.media_type,
        "manifestSize": len(manifest.body),
        "platforms": manifest.platforms,
    }
    if manifest.children:
        entry["manifests"] = [
            {
                "digest": child.digest,
                "mediaType": child.media_type,
                "platform": platform_string(child.platform),
                "manifestSize": len(child.body),
                "compressedSize": child.compressed_size,
            }
            for child in manifest.children
        ]
    else:
        entry["compressedSize"] = manifest.compressed_size
    return entry


# ---------------------------------------------------------------------------------------------
# Pushing through the v2 API: POST an upload, PUT its location with the digest, PUT manifests.


class Pusher:
    def __init__(self, address):
        self.host, port = address.rsplit(":", 1)
        self.port = int(port)
        self.local = threading.local()

    def request(self, method, path, body=None, headers=None):
        for attempt in range(2):
            connection = getattr(self.local, "connection", None)
            if connection is None:
                connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
                self.local.connection = connection
            try:
                connection.request(method, path, body=body, headers=headers or {})
                response = connection.getresponse()
                data = response.read()
                return response, data
            except (ConnectionError, http.client.HTTPException, OSError):
                connection.close()
                self.local.connection = None
                if attempt == 1:
                    raise
        raise AssertionError("unreachable")

    def push_blob(self, repository, blob):
        response, data = self.request("POST", "/v2/%s/blobs/uploads/" % repository, body=b"", headers={"Content-Length": "0"})
        if response.status != 202:
            raise LabError("pushing a blob to %s: POST answered %d %s" % (repository, response.status, data[:300]))
        location = urllib.parse.urlsplit(response.getheader("Location"))
        path = location.path + "?" + (location.query + "&" if location.query else "") + "digest=" + urllib.parse.quote(blob.digest)
        headers = {"Content-Type": "application/octet-stream", "Content-Length": str(len(blob.data))}
        response, data = self.request("PUT", path, body=blob.data, headers=headers)
        if response.status != 201:
            raise LabError("pushing a blob to %s: PUT answered %d %s" % (repository, response.status, data[:300]))

    def mount_blob(self, repository, blob, source):
        """A cross-repository mount: one request instead of two."""
        query = "mount=%s&from=%s" % (urllib.parse.quote(blob.digest), urllib.parse.quote(source))
        response, data = self.request("POST", "/v2/%s/blobs/uploads/?%s" % (repository, query), body=b"", headers={"Content-Length": "0"})
        if response.status == 201:
            return
        if response.status == 202:
            # The registry declined to mount and opened an upload instead: push the blob.
            self.push_blob(repository, blob)
            return
        raise LabError("mounting a blob into %s from %s: answered %d %s" % (repository, source, response.status, data[:300]))

    def push_manifest(self, repository, reference, manifest):
        headers = {"Content-Type": manifest.media_type, "Content-Length": str(len(manifest.body))}
        response, data = self.request("PUT", "/v2/%s/manifests/%s" % (repository, reference), body=manifest.body, headers=headers)
        if response.status != 201:
            raise LabError("pushing manifest %s:%s: answered %d %s" % (repository, reference, response.status, data[:500]))
        digest = response.getheader("Docker-Content-Digest")
        if digest != manifest.digest:
            raise LabError("pushing manifest %s:%s: the registry says digest %s, expected %s" % (repository, reference, digest, manifest.digest))

    def push_repository(self, repository, tagged, source=None):
        """Pushes the tags of one repository, one request at a time: distribution's filesystem
        storage writes link files in place, so two uploads of one blob into one repository at
        once can make it read a half-written link. Repositories are pushed in parallel."""
        pushed = set()

        def push(manifest, reference):
            for child in manifest.children:
                push(child, child.digest)
            for blob in manifest.blobs:
                if blob.digest not in pushed:
                    if source:
                        self.mount_blob(repository, blob, source)
                    else:
                        self.push_blob(repository, blob)
                    pushed.add(blob.digest)
            if reference != manifest.digest or manifest.digest not in pushed:
                self.push_manifest(repository, reference, manifest)
                pushed.add(manifest.digest)

        for tag, manifest in tagged:
            push(manifest, tag)


# ---------------------------------------------------------------------------------------------
# Certificates, with openssl.

OPENSSL_CONFIG = """\
[req]
distinguished_name = dn
prompt = no
[dn]
CN = pullcheck lab
[v3_lab_ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[v3_lab_server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = IP:127.0.0.1, DNS:localhost
[v3_lab_wronghost]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = DNS:registry.example.test
[v3_lab_signer]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
[ca]
default_ca = lab_ca
[lab_ca]
database = {db}/index.txt
new_certs_dir = {db}
serial = {db}/serial
default_md = sha256
policy = lab_policy
unique_subject = no
[lab_policy]
commonName = supplied
"""


def run_parallel(commands, what):
    """Runs openssl (or other short) commands at once; raises with their stderr if one fails."""
    processes = [(command, subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)) for command in commands]
    failures = []
    for command, process in processes:
        out, err = process.communicate()
        if process.returncode != 0:
            failures.append("%s (exit %d): %s" % (" ".join(command), process.returncode, (err or out).decode(errors="replace").strip()))
    if failures:
        raise LabError("could not " + what + ":\n  " + "\n  ".join(failures))


def make_certificates(certs, token_key):
    db = os.path.join(certs, "ca-db")
    os.makedirs(db)
    open(os.path.join(db, "index.txt"), "w").close()
    with open(os.path.join(db, "serial"), "w") as f:
        f.write("%032x\n" % secrets.randbits(120))
    config = os.path.join(certs, "openssl.cnf")
    with open(config, "w") as f:
        f.write(OPENSSL_CONFIG.replace("{db}", db))
    with open(os.path.join(certs, "token-signer.key"), "w") as f:
        f.write(token_key.sec1_pem())
    os.chmod(os.path.join(certs, "token-signer.key"), 0o600)

    def path(name):
        return os.path.join(certs, name)

    newkey = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
    req = [program("openssl"), "req", "-config", config]
    run_parallel(
        [
            req + ["-x509"] + newkey + ["-keyout", path("ca.key"), "-out", path("ca.crt"), "-subj", "/CN=pullcheck lab CA", "-days", "30", "-extensions", "v3_lab_ca"],
            req + ["-x509"] + newkey + ["-keyout", path("other-ca.key"), "-out", path("other-ca.crt"), "-subj", "/CN=pullcheck lab other CA", "-days", "30", "-extensions", "v3_lab_ca"],
            req + ["-x509", "-key", path("token-signer.key"), "-out", path("token-signer.crt"), "-subj", "/CN=pullcheck lab token signer", "-days", "30", "-extensions", "v3_lab_signer"],
            req + ["-new"] + newkey + ["-keyout", path("expired.key"), "-out", path("expired.csr"), "-subj", "/CN=127.0.0.1"],
        ],
        "make the lab's CAs with openssl",
    )

    def server(name, ca, subject, extensions):
        return req + ["-x509", "-CA", path(ca + ".crt"), "-CAkey", path(ca + ".key")] + newkey + [
            "-keyout", path(name + ".key"), "-out", path(name + ".crt"), "-subj", subject, "-days", "30", "-extensions", extensions,
        ]  # fmt: skip

    run_parallel(
        [
            server("server", "ca", "/CN=127.0.0.1", "v3_lab_server"),
            server("badca", "other-ca", "/CN=127.0.0.1", "v3_lab_server"),
            server("wronghost", "ca", "/CN=registry.example.test", "v3_lab_wronghost"),
            [program("openssl"), "ca", "-batch", "-config", config, "-cert", path("ca.crt"), "-keyfile", path("ca.key"), "-in", path("expired.csr"),
             "-out", path("expired.crt"), "-startdate", "20240101000000Z", "-enddate", "20240201000000Z", "-extensions", "v3_lab_server",
             "-notext"],
        ],
        "make the lab's server certificates with openssl",
    )  # fmt: skip
    for name in os.listdir(certs):
        if name.endswith(".key"):
            os.chmod(path(name), 0o600)


# ---------------------------------------------------------------------------------------------
# Configuration files.


def registry_config(state, name, port, storage, auth):
    lines = [
        "version: 0.1",
        "log:",
        "  level: info",
        "  formatter: text",
        "  accesslog:",
        "    disabled: true",
        "storage:",
        "  filesystem:",
        "    rootdirectory: " + json.dumps(storage),
        "  maintenance:",
        "    uploadpurging:",
        "      enabled: false",
        "  redirect:",
        "    disable: true",
        "http:",
        "  addr: 127.0.0.1:%d" % port,
        "  secret: " + secrets.token_hex(16),
        "  headers:",
        "    X-Content-Type-Options: [nosniff]",
        "compatibility:",
        "  schema1:",
        "    enabled: true",
        "health:",
        "  storagedriver:",
        "    enabled: false",
    ]
    lines += auth
    path = os.path.join(state, "registry-%s.yml" % name)
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return path


NGINX_LOG_FORMAT = (
    "'{\"time\":\"$time_iso8601\",\"endpoint\":\"$lab_endpoint\",\"host\":\"$http_host\",\"method\":\"$request_method\","
    "\"uri\":\"$request_uri\",\"status\":$status,\"authorization\":\"$http_authorization\",\"userAgent\":\"$http_user_agent\"}'"
)


def nginx_config(state, logs, certs, ports, upstreams):
    def cert(name):
        return "ssl_certificate %s; ssl_certificate_key %s;" % (os.path.join(certs, name + ".crt"), os.path.join(certs, name + ".key"))

    def server(endpoint, port, body, tls="server"):
        listen = "listen 127.0.0.1:%d ssl http2; %s" % (port, cert(tls)) if tls else "listen 127.0.0.1:%d;" % port
        return "  server {\n    %s\n    set $lab_endpoint %s;\n    access_log %s lab;\n%s  }\n" % (
            listen, endpoint, os.path.join(logs, endpoint + ".log"), body,
        )  # fmt: skip

    def proxy(upstream):
        return "    location / { proxy_pass http://%s; }\n" % upstream

    too_many = (
        "    location @toomany {\n"
        "      add_header Retry-After 1 always;\n"
        "      add_header ratelimit-limit \"100;w=21600\" always;\n"
        "      add_header ratelimit-remaining \"0;w=21600\" always;\n"
        "      add_header Docker-Distribution-Api-Version registry/2.0 always;\n"
        "      default_type application/json;\n"
        "      return 429 '{\"errors\":[{\"code\":\"TOOMANYREQUESTS\",\"message\":\"You have reached your pull rate limit (pullcheck lab)\"}]}\\n';\n"
        "    }\n"
    )
    ratelimited = (
        "    location = /v2/ { proxy_pass http://plainreg; }\n"
        "    location /v2/throttled/ {\n"
        "      limit_req zone=perrepo nodelay;\n"
        "      limit_req_status 429;\n"
        "      error_page 429 = @toomany;\n"
        "      rewrite ^/v2/throttled/(.*)$ /v2/$1 break;\n"
        "      proxy_pass http://plainreg;\n"
        "    }\n"
        "    location /v2/ { error_page 429 = @toomany; return 429; }\n"
    ) + too_many
    # `return` runs before auth_basic (rewrite phase, then access): try_files, which runs after
    # the access phase, hands over to named locations that answer.
    redirect = (
        '    auth_basic "%s";\n'
        "    auth_basic_user_file %s;\n"
        "    root %s;\n"
        "    location = /v2/ { try_files /nonexistent @ping; }\n"
        "    location /v2/ { try_files /nonexistent @redirect; }\n"
        "    location @ping {\n"
        "      add_header Docker-Distribution-Api-Version registry/2.0 always;\n"
        "      default_type application/json;\n"
        "      return 200 '{}';\n"
        "    }\n"
        "    location @redirect { return 307 https://localhost:%d$request_uri; }\n"
    ) % (BASIC_REALM, os.path.join(state, "htpasswd"), os.path.join(state, "nginx", "empty"), ports["redirect-target"])
    nginx = os.path.join(state, "nginx")
    text = (
        "worker_processes 1;\n"
        "pid %s;\n"
        "error_log %s warn;\n"
        "events { worker_connections 1024; }\n"
        "http {\n"
        "  log_format lab escape=json %s;\n"
        "  access_log off;\n"
        "  server_tokens off;\n"
        "  client_body_temp_path %s/body;\n  proxy_temp_path %s/proxy;\n  fastcgi_temp_path %s/fastcgi;\n"
        "  uwsgi_temp_path %s/uwsgi;\n  scgi_temp_path %s/scgi;\n"
        "  client_max_body_size 0;\n"
        "  keepalive_requests 100000;\n"
        "  proxy_http_version 1.1;\n"
        "  proxy_buffering off;\n"
        "  proxy_request_buffering off;\n"
        "  proxy_set_header Host $http_host;\n"
        "  proxy_set_header X-Forwarded-Proto $scheme;\n"
        "  proxy_set_header Connection \"\";\n"
        "  map $uri $lab_repository { ~^/v2/(?<name>.+)/(manifests|blobs|tags)/ $name; default \"\"; }\n"
        "  limit_req_zone $lab_repository zone=perrepo:1m rate=1r/s;\n"
    ) % ((os.path.join(nginx, "nginx.pid"), os.path.join(logs, "nginx-error.log"), NGINX_LOG_FORMAT) + (nginx,) * 5)
    for upstream, port in upstreams.items():
        text += "  upstream %s { server 127.0.0.1:%d; keepalive 16; }\n" % (upstream, port)
    text += server("tls", ports["tls"], proxy("htpasswdreg"))
    text += server("token", ports["token"], proxy("tokenreg"))
    text += server("plain", ports["plain"], proxy("plainreg"), tls=None)
    text += server("ratelimited", ports["ratelimited"], ratelimited)
    text += server("badca", ports["badca"], proxy("plainreg"), tls="badca")
    text += server("wronghost", ports["wronghost"], proxy("plainreg"), tls="wronghost")
    text += server("expired", ports["expired"], proxy("plainreg"), tls="expired")
    text += server("redirect", ports["redirect"], redirect)
    text += server("redirect-target", ports["redirect-target"], proxy("plainreg"))
    text += "}\n"
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi", "empty"):
        os.makedirs(os.path.join(nginx, sub), exist_ok=True)
    path = os.path.join(nginx, "nginx.conf")
    with open(path, "w") as f:
        f.write(text)
    return path


# ---------------------------------------------------------------------------------------------
# The token server (distribution's token authentication specification, with OAuth2 POST).


def repository_access(user, name):
    """The lab's rule: public/* for everyone (anonymous too), private/* for alice only, any
    other repository for alice only. Pull only: nobody pushes through the token registry."""
    if name.startswith("public/"):
        return ["pull"]
    if user == "alice":
        return ["pull"]
    return []


def parse_scopes(values):
    scopes = []
    for value in values:
        for scope in value.split(" "):
            if not scope:
                continue
            kind, _, rest = scope.partition(":")
            name, _, actions = rest.rpartition(":")
            if kind and name:
                scopes.append((kind, name, [a for a in actions.split(",") if a]))
    return scopes


class JSONLog:
    def __init__(self, path):
        self.file = open(path, "a", buffering=1)
        self.lock = threading.Lock()

    def write(self, record):
        with self.lock:
            self.file.write(json.dumps(record, sort_keys=True) + "\n")

    def close(self):
        with self.lock:
            self.file.close()


class TLSThreadingServer(socketserver.ThreadingMixIn, http.server.HTTPServer):
    """An HTTPS server that does the TLS handshake in the connection's thread, so a client that
    never finishes one cannot stall the others."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, handler, context):
        self.context = context
        super().__init__(address, handler)

    def finish_request(self, request, client_address):
        try:
            request.settimeout(30)
            # Headers and body are two writes: without TCP_NODELAY, Nagle's algorithm and the
            # client's delayed ACK hold the body back 40 ms.
            request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            tls = self.context.wrap_socket(request, server_side=True)
        except (OSError, ssl.SSLError):
            return
        try:
            self.RequestHandlerClass(tls, client_address, self)
        finally:
            try:
                tls.close()
            except OSError:
                pass


class TokenHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "pullcheck-lab-token"

    def log_message(self, format, *args):
        pass

    def send_json(self, status, value, headers=()):
        body = json.dumps(value).encode()
        self.status = status
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, header in headers:
            self.send_header(name, header)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_GET(self):
        self.handle_token("GET")

    def do_POST(self):
        self.handle_token("POST")

    def handle_token(self, method):
        lab = self.server.lab
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        body = b""
        if method == "POST":
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
        authorization = self.headers.get("Authorization")
        self.status = 0
        try:
            if url.path != "/token":
                self.send_json(404, {"errors": [{"code": "NOT_FOUND", "message": "the token endpoint is /token"}]})
            elif method == "GET":
                self.token_get(query, authorization)
            else:
                self.token_post(urllib.parse.parse_qs(body.decode(errors="replace"), keep_blank_values=True))
        finally:
            # The same fields as nginx's access logs, plus the path, query and form apart.
            lab.token_log.write(
                {
                    "time": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime()),
                    "endpoint": "token-server",
                    "host": self.headers.get("Host") or "",
                    "method": method,
                    "uri": self.path,
                    "path": url.path,
                    "query": url.query,
                    "status": self.status,
                    "authorization": authorization or "",
                    "body": body.decode(errors="replace"),
                    "userAgent": self.headers.get("User-Agent") or "",
                }
            )

    def token_get(self, query, authorization):
        user = None
        if authorization:
            scheme, _, credentials = authorization.partition(" ")
            if scheme.lower() != "basic":
                self.unauthorized("the token endpoint takes Basic credentials or none")
                return
            try:
                username, _, password = base64.b64decode(credentials.strip(), validate=True).decode().partition(":")
            except (ValueError, UnicodeDecodeError):
                self.unauthorized("malformed Basic credentials")
                return
            if ACCOUNTS.get(username, {}).get("password") != password:
                self.unauthorized("incorrect username or password")
                return
            user = username
        offline = (query.get("offline_token") or ["false"])[0] == "true"
        self.issue(user, query.get("service", [""])[0], query.get("scope", []), refresh=offline and user is not None, oauth=False)

    def token_post(self, form):
        grant = (form.get("grant_type") or [""])[0]
        service = (form.get("service") or [""])[0]
        scopes = form.get("scope", [])
        if grant == "password":
            username = (form.get("username") or [""])[0]
            password = (form.get("password") or [""])[0]
            if ACCOUNTS.get(username, {}).get("password") != password:
                self.send_json(401, {"error": "invalid_grant", "error_description": "incorrect username or password"})
                return
            offline = (form.get("access_type") or [""])[0] == "offline"
            self.issue(username, service, scopes, refresh=offline, oauth=True)
        elif grant == "refresh_token":
            token = (form.get("refresh_token") or [""])[0]
            user = next((name for name, account in ACCOUNTS.items() if account["identityToken"] == token), None)
            if user is None:
                self.send_json(401, {"error": "invalid_grant", "error_description": "unknown refresh token"})
                return
            self.issue(user, service, scopes, refresh=True, oauth=True)
        else:
            self.send_json(400, {"error": "unsupported_grant_type", "error_description": "grant_type must be password or refresh_token"})

    def unauthorized(self, message):
        self.send_json(401, {"details": message}, headers=[("WWW-Authenticate", 'Basic realm="%s token server"' % BASIC_REALM)])

    def issue(self, user, service, scope_values, refresh, oauth):
        lab = self.server.lab
        if service != TOKEN_SERVICE:
            self.send_json(400, {"details": "unknown service %r; this token server serves %r" % (service, TOKEN_SERVICE)})
            return
        access = []
        for kind, name, actions in parse_scopes(scope_values):
            if kind != "repository":
                continue
            granted = [action for action in actions if action in repository_access(user, name)]
            access.append({"type": kind, "name": name, "actions": granted})
        now = int(time.time())
        claims = {
            "iss": TOKEN_ISSUER,
            "sub": user or "",
            "aud": service,
            "exp": now + TOKEN_LIFETIME,
            "nbf": now - 10,
            "iat": now,
            "jti": secrets.token_hex(12),
            "access": access,
        }
        token = sign_jwt(lab.token_key, claims)
        issued = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now))
        if oauth:
            answer = {"access_token": token, "expires_in": TOKEN_LIFETIME, "issued_at": issued, "scope": " ".join(scope_values)}
        else:
            answer = {"token": token, "access_token": token, "expires_in": TOKEN_LIFETIME, "issued_at": issued}
        if refresh and user:
            answer["refresh_token"] = ACCOUNTS[user]["identityToken"]
        self.send_json(200, answer)


# ---------------------------------------------------------------------------------------------
# The endpoints that are sockets: one that accepts and never answers, one that refuses.


class HangServer:
    def __init__(self):
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(128)
        self.port = self.socket.getsockname()[1]
        self.held = []
        self.stopped = False

    def start(self):
        threading.Thread(target=self.run, name="hang", daemon=True).start()

    def run(self):
        while not self.stopped:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                return
            self.held.append(connection)  # never read, never written, closed at stop

    def stop(self):
        self.stopped = True
        try:
            self.socket.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.socket.close()
        for connection in self.held:
            connection.close()


def refusing_socket():
    """A port that is bound but not listening: connections to it are refused, and nothing else
    can take the port while the lab runs."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    return s


CHILD_PORTS = [
    "plainreg", "htpasswdreg", "tokenreg", "tls", "token", "plain", "ratelimited", "badca", "wronghost", "expired", "redirect", "redirect-target",
]  # fmt: skip


def free_ports(count):
    sockets = []
    for _ in range(count):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.bind(("127.0.0.1", 0))
        sockets.append(s)
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


# ---------------------------------------------------------------------------------------------
# Child processes.

try:
    _prctl = ctypes.CDLL(None, use_errno=True).prctl
except (OSError, AttributeError):
    _prctl = None


def _die_with_parent(sig):
    """A pre-exec hook: the child gets `sig` when the lab process dies, even by SIGKILL."""

    def hook():
        if _prctl is not None:
            _prctl(1, sig)  # PR_SET_PDEATHSIG

    return hook


class Child:
    def __init__(self, name, command, log_path, death_signal=signal.SIGKILL):
        """`death_signal` is what the child gets if the lab dies without stopping it: SIGKILL,
        but SIGTERM for nginx, whose master then stops its worker (a killed master leaves it)."""
        self.name = name
        self.log_path = log_path
        with open(log_path, "ab") as out:
            self.process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                preexec_fn=_die_with_parent(death_signal),
                close_fds=True,
            )

    def log_tail(self, lines=15):
        try:
            with open(self.log_path, errors="replace") as f:
                return "".join(f.readlines()[-lines:]).strip()
        except OSError:
            return ""

    def check_alive(self):
        code = self.process.poll()
        if code is not None:
            raise LabError("%s exited with status %d at start-up; its log (%s) ends:\n%s" % (self.name, code, self.log_path, self.log_tail()))

    def stop(self, sig=signal.SIGTERM):
        if self.process.poll() is None:
            try:
                self.process.send_signal(sig)
            except ProcessLookupError:
                pass

    def wait(self, deadline):
        try:
            self.process.wait(max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def wait_for_port(port, children, deadline, what):
    while True:
        for child in children:
            child.check_alive()
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise LabError("%s did not start listening on 127.0.0.1:%d within the start-up deadline" % (what, port))
        time.sleep(0.01)


# ---------------------------------------------------------------------------------------------
# The lab.


class Lab:
    def __init__(self, directory, keep, bench_repos):
        self.directory = os.path.abspath(directory)
        self.keep = keep
        self.bench_repos = bench_repos
        self.children = []
        self.servers = []
        self.hang = None
        self.refusing = None
        self.token_log = None
        self.created = []
        self.created_directory = False
        self.bench = []

    # -- start ----------------------------------------------------------------------------

    def start(self):
        started = time.monotonic()
        phases = [("start", started)]

        def phase(name):
            phases.append((name, time.monotonic()))

        missing = [name for name in REQUIRED_PROGRAMS if find_program(name) is None]
        if missing:
            raise LabError(
                "missing program(s): "
                + ", ".join("%s (Debian package %s)" % (name, REQUIRED_PROGRAMS[name]) for name in missing)
                + "; install with: apt-get install "
                + " ".join(sorted({REQUIRED_PROGRAMS[name] for name in missing}))
            )
        if not os.path.isdir(self.directory):
            os.makedirs(self.directory)
            self.created_directory = True
        for name in ("certs", "logs", "state", "lab.json"):
            if os.path.exists(os.path.join(self.directory, name)):
                raise LabError("%s already holds %s: give the lab an empty or new directory" % (self.directory, name))
        self.certs = self.made("certs")
        self.logs = self.made("logs")
        self.state = self.made("state")
        self.storage = self.storage_directory()
        versions = VersionProbe()

        self.token_key = ECKey()
        self.schema1_key = ECKey()
        phase("keys")
        make_certificates(self.certs, self.token_key)
        phase("certificates")
        self.htpasswd = os.path.join(self.state, "htpasswd")
        for index, (user, account) in enumerate(ACCOUNTS.items()):
            flags = "-cbB" if index == 0 else "-bB"
            run_parallel([[program("htpasswd"), flags, "-C", "4", self.htpasswd, user, account["password"]]], "write the htpasswd file")
        phase("htpasswd")

        # The sockets the lab holds itself first, so that the ports picked for the children
        # next cannot be theirs.
        self.refusing = refusing_socket()
        self.hang = HangServer()
        token_server = self.start_token_server()
        self.token_port = token_server.server_address[1]
        for attempt in range(3):
            self.ports = dict(zip(CHILD_PORTS, free_ports(len(CHILD_PORTS))))
            try:
                self.spawn()
                deadline = time.monotonic() + 15
                for name in CHILD_PORTS:
                    what = "docker-registry (%s)" % name if name.endswith("reg") else "nginx (%s)" % name
                    wait_for_port(self.ports[name], self.children, deadline, what)
                break
            except LabError:
                # A port picked as free can be taken by another program before the child binds
                # it: then start them again on other ports.
                clash = any("address already in use" in child.log_tail().lower() for child in self.children)
                if not clash or attempt == 2:
                    raise
                log("a port was taken before the lab could bind it; starting again on other ports")
                self.stop_children()
        phase("spawn")
        # Threads only now: the children are forked (with a pre-exec hook) while there are none.
        self.hang.start()
        threading.Thread(target=token_server.serve_forever, kwargs={"poll_interval": 0.05}, name="token-server", daemon=True).start()
        token_server.lab_serving = True

        images = self.push(self.ports["plainreg"])
        phase("push")
        self.check_endpoints()
        phase("checks")
        self.write_description(images, versions.result())
        phase("lab.json")
        steps = ", ".join("%s %.0f ms" % (name, (at - phases[i][1]) * 1000) for i, (name, at) in enumerate(phases[1:]))
        log("ready in %.2f s (%s): %s" % (time.monotonic() - started, steps, os.path.join(self.directory, "lab.json")))

    def spawn(self):
        ports = self.ports
        registry = program("docker-registry")
        configs = {
            "plainreg": registry_config(self.state, "plain", ports["plainreg"], self.storage, []),
            "htpasswdreg": registry_config(
                self.state, "htpasswd", ports["htpasswdreg"], self.storage,
                ["auth:", "  htpasswd:", "    realm: " + BASIC_REALM, "    path: " + json.dumps(self.htpasswd)],
            ),
            "tokenreg": registry_config(
                self.state, "token", ports["tokenreg"], self.storage,
                [
                    "auth:", "  token:",
                    "    realm: https://127.0.0.1:%d/token" % self.token_port,
                    "    service: " + TOKEN_SERVICE,
                    "    issuer: " + TOKEN_ISSUER,
                    "    rootcertbundle: " + json.dumps(os.path.join(self.certs, "token-signer.crt")),
                ],
            ),
        }  # fmt: skip
        for name, config in configs.items():
            self.children.append(Child("docker-registry (%s)" % name, [registry, "serve", config], os.path.join(self.logs, "registry-%s.log" % name)))
        nginx_conf = nginx_config(self.state, self.logs, self.certs, ports, {name: ports[name] for name in configs})
        command = [program("nginx"), "-p", os.path.join(self.state, "nginx"), "-c", nginx_conf, "-e", os.path.join(self.logs, "nginx-error.log"), "-g", "daemon off;"]
        self.children.append(Child("nginx", command, os.path.join(self.logs, "nginx.log"), death_signal=signal.SIGTERM))

    def storage_directory(self):
        """The registries' storage: in /dev/shm where there is one (tmpfs: pushing is about twice
        as fast as on a disk and removing it is instant), else in DIR/state."""
        shm = "/dev/shm"
        if os.path.isdir(shm) and os.access(shm, os.W_OK | os.X_OK):
            try:
                path = tempfile.mkdtemp(prefix="pullcheck-lab-", dir=shm)
                self.created.append(path)
                return path
            except OSError:
                pass
        return os.path.join(self.state, "storage")

    def made(self, name):
        path = os.path.join(self.directory, name)
        os.makedirs(path)
        self.created.append(path)
        return path

    def start_token_server(self):
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(os.path.join(self.certs, "server.crt"), os.path.join(self.certs, "server.key"))
        self.token_log = JSONLog(os.path.join(self.logs, "token-server.log"))
        server = TLSThreadingServer(("127.0.0.1", 0), TokenHandler, context)
        server.lab = self
        self.servers.append(server)
        return server

    def push(self, port):
        """Pushes every image through plainreg's v2 API (the registries share its storage): the
        base repositories first, then the public/ and private/ copies and the bench
        repositories, whose blobs are mounted from the base ones."""
        factory = ImageFactory()
        images = {}
        for prefix in ("", "public/", "private/"):
            images.update(lab_images(factory, self.schema1_key, prefix))
        bench = {}
        if self.bench_repos:
            template = factory.image("bench", AMD64, oci=True)
            for prefix in ("bench/", "public/bench/", "private/bench/"):
                for i in range(self.bench_repos):
                    bench["%simage-%d:1.0" % (prefix, i)] = template
        repositories = {}
        for reference, manifest in list(images.items()) + list(bench.items()):
            repository, tag = reference.rsplit(":", 1)
            repositories.setdefault(repository, []).append((tag, manifest))

        def source(repository):
            if repository.startswith("bench/") or "/bench/" in repository:
                return None if repository == "bench/image-0" else "bench/image-0"
            for prefix in ("public/", "private/"):
                if repository.startswith(prefix):
                    return repository[len(prefix) :]
            return None

        pusher = Pusher("127.0.0.1:%d" % port)
        with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
            for first in (True, False):
                jobs = [(name, tagged) for name, tagged in repositories.items() if (source(name) is None) == first]
                for future in [pool.submit(pusher.push_repository, name, tagged, source(name)) for name, tagged in jobs]:
                    future.result()
        self.bench = sorted(bench)
        return images

    def check_endpoints(self):
        """One request per registry endpoint through nginx, so a broken configuration is a
        start-up failure with a clear message, not a puzzle in a test."""
        context = ssl.create_default_context(cafile=os.path.join(self.certs, "ca.crt"))
        checks = [("plain", None, 200), ("tls", context, 401), ("token", context, 401), ("ratelimited", context, 200), ("redirect", context, 401)]
        for name, tls, expected in checks:
            if tls:
                connection = http.client.HTTPSConnection("127.0.0.1", self.ports[name], context=tls, timeout=10)
            else:
                connection = http.client.HTTPConnection("127.0.0.1", self.ports[name], timeout=10)
            try:
                connection.request("GET", "/v2/", headers={"User-Agent": "pullcheck-lab-startup-check"})
                response = connection.getresponse()
                response.read()
            except OSError as error:
                raise LabError("the %s endpoint (127.0.0.1:%d) failed its start-up check: %s" % (name, self.ports[name], error))
            finally:
                connection.close()
            if response.status != expected:
                raise LabError("the %s endpoint answered /v2/ with %d, expected %d" % (name, response.status, expected))

    def write_description(self, images, versions):
        ports = self.ports
        ca = os.path.join(self.certs, "ca.crt")

        def endpoint(name, scheme, description, **extra):
            value = {"scheme": scheme, "host": "127.0.0.1:%d" % ports[name] if name in ports else extra.pop("host"), "description": description}
            value["url"] = scheme + "://" + value["host"]
            if name in ports:
                value["log"] = os.path.join(self.logs, name + ".log")
            value.update(extra)
            return value

        endpoints = {
            "tls": endpoint(
                "tls", "https", "docker-registry over TLS (nginx, lab CA) with htpasswd Basic auth; alice and bob pull everything",
                ca=ca, auth="basic", realm=BASIC_REALM,
            ),
            "token": endpoint(
                "token", "https",
                "docker-registry over TLS (nginx, lab CA) with Bearer token auth: public/* anonymous, private/* and the rest alice only",
                ca=ca, auth="bearer", realm="https://127.0.0.1:%d/token" % self.token_port, service=TOKEN_SERVICE, issuer=TOKEN_ISSUER,
                tokenServer="127.0.0.1:%d" % self.token_port, tokenServerLog=os.path.join(self.logs, "token-server.log"),
            ),
            "plain": endpoint("plain", "http", "docker-registry over plain HTTP, no auth", auth="none"),
            "ratelimited": endpoint(
                "ratelimited", "https",
                "nginx (TLS, lab CA): /v2/ answers 200; /v2/throttled/<name>/... is <name> on the plain registry, limited to 1 request "
                "per second per repository (then 429); every other /v2/<name>/... answers 429 always",
                ca=ca, auth="none", retryAfter=1, ratelimitLimit="100;w=21600", ratelimitRemaining="0;w=21600", throttledPrefix="throttled/",
            ),
            "hang": endpoint("hang", "https", "accepts TCP connections and never reads or answers", host="127.0.0.1:%d" % self.hang.port),
            "closed": endpoint(
                "closed", "https", "nothing listens: connections are refused", host="127.0.0.1:%d" % self.refusing.getsockname()[1],
            ),
            "badca": endpoint(
                "badca", "https", "the plain registry behind TLS whose certificate is signed by otherCA",
                ca=os.path.join(self.certs, "other-ca.crt"), auth="none",
            ),
            "wronghost": endpoint(
                "wronghost", "https", "the plain registry behind TLS whose certificate (lab CA) names only registry.example.test",
                ca=ca, auth="none", certificateName="registry.example.test",
            ),
            "expired": endpoint(
                "expired", "https", "the plain registry behind TLS whose certificate (lab CA) expired on 2024-02-01", ca=ca, auth="none",
            ),
            "redirect": endpoint(
                "redirect", "https",
                "Basic auth (alice, bob); /v2/ answers 200 with credentials; every /v2/<name>/... answers 307 to the same path on "
                "https://localhost:<port> (the plain registry, no auth)",
                ca=ca, auth="basic", realm=BASIC_REALM, target="localhost:%d" % ports["redirect-target"],
                targetURL="https://localhost:%d" % ports["redirect-target"], targetLog=os.path.join(self.logs, "redirect-target.log"),
            ),
        }  # fmt: skip
        description = {
            "version": 1,
            "pid": os.getpid(),
            "dir": self.directory,
            "ca": ca,
            "otherCA": os.path.join(self.certs, "other-ca.crt"),
            "accounts": ACCOUNTS,
            "endpoints": endpoints,
            "images": {reference: describe_image(reference, manifest) for reference, manifest in sorted(images.items())},
            "benchImages": self.bench,
            "bigLayerSize": BIG_LAYER_SIZE,
            "internal": {name: "127.0.0.1:%d" % ports[name] for name in ("plainreg", "htpasswdreg", "tokenreg", "redirect-target")},
            "storage": self.storage,
            "logs": self.logs,
            "versions": versions,
        }
        path = os.path.join(self.directory, "lab.json")
        with open(path + ".tmp", "w") as f:
            json.dump(description, f, indent=2, sort_keys=True)
            f.write("\n")
        os.rename(path + ".tmp", path)
        self.created.append(path)

    # -- stop -----------------------------------------------------------------------------

    def stop_children(self):
        for child in self.children:
            # For nginx, SIGTERM is the fast shutdown, which also stops its worker.
            child.stop(signal.SIGTERM)
        deadline = time.monotonic() + 3
        for child in self.children:
            child.wait(deadline)
        self.children = []

    def stop(self):
        for server in self.servers:
            if getattr(server, "lab_serving", False):
                server.shutdown()
            server.server_close()
        if self.hang:
            self.hang.stop()
        if self.refusing:
            self.refusing.close()
        self.stop_children()
        if self.token_log:
            self.token_log.close()
        if self.keep:
            return
        for path in reversed(self.created):
            if os.path.isdir(path):
                shutil.rmtree(path, ignore_errors=True)
            else:
                try:
                    os.remove(path)
                except OSError:
                    pass
        if self.created_directory:
            try:
                os.rmdir(self.directory)
            except OSError:
                pass


class VersionProbe:
    """Asks the programs for their versions at start-up, in parallel with the rest."""

    COMMANDS = {
        "docker-registry": ["docker-registry", "--version"],
        "openssl": ["openssl", "version"],
        "nginx": ["nginx", "-v"],
        "htpasswd": ["dpkg-query", "-W", "-f", "${Version}", "apache2-utils"],
    }

    def __init__(self):
        self.processes = {}
        for name, command in self.COMMANDS.items():
            try:
                command = [find_program(command[0]) or command[0]] + command[1:]
                self.processes[name] = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            except OSError:
                self.processes[name] = None

    def result(self):
        versions = {"python": sys.version.split()[0]}
        for name, process in self.processes.items():
            if process is None:
                versions[name] = None
                continue
            try:
                out, _ = process.communicate(timeout=5)
                lines = out.decode(errors="replace").strip().splitlines()
                first = lines[0] if lines and process.returncode == 0 else None
                if first and first.startswith("/"):
                    # docker-registry prints its argv[0], the full path.
                    command, _, rest = first.partition(" ")
                    first = os.path.basename(command) + " " + rest
                versions[name] = first
            except subprocess.TimeoutExpired:
                process.kill()
                process.communicate()
                versions[name] = None
        return versions


class Stop(Exception):
    pass


def main():
    parser = argparse.ArgumentParser(description="pullcheck's registry lab (see Tests/RegistryLab/README.md)")
    parser.add_argument("--dir", required=True, help="where lab.json, certificates, logs and storage go")
    parser.add_argument("--keep", action="store_true", help="keep DIR's contents at stop (for debugging)")
    parser.add_argument("--no-stdin", action="store_true", help="do not stop when standard input closes; only on a signal")
    parser.add_argument("--bench-repos", type=int, default=0, metavar="N", help="also push N repositories each under bench/, public/bench/, private/bench/")
    args = parser.parse_args()

    def on_signal(signum, frame):
        raise Stop()

    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, on_signal)

    lab = Lab(args.dir, args.keep, args.bench_repos)
    status = 0
    try:
        lab.start()
        sys.stdout.write("READY\n")
        sys.stdout.flush()
        if args.no_stdin:
            while True:
                signal.pause()
        else:
            while os.read(0, 4096):
                pass
    except Stop:
        pass
    except LabError as error:
        log("error: " + str(error))
        status = 1
    except Exception as error:  # noqa: BLE001 - report anything else as a failure to start, then clean up
        log("error: %s: %s" % (type(error).__name__, error))
        status = 1
    finally:
        # A second signal while stopping must not interrupt the cleanup.
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(sig, signal.SIG_IGN)
        lab.stop()
    return status


if __name__ == "__main__":
    sys.exit(main())
