/// Counts Unicode scalars (UTF-8 lead bytes) in the first `count` bytes of UTF-8 text: the column
/// arithmetic of positions, which count characters as libyaml does. Bytes that cannot start a
/// scalar still count as one each, as a best effort for invalid text.
@inlinable
public func characterCount<Bytes: Collection<UInt8>>(_ bytes: Bytes, upTo count: Int) -> Int {
    let fast = bytes.withContiguousStorageIfAvailable { buffer -> Int in
        var n = 0
        for index in 0..<min(max(0, count), buffer.count) where buffer[index] & 0xC0 != 0x80 { n += 1 }
        return n
    }
    if let fast { return fast }
    var n = 0
    for byte in bytes.prefix(max(0, count)) where byte & 0xC0 != 0x80 { n += 1 }
    return n
}
