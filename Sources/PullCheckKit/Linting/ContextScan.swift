/// Finds, without parsing, the documents of a file that can hold a fact for the cross-object
/// rules from the project's other files: Secrets (and SealedSecrets, ExternalSecrets),
/// ServiceAccounts, Kyverno policies and Gatekeeper mutations, and Lists, which may hold any.
/// memchr does the scanning, so a project's megabytes cost a few milliseconds.
enum ContextScan {
    static let kinds: Set<String> = [
        "Secret", "SealedSecret", "ExternalSecret", "ServiceAccount", "ClusterPolicy", "Policy", "Assign", "List",
    ]

    /// The byte ranges of the documents (split at `---` lines) whose text names one of `kinds` as a
    /// `kind` (`kind: Secret`, `"kind": "Secret"`, or any `...List`).
    static func interestingDocuments(_ bytes: [UInt8]) -> [Range<Int>] {
        bytes.withUnsafeBufferPointer { buffer -> [Range<Int>] in
            guard let base = buffer.baseAddress else { return [] }
            let count = buffer.count
            // Document boundaries: `---` at the start of the file or of a line.
            var boundaries: [Int] = [0]
            var offset = 0
            while offset < count {
                if offset + 3 <= count, base[offset] == 0x2D, base[offset + 1] == 0x2D, base[offset + 2] == 0x2D,
                    offset + 3 == count || base[offset + 3] == 0x0A || base[offset + 3] == 0x0D || base[offset + 3] == 0x20,
                    offset > 0
                {
                    boundaries.append(offset)
                }
                guard let newline = findByte(0x0A, in: base + offset, count: count - offset) else { break }
                offset += newline + 1
            }
            boundaries.append(count)
            var result: [Range<Int>] = []
            for index in 0..<(boundaries.count - 1) {
                let range = boundaries[index]..<boundaries[index + 1]
                if namesKind(base, range) { result.append(range) }
            }
            return result
        }
    }

    /// Whether `kind`, followed by an optional quote, spaces and `:`, names one of `kinds`.
    private static func namesKind(_ base: UnsafePointer<UInt8>, _ range: Range<Int>) -> Bool {
        var offset = range.lowerBound
        let end = range.upperBound
        while offset < end, let hit = findByte(0x6B, in: base + offset, count: end - offset) {
            let index = offset + hit
            offset = index + 1
            guard index + 4 <= end, base[index + 1] == 0x69, base[index + 2] == 0x6E, base[index + 3] == 0x64,
                index == range.lowerBound || !isWordByte(base[index - 1])
            else { continue }
            var cursor = index + 4
            if cursor < end, base[cursor] == 0x22 || base[cursor] == 0x27 { cursor += 1 }
            while cursor < end, base[cursor] == 0x20 || base[cursor] == 0x09 { cursor += 1 }
            guard cursor < end, base[cursor] == 0x3A else { continue }
            cursor += 1
            while cursor < end, base[cursor] == 0x20 || base[cursor] == 0x09 || base[cursor] == 0x22 || base[cursor] == 0x27 { cursor += 1 }
            let wordStart = cursor
            while cursor < end, cursor - wordStart <= 32, isWordByte(base[cursor]) { cursor += 1 }
            guard cursor > wordStart, cursor - wordStart <= 32 else { continue }
            let word = String(decoding: UnsafeBufferPointer(start: base + wordStart, count: cursor - wordStart), as: UTF8.self)
            if kinds.contains(word) || word.hasSuffix("List") { return true }
        }
        return false
    }

    private static func isWordByte(_ byte: UInt8) -> Bool {
        (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x5F
    }
}
