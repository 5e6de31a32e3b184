#!/usr/bin/env bash
# Makes the throwaway PKI of the transport tests in DIR (created if missing):
#   ca.pem / ca2.pem         two self-signed CAs (ca2 is never given to the client)
#   server.pem/.key          from ca: 127.0.0.1, ::1 and localhost
#   other.pem/.key           from ca: only other.example (a host name mismatch for 127.0.0.1/localhost)
#   expired.pem/.key         from ca: 127.0.0.1 and localhost, valid only in January 2020
#   stranger.pem/.key        from ca2: 127.0.0.1 and localhost (an unknown authority)
#   client.pem/.key          from ca: a client certificate
#   capath/                  ca.pem in a hashed CA directory (like /etc/ssl/certs)
# Usage: make-certs.sh DIR
set -euo pipefail
dir=${1:?usage: make-certs.sh DIR}
mkdir -p "$dir"
cd "$dir"

key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

ca() { # name
    key "$1.key"
    openssl req -x509 -new -key "$1.key" -out "$1.pem" -days 3 -subj "/CN=pullcheck test $1" \
        -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
}

# `openssl ca` is the one command of OpenSSL 3.0 that sets any validity dates (for the expired one).
sign() { # name issuer san [startdate enddate]
    local name=$1 issuer=$2 san=$3 start=${4:-} end=${5:-}
    key "$name.key"
    openssl req -new -key "$name.key" -out "$name.csr" -subj "/CN=$name" 2>/dev/null
    mkdir -p "db-$issuer"
    : >"db-$issuer/index.txt"
    [ -f "db-$issuer/serial" ] || echo 1000 >"db-$issuer/serial"
    cat >"$name.cnf" <<CNF
[ca]
default_ca = test
[test]
database = db-$issuer/index.txt
serial = db-$issuer/serial
new_certs_dir = db-$issuer
certificate = $issuer.pem
private_key = $issuer.key
default_md = sha256
default_days = 3
policy = any
unique_subject = no
copy_extensions = none
[any]
commonName = supplied
[ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth,clientAuth
subjectAltName = $san
CNF
    local dates=()
    if [ -n "$start" ]; then dates=(-startdate "$start" -enddate "$end"); fi
    openssl ca -batch -notext -config "$name.cnf" -extensions ext -in "$name.csr" -out "$name.pem" "${dates[@]}" 2>/dev/null
    rm -f "$name.csr" "$name.cnf"
}

ca ca
ca ca2
sign server ca "IP:127.0.0.1,IP:::1,DNS:localhost"
sign other ca "DNS:other.example"
sign expired ca "IP:127.0.0.1,DNS:localhost" 20200101000000Z 20200131000000Z
sign stranger ca2 "IP:127.0.0.1,DNS:localhost"
sign client ca "DNS:client.example"
rm -rf db-ca db-ca2
mkdir -p capath
cp ca.pem capath/
openssl rehash capath
