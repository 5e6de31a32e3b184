/// Relates inputs to the kustomizations around them: which files are kustomizations, which
/// are patches, and which images a kustomization that includes a file retags.
enum ProjectLayout {
    /// The folder holding `.git` at or above `path` (absolute), if any.
    static func repositoryRoot(containing path: String) -> String? {
        var current = path
        while true {
            if case .success = FileStatus.of(ProjectPath.join(current, ".git")) { return current }
            if current == "/" || current == "." { return nil }
            current = ProjectPath.directory(of: current)
        }
    }

    /// `.../patches/x.yaml`, `.../patch/x.yaml`, `x-patch.yaml`, `patch-x.yaml`.
    static func isPatchByName(_ path: String) -> Bool {
        var copy = path
        guard copy.withUTF8({ containsBytes($0, "patch") }) else { return false }
        let components = path.split(separator: "/")
        if components.dropLast().contains(where: { $0 == "patches" || $0 == "patch" }) { return true }
        let name = (components.last ?? "").lowercased()
        return name.hasPrefix("patch-") || name.hasPrefix("patch_") || name.contains("-patch.") || name.contains("_patch.")
            || name.hasPrefix("patch.")
    }

    /// Sets `role` and `imageOverrides` of the inputs from the kustomizations among them, those in
    /// the folders above them, and those these build on.
    static func assign(_ inputs: inout [LintInput], collector: InputCollector) {
        var locations: [String?] = []
        var kustomizations: [String: Kustomization] = [:]
        var pending: [String] = []
        var checkedFolders = Set<String>()
        let boundary = repositoryRoot(containing: collector.workingDirectory)

        // Skaffold builds the images its `build.artifacts` name and tags them at deploy time.
        var skaffoldImages: [(folder: String, file: String, images: Set<String>)] = []
        var skaffoldFolders = Set<String>()
        func findSkaffold(in folder: String) {
            guard skaffoldFolders.insert(folder).inserted else { return }
            for name in ["skaffold.yaml", "skaffold.yml"] {
                let candidate = ProjectPath.join(folder, name)
                if case .success(let status) = FileStatus.of(candidate), !status.isDirectory {
                    let images = SkaffoldConfig.builtImages(candidate)
                    if !images.isEmpty { skaffoldImages.append((folder, candidate, images)) }
                    return
                }
            }
        }

        func findKustomization(in folder: String) {
            guard checkedFolders.insert(folder).inserted else { return }
            for name in Kustomization.fileNames.sorted() {
                let candidate = ProjectPath.join(folder, name)
                if case .success(let status) = FileStatus.of(candidate), !status.isDirectory {
                    pending.append(candidate)
                    return
                }
            }
        }

        for input in inputs {
            let location: String?
            switch input.content {
            case .file(let path): location = collector.absolute(path)
            case .bytes, .stream: location = input.displayName == "<stdin>" ? nil : collector.absolute(input.displayName)
            }
            locations.append(location)
            guard let location else { continue }
            if Kustomization.isKustomizationFile(location) { pending.append(location) }
            // Kustomizations in the folders above (an overlay's patches sit beside or below it).
            for folder in ProjectPath.ancestors(of: location) {
                findKustomization(in: folder)
                findSkaffold(in: folder)
                if folder == boundary || folder == collector.workingDirectory { break }
            }
        }
        // Load them, and the ones they build on, once each.
        while let path = pending.popLast() {
            guard kustomizations[path] == nil, kustomizations.count < 10_000, let kustomization = Kustomization.read(path) else { continue }
            kustomizations[path] = kustomization
            for resource in kustomization.resources {
                if case .success(let status) = FileStatus.of(resource), status.isDirectory { findKustomization(in: resource) }
            }
        }
        // The application each file belongs to: the nearest folder with a kustomization, the chart,
        // or the file's own folder (what `pull-secret-not-found` takes as "should hold the Secret").
        let kustomizationFolders = Set(kustomizations.keys.map { ProjectPath.directory(of: $0) })
        for index in inputs.indices {
            guard let location = locations[index] else {
                inputs[index].unit = "."
                continue
            }
            if case .helmValues(let chart) = inputs[index].role {
                inputs[index].unit = chart.root
                continue
            }
            let folders = ProjectPath.ancestors(of: location)
            inputs[index].unit = folders.first { kustomizationFolders.contains($0) } ?? folders.first ?? "."
        }
        // A file in a `patches/` folder, or named like a patch, is a partial object too (kubeadm's
        // and kustomize's conventions) even when no kustomization names it.
        for index in inputs.indices {
            guard case .manifest = inputs[index].role, let location = locations[index] else { continue }
            if isPatchByName(location) { inputs[index].role = .kustomizePatch }
        }
        for (folder, file, images) in skaffoldImages {
            for index in inputs.indices {
                guard let location = locations[index], ProjectPath.relative(location, to: folder) != nil else { continue }
                for image in images {
                    var override = inputs[index].imageOverrides[image] ?? ImageOverride()
                    override.setsTag = true
                    override.setsName = true
                    if override.by.isEmpty { override.by = file }
                    inputs[index].imageOverrides[image] = override
                }
            }
        }
        guard !kustomizations.isEmpty else { return }

        let patches = Set(kustomizations.values.flatMap(\.patches))
        // The images each kustomization retags apply to every file it includes, transitively.
        var overrides: [String: [String: ImageOverride]] = [:]
        for kustomization in kustomizations.values where !kustomization.images.isEmpty {
            var stack = [kustomization.path]
            var visited = Set<String>()
            while let current = stack.popLast() {
                guard visited.insert(current).inserted, let included = kustomizations[current] else { continue }
                for resource in included.resources + included.patches {
                    if let nested = Kustomization.fileNames.lazy.map({ ProjectPath.join(resource, $0) }).first(where: {
                        kustomizations[$0] != nil
                    }) {
                        stack.append(nested)
                        continue
                    }
                    for entry in kustomization.images {
                        var override = overrides[resource]?[entry.name] ?? ImageOverride()
                        if entry.setsTag {
                            if entry.setsLatest { override.setsLatest = true } else { override.setsTag = true }
                        }
                        if entry.newName?.isEmpty == false { override.setsName = true }
                        if override.by.isEmpty { override.by = kustomization.path }
                        overrides[resource, default: [:]][entry.name] = override
                    }
                }
            }
        }
        for index in inputs.indices {
            guard let location = locations[index] else { continue }
            if kustomizations[location] != nil {
                inputs[index].role = .kustomization
            } else if patches.contains(location), case .manifest = inputs[index].role {
                inputs[index].role = .kustomizePatch
            }
            if let found = overrides[location] { inputs[index].imageOverrides.merge(found) { skaffold, _ in skaffold } }
        }
    }
}
