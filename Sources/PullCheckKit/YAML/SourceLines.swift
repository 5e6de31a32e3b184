import TextSupport

/// Reads a source line by line, counting lines and columns exactly as libyaml does, so that
/// positions found in raw text (comments, which libyaml drops) agree with the parser's marks.
///
/// Line breaks are LF, CR LF, a lone CR, and the UTF-8 encodings of NEL (U+0085), LS (U+2028)
/// and PS (U+2029). Columns count Unicode scalars; a UTF-8 byte-order mark at the start of the
/// input is not a column. Used only on rare paths (pragmas, errors, source excerpts): the file is
/// read again in chunks, with memory bounded by the longest line kept (`maxLineBytes`).
struct SourceLines {
    let source: SourceBytes
    var maxLineBytes = 1 << 20

    init(_ source: SourceBytes) { self.source = source }

    /// Calls `body` with each line (without its break), its 1-based number and the byte offset
    /// of its start. `body` returns false to stop. Lines longer than `maxLineBytes` are cut.
    /// Returns false when reading failed or `body` stopped.
    func forEachLine(_ body: (_ number: Int, _ line: UnsafeBufferPointer<UInt8>, _ offset: Int) -> Bool) -> Bool {
        guard let stream = ChunkStream(source) else { return false }
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var carry: [UInt8] = []  // the start of a line that began in an earlier chunk
        var number = 1
        var lineStart = 0  // byte offset of the current line in the input
        var consumed = 0  // bytes of the input before `chunk`
        var skipLF = false  // the previous chunk ended with CR
        var first = true
        while true {
            let count = chunk.withUnsafeMutableBytes { stream.read(into: $0) }
            if count < 0 { return false }
            if count == 0 { break }
            var keepGoing = true
            chunk.withUnsafeBufferPointer { all in
                let bytes = UnsafeBufferPointer(rebasing: all[0..<count])
                var i = 0
                if first {
                    first = false
                    if count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF {
                        i = 3
                        lineStart = 3
                    }
                }
                if skipLF {
                    skipLF = false
                    if i < count && bytes[i] == 0x0A {
                        i += 1
                        lineStart = consumed + i
                    }
                }
                var segmentStart = i
                while i < count {
                    let byte = bytes[i]
                    // Fast path: most bytes are not the first byte of a line break. Jump to the
                    // next LF when nothing before it can start another kind of break.
                    if byte != 0x0A && byte != 0x0D && byte != 0xC2 && byte != 0xE2 {
                        let next = Self.nextLineFeed(bytes, from: i)
                        i = Self.firstOtherBreakStart(bytes, i..<next) ?? next
                        continue
                    }
                    var breakLength = 0
                    if byte == 0x0A || byte == 0x0D {
                        breakLength = 1
                        if byte == 0x0D {
                            if i + 1 < count {
                                if bytes[i + 1] == 0x0A { breakLength = 2 }
                            } else {
                                skipLF = true
                            }
                        }
                    } else if byte == 0xC2, i + 1 < count, bytes[i + 1] == 0x85 {
                        breakLength = 2
                    } else if byte == 0xE2, i + 2 < count, bytes[i + 1] == 0x80, bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9 {
                        breakLength = 3
                    }
                    guard breakLength > 0 else {
                        i += 1
                        continue
                    }
                    let segment = UnsafeBufferPointer(rebasing: bytes[segmentStart..<i])
                    let stop: Bool
                    if carry.isEmpty {
                        stop = !body(number, UnsafeBufferPointer(rebasing: segment[..<min(segment.count, maxLineBytes)]), lineStart)
                    } else {
                        Self.append(segment, to: &carry, limit: maxLineBytes)
                        stop = !carry.withUnsafeBufferPointer { body(number, $0, lineStart) }
                        carry.removeAll(keepingCapacity: true)
                    }
                    if stop {
                        keepGoing = false
                        return
                    }
                    number += 1
                    i += breakLength
                    segmentStart = i
                    lineStart = consumed + i
                }
                if segmentStart < count {
                    Self.append(UnsafeBufferPointer(rebasing: bytes[segmentStart..<count]), to: &carry, limit: maxLineBytes)
                }
            }
            if !keepGoing { return false }
            consumed += count
        }
        if !carry.isEmpty {
            return carry.withUnsafeBufferPointer { body(number, $0, lineStart) }
        }
        return true
    }

    /// The index of the next LF at or after `start`, or the end.
    @inline(__always)
    private static func nextLineFeed(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        guard let base = bytes.baseAddress, start < bytes.count,
            let hit = findByte(0x0A, in: base + start, count: bytes.count - start)
        else { return bytes.count }
        return start + hit
    }

    /// The first CR, or first byte of NEL, LS or PS, in the range.
    @inline(__always)
    private static func firstOtherBreakStart(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int? {
        guard let base = bytes.baseAddress, !range.isEmpty else { return nil }
        let start = base + range.lowerBound
        var first: Int?
        func consider(_ byte: UInt8) {
            if let hit = findByte(byte, in: start, count: range.count) {
                let index = range.lowerBound + hit
                first = min(first ?? index, index)
            }
        }
        consider(0x0D)
        consider(0xC2)
        consider(0xE2)
        return first
    }

    private static func append(_ bytes: UnsafeBufferPointer<UInt8>, to line: inout [UInt8], limit: Int) {
        let room = max(0, limit - line.count)
        if room > 0 { line.append(contentsOf: bytes[..<min(bytes.count, room)]) }
    }

    /// The text of the given lines (a line that is not in the source is left out).
    func lines(_ wanted: Set<Int>) -> [Int: String] {
        guard let last = wanted.max() else { return [:] }
        var found: [Int: String] = [:]
        _ = forEachLine { number, bytes, _ in
            if wanted.contains(number) { found[number] = String(decoding: bytes, as: UTF8.self) }
            return number < last
        }
        return found
    }

    /// The line and column of a byte offset (libyaml's reader reports errors by offset). Past a
    /// line's first `maxLineBytes`, further bytes count as one column each.
    func position(ofByteOffset target: Int) -> SourcePosition {
        var result: SourcePosition?
        var last: (number: Int, start: Int, characters: Int, kept: Int)?
        _ = forEachLine { number, bytes, start in
            if let line = last, target < start {
                // Beyond the previous line's kept bytes (a very long line).
                result = SourcePosition(line: line.number, column: line.characters + max(0, target - line.start - line.kept) + 1)
                return false
            }
            if target >= start && target - start <= bytes.count {
                result = SourcePosition(line: number, column: characterCount(bytes, upTo: target - start) + 1)
                return false
            }
            last = (number, start, characterCount(bytes, upTo: bytes.count), bytes.count)
            return true
        }
        if let result { return result }
        guard let line = last else { return .start }
        return SourcePosition(line: line.number, column: line.characters + max(0, target - line.start - line.kept) + 1)
    }
}

/// Where a source's bytes are read (again) from: a file, bytes in memory, or what was read of a
/// stream (its copy).
enum SourceBytes {
    /// A file, by the bytes of the path to open (a relative path from the process's working
    /// directory: see `PathAccess.resolved`).
    case file(path: [UInt8])
    case memory([UInt8])
    case stream(StreamedInput)
}

/// Sequential reads of a source: a file opened read-only (closed when the stream goes away) or
/// bytes in memory.
final class ChunkStream {
    private let descriptor: Int32
    private let memory: [UInt8]
    private var offset = 0
    /// Standard input's copy, read from `streamOffset` on.
    private var stream: StreamedInput?
    private var streamOffset = 0

    init?(_ source: SourceBytes) {
        switch source {
        case .stream(let streamed):
            var head = [UInt8](repeating: 0, count: 2)
            let count = head.withUnsafeMutableBytes { raw -> Int in
                guard let base = raw.baseAddress, case .success(let n) = streamed.readCopy(into: base, count: 2, at: 0) else { return 0 }
                return n
            }
            descriptor = -1
            if count == 2, (head[0] == 0xFF && head[1] == 0xFE) || (head[0] == 0xFE && head[1] == 0xFF) {
                // UTF-16 (rare): read it whole and serve it as UTF-8, as libyaml sees it.
                var all = [UInt8](repeating: 0, count: streamed.spooledBytes)
                let got = all.withUnsafeMutableBytes { raw -> Int in
                    guard let base = raw.baseAddress, case .success(let n) = streamed.readCopy(into: base, count: raw.count, at: 0) else {
                        return 0
                    }
                    return n
                }
                memory = Self.transcodingUTF16(Array(all[0..<got])) ?? []
            } else {
                memory = []
                stream = streamed
            }
        case .memory(let bytes):
            descriptor = -1
            memory = Self.transcodingUTF16(bytes) ?? bytes
        case .file(let path):
            guard case .success(let fd) = FileSystem.openRegularFile(path: path) else { return nil }
            var head = [UInt8](repeating: 0, count: 2)
            let count = head.withUnsafeMutableBytes { raw -> Int in
                guard let base = raw.baseAddress, case .success(let n) = FileSystem.readChunk(fd, into: base, count: 2) else { return 0 }
                return n
            }
            if count == 2, (head[0] == 0xFF && head[1] == 0xFE) || (head[0] == 0xFE && head[1] == 0xFF),
                case .success(let rest) = FileSystem.readAll(fd)
            {
                // UTF-16 (rare): read it whole and serve it as UTF-8, as libyaml sees it.
                FileSystem.closeFile(fd)
                descriptor = -1
                memory = Self.transcodingUTF16(head + rest) ?? []
            } else {
                descriptor = fd
                memory = Array(head[0..<count])
            }
        }
    }

    /// UTF-8 for a UTF-16 input with a byte-order mark (kept: lines skip it), else nil.
    static func transcodingUTF16(_ bytes: [UInt8]) -> [UInt8]? {
        guard bytes.count >= 2 else { return nil }
        let little: Bool
        if bytes[0] == 0xFF && bytes[1] == 0xFE {
            little = true
        } else if bytes[0] == 0xFE && bytes[1] == 0xFF {
            little = false
        } else {
            return nil
        }
        var units: [UInt16] = []
        units.reserveCapacity(bytes.count / 2)
        var index = 2
        while index + 1 < bytes.count {
            units.append(
                little ? UInt16(bytes[index]) | UInt16(bytes[index + 1]) << 8 : UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1]))
            index += 2
        }
        var out: [UInt8] = [0xEF, 0xBB, 0xBF]
        for scalar in String(decoding: units, as: UTF16.self).unicodeScalars { out += Array(String(scalar).utf8) }
        return out
    }

    deinit { if descriptor >= 0 { FileSystem.closeFile(descriptor) } }

    /// Fills `buffer`; returns the count, 0 at the end, -1 on a read error.
    func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        if let stream {
            switch stream.readCopy(into: base, count: buffer.count, at: streamOffset) {
            case .success(let n):
                streamOffset += n
                return n
            case .failure: return -1
            }
        }
        if descriptor >= 0 && offset >= memory.count {
            switch FileSystem.readChunk(descriptor, into: base, count: buffer.count) {
            case .success(let n): return n
            case .failure: return -1
            }
        }
        let n = min(buffer.count, memory.count - offset)
        guard n > 0 else { return 0 }
        memory.withUnsafeBytes { all in
            if let source = all.baseAddress { base.copyMemory(from: source + offset, byteCount: n) }
        }
        offset += n
        return n
    }
}
