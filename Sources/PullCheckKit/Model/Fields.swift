/// A field whose value is a scalar, with where its key and value are written.
public struct ScalarField: Sendable, Hashable {
    /// The value's text (a YAML null reads as "").
    public let value: String
    /// Whether the value is a YAML null (`~`, `null`, or nothing at all).
    public let isNull: Bool
    /// Whether the value is a mapping or sequence instead of a scalar.
    public let isCollection: Bool
    public let style: YAMLScalarStyle?
    /// Where the value is written.
    public let span: SourceSpan
    /// Where the key is written.
    public let keySpan: SourceSpan
    /// The value's text was longer than pullcheck keeps in memory (over 1 MiB).
    public let isTruncated: Bool
    /// The full length of the value in bytes.
    public let byteLength: Int

    /// Whether each character of `value` sits in its own column of one source line, so that an
    /// offset into the value maps exactly to a column (plain scalars, and quoted ones without
    /// escapes, on one line).
    public var isVerbatim: Bool {
        guard let style, !style.isBlock, span.start.line == span.end.line else { return false }
        let quotes = style.isQuoted ? 2 : 0
        return span.end.column - span.start.column == value.unicodeScalars.count + quotes
    }

    /// The span of characters `range` (offsets in Unicode scalars) inside the value: exact when
    /// the value is verbatim, otherwise the whole value.
    public func span(ofCharacters range: Range<Int>) -> SourceSpan {
        guard isVerbatim else { return span }
        let first = span.start.column + (style?.isQuoted == true ? 1 : 0)
        let lower = max(0, min(range.lowerBound, value.unicodeScalars.count))
        let upper = max(lower, min(range.upperBound, value.unicodeScalars.count))
        return SourceSpan(
            start: SourcePosition(line: span.start.line, column: first + lower),
            end: SourcePosition(line: span.start.line, column: first + upper))
    }

    /// The value without its surrounding quotes, for messages.
    public var isEmptyOrNull: Bool { isNull || (!isCollection && value.isEmpty) }

    init(document: YAMLDocument, key: NodeID, value node: NodeID) {
        keySpan = document.span(key)
        span = document.span(node)
        let kind = document.kind(node)
        isCollection = kind != .scalar
        isNull = kind == .scalar && document.isNull(node)
        style = document.scalarStyle(node)
        value = isCollection || isNull ? "" : (document.string(node) ?? "")
        isTruncated = document.isTruncated(node)
        byteLength = document.scalarByteLength(node)
    }

    /// Reads `key` from `mapping` if present.
    static func read(_ key: StaticString, in mapping: NodeID?, of document: YAMLDocument) -> ScalarField? {
        guard let mapping, let entry = document.entry(key, in: mapping) else { return nil }
        return ScalarField(document: document, key: entry.key, value: entry.value)
    }
}

/// A reference by name to another object (an `imagePullSecrets` item, a ServiceAccount).
public struct NameReference: Sendable, Hashable {
    /// nil when the item has no usable `name`.
    public let name: String?
    /// Where the name is written (or the item, when the name is missing).
    public let span: SourceSpan
}

extension YAMLDocument {
    /// `- name: x` items of a sequence such as `imagePullSecrets`.
    func nameReferences(_ sequence: NodeID?) -> [NameReference] {
        guard let sequence, kind(sequence) == .sequence else { return [] }
        return items(sequence).map { item in
            if kind(item) == .mapping, let entry = entry("name", in: item), kind(entry.value) == .scalar,
                let name = nonNullString(entry.value), !name.isEmpty
            {
                return NameReference(name: name, span: span(entry.value))
            }
            return NameReference(name: nil, span: span(item))
        }
    }

    /// A mapping of string keys to string values, such as labels or annotations.
    func stringMap(_ mapping: NodeID?) -> [(key: String, value: String, keySpan: SourceSpan)] {
        guard let mapping, kind(mapping) == .mapping else { return [] }
        return entries(mapping).compactMap { pair in
            guard let key = string(pair.key) else { return nil }
            return (key, nonNullString(pair.value) ?? "", span(pair.key))
        }
    }
}
