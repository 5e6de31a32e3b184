// The parts of Go's net/url.Parse, net.SplitHostPort, net/netip.ParseAddr
// and path/filepath.Match that kubelet's keyring depends on, on raw bytes.
//
// url.Parse follows current Go (1.25.8 and 1.26.1 and later, the versions
// `GoURLError.bracketNotAtStart` names): a bracketed host must hold a valid
// IPv6 address (not IPv4), a '[' anywhere but at the start of the host is
// rejected, and for http/https the port starts at the FIRST colon, so
// "host:1:2" is rejected.

struct GoURL: Sendable, Equatable {
    var scheme: [UInt8] = []
    var opaque: [UInt8] = []
    var hasUserinfo = false
    var host: [UInt8] = []
    var path: [UInt8] = []
}

enum GoURLError: Error, Sendable, Equatable {
    case controlCharacter
    case missingScheme
    case colonInFirstPathSegment
    case invalidEscape
    case invalidHostCharacter
    case invalidPort
    case missingClosingBracket
    case invalidIPLiteral
    case bracketNotAtStart
    case invalidUserinfo

    var text: String {
        switch self {
        case .controlCharacter: return "it contains a control character"
        case .missingScheme: return "it has an empty scheme"
        case .colonInFirstPathSegment: return "its first path segment contains a colon"
        case .invalidEscape: return "it contains an invalid percent-escape"
        case .invalidHostCharacter: return "its host contains a character that is not allowed in a host name"
        case .invalidPort: return "its port is not numeric"
        case .missingClosingBracket: return "its IPv6 host lacks the closing ']'"
        case .invalidIPLiteral: return "the brackets of its host do not hold a valid IPv6 address"
        case .bracketNotAtStart:
            return
                "its host contains '[' other than at the start of an IPv6 address; Go 1.25.8 and 1.26.1 and later reject that, so current kubelets ignore the key (older ones read it as a glob class)"
        case .invalidUserinfo: return "its user information contains invalid characters"
        }
    }
}

enum GoURLParser {
    private enum Mode { case host, zone, path, userPassword, fragment }

    private static func firstIndex(_ s: ArraySlice<UInt8>, _ c: UInt8) -> Int? { s.firstIndex(of: c) }
    private static func lastIndex(_ s: ArraySlice<UInt8>, _ c: UInt8) -> Int? { s.lastIndex(of: c) }

    static func isHex(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46)
    }

    static func unhex(_ c: UInt8) -> UInt8 {
        switch c {
        case 0x30...0x39: return c - 0x30
        case 0x61...0x66: return c - 0x61 + 10
        case 0x41...0x46: return c - 0x41 + 10
        default: return 0
        }
    }

    /// shouldEscape(c, encodeHost) for ASCII bytes.
    static func hostByteNeedsEscape(_ c: UInt8) -> Bool {
        switch c {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A:
            return false
        case UInt8(ascii: "!"), UInt8(ascii: "$"), UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "("),
            UInt8(ascii: ")"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: ";"),
            UInt8(ascii: "="), UInt8(ascii: ":"), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "<"),
            UInt8(ascii: ">"), UInt8(ascii: "\""), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
            UInt8(ascii: "~"):
            return false
        default:
            return true
        }
    }

    /// Go's unescape for the modes used by Parse (never the query modes).
    private static func unescape(_ s: ArraySlice<UInt8>, _ mode: Mode) -> Result<[UInt8], GoURLError> {
        let bytes = Array(s)
        let n = bytes.count
        var i = 0
        var percents = 0
        while i < n {
            let c = bytes[i]
            if c == UInt8(ascii: "%") {
                percents += 1
                if i + 2 >= n || !isHex(bytes[i + 1]) || !isHex(bytes[i + 2]) {
                    return .failure(.invalidEscape)
                }
                let isPercent25 = bytes[i + 1] == UInt8(ascii: "2") && bytes[i + 2] == UInt8(ascii: "5")
                if mode == .host && unhex(bytes[i + 1]) < 8 && !isPercent25 {
                    return .failure(.invalidEscape)
                }
                if mode == .zone {
                    let v = unhex(bytes[i + 1]) << 4 | unhex(bytes[i + 2])
                    if !isPercent25 && v != 0x20 && hostByteNeedsEscape(v) {
                        return .failure(.invalidEscape)
                    }
                }
                i += 3
                continue
            }
            if (mode == .host || mode == .zone) && c < 0x80 && hostByteNeedsEscape(c) {
                return .failure(.invalidHostCharacter)
            }
            i += 1
        }
        if percents == 0 {
            return .success(bytes)
        }
        var out: [UInt8] = []
        out.reserveCapacity(n - 2 * percents)
        i = 0
        while i < n {
            if bytes[i] == UInt8(ascii: "%"), i + 2 < n {
                out.append(unhex(bytes[i + 1]) << 4 | unhex(bytes[i + 2]))
                i += 3
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return .success(out)
    }

    private static func validOptionalPort(_ port: ArraySlice<UInt8>) -> Bool {
        guard let first = port.first else { return true }
        guard first == UInt8(ascii: ":") else { return false }
        return port.dropFirst().allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }

    private static func validUserinfo(_ s: ArraySlice<UInt8>) -> Bool {
        s.allSatisfy { c in
            switch c {
            case 0x30...0x39, 0x41...0x5A, 0x61...0x7A:
                return true
            case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: ":"), UInt8(ascii: "~"),
                UInt8(ascii: "!"), UInt8(ascii: "$"), UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "("),
                UInt8(ascii: ")"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: ";"),
                UInt8(ascii: "="), UInt8(ascii: "%"), UInt8(ascii: "@"):
                return true
            default:
                // Includes every non-ASCII byte: Go ranges over runes and rejects them.
                return false
            }
        }
    }

    private static func parseHost(scheme: [UInt8], _ host: ArraySlice<UInt8>) -> Result<[UInt8], GoURLError> {
        let base = host.startIndex
        if let open = lastIndex(host, UInt8(ascii: "[")) {
            if open > base {
                return .failure(.bracketNotAtStart)
            }
            guard let close = lastIndex(host, UInt8(ascii: "]")) else {
                return .failure(.missingClosingBracket)
            }
            let colonPort = host[(close + 1)...]
            guard validOptionalPort(colonPort) else { return .failure(.invalidPort) }
            let hostname = host[(open + 1)..<close]
            var unescaped: [UInt8]
            if let zone = indexOfPercent25(hostname) {
                switch unescape(hostname[hostname.startIndex..<zone], .host) {
                case .failure(let e): return .failure(e)
                case .success(let part): unescaped = part
                }
                switch unescape(hostname[zone...], .zone) {
                case .failure(let e): return .failure(e)
                case .success(let part): unescaped += part
                }
            } else {
                switch unescape(hostname, .host) {
                case .failure(let e): return .failure(e)
                case .success(let part): unescaped = part
                }
            }
            guard GoNetIP.isBracketableIPv6(unescaped) else { return .failure(.invalidIPLiteral) }
            return .success([UInt8(ascii: "[")] + unescaped + [UInt8(ascii: "]")] + Array(colonPort))
        }
        if var i = firstIndex(host, UInt8(ascii: ":")) {
            let isHTTP = scheme == Array("http".utf8) || scheme == Array("https".utf8)
            if !isHTTP, let last = lastIndex(host, UInt8(ascii: ":")) {
                i = last
            }
            guard validOptionalPort(host[i...]) else { return .failure(.invalidPort) }
        }
        return unescape(host, .host)
    }

    private static func indexOfPercent25(_ s: ArraySlice<UInt8>) -> Int? {
        var i = s.startIndex
        while i + 2 < s.endIndex {
            if s[i] == UInt8(ascii: "%") && s[i + 1] == UInt8(ascii: "2") && s[i + 2] == UInt8(ascii: "5") {
                return i
            }
            i += 1
        }
        return nil
    }

    /// Go's getScheme.
    private static func getScheme(_ raw: ArraySlice<UInt8>) -> Result<(scheme: [UInt8], rest: ArraySlice<UInt8>), GoURLError> {
        var i = raw.startIndex
        while i < raw.endIndex {
            let c = raw[i]
            switch c {
            case 0x41...0x5A, 0x61...0x7A:
                break
            case 0x30...0x39, UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."):
                if i == raw.startIndex { return .success(([], raw)) }
            case UInt8(ascii: ":"):
                if i == raw.startIndex { return .failure(.missingScheme) }
                return .success((Array(raw[raw.startIndex..<i]), raw[(i + 1)...]))
            default:
                return .success(([], raw))
            }
            i += 1
        }
        return .success(([], raw))
    }

    /// Go's url.Parse (viaRequest = false), returning only what kubelet uses.
    static func parse(_ rawURL: [UInt8]) -> Result<GoURL, GoURLError> {
        let whole = rawURL[...]
        var main = whole
        var fragment: ArraySlice<UInt8>? = nil
        if let hash = firstIndex(whole, UInt8(ascii: "#")) {
            main = whole[whole.startIndex..<hash]
            fragment = whole[(hash + 1)...]
        }
        if main.contains(where: { $0 < 0x20 || $0 == 0x7F }) {
            return .failure(.controlCharacter)
        }
        var url = GoURL()
        if main.elementsEqual([UInt8(ascii: "*")]) {
            url.path = [UInt8(ascii: "*")]
        } else {
            var rest: ArraySlice<UInt8>
            switch getScheme(main) {
            case .failure(let e): return .failure(e)
            case .success(let r):
                url.scheme = GoText.lowercasedASCII(r.scheme)
                rest = r.rest
            }
            let questionMarks = rest.reduce(0) { $0 + ($1 == UInt8(ascii: "?") ? 1 : 0) }
            if rest.last == UInt8(ascii: "?") && questionMarks == 1 {
                rest = rest.dropLast()
            } else if let q = firstIndex(rest, UInt8(ascii: "?")) {
                rest = rest[rest.startIndex..<q]
            }
            let slash = UInt8(ascii: "/")
            if rest.first != slash {
                if !url.scheme.isEmpty {
                    url.opaque = Array(rest)
                    return finish(url, fragment)
                }
                let segmentEnd = firstIndex(rest, slash) ?? rest.endIndex
                if rest[rest.startIndex..<segmentEnd].contains(UInt8(ascii: ":")) {
                    return .failure(.colonInFirstPathSegment)
                }
            }
            let hasDoubleSlash = rest.count >= 2 && rest[rest.startIndex] == slash && rest[rest.startIndex + 1] == slash
            let hasTripleSlash = hasDoubleSlash && rest.count >= 3 && rest[rest.startIndex + 2] == slash
            if (!url.scheme.isEmpty || !hasTripleSlash) && hasDoubleSlash {
                var authority = rest[(rest.startIndex + 2)...]
                rest = rest[rest.endIndex...]
                if let i = firstIndex(authority, slash) {
                    rest = authority[i...]
                    authority = authority[authority.startIndex..<i]
                }
                let at = lastIndex(authority, UInt8(ascii: "@"))
                let hostPart = at.map { authority[($0 + 1)...] } ?? authority
                switch parseHost(scheme: url.scheme, hostPart) {
                case .failure(let e): return .failure(e)
                case .success(let host): url.host = host
                }
                if let at {
                    let userinfo = authority[authority.startIndex..<at]
                    guard validUserinfo(userinfo) else { return .failure(.invalidUserinfo) }
                    let colon = firstIndex(userinfo, UInt8(ascii: ":"))
                    let name = colon.map { userinfo[userinfo.startIndex..<$0] } ?? userinfo
                    if case .failure(let e) = unescape(name, .userPassword) { return .failure(e) }
                    if let colon, case .failure(let e) = unescape(userinfo[(colon + 1)...], .userPassword) {
                        return .failure(e)
                    }
                    url.hasUserinfo = true
                }
            }
            switch unescape(rest, .path) {
            case .failure(let e): return .failure(e)
            case .success(let path): url.path = path
            }
        }
        return finish(url, fragment)
    }

    private static func finish(_ url: GoURL, _ fragment: ArraySlice<UInt8>?) -> Result<GoURL, GoURLError> {
        if let fragment, !fragment.isEmpty, case .failure(let e) = unescape(fragment, .fragment) {
            return .failure(e)
        }
        return .success(url)
    }

    /// Go's net.SplitHostPort; nil where it returns an error.
    static func splitHostPort(_ hostport: [UInt8]) -> (host: [UInt8], port: [UInt8])? {
        let colon = UInt8(ascii: ":")
        guard let i = hostport.lastIndex(of: colon) else { return nil }
        var host: ArraySlice<UInt8>
        var j = 0
        var k = 0
        if hostport.first == UInt8(ascii: "[") {
            guard let end = hostport.firstIndex(of: UInt8(ascii: "]")) else { return nil }
            if end + 1 == hostport.count {
                return nil
            } else if end + 1 != i {
                return nil
            }
            host = hostport[1..<end]
            j = 1
            k = end + 1
        } else {
            host = hostport[0..<i]
            if host.contains(colon) { return nil }
        }
        if hostport[j...].contains(UInt8(ascii: "[")) { return nil }
        if hostport[k...].contains(UInt8(ascii: "]")) { return nil }
        return (Array(host), Array(hostport[(i + 1)...]))
    }
}

enum GoNetIP {
    /// netip.ParseAddr(s) succeeds and the result is not IPv4: the condition
    /// current Go puts on the contents of a bracketed URL host.
    static func isBracketableIPv6(_ s: [UInt8]) -> Bool {
        for c in s {
            switch c {
            case UInt8(ascii: "."): return false  // parseIPv4: an error, or Is4 -> rejected either way
            case UInt8(ascii: ":"): return parseIPv6(s)
            case UInt8(ascii: "%"): return false
            default: continue
            }
        }
        return false
    }

    private static func hexDigit(_ c: UInt8) -> UInt32? {
        switch c {
        case 0x30...0x39: return UInt32(c - 0x30)
        case 0x61...0x66: return UInt32(c - 0x61 + 10)
        case 0x41...0x46: return UInt32(c - 0x41 + 10)
        default: return nil
        }
    }

    /// Go's parseIPv4Fields on a slice.
    private static func validIPv4Fields(_ s: ArraySlice<UInt8>) -> Bool {
        var val = 0
        var pos = 0
        var digits = 0
        let start = s.startIndex
        var i = start
        while i < s.endIndex {
            let c = s[i]
            if c >= 0x30 && c <= 0x39 {
                if digits == 1 && val == 0 { return false }
                val = val * 10 + Int(c - 0x30)
                digits += 1
                if val > 255 { return false }
            } else if c == UInt8(ascii: ".") {
                if i == start || i == s.endIndex - 1 || s[i - 1] == UInt8(ascii: ".") { return false }
                if pos == 3 { return false }
                pos += 1
                val = 0
                digits = 0
            } else {
                return false
            }
            i += 1
        }
        return pos >= 3
    }

    /// Go's netip parseIPv6 (validity only).
    static func parseIPv6(_ input: [UInt8]) -> Bool {
        var s = input[...]
        if let pct = input.firstIndex(of: UInt8(ascii: "%")) {
            s = input[..<pct]
            if pct + 1 >= input.count { return false }  // empty zone
        }
        let end = s.endIndex
        var ellipsis = -1
        if s.count >= 2 && s[s.startIndex] == UInt8(ascii: ":") && s[s.startIndex + 1] == UInt8(ascii: ":") {
            ellipsis = 0
            s = s.dropFirst(2)
            if s.isEmpty { return true }
        }
        var i = 0
        while i < 16 {
            var off = 0
            var acc: UInt32 = 0
            while off < s.count {
                guard let d = hexDigit(s[s.startIndex + off]) else { break }
                acc = (acc << 4) + d
                if off > 3 { return false }
                if acc > 0xFFFF { return false }
                off += 1
            }
            if off == 0 { return false }
            if off < s.count && s[s.startIndex + off] == UInt8(ascii: ".") {
                if ellipsis < 0 && i != 12 { return false }
                if i + 4 > 16 { return false }
                if !validIPv4Fields(input[s.startIndex..<end]) { return false }
                s = s[s.endIndex...]
                i += 4
                break
            }
            i += 2
            s = s.dropFirst(off)
            if s.isEmpty { break }
            if s[s.startIndex] != UInt8(ascii: ":") { return false }
            if s.count == 1 { return false }
            s = s.dropFirst()
            if s[s.startIndex] == UInt8(ascii: ":") {
                if ellipsis >= 0 { return false }
                ellipsis = i
                s = s.dropFirst()
                if s.isEmpty { break }
            }
        }
        if !s.isEmpty { return false }
        if i < 16 {
            if ellipsis < 0 { return false }
        } else if ellipsis >= 0 {
            return false
        }
        return true
    }
}

enum GoGlob {
    /// Go's path/filepath.Match on Unix (separator '/'), on bytes.
    /// Returns nil where Go returns ErrBadPattern.
    static func match(_ patternBytes: [UInt8], _ nameBytes: [UInt8]) -> Bool? {
        var pattern = patternBytes[...]
        var name = nameBytes[...]
        patternLoop: while !pattern.isEmpty {
            let (star, chunk, rest) = scanChunk(pattern)
            pattern = rest
            if star && chunk.isEmpty {
                return !name.contains(UInt8(ascii: "/"))
            }
            let first = matchChunk(chunk, name)
            if case .matched(let t) = first, t.isEmpty || !pattern.isEmpty {
                name = t
                continue
            }
            if case .bad = first {
                return nil
            }
            if star {
                var i = name.startIndex
                while i < name.endIndex && name[i] != UInt8(ascii: "/") {
                    let attempt = matchChunk(chunk, name[(i + 1)...])
                    switch attempt {
                    case .matched(let t):
                        if pattern.isEmpty && !t.isEmpty {
                            i += 1
                            continue
                        }
                        name = t
                        continue patternLoop
                    case .bad:
                        return nil
                    case .failed:
                        break
                    }
                    i += 1
                }
            }
            // Before returning false, check the rest of the pattern is well formed.
            while !pattern.isEmpty {
                let (_, c, r) = scanChunk(pattern)
                pattern = r
                if case .bad = matchChunk(c, [][...]) {
                    return nil
                }
            }
            return false
        }
        return name.isEmpty
    }

    private static func scanChunk(_ p: ArraySlice<UInt8>) -> (star: Bool, chunk: ArraySlice<UInt8>, rest: ArraySlice<UInt8>) {
        var pattern = p
        var star = false
        while pattern.first == UInt8(ascii: "*") {
            pattern = pattern.dropFirst()
            star = true
        }
        var inRange = false
        var i = pattern.startIndex
        scan: while i < pattern.endIndex {
            switch pattern[i] {
            case UInt8(ascii: "\\"):
                if i + 1 < pattern.endIndex {
                    i += 1
                }
            case UInt8(ascii: "["):
                inRange = true
            case UInt8(ascii: "]"):
                inRange = false
            case UInt8(ascii: "*"):
                if !inRange { break scan }
            default:
                break
            }
            i += 1
        }
        return (star, pattern[pattern.startIndex..<i], pattern[i...])
    }

    private enum ChunkResult {
        case matched(ArraySlice<UInt8>)
        case failed
        case bad
    }

    private static func decodeRune(_ s: ArraySlice<UInt8>) -> (UInt32, Int) {
        guard !s.isEmpty else { return (GoText.runeError, 0) }
        return GoText.decodeRune(Array(s.prefix(4)), at: 0)
    }

    private static func getEsc(_ c: ArraySlice<UInt8>) -> (rune: UInt32, rest: ArraySlice<UInt8>)? {
        var chunk = c
        guard let first = chunk.first, first != UInt8(ascii: "-"), first != UInt8(ascii: "]") else { return nil }
        if first == UInt8(ascii: "\\") {
            chunk = chunk.dropFirst()
            if chunk.isEmpty { return nil }
        }
        let (r, n) = decodeRune(chunk)
        if r == GoText.runeError && n == 1 { return nil }
        let rest = chunk.dropFirst(max(n, 1))
        if rest.isEmpty { return nil }
        return (r, rest)
    }

    private static func matchChunk(_ c: ArraySlice<UInt8>, _ str: ArraySlice<UInt8>) -> ChunkResult {
        var chunk = c
        var s = str
        var failed = false
        while let head = chunk.first {
            if !failed && s.isEmpty {
                failed = true
            }
            switch head {
            case UInt8(ascii: "["):
                var r: UInt32 = 0
                if !failed {
                    let (rr, n) = decodeRune(s)
                    r = rr
                    s = s.dropFirst(max(n, 1))
                }
                chunk = chunk.dropFirst()
                var negated = false
                if chunk.first == UInt8(ascii: "^") {
                    negated = true
                    chunk = chunk.dropFirst()
                }
                var matched = false
                var ranges = 0
                while true {
                    if chunk.first == UInt8(ascii: "]") && ranges > 0 {
                        chunk = chunk.dropFirst()
                        break
                    }
                    guard let (lo, afterLo) = getEsc(chunk) else { return .bad }
                    chunk = afterLo
                    var hi = lo
                    if chunk.first == UInt8(ascii: "-") {
                        guard let (h, afterHi) = getEsc(chunk.dropFirst()) else { return .bad }
                        hi = h
                        chunk = afterHi
                    }
                    if lo <= r && r <= hi {
                        matched = true
                    }
                    ranges += 1
                }
                if matched == negated {
                    failed = true
                }
            case UInt8(ascii: "?"):
                if !failed {
                    if s.first == UInt8(ascii: "/") {
                        failed = true
                    }
                    let (_, n) = decodeRune(s)
                    s = s.dropFirst(max(n, 1))
                }
                chunk = chunk.dropFirst()
            default:
                var literal = head
                if head == UInt8(ascii: "\\") {
                    chunk = chunk.dropFirst()
                    guard let escaped = chunk.first else { return .bad }
                    literal = escaped
                }
                if !failed {
                    if s.first != literal {
                        failed = true
                    }
                    s = s.dropFirst()
                }
                chunk = chunk.dropFirst()
            }
        }
        if failed {
            return .failed
        }
        return .matched(s)
    }
}
