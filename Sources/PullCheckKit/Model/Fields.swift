import DistributionReference

/// A field whose value is a scalar, with where its key and value are written.
struct ScalarField: Sendable, Hashable {
    /// The value's text (a YAML null reads as "").
    let value: String
    /// Whether the value is a YAML null (`~`, `null`, or nothing at all).
    let isNull: Bool
    /// Whether the value is a mapping or sequence instead of a scalar.
    let isCollection: Bool
    let style: YAMLScalarStyle?
    /// Where the value is written.
    let span: SourceSpan
    /// Where the key is written.
    let keySpan: SourceSpan
    /// The value's text was longer than pullcheck keeps in memory (over 1 MiB).
    let isTruncated: Bool
    /// The value is an unquoted `{{ ... }}` template expression (which YAML reads as a mapping).
    let isTemplateMapping: Bool
    /// The number of Unicode scalars (characters) in `value`.
    let characterCount: Int

    /// Whether each character of `value` sits in its own column of one source line, so that an
    /// offset into the value maps exactly to a column (plain scalars, and quoted ones without
    /// escapes, on one line).
    var isVerbatim: Bool {
        guard let style, !style.isBlock, span.start.line == span.end.line else { return false }
        let quotes = style.isQuoted ? 2 : 0
        return span.end.column - span.start.column == characterCount + quotes
    }

    /// The span of characters `range` (offsets in Unicode scalars) inside the value: exact when
    /// the value is verbatim, otherwise the whole value.
    func span(ofCharacters range: Range<Int>) -> SourceSpan {
        guard isVerbatim else { return span }
        let first = span.start.column + (style?.isQuoted == true ? 1 : 0)
        let lower = max(0, min(range.lowerBound, characterCount))
        let upper = max(lower, min(range.upperBound, characterCount))
        return SourceSpan(
            start: SourcePosition(line: span.start.line, column: first + lower),
            end: SourcePosition(line: span.start.line, column: first + upper))
    }

    /// Whether the value is null or an empty string.
    var isEmptyOrNull: Bool { isNull || (!isCollection && value.isEmpty) }

    /// The placeholder another tool fills in (`{{ }}`, `${VAR}`, `<name>`, `ko://`), if the value is one.
    var placeholder: ImageReferenceError? {
        if isTemplateMapping {
            return ImageReferenceError(
                category: .invalidFormat, message: "an unquoted template expression ({{ ... }}) must be rendered first", offset: 0,
                length: 0, isPlaceholder: true)
        }
        guard !isCollection, !isNull, style != nil else { return nil }
        return ImageReference.placeholder(in: value)
    }

    /// What Kubernetes' YAML decoder (YAML 1.1 rules) makes of an unquoted value that is not a
    /// string: "a boolean" for `true`, `yes`, `on`..., "a number" for `1.0`, `0x1F`...; nil for strings.
    var nonStringType: String? {
        guard style == .plain, !isNull, !isCollection else { return nil }
        return YAMLPlainScalar.nonStringType(value)
    }

    /// The span of the text inside the quotes, when the value is verbatim; else the value's span.
    var contentSpan: SourceSpan { span(ofCharacters: 0..<characterCount) }

    init(document: YAMLDocument, key: NodeID, value node: NodeID) {
        keySpan = document.span(key)
        span = document.span(node)
        let kind = document.kind(node)
        isCollection = kind != .scalar
        isNull = kind == .scalar && document.isNull(node)
        style = document.scalarStyle(node)
        value = isCollection || isNull ? "" : (document.string(node) ?? "")
        isTruncated = document.isTruncated(node)
        isTemplateMapping = isCollection && document.isTemplateMapping(node)
        characterCount = value.unicodeScalars.count
    }

    /// Reads `key` from `mapping` if present.
    static func read(_ key: StaticString, in mapping: NodeID?, of document: YAMLDocument) -> ScalarField? {
        guard let mapping, let entry = document.entry(key, in: mapping) else { return nil }
        return ScalarField(document: document, key: entry.key, value: entry.value)
    }
}

/// A reference by name to another object (an `imagePullSecrets` item, a ServiceAccount).
struct NameReference: Sendable, Hashable {
    /// nil when the item has no usable `name` (or a placeholder for one).
    let name: String?
    /// Where the name is written (or the item, when the name is missing).
    let span: SourceSpan
    /// The name is a placeholder another tool fills in; `name` is then nil.
    var placeholder: ImageReferenceError? = nil
    /// The placeholder's text as written.
    var placeholderText: String? = nil
}

extension YAMLDocument {
    /// `- name: x` items of a sequence such as `imagePullSecrets` (`- x` too with `allowStrings`,
    /// for custom resources that list plain names).
    func nameReferences(_ sequence: NodeID?, allowStrings: Bool = false) -> [NameReference] {
        guard let sequence, kind(sequence) == .sequence else { return [] }
        return items(sequence).map { item in
            if allowStrings, kind(item) == .scalar, let name = nonNullString(item), !name.isEmpty {
                return NameReference(name: name, span: span(item))
            }
            if kind(item) == .mapping, let entry = entry("name", in: item) {
                let field = ScalarField(document: self, key: entry.key, value: entry.value)
                if let placeholder = field.placeholder {
                    let span =
                        field.isCollection
                        ? field.span : field.span(ofCharacters: placeholder.offset..<(placeholder.offset + placeholder.length))
                    return NameReference(
                        name: nil, span: span, placeholder: placeholder, placeholderText: field.isCollection ? "{{ ... }}" : field.value)
                }
                if !field.isCollection, !field.isEmptyOrNull {
                    return NameReference(name: field.value, span: field.span)
                }
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

/// How YAML 1.1 (which Kubernetes' YAML-to-JSON conversion follows) types unquoted scalars.
enum YAMLPlainScalar {
    static let booleans: Set<String> = [
        "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE",
        "on", "On", "ON", "off", "Off", "OFF",
    ]

    /// "a boolean", "a number", or nil when the plain text is a string.
    static func nonStringType(_ text: String) -> String? {
        // Cheap rejection first: this runs for every image and pull policy.
        guard let first = text.utf8.first else { return nil }
        let startsLikeNumber = (first >= 0x30 && first <= 0x39) || first == 0x2B || first == 0x2D || first == 0x2E
        if !startsLikeNumber {
            return text.utf8.count <= 5 && booleans.contains(text) ? "a boolean" : nil
        }
        return isNumber(text) ? "a number" : nil
    }

    /// Integers (decimal, 0x hex, 0 octal, 0b binary, with `_` separators and a sign), floats
    /// (`1.5`, `.5`, `1e3`, `1.5e-3`), `.inf`, `-.inf` and `.nan`.
    static func isNumber(_ text: String) -> Bool {
        var bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return false }
        if [".inf", ".Inf", ".INF", "+.inf", "-.inf", "+.Inf", "-.Inf", "+.INF", "-.INF", ".nan", ".NaN", ".NAN"].contains(text) {
            return true
        }
        if bytes[0] == 0x2B || bytes[0] == 0x2D { bytes.removeFirst() }
        guard !bytes.isEmpty else { return false }
        func digits(_ slice: ArraySlice<UInt8>, _ valid: (UInt8) -> Bool) -> Bool {
            !slice.isEmpty && slice.allSatisfy { valid($0) || $0 == 0x5F } && slice.contains(where: valid)
        }
        let isDecimal = { (c: UInt8) in c >= 0x30 && c <= 0x39 }
        if bytes.count > 2, bytes[0] == 0x30, bytes[1] == 0x78 || bytes[1] == 0x58 {
            return digits(bytes[2...]) { isDecimal($0) || (0x61...0x66).contains($0) || (0x41...0x46).contains($0) }
        }
        if bytes.count > 2, bytes[0] == 0x30, bytes[1] == 0x62 {
            return digits(bytes[2...]) { $0 == 0x30 || $0 == 0x31 }
        }
        // Decimal or float: digits, at most one '.', an optional exponent.
        var index = 0
        var sawDigit = false
        while index < bytes.count, isDecimal(bytes[index]) || bytes[index] == 0x5F {
            sawDigit = sawDigit || isDecimal(bytes[index])
            index += 1
        }
        if index < bytes.count, bytes[index] == 0x2E {
            index += 1
            while index < bytes.count, isDecimal(bytes[index]) || bytes[index] == 0x5F {
                sawDigit = sawDigit || isDecimal(bytes[index])
                index += 1
            }
        }
        guard sawDigit else { return false }
        if index < bytes.count, bytes[index] == 0x65 || bytes[index] == 0x45 {
            index += 1
            if index < bytes.count, bytes[index] == 0x2B || bytes[index] == 0x2D { index += 1 }
            let start = index
            while index < bytes.count, isDecimal(bytes[index]) { index += 1 }
            guard index > start else { return false }
        }
        return index == bytes.count
    }
}
