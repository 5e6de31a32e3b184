// libFuzzer target: the .dockerconfigjson decoder (base64, JSON, the entries) must never trap.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDockerConfig(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    for format in [DockerSecretFormat.dockerConfigJSON, .dockerCfg] {
        let analysis = analyzeDockerConfig(bytes, format: format)
        for problem in analysis.problems {
            if let offset = problem.byteOffset, offset < 0 || offset > bytes.count {
                fatalError("problem offset \(offset) outside 0...\(bytes.count)")
            }
        }
        for key in analysis.keys {
            _ = kubeletLookup(keys: [key.rawKey], image: "docker.io/library/nginx")
        }
    }
    if case .success(let decoded) = Base64.decodeStd(bytes) { _ = analyzeDockerConfig(decoded, format: .dockerConfigJSON) }
    return 0
}
