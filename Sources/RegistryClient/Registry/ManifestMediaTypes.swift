import TextSupport

/// The manifest media types a registry may answer with, and the Accept list kubelet's runtimes send.
enum ManifestMediaType {
    static let ociIndex = "application/vnd.oci.image.index.v1+json"
    static let ociManifest = "application/vnd.oci.image.manifest.v1+json"
    static let dockerList = "application/vnd.docker.distribution.manifest.list.v2+json"
    static let dockerManifest = "application/vnd.docker.distribution.manifest.v2+json"
    static let dockerSchema1Signed = "application/vnd.docker.distribution.manifest.v1+prettyjws"
    static let dockerSchema1 = "application/vnd.docker.distribution.manifest.v1+json"

    /// Without the OCI types distribution 2.8 answers an OCI tag with 404, and without the schema 2
    /// types it converts to schema 1. Schema 1 is listed last, as containerd did before 2.0, so the
    /// registry says when that is all it has.
    static let accept = [ociIndex, ociManifest, dockerList, dockerManifest, dockerSchema1Signed, dockerSchema1].joined(separator: ", ")

    static func isIndex(_ type: String) -> Bool { type == ociIndex || type == dockerList }
    static func isSchema1(_ type: String) -> Bool { type == dockerSchema1Signed || type == dockerSchema1 }

    /// `application/json; charset=utf-8` → `application/json`.
    static func base(_ contentType: String) -> String {
        String(contentType.prefix { $0 != ";" }).trimmingWhitespace().lowercased()
    }
}
