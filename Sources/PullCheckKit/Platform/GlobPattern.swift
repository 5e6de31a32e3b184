/// A shell-style pattern: `*` matches any run of characters except the separator, `**` also
/// crosses separators, `?` matches one character other than the separator, `[abc]`, `[a-z]` and
/// `[!a-z]` match one character of (or not of) a class. Matching is on Unicode scalars and
/// linear in practice (a classic two-pointer backtracking match, no recursion).
public struct GlobPattern: Sendable, Hashable, CustomStringConvertible {
    public let pattern: String
    let separator: Unicode.Scalar?
    private let tokens: [Token]

    enum Token: Hashable, Sendable {
        case literal(Unicode.Scalar)
        case any  // ?
        case star  // *
        case globstar  // **
        case set(negated: Bool, ranges: [ClosedRange<UInt32>])
    }

    /// - Parameter separator: the character `*` and `?` do not match (`/` for paths, `.` for
    ///   host names, nil for plain strings such as tags).
    init(_ pattern: String, separator: Unicode.Scalar? = nil) {
        self.pattern = pattern
        self.separator = separator
        tokens = Self.compile(Array(pattern.unicodeScalars))
    }

    public var description: String { pattern }

    /// Whether the pattern has wildcards at all.
    var isLiteral: Bool {
        tokens.allSatisfy { if case .literal = $0 { return true } else { return false } }
    }

    private static func compile(_ p: [Unicode.Scalar]) -> [Token] {
        var tokens: [Token] = []
        var i = 0
        while i < p.count {
            let c = p[i]
            switch c {
            case "*":
                if i + 1 < p.count && p[i + 1] == "*" {
                    tokens.append(.globstar)
                    i += 2
                    while i < p.count && p[i] == "*" { i += 1 }
                    continue
                }
                tokens.append(.star)
            case "?":
                tokens.append(.any)
            case "[":
                if let (token, next) = compileSet(p, from: i + 1) {
                    tokens.append(token)
                    i = next
                    continue
                }
                tokens.append(.literal(c))
            case "\\" where i + 1 < p.count:
                tokens.append(.literal(p[i + 1]))
                i += 2
                continue
            default:
                tokens.append(.literal(c))
            }
            i += 1
        }
        return tokens
    }

    /// Parses a class after `[`; nil when it is not closed (then `[` is literal).
    private static func compileSet(_ p: [Unicode.Scalar], from start: Int) -> (Token, Int)? {
        var i = start
        var negated = false
        if i < p.count && (p[i] == "!" || p[i] == "^") {
            negated = true
            i += 1
        }
        var ranges: [ClosedRange<UInt32>] = []
        var first = true
        while i < p.count {
            if p[i] == "]" && !first { return (.set(negated: negated, ranges: ranges), i + 1) }
            first = false
            let low = p[i].value
            if i + 2 < p.count && p[i + 1] == "-" && p[i + 2] != "]" {
                let high = p[i + 2].value
                if low <= high { ranges.append(low...high) }
                i += 3
            } else {
                ranges.append(low...low)
                i += 1
            }
        }
        return nil
    }

    func matches(_ text: String) -> Bool {
        let s = Array(text.unicodeScalars)
        var ti = 0
        var si = 0
        // Backtracking points: the last `*` (cannot cross the separator) and the last `**`.
        var star: (token: Int, text: Int)?
        var globstar: (token: Int, text: Int)?
        while si < s.count {
            if ti < tokens.count {
                switch tokens[ti] {
                case .star:
                    star = (ti, si)
                    ti += 1
                    continue
                case .globstar:
                    globstar = (ti, si)
                    star = nil
                    ti += 1
                    continue
                case .literal(let c) where c == s[si]:
                    ti += 1
                    si += 1
                    continue
                case .any where s[si] != separator:
                    ti += 1
                    si += 1
                    continue
                case .set(let negated, let ranges) where s[si] != separator:
                    let inSet = ranges.contains { $0.contains(s[si].value) }
                    if inSet != negated {
                        ti += 1
                        si += 1
                        continue
                    }
                default:
                    break
                }
            }
            // Mismatch: let the last `*` swallow one more character if it may, else the last `**`.
            if let current = star, s[current.text] != separator {
                star = (current.token, current.text + 1)
                si = current.text + 1
                ti = current.token + 1
            } else if let current = globstar {
                star = nil
                globstar = (current.token, current.text + 1)
                si = current.text + 1
                ti = current.token + 1
            } else {
                return false
            }
        }
        while ti < tokens.count {
            switch tokens[ti] {
            case .star, .globstar: ti += 1
            default: return false
            }
        }
        return true
    }
}
