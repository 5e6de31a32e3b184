// The thin layer over the C library that replaces Foundation: pullcheck's CLI must start in a
// millisecond, and loading Foundation alone costs several (see bench/README.md).

import TextSupport

#if canImport(Glibc)
    internal import Glibc
#elseif canImport(Musl)
    internal import Musl
#elseif canImport(Darwin)
    internal import Darwin
#endif

/// An operating-system error: the `errno` of a failed call.
public struct SystemError: Error, Hashable, Sendable, CustomStringConvertible {
    let code: Int32

    public init(code: Int32) { self.code = code }

    static var current: SystemError { SystemError(code: errno) }

    /// EFBIG: more than a limit allows.
    static var tooLarge: SystemError { SystemError(code: EFBIG) }

    public var description: String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text)
    }
}

/// What `stat(2)` says about a path, reduced to what pullcheck needs.
public struct FileStatus: Sendable {
    enum FileType: Sendable {
        case regular, directory
        case other(String)
    }

    let type: FileType
    let device: UInt64
    let inode: UInt64
    let size: Int

    init(_ info: stat) {
        switch info.st_mode & S_IFMT {
        case S_IFREG: type = .regular
        case S_IFDIR: type = .directory
        case S_IFIFO: type = .other("a FIFO")
        case S_IFCHR: type = .other("a character device")
        case S_IFBLK: type = .other("a block device")
        case S_IFSOCK: type = .other("a socket")
        case S_IFLNK: type = .other("a symbolic link")
        default: type = .other("not a regular file")
        }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        size = Int(info.st_size)
    }

    /// `stat` (following symbolic links) or `lstat`.
    public static func of(_ path: String, followingLinks: Bool = true) -> Result<FileStatus, SystemError> {
        of(path: Array(path.utf8), followingLinks: followingLinks)
    }

    /// The same for a path as raw bytes, of any length (see `PathAccess`).
    static func of(path: [UInt8], followingLinks: Bool = true) -> Result<FileStatus, SystemError> {
        PathAccess.withParent(path) { directory, name -> Result<FileStatus, SystemError> in
            var info = stat()
            let rc = fstatat(directory, name, &info, followingLinks ? 0 : AT_SYMLINK_NOFOLLOW)
            return rc == 0 ? .success(FileStatus(info)) : .failure(.current)
        }
    }

    static func of(descriptor: Int32) -> Result<FileStatus, SystemError> {
        var info = stat()
        return fstat(descriptor, &info) == 0 ? .success(FileStatus(info)) : .failure(.current)
    }

    public var isDirectory: Bool {
        if case .directory = type { return true }
        return false
    }
}

/// Low-level file access. Files are only ever opened read-only.
public enum FileSystem {
    /// Opens a regular file for reading. Anything else (a FIFO, a device, a directory) is refused
    /// before a read could block on it.
    static func openRegularFile(_ path: String) -> Result<Int32, FileOpenError> {
        openRegularFile(path: Array(path.utf8))
    }

    /// The same for a path as raw bytes (names need not be UTF-8), of any length.
    static func openRegularFile(path: [UInt8]) -> Result<Int32, FileOpenError> {
        // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
        let opened = PathAccess.withParent(path) { directory, name -> Result<Int32, SystemError> in
            let fd = openat(directory, name, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
            return fd >= 0 ? .success(fd) : .failure(.current)
        }
        guard case .success(let fd) = opened else {
            if case .failure(let error) = opened { return .failure(.system(error)) }
            return .failure(.system(SystemError(code: EINVAL)))
        }
        switch FileStatus.of(descriptor: fd) {
        case .failure(let error):
            close(fd)
            return .failure(.system(error))
        case .success(let status):
            switch status.type {
            case .regular:
                return .success(fd)
            case .directory:
                close(fd)
                return .failure(.notRegular("a directory"))
            case .other(let what):
                close(fd)
                return .failure(.notRegular(what))
            }
        }
    }

    static func closeFile(_ fd: Int32) { close(fd) }

    /// Reads up to `count` bytes at `offset` without moving the descriptor's position.
    static func readChunk(_ fd: Int32, into buffer: UnsafeMutableRawPointer, count: Int, at offset: Int) -> Result<Int, SystemError> {
        while true {
            let n = pread(fd, buffer, count, off_t(offset))
            if n >= 0 { return .success(n) }
            if errno == EINTR { continue }
            return .failure(.current)
        }
    }

    /// Reads up to `count` bytes from a pipe or terminal, waiting for data even when the
    /// descriptor is non-blocking. Returns 0 at the end.
    static func readStream(_ fd: Int32, into buffer: UnsafeMutableRawPointer, count: Int) -> Result<Int, SystemError> {
        while true {
            let n = read(fd, buffer, count)
            if n >= 0 { return .success(n) }
            if errno == EINTR { continue }
            if errno == EAGAIN || errno == EWOULDBLOCK {
                var waiting = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                _ = poll(&waiting, 1, -1)
                continue
            }
            return .failure(.current)
        }
    }

    /// Writes all of `count` bytes; retries on EINTR and short writes.
    static func writeAll(_ fd: Int32, _ buffer: UnsafeRawPointer, count: Int) -> SystemError? {
        var offset = 0
        while offset < count {
            let n = write(fd, buffer + offset, count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                return .current
            }
            offset += n
        }
        return nil
    }

    /// A new temporary file, already unlinked (it goes away with its descriptor), in `TMPDIR`
    /// or `/tmp`.
    static func anonymousTemporaryFile() -> Int32? {
        let directory = ProcessEnvironment.variable("TMPDIR").flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template =
            Array((directory.hasSuffix("/") ? directory : directory + "/").utf8CString.dropLast())
            + Array("pullcheck-stdin-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { buffer -> Int32 in
            guard let base = buffer.baseAddress else { return -1 }
            let fd = mkstemp(base)
            if fd >= 0 {
                unlink(base)
                _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            }
            return fd
        }
        return fd >= 0 ? fd : nil
    }

    /// Reads up to `count` bytes; retries on EINTR. Returns 0 at end of file.
    static func readChunk(_ fd: Int32, into buffer: UnsafeMutableRawPointer, count: Int) -> Result<Int, SystemError> {
        while true {
            let n = read(fd, buffer, count)
            if n >= 0 { return .success(n) }
            if errno == EINTR { continue }
            if errno == EAGAIN { return .success(0) }
            return .failure(.current)
        }
    }

    /// Reads a whole descriptor (standard input) into memory.
    public static func readAll(_ fd: Int32, limit: Int = Int.max) -> Result<[UInt8], SystemError> {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let result = chunk.withUnsafeMutableBytes { raw -> Result<Int, SystemError> in
                guard let base = raw.baseAddress else { return .success(0) }
                while true {
                    let n = read(fd, base, raw.count)
                    if n >= 0 { return .success(n) }
                    if errno == EINTR { continue }
                    return .failure(.current)
                }
            }
            switch result {
            case .failure(let error): return .failure(error)
            case .success(0): return .success(bytes)
            case .success(let n):
                bytes.append(contentsOf: chunk[0..<n])
                if bytes.count > limit { return .success(bytes) }
            }
        }
    }

    /// Reads a whole regular file into memory; past `limit` bytes it stops, returning a few more
    /// than `limit` so the caller can tell.
    public static func readFile(_ path: String, limit: Int = Int.max) -> Result<[UInt8], FileOpenError> {
        switch openRegularFile(path) {
        case .failure(let error): return .failure(error)
        case .success(let fd):
            defer { close(fd) }
            // The size is known: one read into a buffer of that size (plus one byte, to see growth),
            // without zeroing a chunk per file; readAll takes over if the file grew.
            if case .success(let status) = FileStatus.of(descriptor: fd), status.size < min(limit, 64 << 20) {
                let capacity = status.size + 1
                var failure: SystemError?
                let bytes = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
                    count = 0
                    guard let base = buffer.baseAddress else { return }
                    while count < capacity {
                        let n = read(fd, base + count, capacity - count)
                        if n > 0 {
                            count += n
                        } else if n == 0 {
                            return
                        } else if errno != EINTR {
                            failure = .current
                            return
                        }
                    }
                }
                if let failure { return .failure(.system(failure)) }
                guard bytes.count == capacity else { return .success(bytes) }
                var rest = bytes
                switch readAll(fd, limit: limit) {
                case .success(let more): rest += more
                case .failure(let error): return .failure(.system(error))
                }
                return .success(rest)
            }
            return readAll(fd, limit: limit).mapError { .system($0) }
        }
    }

    /// The names in a directory as raw bytes (they need not be UTF-8), without `.` and `..`,
    /// sorted bytewise; the directory's path may be of any length.
    static func directoryEntries(path: [UInt8]) -> Result<[[UInt8]], SystemError> {
        let opened = PathAccess.withParent(path) { directory, name -> Result<Int32, SystemError> in
            let fd = openat(directory, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            return fd >= 0 ? .success(fd) : .failure(.current)
        }
        let fd: Int32
        switch opened {
        case .failure(let error): return .failure(error)
        case .success(let descriptor): fd = descriptor
        }
        guard let dir = fdopendir(fd) else {
            let error = SystemError.current
            close(fd)
            return .failure(error)
        }
        defer { closedir(dir) }
        var names: [[UInt8]] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) { pointer in
                pointer.withMemoryRebound(to: UInt8.self, capacity: Int(NAME_MAX) + 1) { base in
                    Array(UnsafeBufferPointer(start: base, count: strlen(UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self))))
                }
            }
            if name == [0x2E] || name == [0x2E, 0x2E] { continue }
            names.append(name)
        }
        names.sort { $0.lexicographicallyPrecedes($1) }
        return .success(names)
    }

    /// The names in a directory, without `.` and `..`, sorted bytewise for a stable order.
    static func directoryEntries(_ path: String) -> Result<[String], SystemError> {
        guard let dir = opendir(path) else { return .failure(.current) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) { pointer in
                pointer.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            if name == "." || name == ".." { continue }
            names.append(name)
        }
        names.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        return .success(names)
    }

    /// Writes a whole file (only `generate-docs` writes, and only its own pages).
    public static func writeFile(_ path: String, contents: String) -> SystemError? {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return .current }
        defer { close(fd) }
        var text = contents
        return text.withUTF8 { buffer -> SystemError? in
            guard let base = buffer.baseAddress else { return nil }
            var offset = 0
            while offset < buffer.count {
                let n = write(fd, base + offset, buffer.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return .current
                }
                offset += n
            }
            return nil
        }
    }

    public static func currentDirectory() -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        return buffer.withUnsafeMutableBufferPointer { pointer -> String? in
            guard let base = pointer.baseAddress, getcwd(base, pointer.count) != nil else { return nil }
            return String(cString: base)
        }
    }
}

/// Paths of any length. The kernel refuses a path of `PATH_MAX` bytes or more in one call, but
/// not a deep directory: such a path is opened one stretch of components at a time, each
/// relative to a descriptor of the directory before it (`openat`), and the last component is
/// then used relative to its parent's descriptor. Shorter paths go to the kernel as they are.
public enum PathAccess {
    /// Each `openat` step takes components adding up to at most this many bytes.
    static let stepBytes = 2048

    static func withParent<R>(_ path: [UInt8], _ body: (Int32, UnsafePointer<CChar>) -> Result<R, SystemError>)
        -> Result<R, SystemError>
    {
        if path.count < Int(PATH_MAX) - 1 {
            return withCString(path) { body(AT_FDCWD, $0) }
        }
        guard let slash = path.lastIndex(of: 0x2F) else { return .failure(SystemError(code: ENAMETOOLONG)) }
        let name = Array(path[(slash + 1)...])
        var directory: Int32 =
            path.first == 0x2F ? open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC) : open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard directory >= 0 else { return .failure(.current) }
        var segment: [UInt8] = []
        func step() -> SystemError? {
            let next = withCString(segment) { openat(directory, $0, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
            let error = next < 0 ? SystemError.current : nil
            close(directory)
            directory = next
            segment.removeAll(keepingCapacity: true)
            return error
        }
        for component in path[..<slash].split(separator: 0x2F, omittingEmptySubsequences: true) {
            if !segment.isEmpty, segment.count + component.count + 1 > stepBytes, let error = step() { return .failure(error) }
            if !segment.isEmpty { segment.append(0x2F) }
            segment.append(contentsOf: component)
        }
        if !segment.isEmpty, let error = step() { return .failure(error) }
        defer { close(directory) }
        return withCString(name.isEmpty ? [0x2E] : name) { body(directory, $0) }
    }

    private static func withCString<R>(_ bytes: [UInt8], _ body: (UnsafePointer<CChar>) -> R) -> R {
        var terminated = bytes
        terminated.append(0)
        return terminated.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                // A non-empty buffer always has a base address.
                guard let base = chars.baseAddress else { return body("") }
                return body(base)
            }
        }
    }

    /// `path` as it is opened from `directory` (absolute): a relative path is appended to it; an
    /// absolute or empty path, or a nil directory (the process's working directory), is left as
    /// it is. Nothing is normalised, so `..` keeps its meaning across symbolic links.
    public static func resolved(_ path: [UInt8], in directory: String?) -> [UInt8] {
        guard let directory, !directory.isEmpty, !path.isEmpty, path.first != 0x2F else { return path }
        var joined = Array(directory.utf8)
        if joined.last != 0x2F { joined.append(0x2F) }
        return joined + path
    }

    /// The same for a path as text.
    public static func resolved(_ path: String, in directory: String?) -> String {
        guard let directory, !directory.isEmpty, !path.isEmpty, !path.hasPrefix("/") else { return path }
        return directory.hasSuffix("/") ? directory + path : directory + "/" + path
    }

    /// A path's bytes as text to show: valid UTF-8 as it is, every other byte as `\xNN`.
    static func displayName(_ bytes: [UInt8]) -> String {
        // Nearly every name is ASCII: no decoding needed.
        if bytes.allSatisfy({ $0 < 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
        var out = ""
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded):
                out.unicodeScalars.append(Unicode.UTF8.decode(encoded))
                offset += encoded.count
            case .error(let length):
                for byte in bytes[offset..<(offset + length)] { out += "\\x" + hexByte(byte) }
                offset += length
            case .emptyInput:
                return out
            }
        }
    }

    /// Whether the bytes are valid UTF-8 (a `String` then holds them exactly).
    static func isUTF8(_ bytes: [UInt8]) -> Bool {
        if bytes.allSatisfy({ $0 < 0x80 }) { return true }
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid: continue
            case .error: return false
            case .emptyInput: return true
            }
        }
    }
}

/// Why a path could not be opened for linting.
public enum FileOpenError: Error, Sendable, CustomStringConvertible {
    case system(SystemError)
    case notRegular(String)

    public var description: String {
        switch self {
        case .system(let error): return error.description
        case .notRegular(let what): return "is \(what), not a regular file"
        }
    }
}

/// The process environment and terminal.
public enum ProcessEnvironment {
    public static func variable(_ name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        return String(cString: value)
    }

    static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }

    /// The number of processors this process may run on.
    static var processorCount: Int {
        let n = sysconf(Int32(_SC_NPROCESSORS_ONLN))
        return n > 0 ? n : 1
    }
}

/// Writes bytes to a file descriptor, handling short writes and EINTR.
public enum StandardStream: Int32, Sendable {
    case output = 1
    case error = 2

    public func write(_ text: String) {
        var text = text
        text.withUTF8 { buffer in
            guard let base = buffer.baseAddress else { return }
            var offset = 0
            while offset < buffer.count {
                let n = systemWrite(rawValue, base + offset, buffer.count - offset)
                if n > 0 {
                    offset += n
                } else if n < 0 && errno == EINTR {
                    continue
                } else {
                    return
                }
            }
        }
    }

    public var isTerminal: Bool { ProcessEnvironment.isTerminal(rawValue) }
}

/// `write(2)`, callable from types that have a `write` method of their own.
@inline(__always)
func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
        return Glibc.write(fd, buffer, count)
    #elseif canImport(Musl)
        return Musl.write(fd, buffer, count)
    #else
        return Darwin.write(fd, buffer, count)
    #endif
}

/// The offset of the first `byte` in `count` bytes at `base`, or nil (memchr: vectorised).
@inline(__always)
func findByte(_ byte: UInt8, in base: UnsafePointer<UInt8>, count: Int) -> Int? {
    guard count > 0, let hit = memchr(base, Int32(byte), count) else { return nil }
    return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
}

/// Whether `bytes` contain `needle`; memchr finds the candidates for its first byte.
func containsBytes(_ bytes: UnsafeBufferPointer<UInt8>, _ needle: StaticString) -> Bool {
    let count = needle.utf8CodeUnitCount
    guard count > 0, bytes.count >= count, let base = bytes.baseAddress else { return false }
    let first = needle.utf8Start[0]
    var offset = 0
    while offset + count <= bytes.count, let hit = findByte(first, in: base + offset, count: bytes.count - count + 1 - offset) {
        let index = offset + hit
        if memoryEqual(base + index, needle.utf8Start, count) { return true }
        offset = index + 1
    }
    return false
}

@inline(__always)
func memoryEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ count: Int) -> Bool {
    var i = 0
    while i < count {
        if a[i] != b[i] { return false }
        i += 1
    }
    return true
}
