import Testing

@testable import PullCheckKit

/// No output of any format may contain credential material: not the password, not the `auth`
/// value, not their base64, not even a part of them.
@Suite("No credential material in any output")
struct CredentialLeakTests {
    static let user = "k7qlx3vm"
    static let password = "Zq8!vR2#pL5$wN9"

    static func base64(_ text: String) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        let bytes = Array(text.utf8)
        var out = ""
        var index = 0
        while index < bytes.count {
            let chunk = Array(bytes[index..<min(index + 3, bytes.count)])
            let value = chunk.enumerated().reduce(0) { $0 | (Int($1.element) << (16 - 8 * $1.offset)) }
            for position in 0..<4 {
                if position <= chunk.count {
                    out.append(alphabet[(value >> (18 - 6 * position)) & 63])
                } else {
                    out.append("=")
                }
            }
            index += 3
        }
        return out
    }

    static var auth: String { base64("\(user):\(password)") }

    /// Secrets that hold the credential in every shape kubelet reads, valid and broken, and pods
    /// that use them so that every credential rule runs.
    static var manifests: String {
        let valid = #"{"auths": {"registry.example.com": {"auth": "\#(auth)"}}}"#
        let fields = #"{"auths": {"registry.example.com": {"username": "\#(user)", "password": "\#(password)"}}}"#
        let brokenJSON = #"{"auths": {"registry.example.com": {"password": "\#(password)", }}}"#
        let legacy = #"{"registry.example.com": {"auth": "\#(auth)"}}"#
        let noColon = #"{"auths": {"registry.example.com": {"auth": "\#(base64(password))"}}}"#
        let badAuth = #"{"auths": {"registry.example.com": {"auth": "\#(password)"}}}"#
        let otherRegistry = #"{"auths": {"https://index.docker.io/v1": {"auth": "\#(auth)"}}}"#
        var text = ""
        let secrets: [(String, String, Bool)] = [
            ("valid", valid, true), ("valid-data", valid, false), ("fields", fields, true), ("broken-json", brokenJSON, true),
            ("broken-json-data", brokenJSON, false), ("legacy", legacy, false), ("no-colon", noColon, true),
            ("bad-auth", badAuth, true), ("other", otherRegistry, true),
        ]
        for (name, json, plain) in secrets {
            text += "apiVersion: v1\nkind: Secret\nmetadata: {name: \(name)}\ntype: kubernetes.io/dockerconfigjson\n"
            if plain {
                text += "stringData:\n  .dockerconfigjson: |\n    \(json)\n---\n"
            } else {
                text += "data:\n  .dockerconfigjson: \(base64(json))\n---\n"
            }
            text += "apiVersion: v1\nkind: Pod\nmetadata: {name: uses-\(name)}\nspec:\n  imagePullSecrets: [{name: \(name)}]\n"
            text += "  containers: [{name: c, image: \"registry.example.com:5000/team/app:1.0\"}, {name: d, image: \"nginx\"}]\n---\n"
        }
        // Not base64 at all, with the password in it; and an Opaque secret named as a pull secret.
        text += "apiVersion: v1\nkind: Secret\nmetadata: {name: not-base64}\ntype: kubernetes.io/dockerconfigjson\n"
        text += "data:\n  .dockerconfigjson: \"\(password) \(auth)\"\n---\n"
        text += "apiVersion: v1\nkind: Secret\nmetadata: {name: opaque}\ntype: Opaque\ndata:\n  token: \(base64(password))\n---\n"
        text +=
            "apiVersion: v1\nkind: Pod\nmetadata: {name: uses-opaque}\nspec:\n  imagePullSecrets: [{name: opaque}, {name: not-base64}]\n"
        text += "  containers: [{name: c, image: \"registry.example.com/team/app:1.0\"}]\n---\n"
        // A syntax error right in the secret data, where the parser cannot tell what it is.
        text += "apiVersion: v1\nkind: Secret\nmetadata: {name: cut}\ntype: kubernetes.io/dockerconfigjson\n"
        text += "stringData: {.dockerconfigjson: '{\"auths\": {\"r.example.com\": {\"auth\": \"\(auth)\"}}}'\n"
        return text
    }

    /// Every 6-character piece of the secrets, and of their base64 forms.
    static var forbidden: [String] {
        var pieces: Set<String> = []
        for secret in [password, auth, base64(password), base64(user + ":" + password)] {
            let characters = Array(secret)
            guard characters.count >= 6 else { continue }
            for start in 0...(characters.count - 6) { pieces.insert(String(characters[start..<(start + 6)])) }
        }
        return pieces.sorted()
    }

    @Test("the fixture exercises the credential rules")
    func fixtureIsMeaningful() {
        let run = runCLI(["--no-config", "--format", "json", "--stdin-filename", "secrets.yaml", "-"], stdin: Self.manifests)
        for rule in ["invalid-dockerconfigjson", "pull-secret-registry-mismatch", "pull-secret-wrong-type", "yaml-syntax"] {
            #expect(run.output.contains("\"rule\": \"\(rule)\""), "no \(rule) finding: the leak test would prove little")
        }
    }

    @Test("no format, terminal or not, prints any piece of a credential", arguments: OutputFormat.allCases)
    func noLeak(_ format: OutputFormat) {
        for terminal in [false, true] {
            let run = runCLI(
                [
                    "--no-config", "--enable", "docker-hub-anonymous", "--strict", "--statistics", "--format", format.rawValue,
                    "--stdin-filename", "secrets.yaml", "-",
                ],
                stdin: Self.manifests, terminal: terminal)
            let everything = run.output + run.error
            #expect(!everything.isEmpty)
            for piece in Self.forbidden {
                #expect(!everything.contains(piece), "\(format) output (terminal: \(terminal)) contains \"\(piece)\"")
            }
        }
    }
}
