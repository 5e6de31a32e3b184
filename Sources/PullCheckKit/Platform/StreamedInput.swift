/// A pipe read once, in chunks, as the parser asks for them (memory stays bounded however long
/// the stream is). What was read is copied to an unlinked temporary file, so the later passes
/// that read an input again (comments, error positions, source excerpts) can; when no temporary
/// file can be made, up to `memoryLimit` bytes are kept in memory instead, and the read stops
/// with an error past that.
public final class StreamedInput: @unchecked Sendable {
    // Unchecked: one worker reads the stream (during `Linter.lint`); the copy is read only after
    // the workers are joined.
    let descriptor: Int32
    private let spool: Int32?
    private var memory: [UInt8] = []
    private(set) var spooledBytes = 0
    private(set) var spoolError: String?
    let memoryLimit: Int

    /// Streams `descriptor` (not closed here; standard input belongs to the process).
    public init(descriptor: Int32, memoryLimit: Int = 64 << 20) {
        self.descriptor = descriptor
        self.memoryLimit = memoryLimit
        spool = FileSystem.anonymousTemporaryFile()
    }

    deinit { if let spool { FileSystem.closeFile(spool) } }

    /// Reads and drops what the writer sends (at most `limit` bytes), for an input that is not
    /// linted (an excluded file, a chart template): an editor that pipes its buffer is not left
    /// with a broken pipe.
    func discard(limit: Int = 64 << 20) {
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var total = 0
        while total < limit {
            let n = buffer.withUnsafeMutableBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                if case .success(let count) = FileSystem.readStream(descriptor, into: base, count: raw.count) { return count }
                return 0
            }
            if n <= 0 { return }
            total += n
        }
    }

    /// Reads the next chunk from the stream and keeps a copy. Returns 0 at the end.
    func read(into buffer: UnsafeMutablePointer<UInt8>, capacity: Int) -> Result<Int, SystemError> {
        let result = FileSystem.readStream(descriptor, into: buffer, count: capacity)
        guard case .success(let n) = result, n > 0 else { return result }
        if let spool {
            if let error = FileSystem.writeAll(spool, buffer, count: n) {
                spoolError = "cannot keep a copy of standard input in a temporary file: \(error)"
                return .failure(error)
            }
        } else {
            guard memory.count + n <= memoryLimit else {
                spoolError =
                    "standard input is longer than \(memoryLimit >> 20) MiB and no temporary file could be made to hold it (set TMPDIR)"
                return .failure(.tooLarge)
            }
            memory.append(contentsOf: UnsafeBufferPointer(start: buffer, count: n))
        }
        spooledBytes += n
        return result
    }

    /// Bytes `offset...` of what was read so far, into `buffer`; 0 past the end.
    func readCopy(into buffer: UnsafeMutableRawPointer, count: Int, at offset: Int) -> Result<Int, SystemError> {
        let available = min(count, spooledBytes - offset)
        guard available > 0 else { return .success(0) }
        if let spool { return FileSystem.readChunk(spool, into: buffer, count: available, at: offset) }
        memory.withUnsafeBytes { all in
            if let base = all.baseAddress { buffer.copyMemory(from: base + offset, byteCount: available) }
        }
        return .success(available)
    }
}
