import TextSupport

/// A request to drop findings: an object annotation or a comment pragma.
struct Suppression: Sendable {
    enum Scope: Sendable, Hashable {
        /// `ignore-check.pullcheck.io/<rule>` on the object with this ordinal in its file.
        case object(ordinal: Int)
        /// `# pullcheck:ignore <rule>` on this line: findings on it and on the next line.
        case line(Int)
    }

    let scope: Scope
    let ruleIDs: [String]
    let reason: String?
    /// Where the suppression is written.
    let span: SourceSpan

    func covers(_ diagnostic: Diagnostic) -> Bool {
        guard ruleIDs.contains(diagnostic.ruleID) else { return false }
        switch scope {
        case .object(let ordinal): return diagnostic.objectOrdinal == ordinal
        case .line(let line):
            let at = diagnostic.span.start.line
            return at == line || at == line + 1
        }
    }

    static let annotationPrefix = "ignore-check.pullcheck.io/"
    static let pragmaWord = "pullcheck:ignore"

    /// The suppressions among an object's annotations. Only keys with the prefix become strings.
    static func annotations(of object: ManifestObject) -> [Suppression] {
        let document = object.document
        guard let metadata = object.metadataNode, let annotations = document.value("annotations", in: metadata),
            document.kind(annotations) == .mapping
        else { return [] }
        var found: [Suppression] = []
        for pair in document.pairs(annotations) {
            let hasPrefix = document.withScalarBytes(pair.key) { bytes in
                guard let bytes else { return false }
                return bytes.starts(with: annotationPrefix.utf8)
            }
            guard hasPrefix, let key = document.string(pair.key) else { continue }
            let reason = document.nonNullString(pair.value) ?? ""
            found.append(
                Suppression(
                    scope: .object(ordinal: object.ordinal), ruleIDs: [String(key.dropFirst(annotationPrefix.count))],
                    reason: reason.isEmpty ? nil : reason, span: document.span(pair.key)))
        }
        return found
    }

    /// Parses `# pullcheck:ignore rule-a,rule-b -- reason` comments out of a source's lines.
    /// A `#` starts a comment at the start of a line or after white space, as in YAML.
    static func comments(in source: SourceLines, excluding scalars: [SourceSpan]) -> [Suppression] {
        var found: [Suppression] = []
        // Scalars never overlap: the only one that can hold a position is the last that starts
        // at or before it (binary search over the spans sorted by start).
        let sortedScalars = scalars.sorted { $0.start < $1.start }
        func insideScalar(_ position: SourcePosition) -> Bool {
            var low = 0
            var high = sortedScalars.count
            while low < high {
                let middle = (low + high) / 2
                if sortedScalars[middle].start <= position { low = middle + 1 } else { high = middle }
            }
            return low > 0 && sortedScalars[low - 1].contains(position)
        }
        let word = Array(pragmaWord.utf8)
        _ = source.forEachLine { number, bytes, _ in
            guard let base = bytes.baseAddress else { return true }
            var index = 0
            // Columns are counted incrementally, so a long line with many ` #` stays linear.
            var counted = 0
            var column = 1
            // Only lines with a `#` need a closer look; memchr finds them.
            while index < bytes.count, let hit = findByte(0x23, in: base + index, count: bytes.count - index) {
                let hash = index + hit
                index = hash + 1
                guard hash == 0 || bytes[hash - 1] == 0x20 || bytes[hash - 1] == 0x09 else { continue }
                // The word first: most comments are not pragmas.
                var wordStart = hash + 1
                while wordStart < bytes.count && (bytes[wordStart] == 0x20 || bytes[wordStart] == 0x09) { wordStart += 1 }
                guard bytes.count - wordStart >= word.count,
                    word.withUnsafeBufferPointer({ w in w.baseAddress.map { memoryEqual(base + wordStart, $0, w.count) } ?? false })
                else { continue }
                column += characterCount(UnsafeBufferPointer(rebasing: bytes[counted..<hash]), upTo: hash - counted)
                counted = hash
                let start = SourcePosition(line: number, column: column)
                if !insideScalar(start), let suppression = parsePragma(bytes, from: hash + 1, at: start, lineLength: bytes.count) {
                    found.append(suppression)
                    break
                }
            }
            return true
        }
        return found
    }

    private static func parsePragma(
        _ bytes: UnsafeBufferPointer<UInt8>, from start: Int, at position: SourcePosition, lineLength: Int
    ) -> Suppression? {
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start...]), as: UTF8.self)
        let trimmed = text.drop { $0 == " " || $0 == "\t" }
        guard trimmed.hasPrefix(pragmaWord) else { return nil }
        var rest = trimmed.dropFirst(pragmaWord.count)
        // `pullcheck:ignore-file` and other words are not this pragma.
        guard rest.isEmpty || rest.first == " " || rest.first == "\t" else { return nil }
        var reason: String?
        if let separator = rest.firstRange(of: "--") {
            let why = rest[separator.upperBound...].trimmingWhitespace()
            reason = why.isEmpty ? nil : why
            rest = rest[..<separator.lowerBound]
        }
        let rules = rest.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" }).map(String.init)
        let characters = characterCount(bytes, upTo: lineLength) + 1
        let end = SourcePosition(line: position.line, column: max(position.column + 1, characters))
        return Suppression(scope: .line(position.line), ruleIDs: rules, reason: reason, span: SourceSpan(start: position, end: end))
    }
}
