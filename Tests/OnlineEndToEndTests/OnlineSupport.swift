import Foundation
import ProgramTestSupport
import RegistryLabSupport

/// The folder of the executables `swift test` built (pullcheck and pullcheck-online).
let binaryDirectory = URL(fileURLWithPath: pullcheckBinary).deletingLastPathComponent().path

/// The names the test manifests use, and the lab endpoint each one's `hosts.toml` sends to.
/// `*.invalid` names need no mapping: they never resolve.
struct HostMap {
    /// host name in manifests → hosts.toml text
    let files: [String: String]

    static func make(_ lab: RegistryLab) -> HostMap {
        let ca = lab.description.ca
        func https(_ name: EndpointName) -> String { "server = \"https://\(lab[name].host)\"\nca = \"\(ca)\"\n" }
        return HostMap(files: [
            "registry.example.com": https(.token),
            "basic.example.com": https(.tls),
            "ratelimited.example.com": https(.ratelimited),
            "hang.example.com": https(.hang),
            "closed.example.com": https(.closed),
            "badca.example.com": https(.badca),
            "wronghost.example.com": https(.wronghost),
            "expired.example.com": https(.expired),
            "redirect.example.com": https(.redirect),
            // https to the plain-HTTP registry, and plain HTTP to a TLS one.
            "plain.example.com": "server = \"https://\(lab[.plain].host)\"\n",
            "tlsasplain.example.com": "server = \"http://\(lab[.tls].host)\"\n",
            // containerd's mirrors: one that refuses, then the server; a mirror that answers for a dead server.
            "mirrored.example.com": https(.token)
                + "[host.\"https://\(lab[.closed].host)\"]\n  capabilities = [\"pull\", \"resolve\"]\n  ca = \"\(ca)\"\n",
            "viamirror.example.com": "server = \"https://\(lab[.closed].host)\"\n"
                + "[host.\"https://\(lab[.token].host)\"]\n  capabilities = [\"pull\", \"resolve\"]\n  ca = \"\(ca)\"\n",
        ])
    }

    /// Writes `certs.d/<host>/hosts.toml` under `directory` and returns the certs.d folder.
    func write(under directory: String) throws -> String {
        let certs = directory + "/certs.d"
        for (host, text) in files {
            try FileManager.default.createDirectory(atPath: certs + "/" + host, withIntermediateDirectories: true)
            try text.write(toFile: certs + "/" + host + "/hosts.toml", atomically: true, encoding: .utf8)
        }
        return certs
    }
}

/// `{"auths":{host:{"username":u,"password":p}}}`, base64, for a Secret's `.dockerconfigjson`.
func dockerConfig(_ host: String, user: String, password: String) -> String {
    Data(#"{"auths":{"\#(host)":{"username":"\#(user)","password":"\#(password)"}}}"#.utf8).base64EncodedString()
}

/// Runs `pullcheck` (which hands `--online` over to `pullcheck-online`) in the package root, with
/// a private HOME and cache, so no real credentials or cached answers leak in.
func pullcheck(_ arguments: [String], home: String, environment: [String: String] = [:]) throws -> ProcessResult {
    var variables = ["HOME": home, "XDG_CACHE_HOME": home + "/cache", "NO_COLOR": "1", "DOCKER_CONFIG": home + "/.docker"]
    for name in ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"] { variables[name] = "" }
    for (key, value) in environment { variables[key] = value }
    return try run(binaryDirectory + "/pullcheck", arguments, environment: variables)
}
