import KubeletCredentials
import TextSupport

/// Reads a docker-registry Secret's `.dockerconfigjson` / `.dockercfg` the way the API server and
/// kubelet do, and places every problem as close to its fault as the YAML allows: the exact
/// character of a single-line value, the line of a literal block (`|`), else the value.
///
/// Nothing here keeps credential material: the decoded bytes live only inside `init`, and the
/// analysis returns problems, registry keys and booleans. Only the online mode asks to keep the
/// decoded credentials (`keepPullCredentials`), in memory, to present them to the registry.
struct DockerConfigCheck {
    /// The API server's limit on a Secret's data (`MaxSecretSize`).
    static let maxSecretDataBytes = 1 << 20

    private(set) var problems: [DockerConfigFinding] = []
    private(set) var credentials: SecretCredentials?

    init(
        document: YAMLDocument, type: String, typeSpan: SourceSpan?, anchor: SourceSpan,
        data: (key: NodeID, value: NodeID)?, stringData: (key: NodeID, value: NodeID)?, keepPullCredentials: Bool = false
    ) {
        let (key, format): (StaticString, DockerSecretFormat) =
            type == SecretObject.dockerCfgType ? (".dockercfg", .dockerCfg) : (".dockerconfigjson", .dockerConfigJSON)
        let keyText = "\(key)"
        // stringData wins over data when both hold the key (the API server merges it over data).
        let fromStringData = stringData.flatMap { section in
            document.kind(section.value) == .mapping ? document.entry(key, in: section.value) : nil
        }
        let fromData = data.flatMap { section in
            document.kind(section.value) == .mapping ? document.entry(key, in: section.value) : nil
        }
        guard let entry = fromStringData ?? fromData else {
            problems.append(
                DockerConfigFinding(
                    message:
                        "Secret of type \(type) has no \(keyText) key in data or stringData; the API server rejects it, and pods naming it get no credentials",
                    span: typeSpan ?? anchor))
            credentials = SecretCredentials(isUsable: false, registryKeys: [])
            return
        }
        let isStringData = fromStringData != nil
        let section = isStringData ? "stringData" : "data"
        let field = ScalarField(document: document, key: entry.key, value: entry.value)
        guard !field.isCollection, !field.isNull, !field.value.isEmpty else {
            problems.append(
                DockerConfigFinding(
                    message: "\(section)[\(keyText)] is empty or not a string; the API server rejects the Secret",
                    span: field.span))
            credentials = SecretCredentials(isUsable: false, registryKeys: [])
            return
        }
        if field.isTruncated {
            // Only the start of the value is in memory: its content is never judged. Its length
            // is known, and past what the API server stores for a Secret (1 MiB of data) that
            // alone is the problem; else (only with lowered limits) nothing is said about it.
            let length = document.scalarByteLength(entry.value)
            let decoded = isStringData ? length : length / 4 * 3
            if decoded > Self.maxSecretDataBytes {
                problems.append(
                    DockerConfigFinding(
                        message:
                            "\(section)[\(keyText)] is \(length) bytes long, more than a Secret can hold (1 MiB of data); the API server rejects the Secret, so pods that name it get no credentials",
                        span: field.span))
                credentials = SecretCredentials(isUsable: false, registryKeys: [])
            }
            return
        }

        var json: [UInt8]
        if isStringData {
            json = Array(field.value.utf8)
        } else {
            switch Base64.decodeStd(Array(field.value.utf8)) {
            case .success(let bytes):
                json = bytes
            case .failure(let error):
                let offset = characterCount(field.value.utf8, upTo: error.byteOffset)
                problems.append(
                    DockerConfigFinding(
                        message:
                            "data[\(keyText)] is not valid base64 (\(error.reasonText) at character \(offset + 1) of the value); the API server rejects the Secret, so every pod that names it gets no credentials",
                        span: field.span(ofCharacters: offset..<(offset + 1))))
                credentials = SecretCredentials(isUsable: false, registryKeys: [])
                return
            }
        }
        let analysis = analyzeDockerConfig(json, format: format)
        for problem in analysis.problems {
            let place = problem.byteOffset.map { Self.span(ofByte: $0, in: json, field: field, literal: isStringData) }
            problems.append(
                DockerConfigFinding(
                    message: "\(section)[\(keyText)]: \(problem.message); \(Self.effect(problem.kubeletEffect))",
                    span: place?.span ?? field.span, indentation: place?.indentation))
        }
        let entries = keepPullCredentials && analysis.isUsable ? pullCredentialEntries(json, format: format) : []
        json.removeAll()
        credentials = SecretCredentials(
            isUsable: analysis.isUsable,
            registryKeys: analysis.keys.filter { $0.hasCredential }.map(\.rawKey), entries: entries)
    }

    static func effect(_ effect: KubeletEffect) -> String {
        switch effect {
        case .pullFails:
            return "kubelet cannot decode the secret, so every image pull of every pod that names it fails, public images included"
        case .ignoredSilently:
            return "pulls that need this credential go out unauthenticated and fail"
        case .rejectedByAPIServer:
            return "the API server rejects the Secret, so pods that name it get no credentials"
        }
    }

    /// Where byte `offset` of the JSON text is in the source. Only a stringData value holds the
    /// JSON as written; a base64 value can only be pointed at as a whole. In a literal block the
    /// column also needs the block's indentation, which only the source text tells: that part is
    /// returned as a `BlockIndentation`, which the linter resolves once per file (reading the
    /// lines all such findings need at once), so a file with many broken secrets is not read again
    /// for each.
    static func span(ofByte offset: Int, in json: [UInt8], field: ScalarField, literal: Bool)
        -> (span: SourceSpan, indentation: BlockIndentation?)
    {
        guard literal else { return (field.span, nil) }
        let clamped = max(0, min(offset, json.count))
        if field.isVerbatim {
            let character = characterCount(json, upTo: clamped)
            return (field.span(ofCharacters: character..<(character + 1)), nil)
        }
        guard field.style == .literal else { return (field.span, nil) }
        // A literal block keeps its lines: JSON line k is source line (start + 1 + k).
        var lineIndex = 0
        var lineStart = 0
        for index in 0..<clamped where json[index] == 0x0A {
            lineIndex += 1
            lineStart = index + 1
        }
        let line = field.span.start.line + 1 + lineIndex
        let column = characterCount(json[lineStart..<clamped], upTo: clamped - lineStart)
        let pending = BlockIndentation(
            headerLine: field.span.start.line, headerColumn: field.span.start.column, keyColumn: field.keySpan.start.column,
            line: line, fallback: field.span)
        return (SourceSpan(line: line, column: column + 1, length: 1), pending)
    }
}
