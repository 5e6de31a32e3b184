import TextSupport

/// What a `kustomization.yaml` says about images and files: which files it builds on
/// (`resources`, `bases`, `components`), which are patches, and which images it retags.
struct Kustomization: Sendable {
    static let fileNames: Set<String> = ["kustomization.yaml", "kustomization.yml"]

    /// One `images:` entry.
    struct ImageEntry: Sendable {
        let name: String
        let newName: String?
        let newTag: String?
        let digest: String?

        /// Whether the entry decides the tag or digest of the image.
        var setsTag: Bool { (newTag?.isEmpty == false) || (digest?.isEmpty == false) }
        var setsLatest: Bool { newTag == "latest" && (digest?.isEmpty ?? true) }
    }

    /// Absolute, normalised.
    let path: String
    /// Files and folders it builds on (absolute, normalised); remote URLs are left out.
    var resources: [String] = []
    /// Patch files (absolute, normalised).
    var patches: [String] = []
    var images: [ImageEntry] = []

    var directory: String { ProjectPath.directory(of: path) }

    static func isKustomizationFile(_ path: String) -> Bool { fileNames.contains(ProjectPath.fileName(of: path)) }

    /// Reads the file at `path` (absolute); nil when it cannot be read or is not a mapping.
    static func read(_ path: String) -> Kustomization? {
        guard case .success(let bytes) = FileSystem.readFile(path) else { return nil }
        var result: Kustomization?
        _ = YAMLParser.parse(ByteSource(bytes: bytes, limits: .standard)) { document in
            guard result == nil, let root = document.root, document.kind(root) == .mapping else { return }
            result = Kustomization(path: path, document: document, root: root)
        }
        return result
    }

    init(path: String, document: YAMLDocument, root: NodeID) {
        self.path = path
        let directory = ProjectPath.directory(of: path)
        func local(_ entry: String) -> String? {
            let trimmed = entry.trimmingWhitespace()
            guard !trimmed.isEmpty, !trimmed.contains("://"), !trimmed.hasPrefix("git@"), !trimmed.hasPrefix("github.com/") else {
                return nil
            }
            return ProjectPath.absolute(trimmed, in: directory)
        }
        func strings(_ key: StaticString) -> [String] {
            guard let list = document.value(key, in: root), document.kind(list) == .sequence else { return [] }
            return document.items(list).compactMap { document.kind($0) == .scalar ? document.nonNullString($0) : nil }
        }
        for key: StaticString in ["resources", "bases", "components"] {
            resources += strings(key).compactMap(local)
        }
        // patchesStrategicMerge: paths (or inline patches, which hold a line break).
        patches += strings("patchesStrategicMerge").filter { !$0.contains("\n") }.compactMap(local)
        for key: StaticString in ["patches", "patchesJson6902"] {
            guard let list = document.value(key, in: root), document.kind(list) == .sequence else { continue }
            for item in document.items(list) where document.kind(item) == .mapping {
                if let pathNode = document.value("path", in: item), let text = document.nonNullString(pathNode),
                    let file = local(text)
                {
                    patches.append(file)
                }
            }
        }
        if let list = document.value("images", in: root), document.kind(list) == .sequence {
            for item in document.items(list) where document.kind(item) == .mapping {
                func field(_ key: StaticString) -> String? {
                    guard let node = document.value(key, in: item), document.kind(node) == .scalar else { return nil }
                    return document.nonNullString(node)
                }
                guard let name = field("name"), !name.isEmpty else { continue }
                images.append(ImageEntry(name: name, newName: field("newName"), newTag: field("newTag"), digest: field("digest")))
            }
        }
    }

    /// The image name kustomize matches `images:` entries against: the reference without its tag
    /// and digest, as written.
    static func imageName(_ image: String) -> String {
        var name = Substring(image)
        if let at = name.firstIndex(of: "@") { name = name[..<at] }
        if let colon = name.lastIndex(of: ":"), !name[colon...].contains("/") { name = name[..<colon] }
        return String(name)
    }
}

/// What the kustomizations that include a file do to one of its images.
struct ImageOverride: Sendable, Hashable {
    /// Some kustomization sets a tag or digest other than `latest`.
    var setsTag = false
    /// Some kustomization sets the tag `latest`.
    var setsLatest = false
    /// Some kustomization replaces the image name (`newName`).
    var setsName = false
    /// The kustomization file that does it (for messages).
    var by = ""
}

/// A Helm chart: a folder with a `Chart.yaml`.
struct HelmChart: Sendable, Hashable {
    /// Absolute, normalised.
    let root: String
    let appVersion: String?
    /// Whether a template falls back to `.Chart.AppVersion` (`{{ .Values.image.tag | default .Chart.AppVersion }}`).
    let templatesUseAppVersion: Bool

    static func read(root: String) -> HelmChart {
        var appVersion: String?
        if case .success(let bytes) = FileSystem.readFile(ProjectPath.join(root, "Chart.yaml")) {
            _ = YAMLParser.parse(ByteSource(bytes: bytes, limits: .standard)) { document in
                guard appVersion == nil, let chartRoot = document.root, document.kind(chartRoot) == .mapping,
                    let node = document.value("appVersion", in: chartRoot), document.kind(node) == .scalar
                else { return }
                appVersion = document.nonNullString(node)
            }
        }
        var usesAppVersion = false
        let templates = ProjectPath.join(root, "templates")
        if case .success(let names) = FileSystem.directoryEntries(templates) {
            for name in names where !usesAppVersion {
                guard case .success(let bytes) = FileSystem.readFile(ProjectPath.join(templates, name)) else { continue }
                usesAppVersion = bytes.withUnsafeBufferPointer { containsBytes($0, ".Chart.AppVersion") }
            }
        }
        return HelmChart(root: root, appVersion: appVersion, templatesUseAppVersion: usesAppVersion)
    }
}

/// A `skaffold.yaml`: the images its `build.artifacts` (and its profiles') build. Skaffold
/// replaces those names in the manifests it deploys with the tag or digest it built.
enum SkaffoldConfig {
    static func builtImages(_ path: String) -> Set<String> {
        guard case .success(let bytes) = FileSystem.readFile(path, limit: 4 << 20) else { return [] }
        var images = Set<String>()
        _ = YAMLParser.parse(ByteSource(bytes: bytes, limits: .standard)) { document in
            guard let root = document.root, document.kind(root) == .mapping,
                let apiVersion = document.value("apiVersion", in: root).flatMap({ document.nonNullString($0) }),
                apiVersion.hasPrefix("skaffold/")
            else { return }
            var builds: [NodeID] = []
            if let build = document.value("build", in: root) { builds.append(build) }
            if let profiles = document.value("profiles", in: root), document.kind(profiles) == .sequence {
                for profile in document.items(profiles) where document.kind(profile) == .mapping {
                    if let build = document.value("build", in: profile) { builds.append(build) }
                }
            }
            for build in builds where document.kind(build) == .mapping {
                guard let artifacts = document.value("artifacts", in: build), document.kind(artifacts) == .sequence else { continue }
                for artifact in document.items(artifacts) where document.kind(artifact) == .mapping {
                    if let image = document.value("image", in: artifact).flatMap({ document.nonNullString($0) }), !image.isEmpty {
                        images.insert(image)
                    }
                }
            }
        }
        return images
    }
}
