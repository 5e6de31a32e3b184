import Testing

@testable import PullCheckKit

@Suite("Ignore patterns (.gitignore syntax) and project paths")
struct IgnorePatternTests {
    func ignored(_ patterns: [String], _ path: String, directory: Bool = false) -> Bool {
        var rules = IgnoreRules()
        rules.add(IgnoreList(base: "/repo", patterns: patterns.compactMap { IgnorePattern($0) }))
        return rules.isIgnored("/repo/" + path, isDirectory: directory)
    }

    @Test(
        "gitignore semantics",
        arguments: [
            // A name without a slash matches at any depth.
            (["*.tpl.yml"], "a/b/c.tpl.yml", true),
            (["*.tpl.yml"], "c.tpl.yml", true),
            (["*.tpl.yml"], "c.yml", false),
            // A slash anchors the pattern to its folder.
            (["charts/**/templates/**"], "charts/x/templates/a.yaml", true),
            (["charts/**/templates/**"], "charts/templates/a.yaml", true),
            (["charts/**/templates/**"], "sub/charts/x/templates/a.yaml", false),
            (["/generated"], "generated/a.yaml", true),
            (["/generated"], "x/generated/a.yaml", false),
            (["./generated/"], "generated/a.yaml", true),
            // A trailing slash matches folders only, and everything in them.
            (["node_modules/"], "web/node_modules/x/pod.yaml", true),
            (["node_modules/"], "node_modules", false),
            (["**/fixtures"], "a/b/fixtures/x.yaml", true),
            (["**/fixtures"], "fixtures/x.yaml", true),
            // The last matching pattern wins; a re-included file in an ignored folder stays ignored.
            (["*.yaml", "!keep.yaml"], "keep.yaml", false),
            (["*.yaml", "!keep.yaml"], "drop.yaml", true),
            (["build/", "!build/keep.yaml"], "build/keep.yaml", true),
            // Comments, blank lines and escaped characters.
            (["# comment", "", "\\#literal.yaml"], "#literal.yaml", true),
            (["a?c.yaml"], "abc.yaml", true),
            (["a[0-9].yaml"], "a7.yaml", true),
        ] as [([String], String, Bool)])
    func semantics(patterns: [String], path: String, expected: Bool) {
        #expect(ignored(patterns, path) == expected, "\(patterns) on \(path)")
    }

    @Test("a deeper .gitignore overrides a shallower one")
    func nested() {
        var rules = IgnoreRules()
        rules.add(IgnoreList(base: "/repo", text: "*.json\n"))
        rules.add(IgnoreList(base: "/repo/k8s", text: "!*.json\n"))
        #expect(rules.isIgnored("/repo/app/tsconfig.json", isDirectory: false))
        #expect(!rules.isIgnored("/repo/k8s/pod.json", isDirectory: false))
    }

    @Test("path arithmetic")
    func paths() {
        #expect(ProjectPath.normalize("./a/./b/../c") == "a/c")
        #expect(ProjectPath.normalize("/a/../../b") == "/b")
        #expect(ProjectPath.normalize("../x") == "../x")
        #expect(ProjectPath.absolute("../../base", in: "/r/k8s/overlays/prod") == "/r/k8s/base")
        #expect(ProjectPath.relative("/r/a/b.yaml", to: "/r") == "a/b.yaml")
        #expect(ProjectPath.relative("/ra/b.yaml", to: "/r") == nil)
        #expect(ProjectPath.withoutDotSlash("././k8s/x.yaml") == "k8s/x.yaml")
        #expect(ProjectPath.ancestors(of: "/r/a/b.yaml") == ["/r/a", "/r", "/"])
        // The fast path agrees with the slow one.
        for path in [
            "a", "a/b", "/a/b", "a//b", "a/./b", "a/../b", "./a", "../a", "a/.", "a/..", "a/", "/", ".", "..", ".a/b", "a/..b/c",
            "a/b./c", "/..", "//a", "a/.../b",
        ] {
            let parts = path.split(separator: "/", omittingEmptySubsequences: true)
            var stack: [Substring] = []
            for part in parts {
                if part == "." { continue }
                if part == "..", let last = stack.last, last != ".." {
                    stack.removeLast()
                    continue
                }
                if part == "..", path.hasPrefix("/") { continue }
                stack.append(part)
            }
            let joined = stack.joined(separator: "/")
            let expected = path.hasPrefix("/") ? "/" + joined : (joined.isEmpty ? "." : joined)
            #expect(ProjectPath.normalize(path) == expected, "\(path)")
        }
    }

    @Test("kustomize matches images: entries against the name as written, without tag or digest")
    func kustomizeImageName() {
        #expect(Kustomization.imageName("nginx:1.27") == "nginx")
        #expect(Kustomization.imageName("localhost:5000/app") == "localhost:5000/app")
        #expect(Kustomization.imageName("localhost:5000/app:1.0@sha256:abc") == "localhost:5000/app")
        #expect(Kustomization.imageName("ghcr.io/acme/api") == "ghcr.io/acme/api")
    }
}

@Suite("Helm values and kustomization images")
struct ChartAndKustomizationTests {
    static let chart = HelmChart(root: "/chart", appVersion: "2.1.0", templatesUseAppVersion: true)

    func values(_ text: String, chart: HelmChart = chart) -> LintReport {
        var input = LintInput.text(text, name: "values.yaml")
        input.role = .helmValues(chart)
        return Linter().lint([input], jobs: 1)
    }

    @Test("values images are checked by chart conventions, positioned on the field at fault")
    func valuesImages() {
        let report = values(
            """
            global:
              imageRegistry: ""
            image:
              repository: ghcr.io/acme/app
              tag: ""
            proxy:
              image:
                registry: k8s.gcr.io
                repository: pause
                tag: "3.9"
            jobs:
              - name: migrate
                image:
                  repository: Acme/Migrate
                  tag: 1.0.0
            tests:
              image: busybox:latest
            pinned:
              image:
                repository: nginx
                digest: sha256:0a6e8a0f3ad0d6b4e3f5b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2
                pullPolicy: Always
            numeric:
              image:
                repository: ghcr.io/acme/num
                tag: 1.10
            sidecarImage: ghcr.io/acme/sidecar
            """)
        #expect(findingPositions(report, rule: "deprecated-registry") == ["8:15"])
        #expect(findingPositions(report, rule: "invalid-image-ref") == ["14:24", "26:10"])
        #expect(findingPositions(report, rule: "latest-tag") == ["17:18"])
        #expect(findingPositions(report, rule: "always-pull-immutable") == ["22:17"])
        #expect(findingPositions(report, rule: "missing-tag") == ["27:15"])
        #expect(report.diagnostics.count == 6, "\(report.diagnostics.map(\.message))")
    }

    @Test("a numeric tag is reported only when Helm would print it differently")
    func numericTags() {
        #expect(HelmValuesChecks.renderedNumber("1.10") == "1.1")
        #expect(HelmValuesChecks.renderedNumber("1.0") == "1")
        #expect(HelmValuesChecks.renderedNumber("0.1") == "0.1")
        #expect(HelmValuesChecks.renderedNumber("20") == "20")
        #expect(HelmValuesChecks.renderedNumber("010") == nil)
        #expect(values("image:\n  repository: ghcr.io/acme/app\n  tag: 0.1\n").diagnostics.isEmpty)
        let changed = values("image:\n  repository: ghcr.io/acme/app\n  tag: 2.10\n")
        #expect(
            changed.diagnostics.map(\.message) == [
                "values image.tag is 2.10, which YAML reads as a number: Helm renders it as 2.1, so kubelet pulls the tag 2.1; quote it: tag: \"2.10\""
            ])
    }

    @Test("an empty tag is the appVersion only when the templates fall back to it")
    func appVersion() {
        let text = "image:\n  repository: ghcr.io/acme/app\n  tag: \"\"\n"
        #expect(values(text).diagnostics.isEmpty)
        let noFallback = values(text, chart: HelmChart(root: "/c", appVersion: "1.0", templatesUseAppVersion: false))
        #expect(findingPositions(noFallback, rule: "missing-tag") == ["3:8"])
        let latest = values(text, chart: HelmChart(root: "/c", appVersion: "latest", templatesUseAppVersion: true))
        #expect(findingPositions(latest, rule: "latest-tag") == ["3:8"])
    }

    @Test("kustomization images entries are checked as the references they produce")
    func kustomizationImages() {
        var input = LintInput.text(
            """
            images:
              - name: redis
                newTag: latest
              - name: api
                newName: Ghcr.io/Acme/API
              - name: web
                newName: k8s.gcr.io/web
                newTag: "1.0"
              - name: cache
                digest: sha256:0a6e8a0f
              - name: ok
                newName: ghcr.io/acme/ok
                newTag: 1.2.3
            """, name: "kustomization.yaml")
        input.role = .kustomization
        let report = Linter().lint([input], jobs: 1)
        #expect(findingPositions(report, rule: "latest-tag") == ["3:13"])
        #expect(findingPositions(report, rule: "invalid-image-ref") == ["5:22", "10:20"])
        #expect(findingPositions(report, rule: "deprecated-registry") == ["7:14"])
        #expect(report.diagnostics.count == 4, "\(report.diagnostics.map(\.message))")
    }

    @Test("a kustomize patch may leave out a container's image; tags an overlay sets are not missing")
    func patchesAndOverrides() {
        let deployment = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: api
            spec:
              template:
                spec:
                  containers:
                    - name: api
                    - name: cache
                      image: redis
                    - name: db
                      image: postgres:latest
            """
        var patch = LintInput.text(deployment, name: "patch.yaml")
        patch.role = .kustomizePatch
        var base = LintInput.text(deployment, name: "base.yaml")
        base.imageOverrides = ["redis": ImageOverride(setsTag: true), "postgres": ImageOverride(setsLatest: true)]
        let report = Linter().lint([patch, base], jobs: 1)
        #expect(!report.diagnostics.contains { $0.file == "patch.yaml" && $0.ruleID == "missing-image" })
        #expect(report.diagnostics.contains { $0.file == "base.yaml" && $0.ruleID == "missing-image" })
        #expect(!report.diagnostics.contains { $0.file == "base.yaml" && $0.ruleID == "missing-tag" })
        // `latest` from the base with an overlay that sets `latest` again: still reported.
        #expect(report.diagnostics.contains { $0.file == "base.yaml" && $0.ruleID == "latest-tag" })
    }
}
