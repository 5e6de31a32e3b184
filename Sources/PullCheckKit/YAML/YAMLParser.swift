// The only file that sees libyaml. Events become positioned nodes in a reusable
// `YAMLDocument`; nothing C-owned outlives the parse function.
internal import CLibYAML
import TextSupport

/// Why a stream stopped before its end.
struct YAMLStreamError: Error, Sendable {
    enum Kind: Sendable {
        /// libyaml rejected the syntax; `position` is its mark.
        case syntax
        /// libyaml's reader rejected the bytes (encoding, control characters); `byteOffset` says where.
        case reader
        /// The operating system failed a read.
        case io
        /// A safety limit was exceeded (line length, document size).
        case limit
    }

    let kind: Kind
    let message: String
    var position: SourcePosition?
    var byteOffset: Int?
}

/// Problems the composer finds inside an otherwise well-formed document (libyaml's parser does
/// not check anchors): reported as YAML errors, and the document is still linted.
struct YAMLCompositionProblem: Sendable {
    let message: String
    let span: SourceSpan
}

/// What the raw-byte scan noticed while the bytes streamed past (cheap `memchr` passes).
struct ContentHints: Sendable {
    /// A `#` followed by `pullcheck:` (or too close to a chunk end to tell).
    var mayContainPragma = false
    /// `{{` somewhere in the bytes.
    var mayContainTemplate = false
}

/// Everything a stream parse leaves besides the documents it delivered.
struct YAMLStreamSummary: Sendable {
    var documentCount = 0
    var error: YAMLStreamError?
    var hints = ContentHints()
    var compositionProblems: [YAMLCompositionProblem] = []
    /// Scalars whose text contains `pullcheck:ignore`: a comment-like text inside them is not a comment.
    var pragmaLikeScalars: [SourceSpan] = []
    /// Quoted and block scalars whose text contains `{{` in the document that failed to parse:
    /// template text that is just data.
    var templateInScalars: [SourceSpan] = []
    /// Where the document that failed to parse starts.
    var failedDocumentStart: SourcePosition?
}

/// Bounds that keep hostile input from eating memory and time. Kubernetes objects are limited to
/// about 1.5 MiB by etcd, so real manifests are far below all of them.
struct YAMLLimits: Sendable {
    var maxLineBytes = 16 << 20
    /// Longer scalars keep only their start (flagged truncated, never judged by content). 1.5 MiB
    /// is the API server's request-size bound, so any value the API server accepts fits: a Secret
    /// may hold 1 MiB of data, which is about 1.33 MiB of base64.
    var maxStoredScalarBytes = 3 << 19
    var maxNodesPerDocument = 2_000_000
    var maxBytesPerDocument = 64 << 20
    /// Collections nested deeper than this stop the parse with a positioned error. Kubernetes
    /// objects are never deep (a CRD's OpenAPI schema, the deepest real case, stays under 100
    /// levels; Go's JSON and YAML decoders that kubectl uses stop at 10,000). libyaml's own cost
    /// grows with the square of the flow nesting depth (it rescans its stack of possible simple
    /// keys for every token), so a low bound also bounds that time.
    var maxDepth = 1_000

    static let standard = YAMLLimits()
}

/// Where the bytes come from: an open file descriptor (streamed) or memory (stdin, tests).
final class ByteSource {
    private let descriptor: Int32
    private let stream: StreamedInput?
    private let memory: [UInt8]
    private var memoryOffset = 0
    private let limits: YAMLLimits

    var hints = ContentHints()
    var readError: SystemError?
    var lineTooLong = false
    var bytesRead = 0
    private var bytesSinceNewline = 0
    private var lastByte: UInt8 = 0
    private var pendingHash: [UInt8] = []

    init(descriptor: Int32, limits: YAMLLimits) {
        self.descriptor = descriptor
        self.stream = nil
        self.memory = []
        self.limits = limits
    }

    init(bytes: [UInt8], limits: YAMLLimits) {
        self.descriptor = -1
        self.stream = nil
        self.memory = bytes
        self.limits = limits
    }

    init(stream: StreamedInput, limits: YAMLLimits) {
        self.descriptor = -1
        self.stream = stream
        self.memory = []
        self.limits = limits
    }

    /// Fills libyaml's buffer. Returns false on failure (libyaml then reports an input error).
    func fill(_ buffer: UnsafeMutablePointer<UInt8>, capacity: Int, count: inout Int) -> Bool {
        var n = 0
        if let stream {
            switch stream.read(into: buffer, capacity: capacity) {
            case .success(let got): n = got
            case .failure(let error):
                readError = error
                return false
            }
        } else if descriptor >= 0 {
            switch FileSystem.readChunk(descriptor, into: buffer, count: capacity) {
            case .success(let got): n = got
            case .failure(let error):
                readError = error
                return false
            }
        } else {
            n = min(capacity, memory.count - memoryOffset)
            if n > 0 {
                memory.withUnsafeBufferPointer { all in
                    if let base = all.baseAddress {
                        buffer.update(from: base + memoryOffset, count: n)
                    }
                }
                memoryOffset += n
            }
        }
        count = n
        guard n > 0 else { return true }
        bytesRead += n
        scan(UnsafeBufferPointer(start: buffer, count: n))
        return !lineTooLong
    }

    /// Why the stream could not be kept for a second reading, if that is why reading stopped.
    var streamError: String? { stream?.spoolError }

    /// The input starts with a UTF-32 byte-order mark (libyaml reads UTF-8 and UTF-16 only).
    var isUTF32 = false

    private func scan(_ chunk: UnsafeBufferPointer<UInt8>) {
        guard let base = chunk.baseAddress else { return }
        let n = chunk.count
        if bytesRead == n, n >= 2 {
            // The first chunk: a UTF-16 file hides its ASCII from the byte scans below, so assume
            // it may hold anything; libyaml decodes it. UTF-32 is named in the error.
            if n >= 4
                && ((base[0] == 0 && base[1] == 0 && base[2] == 0xFE && base[3] == 0xFF)
                    || (base[0] == 0xFF && base[1] == 0xFE && base[2] == 0 && base[3] == 0))
            {
                isUTF32 = true
            } else if (base[0] == 0xFF && base[1] == 0xFE) || (base[0] == 0xFE && base[1] == 0xFF) {
                hints.mayContainPragma = true
                hints.mayContainTemplate = true
            }
        }
        // Line length: only a line that spans chunks can grow past a chunk's size.
        var last = n - 1
        while last >= 0 && base[last] != 0x0A { last -= 1 }
        if last >= 0 {
            bytesSinceNewline = n - (last + 1)
        } else {
            bytesSinceNewline += n
            if bytesSinceNewline > limits.maxLineBytes { lineTooLong = true }
        }
        if !hints.mayContainTemplate {
            // `{{` (Go, Helm, Jinja) or `{%` (Jinja, Ansible), possibly across two reads.
            if lastByte == 0x7B && (base[0] == 0x7B || base[0] == 0x25) { hints.mayContainTemplate = true }
            var offset = 0
            while !hints.mayContainTemplate, offset < n, let hit = findByte(0x7B, in: base + offset, count: n - offset) {
                let index = offset + hit
                if index + 1 < n && (base[index + 1] == 0x7B || base[index + 1] == 0x25) { hints.mayContainTemplate = true }
                offset = index + 1
            }
        }
        if !hints.mayContainPragma {
            // A `#` whose word was cut by the previous chunk's end: finish reading it.
            if !pendingHash.isEmpty {
                pendingHash.append(contentsOf: UnsafeBufferPointer(start: base, count: min(n, 64)))
                hints.mayContainPragma = pendingHash.withUnsafeBufferPointer { Self.pragmaVerdict($0, hash: 0) != .no }
                pendingHash.removeAll(keepingCapacity: true)
            }
            // Every `#` is looked at (a comment that is not a pragma says nothing about the next
            // one); one whose word runs past the chunk's end is finished with the next chunk.
            var offset = 0
            while !hints.mayContainPragma, offset < n, let hit = findByte(0x23, in: base + offset, count: n - offset) {
                let index = offset + hit
                switch Self.pragmaVerdict(chunk, hash: index) {
                case .yes:
                    hints.mayContainPragma = true
                case .undecided:
                    // Only blanks and the start of `pullcheck:` follow, up to the chunk's end, so
                    // no later `#` is in this chunk.
                    pendingHash = Array(chunk[index...])
                    offset = n
                    continue
                case .no:
                    break
                }
                offset = index + 1
            }
        }
        lastByte = base[n - 1]
    }

    private static let pragmaWord: StaticString = "pullcheck:"

    enum PragmaVerdict { case yes, no, undecided }

    /// Whether the `#` at `hash` is followed (after blanks) by `pullcheck:`; undecided when the
    /// bytes end first with nothing but blanks or the start of that word.
    static func pragmaVerdict(_ bytes: UnsafeBufferPointer<UInt8>, hash: Int) -> PragmaVerdict {
        guard let base = bytes.baseAddress else { return .undecided }
        var i = hash + 1
        while i < bytes.count && (bytes[i] == 0x20 || bytes[i] == 0x09) { i += 1 }
        let available = min(10, bytes.count - i)
        guard memoryEqual(base + i, pragmaWord.utf8Start, available) else { return .no }
        return available == 10 ? .yes : .undecided
    }
}

enum YAMLParser {
    /// Parses a stream, handing each complete document to `onDocument`. The same document value
    /// is reused for the next one, so `onDocument` must not keep it.
    static func parse(
        _ source: ByteSource,
        limits: YAMLLimits = .standard,
        onDocument: (inout YAMLDocument) -> Void
    ) -> YAMLStreamSummary {
        var parser = yaml_parser_t()
        var summary = YAMLStreamSummary()
        guard yaml_parser_initialize(&parser) == 1 else {
            summary.error = YAMLStreamError(kind: .limit, message: "libyaml could not allocate a parser")
            return summary
        }
        defer { yaml_parser_delete(&parser) }

        let context = Unmanaged.passUnretained(source).toOpaque()
        yaml_parser_set_input(
            &parser,
            { data, buffer, size, sizeRead in
                guard let data, let buffer, let sizeRead else { return 0 }
                let source = Unmanaged<ByteSource>.fromOpaque(data).takeUnretainedValue()
                var count = 0
                let ok = source.fill(buffer, capacity: size, count: &count)
                sizeRead.pointee = count
                return ok ? 1 : 0
            }, context)

        var builder = DocumentBuilder(limits: limits)
        var document = YAMLDocument()
        var event = yaml_event_t()

        loop: while true {
            guard yaml_parser_parse(&parser, &event) == 1 else {
                summary.error = streamError(parser, source: source, limits: limits)
                // What was built of the broken document still tells where template text is data.
                builder.finish(&document, hints: source.hints, summary: &summary, failed: true)
                break
            }
            defer { yaml_event_delete(&event) }
            switch event.type {
            case YAML_STREAM_END_EVENT:
                break loop
            case YAML_DOCUMENT_START_EVENT:
                document.reset()
                builder.begin(&document, at: position(event.start_mark), ordinal: summary.documentCount + 1)
            case YAML_DOCUMENT_END_EVENT:
                summary.documentCount += 1
                builder.finish(&document, hints: source.hints, summary: &summary)
                onDocument(&document)
            case YAML_SCALAR_EVENT:
                let scalar = event.data.scalar
                let style: YAMLScalarStyle
                switch scalar.style {
                case YAML_SINGLE_QUOTED_SCALAR_STYLE: style = .singleQuoted
                case YAML_DOUBLE_QUOTED_SCALAR_STYLE: style = .doubleQuoted
                case YAML_LITERAL_SCALAR_STYLE: style = .literal
                case YAML_FOLDED_SCALAR_STYLE: style = .folded
                default: style = .plain
                }
                let value = UnsafeBufferPointer(start: scalar.value, count: scalar.length)
                builder.scalar(
                    &document, value: value, style: style, anchor: scalar.anchor,
                    start: event.start_mark, end: event.end_mark, hints: source.hints)
            case YAML_SEQUENCE_START_EVENT:
                let flow = event.data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE
                builder.open(
                    &document, kind: .sequence, flow: flow, anchor: event.data.sequence_start.anchor,
                    start: event.start_mark, end: event.end_mark, hints: source.hints)
            case YAML_MAPPING_START_EVENT:
                let flow = event.data.mapping_start.style == YAML_FLOW_MAPPING_STYLE
                builder.open(
                    &document, kind: .mapping, flow: flow, anchor: event.data.mapping_start.anchor,
                    start: event.start_mark, end: event.end_mark, hints: source.hints)
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                builder.close(&document, end: event.end_mark)
            case YAML_ALIAS_EVENT:
                builder.alias(&document, anchor: event.data.alias.anchor, start: event.start_mark, end: event.end_mark)
            default:
                break
            }
            if let problem = builder.limitError {
                summary.error = problem
                break loop
            }
        }
        summary.hints = source.hints
        summary.compositionProblems.append(contentsOf: builder.problems)
        return summary
    }

    private static func streamError(_ parser: yaml_parser_t, source: ByteSource, limits: YAMLLimits) -> YAMLStreamError {
        if let error = source.readError {
            return YAMLStreamError(kind: .io, message: source.streamError ?? "read failed: \(error)")
        }
        if source.lineTooLong {
            return YAMLStreamError(
                kind: .limit,
                message: "a line is longer than \(limits.maxLineBytes >> 20) MiB; pullcheck stops reading this input",
                byteOffset: source.bytesRead)
        }
        let problem = parser.problem.map { String(cString: $0) } ?? "unknown error"
        if source.isUTF32 {
            return YAMLStreamError(
                kind: .reader,
                message:
                    "the file is UTF-32 (it starts with a UTF-32 byte-order mark); YAML tools read UTF-8 or UTF-16: convert it with `iconv -f UTF-32 -t UTF-8`",
                position: .start)
        }
        switch parser.error {
        case YAML_READER_ERROR:
            var message = problem
            if parser.problem_value >= 0 && problem.hasPrefix("invalid") {
                message += " (byte 0x" + hexByte(UInt8(truncatingIfNeeded: parser.problem_value)) + ")"
            } else if problem.hasPrefix("control characters") {
                message +=
                    " (byte 0x" + hexByte(UInt8(truncatingIfNeeded: parser.problem_value))
                    + "); is this a binary or UTF-32 file?"
            }
            return YAMLStreamError(kind: .reader, message: message, byteOffset: parser.problem_offset)
        case YAML_MEMORY_ERROR:
            return YAMLStreamError(kind: .limit, message: "libyaml ran out of memory")
        default:
            var message = problem
            if let context = parser.context {
                let contextText = String(cString: context)
                let contextMark = position(parser.context_mark)
                message = contextText + ": " + problem
                if contextMark != position(parser.problem_mark) {
                    message += " (started at line \(contextMark.line), column \(contextMark.column))"
                }
            }
            return YAMLStreamError(kind: .syntax, message: message, position: position(parser.problem_mark))
        }
    }

    @inline(__always)
    static func position(_ mark: yaml_mark_t) -> SourcePosition {
        SourcePosition(line: clamp(mark.line) + 1, column: clamp(mark.column) + 1)
    }

    @inline(__always)
    static func clamp(_ value: Int) -> Int { min(value, Int(Int32.max - 1)) }
}

/// Turns events into nodes. Each node is appended once; a collection links its children as they
/// arrive, so nothing is copied when it closes.
private struct DocumentBuilder {
    let limits: YAMLLimits
    /// Open collections and their last child so far (-1 when none).
    var stack: [(node: Int32, last: Int32)] = []
    var anchors: [String: NodeID] = [:]
    var problems: [YAMLCompositionProblem] = []
    var limitError: YAMLStreamError?
    /// Scratch space for duplicate-key detection in large mappings.
    private var keyScratch: [(id: NodeID, offset: Int32, length: Int32)] = []

    init(limits: YAMLLimits) { self.limits = limits }

    mutating func begin(_ document: inout YAMLDocument, at start: SourcePosition, ordinal: Int) {
        stack.removeAll(keepingCapacity: true)
        anchors.removeAll(keepingCapacity: true)
        document.startPosition = start
        document.ordinal = ordinal
    }

    mutating func finish(
        _ document: inout YAMLDocument, hints: ContentHints, summary: inout YAMLStreamSummary, failed: Bool = false
    ) {
        if failed { summary.failedDocumentStart = document.startPosition }
        if hints.mayContainTemplate || hints.mayContainPragma {
            scanForMarkers(document, hints: hints, summary: &summary, failed: failed)
        }
    }

    /// Only when the raw scan saw `{{` or a pragma-like comment: find template markers outside
    /// quotes, and scalars that merely contain pragma text.
    private func scanForMarkers(
        _ document: YAMLDocument, hints: ContentHints, summary: inout YAMLStreamSummary, failed: Bool = false
    ) {
        // Plain scalars cannot hold a comment-like ` # pullcheck:ignore` (` #` would end them),
        // so only quoted and block scalars are searched for pragma text. Template text inside
        // quoted and block scalars matters only in a document that failed to parse (where it tells
        // data from template markers).
        let lookForTemplate = hints.mayContainTemplate && failed
        guard lookForTemplate || hints.mayContainPragma else { return }
        let plain = YAMLScalarStyle.plain.rawValue
        for index in 0..<document.nodes.count {
            let record = document.nodes[index]
            guard record.kind == .scalar, record.style != plain else { continue }
            if lookForTemplate, contains(document, record, "{{") {
                summary.templateInScalars.append(document.ownSpan(NodeID(index)))
            }
            if hints.mayContainPragma, contains(document, record, "pullcheck:ignore") {
                summary.pragmaLikeScalars.append(document.ownSpan(NodeID(index)))
            }
        }
    }

    /// Substring search in a scalar's bytes; memchr finds candidates for the needle's first byte.
    private func contains(_ document: YAMLDocument, _ record: NodeRecord, _ needle: StaticString) -> Bool {
        let count = needle.utf8CodeUnitCount
        guard count > 0, Int(record.b) >= count else { return false }
        return document.bytes.withUnsafeBufferPointer { all in
            guard let start = all.baseAddress else { return false }
            return containsBytes(UnsafeBufferPointer(start: start + Int(record.a), count: Int(record.b)), needle)
        }
    }

    @inline(__always)
    private mutating func append(_ document: inout YAMLDocument, _ record: NodeRecord) -> NodeID? {
        let index = Int32(truncatingIfNeeded: document.nodes.count)
        guard index < limits.maxNodesPerDocument else {
            limitError = YAMLStreamError(
                kind: .limit,
                message: "document has more than \(limits.maxNodesPerDocument) nodes; pullcheck stops reading this input",
                position: SourcePosition(line: Int(record.startLine), column: Int(record.startColumn)))
            return nil
        }
        document.nodes.append(record)
        if let top = stack.indices.last {
            let parent = stack[top]
            if parent.last >= 0 {
                document.nodes[Int(parent.last)].next = index
            } else {
                document.nodes[Int(parent.node)].a = index
            }
            document.nodes[Int(parent.node)].b += 1
            stack[top].last = index
        } else if document.root == nil {
            document.root = NodeID(index)
        }
        return NodeID(index)
    }

    @inline(__always)
    private func record(_ kind: YAMLNodeKind, style: UInt8, start: yaml_mark_t, end: yaml_mark_t, a: Int32, b: Int32)
        -> NodeRecord
    {
        NodeRecord(
            kind: kind, style: style, flags: 0,
            startLine: Int32(truncatingIfNeeded: YAMLParser.clamp(start.line) + 1),
            startColumn: Int32(truncatingIfNeeded: YAMLParser.clamp(start.column) + 1),
            endLine: Int32(truncatingIfNeeded: YAMLParser.clamp(end.line) + 1),
            endColumn: Int32(truncatingIfNeeded: YAMLParser.clamp(end.column) + 1),
            a: a, b: b, next: -1, fullLength: 0)
    }

    mutating func scalar(
        _ document: inout YAMLDocument, value: UnsafeBufferPointer<UInt8>, style: YAMLScalarStyle,
        anchor: UnsafeMutablePointer<UInt8>?, start: yaml_mark_t, end: yaml_mark_t, hints: ContentHints
    ) {
        let stored = min(value.count, limits.maxStoredScalarBytes)
        guard document.bytes.count + stored <= limits.maxBytesPerDocument else {
            limitError = YAMLStreamError(
                kind: .limit,
                message: "document holds more than \(limits.maxBytesPerDocument >> 20) MiB of text; pullcheck stops reading this input",
                position: YAMLParser.position(start))
            return
        }
        let offset = Int32(truncatingIfNeeded: document.bytes.count)
        if stored > 0, let base = value.baseAddress {
            document.bytes.append(contentsOf: UnsafeBufferPointer(start: base, count: stored))
        }
        var node = record(.scalar, style: style.rawValue, start: start, end: end, a: offset, b: Int32(truncatingIfNeeded: stored))
        if stored < value.count { node.flags |= NodeRecord.truncatedFlag }
        node.fullLength = Int32(clamping: value.count)
        guard let id = append(&document, node) else { return }
        if let anchor { anchors[String(cString: anchor)] = id }
    }

    mutating func open(
        _ document: inout YAMLDocument, kind: YAMLNodeKind, flow: Bool, anchor: UnsafeMutablePointer<UInt8>?,
        start: yaml_mark_t, end: yaml_mark_t, hints: ContentHints
    ) {
        guard stack.count < limits.maxDepth else {
            limitError = YAMLStreamError(
                kind: .limit,
                message: "collections are nested more than \(limits.maxDepth) levels deep; pullcheck stops reading this input",
                position: YAMLParser.position(start))
            return
        }
        var node = record(kind, style: flow ? 1 : 0, start: start, end: end, a: -1, b: 0)
        // Open until it closes: an alias to it from inside would be a cycle.
        node.flags = NodeRecord.openFlag
        guard let id = append(&document, node) else { return }
        if let anchor { anchors[String(cString: anchor)] = id }
        stack.append((node: id.index, last: -1))
    }

    mutating func close(_ document: inout YAMLDocument, end: yaml_mark_t) {
        guard let top = stack.popLast() else { return }
        let index = Int(top.node)
        document.nodes[index].flags &= ~NodeRecord.openFlag
        let endPosition = YAMLParser.position(end)
        if document.nodes[index].style == 1 {
            // Flow collections end after their closing bracket.
            document.nodes[index].endLine = Int32(truncatingIfNeeded: endPosition.line)
            document.nodes[index].endColumn = Int32(truncatingIfNeeded: endPosition.column)
        } else if top.last >= 0 {
            // Block collections end where their last child ends.
            let last = document.nodes[Int(top.last)]
            document.nodes[index].endLine = last.endLine
            document.nodes[index].endColumn = last.endColumn
        }
        if document.nodes[index].kind == .mapping, document.nodes[index].b >= 4 {
            findDuplicateKeys(&document, mapping: index)
        }
    }

    mutating func alias(
        _ document: inout YAMLDocument, anchor: UnsafeMutablePointer<UInt8>?, start: yaml_mark_t, end: yaml_mark_t
    ) {
        let name = anchor.map { String(cString: $0) } ?? ""
        let span = SourceSpan(start: YAMLParser.position(start), end: YAMLParser.position(end))
        guard let target = anchors[name] else {
            problems.append(YAMLCompositionProblem(message: "alias *\(name) refers to an unknown anchor", span: span))
            _ = append(&document, record(.scalar, style: 0, start: start, end: end, a: 0, b: 0))
            return
        }
        if document.nodes[Int(target.index)].isOpen {
            problems.append(
                YAMLCompositionProblem(message: "alias *\(name) refers to a node that contains it", span: span))
            _ = append(&document, record(.scalar, style: 0, start: start, end: end, a: 0, b: 0))
            return
        }
        _ = append(&document, record(.alias, style: 0, start: start, end: end, a: target.index, b: 0))
    }

    /// Keys are every other child. Small mappings compare pairwise in place; large ones sort.
    /// Works on the raw arrays: this runs for every mapping of every document.
    private mutating func findDuplicateKeys(_ document: inout YAMLDocument, mapping: Int) {
        var found: [DuplicateKey] = []
        let pairCount = Int(document.nodes[mapping].b) / 2
        document.nodes.withUnsafeBufferPointer { nodes in
            document.bytes.withUnsafeBufferPointer { all in
                let text = all.baseAddress
                // The scalar text of a key, or nil for collections and merge keys.
                func key(_ index: Int32) -> (offset: Int32, length: Int32)? {
                    var r = nodes[Int(index)]
                    if r.kind == .alias { r = nodes[Int(r.a)] }
                    guard r.kind == .scalar else { return nil }
                    if r.b == 2, r.style == YAMLScalarStyle.plain.rawValue, let text,
                        text[Int(r.a)] == 0x3C, text[Int(r.a) + 1] == 0x3C
                    {
                        return nil
                    }
                    return (r.a, r.b)
                }
                func equal(_ x: (offset: Int32, length: Int32), _ y: (offset: Int32, length: Int32)) -> Bool {
                    guard x.length == y.length else { return false }
                    guard let text else { return true }
                    return memoryEqual(text + Int(x.offset), text + Int(y.offset), Int(x.length))
                }
                if pairCount <= 16 {
                    var outer = nodes[mapping].a
                    while outer >= 0 {
                        let value = nodes[Int(outer)].next
                        if let current = key(outer) {
                            var inner = nodes[mapping].a
                            while inner != outer {
                                if let earlier = key(inner), equal(current, earlier) {
                                    found.append(DuplicateKey(duplicate: NodeID(outer), first: NodeID(inner)))
                                    break
                                }
                                inner = nodes[Int(nodes[Int(inner)].next)].next
                            }
                        }
                        outer = value >= 0 ? nodes[Int(value)].next : -1
                    }
                    return
                }
                keyScratch.removeAll(keepingCapacity: true)
                var cursor = nodes[mapping].a
                while cursor >= 0 {
                    if let k = key(cursor) { keyScratch.append((NodeID(cursor), k.offset, k.length)) }
                    let value = nodes[Int(cursor)].next
                    cursor = value >= 0 ? nodes[Int(value)].next : -1
                }
                guard let text, keyScratch.count > 1 else { return }
                // Sort by (length, bytes, source order); equal keys end up adjacent.
                keyScratch.sort { x, y in
                    if x.length != y.length { return x.length < y.length }
                    let c = memcmp(text + Int(x.offset), text + Int(y.offset), Int(x.length))
                    return c != 0 ? c < 0 : x.id.index < y.id.index
                }
                var runStart = 0
                for k in 1..<keyScratch.count {
                    let x = keyScratch[k]
                    let y = keyScratch[runStart]
                    if equal((x.offset, x.length), (y.offset, y.length)) {
                        found.append(DuplicateKey(duplicate: x.id, first: y.id))
                    } else {
                        runStart = k
                    }
                }
            }
        }
        guard !found.isEmpty else { return }
        // Report in source order.
        found.sort { $0.duplicate.index < $1.duplicate.index }
        document.duplicateKeys.append(contentsOf: found)
    }
}
