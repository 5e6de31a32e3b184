import Testing

@testable import DistributionReference

// A second, independent model of kubelet's parser, for cross-checking ImageReference on random
// input: it transcribes distribution/reference v0.6 (regexp.go patterns, normalize.go
// splitDockerDomain and ParseNormalizedNamed, reference.go Parse) and go-digest v1's Validate
// literally, with the standard library's backtracking Regex on Unicode scalars. Slow, but written
// from the Go source, not from the scanner.

struct OracleResult: Equatable, CustomStringConvertible {
    var domain: String
    var path: String
    var tag: String?
    var digest: String?
    var description: String { "domain=\(domain) path=\(path) tag=\(tag ?? "-") digest=\(digest ?? "-")" }
}

struct Oracle {
    private let reference: Regex<AnyRegexOutput>
    private let name: Regex<AnyRegexOutput>

    init() {
        // regexp.go, with Go's ASCII classes spelled out.
        let alphanumeric = "[a-z0-9]+"
        let separator = "(?:[._]|__|[-]+)"
        let domainNameComponent = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
        let optionalPort = "(?::[0-9]+)?"
        let tag = "[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}"
        let digestPat = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9A-Fa-f]{32,}"
        let ipv6address = "\\[(?:[a-fA-F0-9:]+)\\]"
        let domainName = domainNameComponent + "(?:\\." + domainNameComponent + ")*"
        let host = "(?:" + domainName + "|" + ipv6address + ")"
        let domainAndPort = host + optionalPort
        let pathComponent = alphanumeric + "(?:" + separator + alphanumeric + ")*"
        let remoteName = pathComponent + "(?:/" + pathComponent + ")*"
        let namePat = "(?:" + domainAndPort + "/)?" + remoteName
        let referencePat = "(" + namePat + ")(?::(" + tag + "))?(?:@(" + digestPat + "))?"
        let anchoredNamePat = "(?:(" + domainAndPort + ")/)?(" + remoteName + ")"
        reference = Self.compile(referencePat)
        name = Self.compile(anchoredNamePat)
    }

    private static func compile(_ pattern: String) -> Regex<AnyRegexOutput> {
        do {
            return try Regex(pattern).matchingSemantics(.unicodeScalar)
        } catch {
            // The patterns are constants; a failure here is a bug in this file.
            Issue.recordOracleFailure("\(error)")
            return Regex(verbatim: "\u{0}never").matchingSemantics(.unicodeScalar)
        }
    }

    func parse(_ s: String) -> OracleResult? {
        let scalars = Array(s.unicodeScalars)
        // anchoredIdentifierRegexp: ^[a-f0-9]{64}$
        if scalars.count == 64 && scalars.allSatisfy({ ("0"..."9").contains($0) || ("a"..."f").contains($0) }) {
            return nil
        }
        // splitDockerDomain
        var domain: [Unicode.Scalar]
        var remainder: [Unicode.Scalar]
        if let slash = scalars.firstIndex(of: "/") {
            let maybeDomain = Array(scalars[..<slash])
            let maybeRemote = Array(scalars[(slash + 1)...])
            if maybeDomain == Array("localhost".unicodeScalars) {
                (domain, remainder) = (maybeDomain, maybeRemote)
            } else if maybeDomain == Array("index.docker.io".unicodeScalars) {
                (domain, remainder) = (Array("docker.io".unicodeScalars), maybeRemote)
            } else if maybeDomain.contains(".") || maybeDomain.contains(":") {
                (domain, remainder) = (maybeDomain, maybeRemote)
            } else if goToLower(maybeDomain) != maybeDomain {
                (domain, remainder) = (maybeDomain, maybeRemote)
            } else {
                (domain, remainder) = (Array("docker.io".unicodeScalars), scalars)
            }
            if domain == Array("docker.io".unicodeScalars) && !remainder.contains("/") {
                remainder = Array("library/".unicodeScalars) + remainder
            }
        } else {
            domain = Array("docker.io".unicodeScalars)
            remainder = Array("library/".unicodeScalars) + scalars
        }
        // Lower-case check on the remote name (up to the first ":").
        let remote = Array(remainder[..<(remainder.firstIndex(of: ":") ?? remainder.count)])
        if goToLower(remote) != remote { return nil }

        // reference.Parse(domain + "/" + remainder)
        let full = str(domain + ["/"] + remainder)
        guard let m = try? reference.wholeMatch(in: full) else { return nil }
        guard let nameText = m.output[1].substring.map(String.init) else { return nil }
        let tagText = m.output[2].substring.map(String.init)
        let digestText = m.output[3].substring.map(String.init)
        guard let nm = try? name.wholeMatch(in: nameText) else { return nil }
        let d = nm.output[1].substring.map(String.init) ?? ""
        let p = nm.output[2].substring.map(String.init) ?? nameText
        if p.utf8.count > 255 { return nil }  // RepositoryNameTotalLengthMax, path only
        if let digestText {
            guard validateDigest(digestText) else { return nil }
        }
        return OracleResult(domain: d, path: p, tag: tagText, digest: digestText)
    }

    /// go-digest Digest.Validate with crypto/sha256 and crypto/sha512 linked in.
    private func validateDigest(_ s: String) -> Bool {
        let u = Array(s.unicodeScalars)
        guard let colon = u.firstIndex(of: ":"), colon > 0, colon + 1 < u.count else { return false }
        let algorithm = str(Array(u[..<colon]))
        let encoded = u[(colon + 1)...]
        let length: Int
        switch algorithm {
        case "sha256": length = 64
        case "sha384": length = 96
        case "sha512": length = 128
        default: return false  // ErrDigestUnsupported or ErrDigestInvalidFormat
        }
        return encoded.count == length && encoded.allSatisfy { ("0"..."9").contains($0) || ("a"..."f").contains($0) }
    }

    /// Go's strings.ToLower, rune by rune (simple case mapping, approximated by
    /// the scalar's lowercase mapping when that is a single scalar).
    private func goToLower(_ s: [Unicode.Scalar]) -> [Unicode.Scalar] {
        s.map { sc in
            let mapped = Array(sc.properties.lowercaseMapping.unicodeScalars)
            return mapped.count == 1 ? mapped[0] : sc
        }
    }

    private func str(_ s: [Unicode.Scalar]) -> String {
        var v = String.UnicodeScalarView()
        v.append(contentsOf: s)
        return String(v)
    }
}

extension Issue {
    static func recordOracleFailure(_ message: String) {
        Issue.record(Comment(rawValue: "oracle regex failed to compile: " + message))
    }
}

/// The oracle's random inputs: grammar-built references, mutations of them, and random strings.
private struct OracleRandom: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed == 0 ? 0x9E37_79B9_7F4A_7C15 : seed }
    mutating func next() -> UInt64 {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return state &* 0x2545_F491_4F6C_DD1D
    }
    mutating func below(_ n: Int) -> Int { n <= 1 ? 0 : Int(next() % UInt64(n)) }
    mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
    mutating func pick<T>(_ a: [T]) -> T { a[below(a.count)] }
}

/// Mostly grammar characters, some hostile ones.
private let grammarAlphabet: [String] =
    Array("abcdefxyz0189").map(String.init)
    + ["a", "b", "c", "0", "9", "f", "e", "A", "F", "Z", ".", ".", "_", "_", "-", "-", "/", "/", "/", ":", ":", "@", "[", "]"]
private let hostileAlphabet: [String] = [
    " ", "\t", "\n", "\r", "\u{0}", "é", "\u{301}", "\u{200B}", "\u{FEFF}", "\u{A0}", "$", "{", "}", "<", ">",
    "!", "%", "+", "#", "\"", "\\", "🐳", "İ", "K", "\u{212A}", "ß", "\u{7F}", "\u{202E}", "*", "?", "=", "~", ",",
]
private let fragments: [String] = [
    "docker.io", "index.docker.io", "localhost", "library", "nginx", "sha256", "sha384", "sha512", "md5",
    "latest", "Latest", "5000", "[::1]", "[fe80::1]", "example.com", "Registry.Example.COM", "a_b.c", "http://",
    "${IMAGE}", "{{ .Values.image }}", "__IMAGE__", "ko://", "\(String(repeating: "ab", count: 32))",
]

private enum RandomReferences {
    static let hex = Array("0123456789abcdef").map(String.init)

    static func pathComponent(_ r: inout OracleRandom) -> String {
        let alnum = Array("abcdefghijklmnopqrstuvwxyz0123456789").map(String.init)
        var s = ""
        for _ in 0...r.below(3) {
            if !s.isEmpty { s += r.pick([".", "_", "__", "-", "--", "---"]) }
            for _ in 0...r.below(6) { s += r.pick(alnum) }
        }
        return s
    }

    static func domain(_ r: inout OracleRandom) -> String? {
        switch r.below(10) {
        case 0, 1, 2: return nil
        case 3: return "localhost" + (r.chance(50) ? ":\(r.below(70000))" : "")
        case 4: return r.pick(["docker.io", "index.docker.io", "ghcr.io", "quay.io", "Registry.Example.com", "gcr.io"])
        case 5: return "[" + r.pick(["::1", "fe80::1", "2001:db8::", "FC00:1:2:3:4:5:6:7"]) + "]" + (r.chance(50) ? ":5000" : "")
        case 6: return "\(r.below(256)).\(r.below(256)).\(r.below(256)).\(r.below(256))" + (r.chance(50) ? ":\(r.below(99999))" : "")
        case 7: return r.pick(["MyReg", "REG", "Foo-Bar", "X"])  // upper case makes it a domain
        case 8: return r.pick(["my_reg.local", "a_b.c", "x__y.z"])  // domain-less path fallback
        default:
            let letters = Array("abcdefghijklmnopqrstuvwxyzABC0123456789").map(String.init)
            var parts: [String] = []
            for _ in 0...r.below(3) {
                var p = r.pick(letters)
                for _ in 0..<r.below(5) { p += r.pick(letters + ["-"]) }
                if p.hasSuffix("-") { p += "x" }
                parts.append(p)
            }
            return parts.joined(separator: ".") + ".io" + (r.chance(30) ? ":\(r.below(65536))" : "")
        }
    }

    static func tag(_ r: inout OracleRandom) -> String {
        let first = Array("abcxyzABC019_").map(String.init)
        let rest = first + [".", "-"]
        var s = r.pick(first)
        let length = r.chance(3) ? 120 + r.below(12) : r.below(12)
        for _ in 0..<length { s += r.pick(rest) }
        return s
    }

    static func digest(_ r: inout OracleRandom) -> String {
        let (alg, len) = r.pick([("sha256", 64), ("sha384", 96), ("sha512", 128), ("sha256", 64)])
        var s = alg + ":"
        for _ in 0..<len { s += r.pick(hex) }
        return s
    }

    /// A reference built from the grammar (usually, not always, valid).
    static func reference(_ r: inout OracleRandom) -> String {
        var s = ""
        if let d = domain(&r) { s += d + "/" }
        var components: [String] = []
        for _ in 0...r.below(3) { components.append(pathComponent(&r)) }
        s += components.joined(separator: "/")
        if r.chance(60) { s += ":" + (r.chance(15) ? r.pick(["latest", "Latest", "LATEST"]) : tag(&r)) }
        if r.chance(30) { s += "@" + digest(&r) }
        return s
    }

    static func randomString(_ r: inout OracleRandom) -> String {
        var s = ""
        for _ in 0..<r.below(40) {
            switch r.below(100) {
            case 0..<80: s += r.pick(grammarAlphabet)
            case 80..<92: s += r.pick(hostileAlphabet)
            default: s += r.pick(fragments)
            }
        }
        return s
    }

    static func mutate(_ input: String, _ r: inout OracleRandom) -> String {
        var u = Array(input.unicodeScalars)
        for _ in 0...r.below(3) {
            let pool = r.chance(75) ? grammarAlphabet : hostileAlphabet
            let insert = Array(r.pick(pool).unicodeScalars)
            let at = r.below(u.count + 1)
            switch r.below(5) {
            case 0: u.insert(contentsOf: insert, at: at)
            case 1: if at < u.count { u.remove(at: at) }
            case 2: if at < u.count { u.replaceSubrange(at...at, with: insert) }
            case 3: if at < u.count { u.insert(u[at], at: at) }
            default:
                if at < u.count, (0x61...0x7A).contains(u[at].value), let up = Unicode.Scalar(u[at].value - 0x20) { u[at] = up }
            }
        }
        var v = String.UnicodeScalarView()
        v.append(contentsOf: u)
        return String(v)
    }
}

@Suite("Image references against an independent model of kubelet's parser")
struct ImageReferenceOracleTests {
    @Test("the oracle itself is not vacuous")
    func oracleSanity() {
        let oracle = Oracle()
        let hex = String(repeating: "0123456789abcdef", count: 4)
        #expect(oracle.parse("nginx") == OracleResult(domain: "docker.io", path: "library/nginx", tag: nil, digest: nil))
        #expect(oracle.parse("a_b.c/d:1") == OracleResult(domain: "", path: "a_b.c/d", tag: "1", digest: nil))
        #expect(
            oracle.parse("reg:5000/app@sha256:" + hex) == OracleResult(domain: "reg:5000", path: "app", tag: nil, digest: "sha256:" + hex))
        #expect(oracle.parse("Nginx") == nil)
        #expect(oracle.parse(hex) == nil)
        #expect(oracle.parse("nginx@sha256:" + hex.uppercased()) == nil)
    }

    /// Same verdict, same name, tag and digest, on grammar-built, mutated and random inputs.
    @Test(arguments: [UInt64(0xA11CE), 0xB0B5, 0xCAFE_F00D])
    func agreesWithOracle(seed: UInt64) {
        let oracle = Oracle()
        var random = OracleRandom(seed: seed)
        var disagreements: [String] = []
        for _ in 0..<8_000 {
            let input: String
            switch random.below(3) {
            case 0: input = RandomReferences.reference(&random)
            case 1: input = RandomReferences.mutate(RandomReferences.reference(&random), &random)
            default: input = RandomReferences.randomString(&random)
            }
            let expected = oracle.parse(input)
            switch ImageReference.parse(input) {
            case .success(let parsed):
                guard let expected else {
                    disagreements.append("accepted, kubelet rejects: \(input.debugDescription)")
                    continue
                }
                let name = expected.domain.isEmpty ? expected.path : expected.domain + "/" + expected.path
                if parsed.normalizedName != name || parsed.tag != expected.tag || parsed.digest?.description != expected.digest {
                    disagreements.append("\(input.debugDescription): \(parsed.normalizedName) vs \(expected)")
                }
            case .failure:
                if let expected { disagreements.append("rejected, kubelet accepts: \(input.debugDescription) (\(expected))") }
            }
        }
        #expect(disagreements.isEmpty, "\(disagreements.prefix(10))")
    }
}
