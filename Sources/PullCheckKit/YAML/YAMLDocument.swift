/// The index of a node in a `YAMLDocument`.
struct NodeID: Hashable, Sendable {
    let index: Int32
    init(_ index: Int32) { self.index = index }
    init(_ index: Int) { self.index = Int32(truncatingIfNeeded: index) }
}

enum YAMLNodeKind: UInt8, Sendable {
    case scalar, sequence, mapping, alias
}

enum YAMLScalarStyle: UInt8, Sendable {
    case plain, singleQuoted, doubleQuoted, literal, folded

    var isQuoted: Bool { self == .singleQuoted || self == .doubleQuoted }
    var isBlock: Bool { self == .literal || self == .folded }
}

/// One node as stored: fixed size, no references, so a document is two flat arrays that are
/// reused from one document to the next. A collection's children are linked through `next`, in
/// source order, so building needs no copying.
struct NodeRecord {
    static let truncatedFlag: UInt8 = 1
    static let openFlag: UInt8 = 2

    var kind: YAMLNodeKind
    /// Scalar style, or for collections 1 when written in flow style (`{}` / `[]`).
    var style: UInt8
    var flags: UInt8
    var startLine: Int32
    var startColumn: Int32
    var endLine: Int32
    var endColumn: Int32
    /// scalar: offset in `bytes`; collection: first child (-1 when empty); alias: target node.
    var a: Int32
    /// scalar: byte length stored; collection: number of children (keys and values for a mapping).
    var b: Int32
    /// The next sibling in the parent collection, -1 for the last.
    var next: Int32
    /// scalar: the full length in bytes (may exceed `b` when truncated).
    var fullLength: Int32

    var isTruncated: Bool { flags & Self.truncatedFlag != 0 }
    var isOpen: Bool { flags & Self.openFlag != 0 }
}

/// A key that appears twice in one mapping.
struct DuplicateKey: Sendable {
    let duplicate: NodeID
    let first: NodeID
}

/// A positioned YAML tree of one document, built from libyaml's events.
///
/// Aliases are nodes that point at their anchor's node: nothing is copied, so an alias bomb
/// stays linear in time and memory. Every traversal that follows aliases does so along a fixed
/// path of keys, and an alias can only point at a node that was complete before it (see the
/// builder), so there are no cycles.
struct YAMLDocument: Sendable {
    var nodes: [NodeRecord] = []
    var bytes: [UInt8] = []
    var duplicateKeys: [DuplicateKey] = []

    /// The root node, nil for an empty document.
    var root: NodeID?
    /// Where the document starts (its `---` or first content).
    var startPosition = SourcePosition.start
    /// 1-based ordinal of the document in its stream.
    var ordinal = 0

    init() {}

    mutating func reset() {
        nodes.removeAll(keepingCapacity: true)
        bytes.removeAll(keepingCapacity: true)
        duplicateKeys.removeAll(keepingCapacity: true)
        root = nil
    }

    var nodeCount: Int { nodes.count }

    // MARK: Node access

    /// Follows an alias to its anchored node.
    func resolve(_ id: NodeID) -> NodeID {
        let record = nodes[Int(id.index)]
        return record.kind == .alias ? NodeID(record.a) : id
    }

    func kind(_ id: NodeID) -> YAMLNodeKind { nodes[Int(resolve(id).index)].kind }

    /// The span the node occupies in the source (for an alias: its anchored node).
    func span(_ id: NodeID) -> SourceSpan {
        let r = nodes[Int(resolve(id).index)]
        return SourceSpan(
            start: SourcePosition(line: Int(r.startLine), column: Int(r.startColumn)),
            end: SourcePosition(line: Int(r.endLine), column: Int(r.endColumn)))
    }

    /// The span of the node itself, not following aliases.
    func ownSpan(_ id: NodeID) -> SourceSpan {
        let r = nodes[Int(id.index)]
        return SourceSpan(
            start: SourcePosition(line: Int(r.startLine), column: Int(r.startColumn)),
            end: SourcePosition(line: Int(r.endLine), column: Int(r.endColumn)))
    }

    func scalarStyle(_ id: NodeID) -> YAMLScalarStyle? {
        let r = nodes[Int(resolve(id).index)]
        guard r.kind == .scalar else { return nil }
        return YAMLScalarStyle(rawValue: r.style)
    }

    /// Whether a mapping at or below `node` has the key `key` (a bounded walk).
    func hasKey(_ key: String, under node: NodeID, limit: Int = 100_000) -> Bool {
        var stack = [resolve(node)]
        var visited = 0
        while let current = stack.popLast(), visited < limit {
            visited += 1
            let record = nodes[Int(current.index)]
            guard record.kind == .mapping || record.kind == .sequence else { continue }
            var child = record.a
            var isKey = record.kind == .mapping
            while child >= 0, Int(child) < nodes.count {
                let id = NodeID(child)
                if isKey, record.kind == .mapping, string(id) == key { return true }
                if !isKey || record.kind == .sequence { stack.append(resolve(id)) }
                if record.kind == .mapping { isKey.toggle() }
                child = nodes[Int(child)].next
            }
        }
        return false
    }

    /// Whether a scalar (key or value) at or below `node` contains `needle` (a bounded walk).
    func mentions(_ needle: String, under node: NodeID, limit: Int = 100_000) -> Bool {
        var stack = [resolve(node)]
        var visited = 0
        while let current = stack.popLast(), visited < limit {
            visited += 1
            let record = nodes[Int(current.index)]
            switch record.kind {
            case .scalar:
                if let text = string(current), text.utf8.count >= needle.utf8.count, text.contains(needle) { return true }
            case .mapping, .sequence:
                var child = record.a
                while child >= 0, Int(child) < nodes.count {
                    stack.append(resolve(NodeID(child)))
                    child = nodes[Int(child)].next
                }
            default:
                continue
            }
        }
        return false
    }

    /// Whether the node is what an unquoted `{{ expression }}` parses as: a flow mapping whose first
    /// key is another flow mapping that starts one column later.
    func isTemplateMapping(_ id: NodeID) -> Bool {
        let r = nodes[Int(resolve(id).index)]
        guard r.kind == .mapping, r.style == 1, r.b > 0, r.a >= 0, Int(r.a) < nodes.count else { return false }
        let first = nodes[Int(r.a)]
        return first.kind == .mapping && first.style == 1 && first.startLine == r.startLine && first.startColumn == r.startColumn + 1
    }

    func isFlowCollection(_ id: NodeID) -> Bool {
        let r = nodes[Int(resolve(id).index)]
        return r.kind != .scalar && r.style == 1
    }

    /// Calls `body` with the bytes of a scalar (nil for anything else).
    @inline(__always)
    func withScalarBytes<R>(_ id: NodeID, _ body: (UnsafeBufferPointer<UInt8>?) -> R) -> R {
        let r = nodes[Int(resolve(id).index)]
        guard r.kind == .scalar else { return body(nil) }
        return bytes.withUnsafeBufferPointer { all in
            guard let base = all.baseAddress else { return body(UnsafeBufferPointer(start: nil, count: 0)) }
            return body(UnsafeBufferPointer(start: base + Int(r.a), count: Int(r.b)))
        }
    }

    /// The text of a scalar node; nil for collections.
    func string(_ id: NodeID) -> String? {
        withScalarBytes(id) { buffer in
            buffer.map { String(decoding: $0, as: UTF8.self) }
        }
    }

    /// The text of a non-null scalar node; nil for collections and YAML nulls.
    func nonNullString(_ id: NodeID) -> String? {
        isNull(id) ? nil : string(id)
    }

    /// Whether the scalar's full text was kept (very long scalars are truncated in memory).
    func isTruncated(_ id: NodeID) -> Bool { nodes[Int(resolve(id).index)].isTruncated }

    /// The length in bytes of the scalar as written, even when truncated in memory.
    func scalarByteLength(_ id: NodeID) -> Int {
        let r = nodes[Int(resolve(id).index)]
        return r.kind == .scalar ? Int(r.fullLength) : 0
    }

    func scalarEquals(_ id: NodeID, _ text: StaticString) -> Bool {
        let r = nodes[Int(resolve(id).index)]
        guard r.kind == .scalar, Int(r.b) == text.utf8CodeUnitCount else { return false }
        return bytes.withUnsafeBufferPointer { all in
            guard let base = all.baseAddress else { return r.b == 0 }
            return memoryEqual(base + Int(r.a), text.utf8Start, Int(r.b))
        }
    }

    /// YAML's null: an empty plain scalar, `~` or `null` (any of the three casings YAML allows).
    func isNull(_ id: NodeID) -> Bool {
        let r = nodes[Int(resolve(id).index)]
        guard r.kind == .scalar, r.style == YAMLScalarStyle.plain.rawValue else { return false }
        if r.b == 0 { return true }
        return scalarEquals(id, "~") || scalarEquals(id, "null") || scalarEquals(id, "Null")
            || scalarEquals(id, "NULL")
    }

    // MARK: Collections

    /// The items of a sequence (empty for anything else).
    func items(_ id: NodeID) -> NodeList {
        let r = nodes[Int(resolve(id).index)]
        guard r.kind == .sequence else { return NodeList(nodes: nodes, first: -1, count: 0) }
        return NodeList(nodes: nodes, first: r.a, count: Int(r.b))
    }

    /// The explicit key/value pairs of a mapping, in source order (merge keys not expanded).
    func pairs(_ id: NodeID) -> MappingPairs {
        let r = nodes[Int(resolve(id).index)]
        guard r.kind == .mapping else { return MappingPairs(nodes: nodes, first: -1, count: 0) }
        return MappingPairs(nodes: nodes, first: r.a, count: Int(r.b) / 2)
    }

    /// The value for `key` in a mapping, honouring YAML merge keys (`<<: *base`), as
    /// Kubernetes' YAML decoder does: explicit keys win over merged ones, earlier merges over
    /// later ones.
    func value(_ key: StaticString, in mapping: NodeID) -> NodeID? {
        lookup(key, in: mapping)?.value
    }

    /// Like `value(_:in:)`, also returning the key node.
    func entry(_ key: StaticString, in mapping: NodeID) -> (key: NodeID, value: NodeID)? {
        lookup(key, in: mapping)
    }

    /// All entries of a mapping with merge keys expanded, explicit ones first. Keys compare by text.
    func entries(_ mapping: NodeID) -> [(key: NodeID, value: NodeID)] {
        let explicit = pairs(mapping)
        if !explicit.contains(where: { isMergeKey($0.key) }) { return Array(explicit) }
        var result: [(key: NodeID, value: NodeID)] = []
        var seenMerges: [NodeID] = []
        var queue: [NodeID] = [resolve(mapping)]
        var visits = 0
        while !queue.isEmpty, visits < Self.mergeVisitLimit {
            let current = queue.removeFirst()
            visits += 1
            guard kind(current) == .mapping else { continue }
            for pair in pairs(current) {
                if isMergeKey(pair.key) {
                    for source in mergeSources(pair.value) where !seenMerges.contains(source) {
                        seenMerges.append(source)
                        queue.append(source)
                    }
                    continue
                }
                let exists = result.contains { existing in keysEqual(existing.key, pair.key) }
                if !exists { result.append(pair) }
            }
        }
        return result
    }

    /// Merges are rare and small; this bounds the work a crafted merge graph can cause.
    static let mergeVisitLimit = 4096

    private func lookup(_ key: StaticString, in mapping: NodeID) -> (key: NodeID, value: NodeID)? {
        let start = resolve(mapping)
        let record = nodes[Int(start.index)]
        guard record.kind == .mapping else { return nil }
        var hasMerge = false
        if let found = findKey(key, in: record, hasMerge: &hasMerge) { return found }
        guard hasMerge else { return nil }
        // Breadth-first over the merged mappings, each visited once.
        var visited: [NodeID] = [start]
        var queue: [NodeID] = []
        for pair in pairs(start) where isMergeKey(pair.key) { queue.append(contentsOf: mergeSources(pair.value)) }
        var index = 0
        while index < queue.count, visited.count < Self.mergeVisitLimit {
            let current = queue[index]
            index += 1
            if visited.contains(current) { continue }
            visited.append(current)
            var nestedMerge = false
            if let found = findKey(key, in: nodes[Int(current.index)], hasMerge: &nestedMerge) { return found }
            if nestedMerge {
                for pair in pairs(current) where isMergeKey(pair.key) { queue.append(contentsOf: mergeSources(pair.value)) }
            }
        }
        return nil
    }

    /// The hot path of every field lookup: compares key lengths first, then bytes, in place.
    private func findKey(_ key: StaticString, in record: NodeRecord, hasMerge: inout Bool) -> (key: NodeID, value: NodeID)? {
        let length = Int32(key.utf8CodeUnitCount)
        return nodes.withUnsafeBufferPointer { nodes in
            bytes.withUnsafeBufferPointer { bytes in
                guard let text = bytes.baseAddress else { return nil }
                var keyIndex = record.a
                while keyIndex >= 0 {
                    let keyID = NodeID(keyIndex)
                    var keyRecord = nodes[Int(keyIndex)]
                    let valueIndex = keyRecord.next
                    guard valueIndex >= 0 else { return nil }
                    if keyRecord.kind == .alias { keyRecord = nodes[Int(keyRecord.a)] }
                    if keyRecord.kind == .scalar {
                        if keyRecord.b == length, memoryEqual(text + Int(keyRecord.a), key.utf8Start, Int(length)) {
                            return (keyID, NodeID(valueIndex))
                        }
                        if keyRecord.b == 2, keyRecord.style == YAMLScalarStyle.plain.rawValue,
                            text[Int(keyRecord.a)] == 0x3C, text[Int(keyRecord.a) + 1] == 0x3C
                        {
                            hasMerge = true
                        }
                    }
                    keyIndex = nodes[Int(valueIndex)].next
                }
                return nil
            }
        }
    }

    private func isMergeKey(_ key: NodeID) -> Bool {
        scalarStyle(key) == .plain && scalarEquals(key, "<<")
    }

    /// A merge value is a mapping or a sequence of mappings.
    private func mergeSources(_ value: NodeID) -> [NodeID] {
        let target = resolve(value)
        switch kind(target) {
        case .mapping: return [target]
        case .sequence: return items(target).map { resolve($0) }.filter { kind($0) == .mapping }
        default: return []
        }
    }

    /// Whether two key nodes are the same key: equal scalar text (style does not matter).
    func keysEqual(_ a: NodeID, _ b: NodeID) -> Bool {
        withScalarBytes(a) { left in
            withScalarBytes(b) { right in
                guard let left, let right, left.count == right.count else { return false }
                guard let l = left.baseAddress, let r = right.baseAddress else { return left.count == 0 }
                return memoryEqual(l, r, left.count)
            }
        }
    }
}

/// The children of a collection, following the sibling links.
struct NodeList: Sequence, Sendable {
    let nodes: [NodeRecord]
    let first: Int32
    let count: Int

    var isEmpty: Bool { count == 0 }

    struct Iterator: IteratorProtocol {
        let nodes: [NodeRecord]
        var current: Int32
        mutating func next() -> NodeID? {
            guard current >= 0 else { return nil }
            defer { current = nodes[Int(current)].next }
            return NodeID(current)
        }
    }

    func makeIterator() -> Iterator { Iterator(nodes: nodes, current: count > 0 ? first : -1) }
}

/// The key/value pairs of a mapping, following the sibling links.
struct MappingPairs: Sequence, Sendable {
    let nodes: [NodeRecord]
    let first: Int32
    let count: Int

    var isEmpty: Bool { count == 0 }

    struct Iterator: IteratorProtocol {
        let nodes: [NodeRecord]
        var current: Int32
        mutating func next() -> (key: NodeID, value: NodeID)? {
            guard current >= 0 else { return nil }
            let value = nodes[Int(current)].next
            guard value >= 0 else { return nil }
            defer { current = nodes[Int(value)].next }
            return (NodeID(current), NodeID(value))
        }
    }

    func makeIterator() -> Iterator { Iterator(nodes: nodes, current: count > 0 ? first : -1) }
}
