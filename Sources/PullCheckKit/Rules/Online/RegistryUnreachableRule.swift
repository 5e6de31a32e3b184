import RegistryModel

/// The registry cannot be reached: DNS, refused, timeout, TLS trust, or the wrong protocol.
struct RegistryUnreachableRule: OnlineRule {
    static let description = RuleDescription(
        id: "registry-unreachable",
        name: "Registry Unreachable",
        severity: .error,
        summary: "The image's registry cannot be reached: its name does not resolve, nothing answers, or TLS fails.",
        details: """
            With `--online`, pullcheck connects to the registry (or the mirrors the nodes' \
            `certs.d/<host>/hosts.toml` names, with the CAs and `skip_verify` it gives) and reports \
            what stops it: the host name does not resolve, the connection is refused, no answer \
            within `--online-timeout` (default 10 s), a certificate from an unknown authority, for \
            another host name or expired, HTTPS spoken to a plain-HTTP registry or the reverse, or a \
            proxy (`HTTPS_PROXY`, `NO_PROXY`) that refuses. Each message names what kubelet or \
            containerd will print and the fix. The check runs from where pullcheck runs: a registry \
            that only the cluster's network can reach is reported too (suppress it, or run the online \
            check from inside that network).
            """,
        rationale: """
            Every pull of the image fails on every node before credentials or tags matter: the pod \
            sits in `ErrImagePull` / `ImagePullBackOff` and new nodes cannot start it.
            """,
        fix: """
            Fix the host name; for a private CA, give the nodes (and pullcheck, with `--certs-dir`) \
            `certs.d/<host>/ca.crt` or a `hosts.toml` with `ca = ...`; for a plain-HTTP registry, \
            configure it as insecure on the nodes (`hosts.toml` `server = "http://..."`) and list it \
            for pullcheck the same way.
            """,
        triggeringExamples: [
            Example(
                """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                spec:
                  template:
                    spec:
                      containers:
                        - name: web
                          image: ↓registry.example.invalid/shop/web:1.0
                """, configuration: "online: true")
        ],
        nonTriggeringExamples: [
            Example(
                """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                spec:
                  template:
                    spec:
                      containers:
                        - name: web
                          image: registry.example.com/public/app:1.0
                """, configuration: "online: true")
        ],
        configuration: """
            `online-timeout: 10` (seconds per lookup) and `certs-dir: [/etc/containerd/certs.d]` in \
            `.pullcheck.yaml`, or `--online-timeout` and `--certs-dir`.
            """,
        exceptions: """
            Registries reachable only from the cluster's network (a registry on a private VPC): \
            suppress the finding or run the online check where the nodes' network is.
            """,
        references: [
            .init(
                "containerd: registry host configuration (hosts.toml)", "https://github.com/containerd/containerd/blob/main/docs/hosts.md"),
            .init("Docker: use self-signed certificates (certs.d)", "https://docs.docker.com/engine/security/certificates/"),
        ],
        isOnline: true)

    func check(_ answer: OnlineAnswer, _ context: inout RunRuleContext) {
        guard answer.result.status == .unreachable else { return }
        // No HTTP client on this machine is a run error (the command line says so once), not a finding per image.
        if case .clientUnavailable? = answer.result.unreachable { return }
        context.report(Self.message(answer), at: answer.container.imageSpan, pod: answer.pod, container: answer.container)
    }

    static func message(_ answer: OnlineAnswer) -> String {
        let prefix = "\(answer.container.displayName) pulls \"\(answer.container.image)\", but "
        let suffix = "; the pull fails on every node and the pod stays in ImagePullBackOff"
        let registry = answer.reference.domain
        guard let cause = answer.result.unreachable else {
            return prefix + "\(registry) cannot be reached (\(answer.result.reason))" + suffix
        }
        switch cause {
        case .dns(let host):
            return prefix + "the registry host \(host) does not resolve (containerd: \"dial tcp: lookup \(host): no such host\")" + suffix
                + ": check the host name"
        case .refused(let host):
            return prefix + "nothing listens at \(host) (\"connect: connection refused\")" + suffix + ": check the host and port"
        case .timeout(let host, let seconds):
            return prefix + "\(host) did not answer within \(Self.seconds(seconds)) s (\"i/o timeout\")" + suffix
                + " if the nodes cannot reach it either (a firewall, a private network; --online-timeout allows longer)"
        case .tlsUnknownAuthority(let host, _):
            return prefix + "the certificate of \(host) is signed by an authority the system does not trust "
                + "(containerd: \"x509: certificate signed by unknown authority\")" + suffix
                + ": give the nodes the CA in certs.d/\(host)/ca.crt or hosts.toml (and pullcheck with --certs-dir)"
        case .tlsHostname(let host, _):
            return prefix
                + "the certificate of \(host) is for another host name (\"x509: certificate is valid for ..., not \(Self.hostName(host))\")"
                + suffix + ": use the name the certificate is issued for, or reissue it"
        case .tlsExpired(let host, _):
            return prefix + "the certificate of \(host) has expired or is not yet valid "
                + "(\"x509: certificate has expired or is not yet valid\")" + suffix + ": renew the registry's certificate"
        case .tlsOther(let host, let detail):
            return prefix + "the TLS handshake with \(host) fails (\(detail))" + suffix
        case .plainHTTPServer(let host):
            return prefix + "\(host) speaks plain HTTP, and the nodes speak HTTPS to it "
                + "(\"http: server gave HTTP response to HTTPS client\")" + suffix
                + ": serve it over TLS, or configure it as insecure on the nodes (hosts.toml server = \"http://\(host)\") and in .pullcheck.yaml"
        case .tlsServer(let host):
            return prefix
                + "\(host) speaks HTTPS, and it is configured as plain HTTP (\"400 Bad Request: client sent an HTTP request to an HTTPS server\")"
                + suffix + ": remove the insecure (http://) setting for it"
        case .proxy(let detail):
            return prefix + "the proxy refuses the connection to \(registry) (\(detail))" + suffix
                + " if the nodes use the same proxy: check HTTPS_PROXY and NO_PROXY"
        case .other(let host, let detail):
            return prefix + "\(host) cannot be reached (\(detail))" + suffix
        case .clientUnavailable(let detail):
            return prefix + "pullcheck cannot make HTTP requests here (\(detail))"
        }
    }

    static func seconds(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }

    /// `registry.example.com:5000` → `registry.example.com`.
    static func hostName(_ host: String) -> String { String(RegistrySettings.splitPort(host).host) }
}
