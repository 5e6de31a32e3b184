/// `WWW-Authenticate` challenges (RFC 7235) as registries send them:
/// `Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull,push"`.
/// Quoted values may hold commas and escaped quotes, so the header is tokenised, never split on commas.
public struct AuthChallenge: Sendable, Hashable {
    /// Lower-cased scheme: `basic` or `bearer` (others are kept and ignored).
    public var scheme: String
    /// Lower-cased parameter names; values unquoted.
    public var parameters: [String: String]

    public init(scheme: String, parameters: [String: String]) {
        self.scheme = scheme
        self.parameters = parameters
    }

    public subscript(_ name: String) -> String? { parameters[name] }

    /// Every challenge in one or more header values.
    public static func parse(_ values: [String]) -> [AuthChallenge] { values.flatMap { parse($0) } }

    /// Every challenge in one header value.
    public static func parse(_ value: String) -> [AuthChallenge] {
        var scanner = Scanner(Array(value.utf8))
        var challenges: [AuthChallenge] = []
        while true {
            scanner.skip(while: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\t") })
            guard let scheme = scanner.token(), !scheme.isEmpty else { break }
            var challenge = AuthChallenge(scheme: scheme.lowercased(), parameters: [:])
            // Parameters: name=value pairs separated by commas, until the next scheme (a token not followed by '=').
            while true {
                let mark = scanner.position
                scanner.skip(while: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\t") })
                guard let name = scanner.token(), !name.isEmpty else {
                    scanner.position = mark
                    break
                }
                scanner.skip(while: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") })
                guard scanner.consume(UInt8(ascii: "=")) else {
                    // `token68` (no `=`) or the next challenge's scheme.
                    scanner.position = mark
                    break
                }
                scanner.skip(while: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") })
                let value = scanner.quoted() ?? scanner.token() ?? ""
                challenge.parameters[name.lowercased()] = value
            }
            challenges.append(challenge)
            if scanner.atEnd { break }
            // A token68 after a scheme (`Negotiate abc==`): skip it.
            if scanner.position == scanner.bytes.count { break }
            let before = scanner.position
            scanner.skip(while: { $0 != UInt8(ascii: ",") })
            if scanner.position == before && !scanner.atEnd { scanner.position += 1 }
        }
        return challenges
    }

    private struct Scanner {
        let bytes: [UInt8]
        var position = 0
        init(_ bytes: [UInt8]) { self.bytes = bytes }
        var atEnd: Bool { position >= bytes.count }

        mutating func skip(while predicate: (UInt8) -> Bool) {
            while position < bytes.count, predicate(bytes[position]) { position += 1 }
        }

        mutating func consume(_ byte: UInt8) -> Bool {
            guard position < bytes.count, bytes[position] == byte else { return false }
            position += 1
            return true
        }

        /// An RFC 7230 token (letters, digits and `!#$%&'*+-.^_`|~`), plus `/` and `:` some servers leave unquoted.
        mutating func token() -> String? {
            let start = position
            while position < bytes.count, Self.isTokenByte(bytes[position]) { position += 1 }
            return position > start ? String(decoding: bytes[start..<position], as: UTF8.self) : nil
        }

        /// A quoted string with backslash escapes.
        mutating func quoted() -> String? {
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { return nil }
            position += 1
            var value: [UInt8] = []
            while position < bytes.count {
                let byte = bytes[position]
                position += 1
                if byte == UInt8(ascii: "\\"), position < bytes.count {
                    value.append(bytes[position])
                    position += 1
                } else if byte == UInt8(ascii: "\"") {
                    return String(decoding: value, as: UTF8.self)
                } else {
                    value.append(byte)
                }
            }
            return String(decoding: value, as: UTF8.self)
        }

        static func isTokenByte(_ byte: UInt8) -> Bool {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
            case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"), UInt8(ascii: "'"),
                UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "_"),
                UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"), UInt8(ascii: "/"), UInt8(ascii: ":"):
                true
            default: false
            }
        }
    }
}
