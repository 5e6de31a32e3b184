import TextSupport

/// The pull policy values the API server accepts.
public enum PullPolicy: String, Sendable, Hashable, CaseIterable {
    case always = "Always"
    case ifNotPresent = "IfNotPresent"
    case never = "Never"
}

/// A content digest: `algorithm:hex`.
public struct ImageDigest: Hashable, Sendable, CustomStringConvertible {
    let algorithm: String
    let hex: String
    public var description: String { "\(algorithm):\(hex)" }
}

/// An image reference as kubelet understands it: parsed with the grammar and normalization of
/// distribution/reference (`ParseNormalizedNamed`, which kubelet's `ParseImageName` calls), with
/// go-digest's validation of the digest. Every input is either accepted exactly as kubelet accepts
/// it, or rejected with a category, a message for people, and the offset of the fault.
///
/// Grammar (ASCII only):
///
///     reference   := name [ ":" tag ] [ "@" digest ]
///     name        := [ domain "/" ] component ( "/" component )*
///     domain      := host [ ":" port ]            host := label ("." label)* | "[" ipv6 "]"
///     label       := [A-Za-z0-9] | [A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9]
///     component   := [a-z0-9]+ ( ( "." | "_" | "__" | "-"+ ) [a-z0-9]+ )*
///     tag         := [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}
///     digest      := algorithm ":" hex             (sha256: 64, sha384: 96, sha512: 128 lowercase hex)
///
/// The first component is a domain only if it contains `.` or `:`, is `localhost`, or has an
/// uppercase letter; otherwise the image is on Docker Hub (`docker.io`), where a one-component
/// name gets `library/`. `index.docker.io` is normalized to `docker.io`. The path (with
/// `library/`, without the domain) may be at most 255 characters. A bare 64-hex string is an
/// image ID, not a name.
///
/// A first component that is taken for a domain (it has a `.`) but is no valid host while it is
/// a valid path component, such as `my_registry.local/app`, is still accepted: the pattern then
/// matches the whole name as a path with no domain, and the 255 limit covers the whole name.
/// `domain` is that component as written (what kubelet's credential lookup and the runtime take
/// for the host), so `normalizedName` is the name kubelet pulls.
public struct ImageReference: Hashable, Sendable {
    /// The registry, normalized: `docker.io` for Docker Hub.
    public let domain: String
    /// The repository path, normalized: `library/nginx`.
    public let path: String
    public let tag: String?
    public let digest: ImageDigest?
    /// Where the parts are in the input, as offsets in Unicode scalars (half-open).
    public let domainRange: Range<Int>?
    public let pathRange: Range<Int>
    public let tagRange: Range<Int>?
    let digestRange: Range<Int>?

    static let dockerHub = "docker.io"
    static let maxPathLength = 255
    static let maxTagLength = 128

    /// `docker.io/library/nginx`.
    public var normalizedName: String { domain + "/" + path }

    /// What kubelet asks the container runtime for: the normalized name with `latest` when there
    /// is neither tag nor digest.
    public var pullReference: String {
        var text = normalizedName
        if let tag {
            text += ":" + tag
        } else if digest == nil {
            text += ":latest"
        }
        if let digest { text += "@" + digest.description }
        return text
    }

    /// What the API server assigns when `imagePullPolicy` is empty: `Always` when the tag is
    /// exactly `latest` (also with a digest beside it) or there is neither tag nor digest.
    public var defaultPullPolicy: PullPolicy {
        if tag == "latest" || (tag == nil && digest == nil) { return .always }
        return .ifNotPresent
    }

    public var isDockerHub: Bool { domain == Self.dockerHub }
    var isPinnedByDigest: Bool { digest != nil }

    /// The placeholder in `text` (`{{ }}`, `${VAR}`, `$(VAR)`, `<name>`, `ko://`, `ALL_CAPS`), if it holds
    /// one: for fields other than images, such as a pull policy or a Secret name.
    public static func placeholder(in text: String) -> ImageReferenceError? {
        guard !text.isEmpty else { return nil }
        let parser = ImageReferenceParser(text)
        if var found = parser.placeholderError() ?? parser.koScheme() {
            found.isPlaceholder = true
            return found
        }
        return nil
    }

    public static func parse(_ input: String) -> Result<ImageReference, ImageReferenceError> {
        var parser = ImageReferenceParser(input)
        return parser.parse()
    }
}

/// Why an image reference does not parse.
public struct ImageReferenceError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Category: String, Sendable, CaseIterable {
        case empty
        case invalidFormat = "invalid-format"
        case uppercase
        case nameTooLong = "name-too-long"
        case tagTooLong = "tag-too-long"
        case invalidDigest = "invalid-digest"
        case hexIdentifier = "hex-identifier"
    }

    public let category: Category
    /// Lower-case, no trailing period.
    public let message: String
    /// Where it goes wrong: an offset in Unicode scalars into the input.
    public let offset: Int
    /// How many scalars the fault spans (at least 1, except for empty input).
    public let length: Int
    /// The reference is a placeholder for something else to fill in (`{{ }}`, `${VAR}`, `<image>`,
    /// `ko://`, `ALL_CAPS`), not a mistyped reference.
    public internal(set) var isPlaceholder = false

    public init(category: Category, message: String, offset: Int, length: Int, isPlaceholder: Bool = false) {
        self.category = category
        self.message = message
        self.offset = offset
        self.length = length
        self.isPlaceholder = isPlaceholder
    }

    public var description: String { message }
}

/// A linear, non-backtracking scanner over the input's bytes. Offsets are kept in bytes and
/// converted to Unicode scalars at the end (a valid reference is ASCII, so they only differ for
/// rejected input).
struct ImageReferenceParser {
    private let text: String
    private let bytes: [UInt8]

    private let isASCII: Bool

    init(_ text: String) {
        self.text = text
        bytes = Array(text.utf8)
        isASCII = bytes.allSatisfy { $0 < 0x80 }
    }

    // MARK: Character classes

    private static func isLower(_ c: UInt8) -> Bool { c >= 0x61 && c <= 0x7A }
    private static func isUpper(_ c: UInt8) -> Bool { c >= 0x41 && c <= 0x5A }
    private static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
    private static func isAlnum(_ c: UInt8) -> Bool { isLower(c) || isUpper(c) || isDigit(c) }
    private static func isLowerAlnum(_ c: UInt8) -> Bool { isLower(c) || isDigit(c) }
    private static func isWord(_ c: UInt8) -> Bool { isAlnum(c) || c == 0x5F }
    private static func isHex(_ c: UInt8) -> Bool { isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46) }
    private static func isLowerHex(_ c: UInt8) -> Bool { isDigit(c) || (c >= 0x61 && c <= 0x66) }
    private static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D || c == 0x0B || c == 0x0C }

    // MARK: Errors

    private func scalarOffset(_ byteOffset: Int) -> Int {
        // A valid reference is ASCII, where bytes and scalars are the same.
        isASCII ? min(byteOffset, bytes.count) : characterCount(bytes, upTo: byteOffset)
    }

    private func error(_ category: ImageReferenceError.Category, _ message: String, at start: Int, length: Int = 1)
        -> Result<ImageReference, ImageReferenceError>
    {
        let clampedStart = max(0, min(start, bytes.count))
        let end = max(clampedStart, min(bytes.count, clampedStart + max(length, 0)))
        var scalarStart = scalarOffset(clampedStart)
        var scalarLength = scalarOffset(end) - scalarStart
        if scalarLength == 0 && !bytes.isEmpty { scalarLength = 1 }
        // A fault at the very end of the input marks its last character, so the span stays inside.
        let scalarCount = scalarOffset(bytes.count)
        if scalarStart + scalarLength > scalarCount { scalarStart = max(0, scalarCount - scalarLength) }
        return .failure(ImageReferenceError(category: category, message: message, offset: scalarStart, length: scalarLength))
    }

    /// A character for a message: printable ASCII as itself, anything else by its code point.
    private func describeCharacter(at offset: Int) -> String {
        guard offset < bytes.count else { return "end of input" }
        let byte = bytes[offset]
        switch byte {
        case 0x20: return "a space"
        case 0x09: return "a tab"
        case 0x0A: return "a line break"
        case 0x0D: return "a carriage return"
        case 0x21...0x7E: return "\"\(Character(Unicode.Scalar(byte)))\""
        default:
            let scalarIndex = scalarOffset(offset)
            guard let scalar = text.unicodeScalars.dropFirst(scalarIndex).first else { return "a byte 0x\(String(byte, radix: 16))" }
            let hex = String(scalar.value, radix: 16, uppercase: true)
            let code = "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
            return scalar.value < 0x20 || scalar.value == 0x7F ? code : "\"\(scalar)\" (\(code))"
        }
    }

    private func slice(_ range: Range<Int>) -> String {
        String(decoding: bytes[max(0, range.lowerBound)..<min(bytes.count, range.upperBound)], as: UTF8.self)
    }

    // MARK: Parsing

    mutating func parse() -> Result<ImageReference, ImageReferenceError> {
        let result = parseGrammar()
        guard case .failure(let failure) = result else { return result }
        guard var placeholder = placeholderError() ?? (koScheme() != nil ? failure : nil) else { return result }
        placeholder.isPlaceholder = true
        return .failure(placeholder)
    }

    private func parseGrammar() -> Result<ImageReference, ImageReferenceError> {
        let n = bytes.count
        guard n > 0 else {
            return .failure(ImageReferenceError(category: .empty, message: "image reference is empty", offset: 0, length: 0))
        }
        if Self.isSpace(bytes[0]) {
            return error(.invalidFormat, "image reference has leading white space (\(describeCharacter(at: 0)))", at: 0)
        }
        if Self.isSpace(bytes[n - 1]) {
            var start = n - 1
            while start > 0 && Self.isSpace(bytes[start - 1]) { start -= 1 }
            return error(
                .invalidFormat, "image reference has trailing white space (\(describeCharacter(at: start)))", at: start, length: n - start)
        }
        if let scheme = schemeError() { return .failure(scheme) }
        if n == 64 && bytes.allSatisfy(Self.isLowerHex) {
            return error(
                .hexIdentifier,
                "a bare 64-character hexadecimal string is an image ID, not a repository name; kubelet refuses it",
                at: 0, length: n)
        }

        // Split off the domain as splitDockerDomain does: the first component is a domain only
        // if it contains "." or ":", is "localhost", or has an uppercase letter.
        var domainRange: Range<Int>?
        var position = 0
        if let slash = bytes.firstIndex(of: 0x2F) {
            let first = bytes[0..<slash]
            let looksLikeDomain =
                first.contains(0x2E) || first.contains(0x3A) || first.elementsEqual("localhost".utf8)
                || first.contains(where: Self.isUpper)
            if looksLikeDomain {
                domainRange = 0..<slash
                position = slash + 1
            }
        }

        // The lowercase check on the remote name (up to the first ":") comes before the grammar.
        let remoteEnd = bytes[position...].firstIndex(of: 0x3A) ?? n
        if let upper = bytes[position..<remoteEnd].firstIndex(where: Self.isUpper) {
            if let at = bytes[position..<upper].firstIndex(of: 0x40) {
                return error(.uppercase, "digest algorithm must be lowercase: \"\(slice((at + 1)..<remoteEnd))\"", at: upper)
            }
            var start = upper
            while start > position && bytes[start - 1] != 0x2F { start -= 1 }
            var end = upper
            while end < remoteEnd && bytes[end] != 0x2F && bytes[end] != 0x40 { end += 1 }
            return error(.uppercase, "repository name must be lowercase: \"\(slice(start..<end))\"", at: upper)
        }

        var domain = ImageReference.dockerHub
        // A first component that looked like a domain but is no valid host, while it is a valid
        // path component (`my_registry.local/app`): the reference pattern then matches the whole
        // name as a path without a domain, so kubelet accepts it.
        var hostIsPathComponent = false
        if let range = domainRange {
            if let failure = validateDomain(range) {
                guard isPathComponent(range) else { return .failure(failure) }
                hostIsPathComponent = true
            }
            domain = slice(range)
            if domain == "index.docker.io" { domain = ImageReference.dockerHub }
        }

        // Path components.
        let pathStart = position
        var componentCount = 0
        while true {
            let componentStart = position
            guard position < n, Self.isLowerAlnum(bytes[position]) else {
                return componentError(at: position, componentStart: componentStart, pathStart: pathStart)
            }
            while position < n {
                while position < n && Self.isLowerAlnum(bytes[position]) { position += 1 }
                guard position < n else { break }
                let c = bytes[position]
                let separatorStart = position
                if c == 0x2E {
                    position += 1
                } else if c == 0x5F {
                    position += 1
                    if position < n && bytes[position] == 0x5F { position += 1 }
                } else if c == 0x2D {
                    while position < n && bytes[position] == 0x2D { position += 1 }
                } else {
                    break
                }
                guard position < n, Self.isLowerAlnum(bytes[position]) else {
                    return separatorError(separatorStart..<position)
                }
            }
            componentCount += 1
            if position < n && bytes[position] == 0x2F {
                position += 1
                continue
            }
            break
        }
        let pathEnd = position
        var path = slice(pathStart..<pathEnd)
        if domain == ImageReference.dockerHub && componentCount == 1 && !path.contains("/") {
            path = "library/" + path
        }
        // The limit applies to the path distribution/reference keeps: with "library/", and the
        // whole name when the first component is a path component rather than a host.
        let limitedStart = hostIsPathComponent ? 0 : pathStart
        let limitedLength = hostIsPathComponent ? pathEnd : path.utf8.count
        if limitedLength > ImageReference.maxPathLength {
            return error(
                .nameTooLong,
                "repository name is \(limitedLength) characters long; the limit is \(ImageReference.maxPathLength)",
                at: limitedStart, length: pathEnd - limitedStart)
        }

        // Tag.
        var tag: String?
        var tagRange: Range<Int>?
        if position < n && bytes[position] == 0x3A {
            let tagStart = position + 1
            var end = tagStart
            while end < n && bytes[end] != 0x40 { end += 1 }
            if tagStart == end {
                return error(.invalidFormat, "tag after \":\" is empty; write a tag such as :1.0, or leave out the colon", at: position)
            }
            if !Self.isWord(bytes[tagStart]) {
                return error(
                    .invalidFormat, "tag must start with a letter, digit or underscore, not \(describeCharacter(at: tagStart))",
                    at: tagStart)
            }
            if let bad = bytes[tagStart..<end].firstIndex(where: { !(Self.isWord($0) || $0 == 0x2E || $0 == 0x2D) }) {
                let hint = bytes[bad] == 0x3A ? " (only one \":\" may follow the name, unless it is the registry's port)" : ""
                return error(.invalidFormat, "invalid character \(describeCharacter(at: bad)) in tag\(hint)", at: bad)
            }
            if end - tagStart > ImageReference.maxTagLength {
                return error(
                    .tagTooLong, "tag is \(end - tagStart) characters long; the limit is \(ImageReference.maxTagLength)",
                    at: tagStart, length: end - tagStart)
            }
            tag = slice(tagStart..<end)
            tagRange = tagStart..<end
            position = end
        }

        // Digest.
        var digest: ImageDigest?
        var digestRange: Range<Int>?
        if position < n && bytes[position] == 0x40 {
            let digestStart = position + 1
            switch parseDigest(from: digestStart) {
            case .failure(let failure): return .failure(failure)
            case .success(let parsed):
                digest = parsed
                digestRange = digestStart..<n
                position = n
            }
        }
        if position < n {
            return error(.invalidFormat, "invalid character \(describeCharacter(at: position)) in repository name", at: position)
        }
        return .success(
            ImageReference(
                domain: domain, path: path, tag: tag, digest: digest,
                domainRange: domainRange.map { scalarOffset($0.lowerBound)..<scalarOffset($0.upperBound) },
                pathRange: scalarOffset(pathStart)..<scalarOffset(pathEnd),
                tagRange: tagRange.map { scalarOffset($0.lowerBound)..<scalarOffset($0.upperBound) },
                digestRange: digestRange.map { scalarOffset($0.lowerBound)..<scalarOffset($0.upperBound) }))
    }

    /// `ko://...`, ko's build-time placeholder.
    func koScheme() -> ImageReferenceError? {
        guard let scheme = schemeError(), scheme.message.hasPrefix("\"ko://\"") else { return nil }
        return scheme
    }

    /// `http://`, `docker://`, `ko://` and other URL schemes.
    private func schemeError() -> ImageReferenceError? {
        guard let colon = bytes.firstIndex(of: 0x3A), colon > 0, colon + 2 < bytes.count,
            bytes[colon + 1] == 0x2F, bytes[colon + 2] == 0x2F,
            bytes[0..<colon].allSatisfy({ Self.isAlnum($0) || $0 == 0x2B || $0 == 0x2D || $0 == 0x2E })
        else { return nil }
        let scheme = slice(0..<(colon + 3))
        let message: String
        if scheme.lowercased() == "ko://" {
            message = "\"ko://\" is ko's build-time placeholder; run it through `ko resolve` or `ko apply` to get a real image reference"
        } else {
            message = "\"\(scheme)\" is not part of an image reference; write the registry host without a scheme"
        }
        return ImageReferenceError(category: .invalidFormat, message: message, offset: 0, length: colon + 3)
    }

    private func validateDomain(_ range: Range<Int>) -> ImageReferenceError? {
        var position = range.lowerBound
        let end = range.upperBound
        if bytes[position] == 0x5B {
            // [IPv6]
            guard let close = bytes[position..<end].firstIndex(of: 0x5D) else {
                return failure(.invalidFormat, "IPv6 address in the registry host has no closing \"]\"", at: position)
            }
            let inner = bytes[(position + 1)..<close]
            if inner.isEmpty || !inner.allSatisfy({ Self.isHex($0) || $0 == 0x3A }) {
                let bad = inner.firstIndex { !(Self.isHex($0) || $0 == 0x3A) } ?? (position + 1)
                return failure(.invalidFormat, "invalid IPv6 address in the registry host", at: bad)
            }
            position = close + 1
        } else {
            while true {
                let labelStart = position
                guard position < end, Self.isAlnum(bytes[position]) else {
                    if position < end, bytes[position] != 0x2E, bytes[position] != 0x3A {
                        return failure(
                            .invalidFormat, "invalid character \(describeCharacter(at: position)) in registry host", at: position)
                    }
                    return failure(.invalidFormat, "registry host has an empty label", at: position)
                }
                while position < end && (Self.isAlnum(bytes[position]) || bytes[position] == 0x2D) { position += 1 }
                if bytes[position - 1] == 0x2D {
                    return failure(
                        .invalidFormat, "registry host label \"\(slice(labelStart..<position))\" ends with \"-\"", at: position - 1)
                }
                if position < end && bytes[position] == 0x2E {
                    position += 1
                    continue
                }
                break
            }
        }
        if position < end && bytes[position] == 0x3A {
            let portStart = position + 1
            if portStart == end {
                return failure(.invalidFormat, "registry port after \":\" is empty", at: position)
            }
            if let bad = bytes[portStart..<end].firstIndex(where: { !Self.isDigit($0) }) {
                return failure(.invalidFormat, "registry port must be a number, not \"\(slice(portStart..<end))\"", at: bad)
            }
            position = end
        }
        if position < end {
            return failure(.invalidFormat, "invalid character \(describeCharacter(at: position)) in registry host", at: position)
        }
        return nil
    }

    private func failure(_ category: ImageReferenceError.Category, _ message: String, at offset: Int, length: Int = 1)
        -> ImageReferenceError
    {
        if case .failure(let error) = error(category, message, at: offset, length: length) { return error }
        return ImageReferenceError(category: category, message: message, offset: offset, length: length)
    }

    /// Whether the bytes in `range` are exactly one path component: `[a-z0-9]+` runs joined by
    /// ".", "_", "__" or dashes.
    private func isPathComponent(_ range: Range<Int>) -> Bool {
        var position = range.lowerBound
        let end = range.upperBound
        while true {
            guard position < end, Self.isLowerAlnum(bytes[position]) else { return false }
            while position < end && Self.isLowerAlnum(bytes[position]) { position += 1 }
            guard position < end else { return true }
            switch bytes[position] {
            case 0x2E: position += 1
            case 0x5F:
                position += 1
                if position < end && bytes[position] == 0x5F { position += 1 }
            case 0x2D:
                while position < end && bytes[position] == 0x2D { position += 1 }
            default: return false
            }
        }
    }

    /// A path component did not start where one must.
    private func componentError(at position: Int, componentStart: Int, pathStart: Int) -> Result<ImageReference, ImageReferenceError> {
        let n = bytes.count
        if position >= n {
            if position == pathStart {
                return error(.invalidFormat, "repository name is missing after the registry host", at: max(0, position - 1))
            }
            return error(.invalidFormat, "repository name ends with \"/\"", at: position - 1)
        }
        let c = bytes[position]
        if c == 0x2F {
            return error(
                .invalidFormat,
                position == 0 ? "repository name starts with \"/\"" : "repository name has an empty component (\"//\")",
                at: position)
        }
        if c == 0x3A || c == 0x40 {
            return error(.invalidFormat, "repository name is missing before \(describeCharacter(at: position))", at: position)
        }
        if c == 0x2E || c == 0x5F || c == 0x2D {
            return error(
                .invalidFormat,
                "repository name component must start with a lowercase letter or digit, not \(describeCharacter(at: position))",
                at: position)
        }
        return error(.invalidFormat, "invalid character \(describeCharacter(at: position)) in repository name", at: position)
    }

    /// A separator not followed by a letter or digit, or a run that is not a valid separator.
    private func separatorError(_ separator: Range<Int>) -> Result<ImageReference, ImageReferenceError> {
        let n = bytes.count
        let next = separator.upperBound
        let text = slice(separator)
        if text == "__" && next < n && bytes[next] == 0x5F {
            var end = next
            while end < n && bytes[end] == 0x5F { end += 1 }
            return error(
                .invalidFormat,
                "\"\(slice(separator.lowerBound..<end))\" is not a valid separator in a repository name (use \".\", \"_\", \"__\" or dashes)",
                at: separator.lowerBound, length: end - separator.lowerBound)
        }
        if next >= n || bytes[next] == 0x2F || bytes[next] == 0x3A || bytes[next] == 0x40 {
            return error(
                .invalidFormat, "repository name component ends with \"\(text)\"; it must end with a lowercase letter or digit",
                at: separator.lowerBound, length: separator.count)
        }
        if bytes[next] == 0x2E || bytes[next] == 0x5F || bytes[next] == 0x2D {
            return error(
                .invalidFormat,
                "\"\(text)\(Character(Unicode.Scalar(bytes[next])))\" is not a valid separator in a repository name (use \".\", \"_\", \"__\" or dashes)",
                at: separator.lowerBound, length: separator.count + 1)
        }
        return error(.invalidFormat, "invalid character \(describeCharacter(at: next)) in repository name", at: next)
    }

    private static let digestLengths: [String: Int] = ["sha256": 64, "sha384": 96, "sha512": 128]

    private func parseDigest(from start: Int) -> Result<ImageDigest, ImageReferenceError> {
        let n = bytes.count
        func fail(_ message: String, at offset: Int, length: Int = 1) -> Result<ImageDigest, ImageReferenceError> {
            .failure(failure(.invalidDigest, message, at: offset, length: length))
        }
        guard start < n else { return fail("digest after \"@\" is empty; write @sha256:<64 hex digits>", at: start - 1) }
        guard let colon = bytes[start...].firstIndex(of: 0x3A) else {
            return fail("digest \"\(slice(start..<n))\" has no algorithm; write @sha256:<64 hex digits>", at: start, length: n - start)
        }
        // Algorithm: components of [A-Za-z][A-Za-z0-9]* joined by one of "-_+.".
        var position = start
        while position < colon {
            guard Self.isUpper(bytes[position]) || Self.isLower(bytes[position]) else {
                return fail("invalid digest algorithm \"\(slice(start..<colon))\"", at: position)
            }
            position += 1
            while position < colon && Self.isAlnum(bytes[position]) { position += 1 }
            if position < colon {
                let c = bytes[position]
                guard c == 0x2D || c == 0x5F || c == 0x2B || c == 0x2E else {
                    return fail("invalid character \(describeCharacter(at: position)) in digest algorithm", at: position)
                }
                position += 1
                guard position < colon else { return fail("invalid digest algorithm \"\(slice(start..<colon))\"", at: position - 1) }
            }
        }
        guard colon > start else { return fail("digest algorithm is missing before \":\"", at: colon) }
        let algorithm = slice(start..<colon)
        let hexStart = colon + 1
        if let bad = bytes[hexStart..<n].firstIndex(where: { !Self.isHex($0) }) {
            return fail("invalid character \(describeCharacter(at: bad)) in digest; it must be hexadecimal", at: bad)
        }
        let count = n - hexStart
        guard let expected = Self.digestLengths[algorithm] else {
            if count < 32 {
                return fail(
                    "digest has \(count) hex digits; a digest needs at least 32", at: count == 0 ? colon : hexStart, length: max(1, count))
            }
            return fail(
                "unsupported digest algorithm \"\(algorithm)\"; kubelet accepts sha256, sha384 and sha512", at: start,
                length: colon - start)
        }
        if count != expected {
            return fail(
                "digest has \(count) hex digits, \(algorithm) needs \(expected)", at: count == 0 ? colon : hexStart,
                length: max(1, count))
        }
        if let upper = bytes[hexStart..<n].firstIndex(where: { !Self.isLowerHex($0) }) {
            return fail("digest must be lowercase hex; \(describeCharacter(at: upper)) is uppercase", at: upper)
        }
        return .success(ImageDigest(algorithm: algorithm, hex: slice(hexStart..<n)))
    }

    /// An unexpanded variable or template in an otherwise invalid reference: that is the real problem.
    func placeholderError() -> ImageReferenceError? {
        let n = bytes.count
        // {{ ... }}
        if let start = firstIndex(of: [0x7B, 0x7B]) {
            let end = firstIndex(of: [0x7D, 0x7D], from: start + 2).map { $0 + 2 } ?? n
            return failure(
                .invalidFormat, "\"\(slice(start..<end))\" looks like an unrendered template; render the manifest before applying it",
                at: start, length: end - start)
        }
        // ${VAR}, $(VAR), $VAR
        if let dollar = bytes.firstIndex(of: 0x24), dollar + 1 < n {
            var end = dollar + 1
            let open = bytes[end]
            if open == 0x7B || open == 0x28 {
                let close: UInt8 = open == 0x7B ? 0x7D : 0x29
                end = bytes[(dollar + 1)...].firstIndex(of: close).map { $0 + 1 } ?? n
            } else {
                while end < n && Self.isWord(bytes[end]) { end += 1 }
            }
            if end > dollar + 1 {
                return failure(
                    .invalidFormat,
                    "\"\(slice(dollar..<end))\" looks like an unexpanded placeholder; substitute it before applying the manifest",
                    at: dollar, length: end - dollar)
            }
        }
        // <your-image>
        if let open = bytes.firstIndex(of: 0x3C), let close = bytes[open...].firstIndex(of: 0x3E), close > open + 1 {
            return failure(
                .invalidFormat, "\"\(slice(open..<(close + 1)))\" looks like a placeholder; replace it with a real image reference",
                at: open, length: close + 1 - open)
        }
        // __IMAGE__ or an ALL_CAPS variable name, as the whole reference or as one of its parts
        // (`CONTAINER_REGISTRY/app`, `app:IMAGE_TAG`), for sed or a CI step to replace.
        var start = 0
        while start < n {
            var end = start
            while end < n, bytes[end] != 0x2F, bytes[end] != 0x3A, bytes[end] != 0x40 { end += 1 }
            let part = bytes[start..<end]
            if part.count >= 3, part.allSatisfy({ Self.isUpper($0) || Self.isDigit($0) || $0 == 0x5F }), part.contains(0x5F),
                part.contains(where: Self.isUpper)
            {
                let what = start == 0 && end == n ? "\"\(text)\"" : "\"\(slice(start..<end))\" in \"\(text)\""
                return failure(
                    .invalidFormat, "\(what) looks like an unexpanded placeholder (an image reference is lowercase)",
                    at: start, length: end - start)
            }
            start = end + 1
        }
        return nil
    }

    private func firstIndex(of pattern: [UInt8], from start: Int = 0) -> Int? {
        guard pattern.count <= bytes.count, start <= bytes.count - pattern.count else { return nil }
        for index in start...(bytes.count - pattern.count) where bytes[index..<(index + pattern.count)].elementsEqual(pattern) {
            return index
        }
        return nil
    }
}
