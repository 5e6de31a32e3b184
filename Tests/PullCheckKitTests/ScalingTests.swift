import Testing

@testable import PullCheckKit

/// The wrong answers of issue 14, each at its exact boundary, and the structures that keep
/// run-wide work linear (asserted by what is computed, never by time; `bench/scale` measures
/// time and memory).
@Suite("Boundaries and scaling")
struct ScalingTests {
    static let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: \"nginx:latest\"}]}\n"

    static func base64(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let count = min(3, bytes.count - index)
            var value = 0
            for k in 0..<3 { value = value << 8 | (k < count ? Int(bytes[index + k]) : 0) }
            for position in 0..<4 {
                out.append(position <= count ? alphabet[(value >> (18 - 6 * position)) & 63] : 0x3D)
            }
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: Pragmas at a read-chunk boundary

    /// A pod whose `latest` image is suppressed by a pragma right under a line with an ordinary
    /// comment; `padding` bytes of annotation move both across libyaml's 16 KiB reads.
    static func suppressedPod(padding: Int) -> String {
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    pad: \"" + String(repeating: "x", count: padding)
            + "\"\nspec:\n  containers:\n    - name: c # c\n      # pullcheck:ignore latest-tag\n      image: nginx:latest\n"
    }

    @Test("a pragma after an ordinary comment is seen wherever a chunk ends (every offset around 16 KiB)")
    func pragmaAtEveryChunkOffset() {
        let tail = Self.suppressedPod(padding: 0).utf8.count
        // The ordinary `#` and the pragma end up at every position relative to the 16,384-byte
        // boundary, from well before it to well after it.
        let start = max(0, 16_384 - tail - 80)
        for padding in [0] + Array(start...(start + tail + 160)) {
            let report = lint(Self.suppressedPod(padding: padding))
            #expect(report.diagnostics.isEmpty, "padding \(padding): \(report.diagnostics.map(\.message))")
        }
        // The `#` of `# c` within the last 64 bytes of a small file (one chunk, the file's end).
        let short = Self.suppressedPod(padding: 0).replacing("image: nginx:latest", with: "image: a:latest")
        #expect(lint(short).diagnostics.isEmpty)
        #expect(lint(short.replacing("      # pullcheck:ignore latest-tag\n", with: "")).diagnostics.map(\.ruleID) == ["latest-tag"])
        // The same pod without the ordinary comment, and without the pragma (the finding is real).
        #expect(lint(Self.suppressedPod(padding: 0).replacing(" # c", with: "")).diagnostics.isEmpty)
        let unsuppressed = lint(Self.suppressedPod(padding: 0).replacing("      # pullcheck:ignore latest-tag\n", with: ""))
        #expect(unsuppressed.diagnostics.map(\.ruleID) == ["latest-tag"])
    }

    @Test("the raw scan's verdict on each `#`: a pragma, not one, or cut by the chunk's end")
    func pragmaVerdicts() {
        func verdict(_ text: String) -> ByteSource.PragmaVerdict {
            Array(text.utf8).withUnsafeBufferPointer { ByteSource.pragmaVerdict($0, hash: 0) }
        }
        #expect(verdict("# pullcheck:ignore x") == .yes)
        #expect(verdict("#\tpullcheck:") == .yes)
        #expect(verdict("# c") == .no)
        #expect(verdict("# pullchecx") == .no)
        #expect(verdict("#") == .undecided)
        #expect(verdict("#   ") == .undecided)
        #expect(verdict("# pullch") == .undecided)
    }

    @Test("many ` #` on one long line with a pragma in the file: each comment is looked at once")
    func manyHashesOnOneLine() {
        let line = "  note: \"" + String(repeating: "a #", count: 20_000) + "\"\n"
        let text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n" + line + "  # pullcheck:ignore latest-tag\n"
        let report = lint(text)
        #expect(report.diagnostics.map(\.ruleID) == ["unused-suppression"])
        #expect(findingPositions(report, rule: "unused-suppression") == ["6:3"])
    }

    // MARK: Large pull secrets

    static func secret(base64 value: String, name: String = "big") -> String {
        "apiVersion: v1\nkind: Secret\nmetadata: {name: \(name)}\ntype: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: \(value)\n"
    }

    /// A valid docker config of exactly `size` bytes.
    static func dockerConfig(size: Int) -> [UInt8] {
        let head = Array("{\"auths\": {\"registry.example.com\": {\"auth\": \"dXNlcjpwYXNz\", \"email\": \"".utf8)
        let tail = Array("\"}}}".utf8)
        return head + [UInt8](repeating: 0x61, count: size - head.count - tail.count) + tail
    }

    @Test("a 1 MiB pull secret (1.33 MiB of base64) is read whole and judged valid")
    func megabyteSecret() {
        let config = Self.dockerConfig(size: 1 << 20)
        let pod =
            "---\napiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  imagePullSecrets: [{name: big}]\n  containers: [{name: c, image: \"registry.example.com/team/app:1.0\"}]\n"
        let report = lint(Self.secret(base64: Self.base64(config)) + pod)
        #expect(report.diagnostics.isEmpty, "\(report.diagnostics.map(\.message))")
        // The same key for another registry: the secret was read, so the mismatch is found.
        let other = lint(Self.secret(base64: Self.base64(config)) + pod.replacing("registry.example.com", with: "other.example.com"))
        #expect(other.diagnostics.map(\.ruleID) == ["pull-secret-registry-mismatch"])
    }

    @Test("a value cut by the scalar limit is never judged by its content")
    func truncatedSecretNotJudged() {
        var limits = YAMLLimits.standard
        limits.maxStoredScalarBytes = 1_000
        let value = Self.base64(Self.dockerConfig(size: 3_000))
        let report = lint(Self.secret(base64: value), limits: limits)
        #expect(report.diagnostics.isEmpty, "\(report.diagnostics.map(\.message))")
        let stringData =
            "apiVersion: v1\nkind: Secret\nmetadata: {name: big}\ntype: kubernetes.io/dockerconfigjson\nstringData:\n  .dockerconfigjson: '"
            + String(decoding: Self.dockerConfig(size: 3_000), as: UTF8.self) + "'\n"
        #expect(lint(stringData, limits: limits).diagnostics.isEmpty)
    }

    @Test("a value over 1.5 MiB is reported for its size, not for its cut content")
    func oversizedSecret() {
        let value = String(repeating: "QUFB", count: (1_600_000) / 4)
        let report = lint(Self.secret(base64: value))
        #expect(report.diagnostics.map(\.ruleID) == ["invalid-dockerconfigjson"])
        let message = report.diagnostics.first?.message ?? ""
        #expect(message.contains("1600000 bytes long, more than a Secret can hold"))
        #expect(!message.contains("JSON"))
    }

    // MARK: Inputs of the same name

    @Test("standard input and a file of the same name: each input's pragmas cover only its own findings")
    func sameNameInputsKeptApart() {
        let suppressed =
            "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: c\n      # pullcheck:ignore latest-tag\n      image: nginx:latest\n"
        let plain = suppressed.replacing("      # pullcheck:ignore latest-tag\n", with: "\n")
        let inputs = [LintInput.text(plain, name: "x.yaml"), LintInput.text(suppressed, name: "x.yaml")]
        let report = Linter().lint(inputs, jobs: 2)
        #expect(report.diagnostics.map(\.ruleID) == ["latest-tag"])
        // And the other way round: the disk file's finding stays, stdin's pragma is used.
        let reversed = Linter().lint(inputs.reversed(), jobs: 1)
        #expect(reversed.diagnostics.map(\.ruleID) == ["latest-tag"])
        // Run-rule findings too (missing-pull-secret comes from the run's facts).
        let privatePod = plain.replacing("nginx:latest", with: "registry.example.com/app:1")
        let privateSuppressed = suppressed.replacing("latest-tag", with: "missing-pull-secret")
            .replacing("nginx:latest", with: "registry.example.com/app:1")
        let run = Linter().lint([.text(privatePod, name: "x.yaml"), .text(privateSuppressed, name: "x.yaml")], jobs: 1)
        #expect(run.diagnostics.map(\.ruleID) == ["missing-pull-secret"])
    }

    // MARK: Run-wide structures

    @Test("pods that no run rule can use leave no facts; the others keep only what the rules read")
    func podFactsAreSmall() {
        let linter = Linter()
        let publicPod = linter.lintFile(.text(Self.pod))
        #expect(publicPod.facts.pods.isEmpty)
        let privatePod = linter.lintFile(
            .text(
                "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - {name: a, image: nginx:1}\n    - {name: b, image: registry.example.com/app:1}\n"
            ))
        #expect(privatePod.facts.pods.count == 1)
        #expect(privatePod.facts.containers.map(\.image) == ["registry.example.com/app:1"])
        let withSecrets = linter.lintFile(
            .text(
                "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  imagePullSecrets: [{name: s}]\n  containers: [{name: a, image: nginx:1}]\n"
            ))
        #expect(withSecrets.facts.containers.isEmpty)
        #expect(withSecrets.facts.pods.first.map { withSecrets.facts.pullSecrets(of: $0).count } == 1)
    }

    @Test("same-named ServiceAccounts and Secrets in many namespaces resolve per namespace")
    func namespacedIndexes() {
        var text = ""
        for n in 0..<50 {
            let auth = n == 7 ? "other.example.com" : "registry.example.com"
            text +=
                "---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: default, namespace: ns\(n)}\nimagePullSecrets: [{name: regcred}]\n"
            text +=
                "---\n"
                + Self.secret(base64: Self.base64(Array("{\"auths\": {\"\(auth)\": {\"auth\": \"dXNlcjpwYXNz\"}}}".utf8)), name: "regcred")
                .replacing("name: regcred}", with: "name: regcred, namespace: ns\(n)}")
            text +=
                "---\napiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: ns\(n)}\nspec: {containers: [{name: c, image: \"registry.example.com/app:1\"}]}\n"
        }
        let report = lint(text)
        #expect(report.diagnostics.map(\.ruleID) == ["pull-secret-registry-mismatch"])
        #expect(report.diagnostics.first?.object?.namespace == "ns7")
    }

    @Test("did-you-mean looks only at the sorted neighbours among names close in length, within the namespace")
    func didYouMean() {
        var text = ""
        for n in 0..<2_000 { text += "---\napiVersion: v1\nkind: Secret\nmetadata: {name: secret-number-\(n), namespace: prod}\n" }
        text += "---\napiVersion: v1\nkind: Secret\nmetadata: {name: regcred, namespace: prod}\n"
        text += "---\napiVersion: v1\nkind: Secret\nmetadata: {name: regcrex, namespace: dev}\n"
        text +=
            "---\napiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: prod}\nspec:\n  imagePullSecrets: [{name: regcrd}]\n  containers: [{name: c, image: nginx:1}]\n"
        let report = lint(text)
        let messages = report.diagnostics.filter { $0.ruleID == "pull-secret-not-found" }.map(\.message)
        #expect(messages.count == 1)
        #expect(messages.first?.contains("secret regcrd (did you mean regcred?)") == true)
        #expect(PullSecretNotFoundRule.suggestionNeighbours <= 32)
    }

    @Test("a Secret listed many times counts once: one keyring entry, one name in the message")
    func repeatedSecret() {
        let config = Self.base64(Array("{\"auths\": {\"other.example.com\": {\"auth\": \"dXNlcjpwYXNz\"}}}".utf8))
        var text =
            Self.secret(base64: config, name: "regcred")
            + "---\napiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  imagePullSecrets:\n"
        for _ in 0..<300 { text += "    - name: regcred\n" }
        text += "  containers:\n"
        for c in 0..<300 { text += "    - {name: c\(c), image: \"registry.example.com/app\(c):1\"}\n" }
        let report = lint(text)
        let mismatches = report.diagnostics.filter { $0.ruleID == "pull-secret-registry-mismatch" }
        #expect(mismatches.count == 300)
        #expect(mismatches.allSatisfy { $0.message.contains("(regcred)") })
    }

    @Test("suppressions are matched by position: thousands of annotated pods, each suppression used once")
    func manySuppressions() {
        var text = ""
        for n in 0..<3_000 {
            text +=
                "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\(n)\n  annotations: {ignore-check.pullcheck.io/latest-tag: why}\nspec: {containers: [{name: c, image: \"nginx:latest\"}]}\n"
        }
        text +=
            "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: last\n  annotations: {ignore-check.pullcheck.io/missing-tag: why}\nspec: {containers: [{name: c, image: \"nginx:latest\"}]}\n"
        let report = lint(text)
        #expect(report.diagnostics.map(\.ruleID).sorted() == ["latest-tag", "unused-suppression"])
    }
}
