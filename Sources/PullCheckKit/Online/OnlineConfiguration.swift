/// The online mode's settings: `online`, `platforms`, `online-timeout`, `certs-dir`,
/// `image-size-limit`, `online-cache`, `local-credentials` and `tag-cache-ttl` in `.pullcheck.yaml`,
/// and `--online` and its flags on the command line. Off by default: an offline run opens no socket.
public struct OnlineConfiguration: Sendable, Hashable {
    public var enabled = false
    /// `os/arch[/variant]` the nodes run: an index must offer one of them.
    public var platforms = ["linux/amd64"]
    /// One deadline per lookup (DNS, connect, TLS and the answer), in seconds.
    public var timeout: Double = 10
    /// `certs.d` folders (containerd's `hosts.toml` layout or Docker's `ca.crt`); nil: the nodes'
    /// defaults, `/etc/containerd/certs.d` then `/etc/docker/certs.d`, where they exist.
    public var certsDirectories: [String]?
    /// Keep answers on disk under `$XDG_CACHE_HOME/pullcheck`.
    public var useCache = true
    /// Read the runner's own registry credentials (docker and podman configs, credential helpers).
    public var localCredentials = true
    /// `image-too-large` reports compressed images above this many bytes.
    public var imageSizeLimit: Int64 = 2 << 30
    /// How long an answer for a tag is reused, in seconds.
    public var tagCacheSeconds: Double = 600

    public init() {}

    /// `linux/amd64`, `linux/arm/v7`: two or three lower-case parts.
    public static func isPlatform(_ text: String) -> Bool {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3 else { return false }
        return parts.allSatisfy { part in
            !part.isEmpty && part.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F || $0 == 0x2D }
        }
    }

    /// `2GiB`, `500MB`, `1073741824`: a size in bytes (binary and decimal suffixes).
    public static func parseSize(_ text: String) -> Int64? {
        let trimmed = text.filter { $0 != " " && $0 != "_" }
        let digits = trimmed.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, let number = Int64(digits) else { return nil }
        let factors: [String: Int64] = [
            "": 1, "B": 1, "K": 1000, "KB": 1000, "KIB": 1 << 10, "M": 1_000_000, "MB": 1_000_000, "MIB": 1 << 20,
            "G": 1_000_000_000, "GB": 1_000_000_000, "GIB": 1 << 30, "T": 1_000_000_000_000, "TB": 1_000_000_000_000, "TIB": 1 << 40,
        ]
        guard let factor = factors[trimmed.dropFirst(digits.count).uppercased()] else { return nil }
        let (value, overflow) = number.multipliedReportingOverflow(by: factor)
        return overflow ? nil : value
    }

    /// `2 GiB`, `512 MiB`, `12.3 MiB`: a size for messages.
    public static func formatSize(_ bytes: Int64) -> String {
        let units: [(String, Double)] = [("TiB", 1_099_511_627_776), ("GiB", 1_073_741_824), ("MiB", 1_048_576), ("KiB", 1024)]
        for (unit, size) in units where Double(bytes) >= size {
            let value = Double(bytes) / size
            let rounded = (value * 10).rounded() / 10
            let text = rounded == rounded.rounded() ? String(Int64(rounded)) : String(rounded)
            return "\(text) \(unit)"
        }
        return "\(bytes) bytes"
    }
}
