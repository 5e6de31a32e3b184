// libFuzzer target: the image-reference parser must never trap, and its offsets stay in bounds.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzImageReference(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let input = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    switch ImageReference.parse(input) {
    case .success(let reference):
        // What kubelet pulls must parse again to the same thing.
        guard case .success(let again) = ImageReference.parse(reference.pullReference),
            again.normalizedName == reference.normalizedName, again.tag ?? "latest" == reference.tag ?? "latest" || reference.digest != nil,
            again.digest == reference.digest
        else { fatalError("pullReference does not round-trip for \(input.debugDescription)") }
    case .failure(let error):
        let count = input.unicodeScalars.count
        if error.offset < 0 || error.offset + error.length > max(count, 1) {
            fatalError("offset out of bounds for \(input.debugDescription): \(error.offset)+\(error.length) of \(count)")
        }
    }
    return 0
}
