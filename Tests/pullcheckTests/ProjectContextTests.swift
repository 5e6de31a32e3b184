import Foundation
import ProgramTestSupport
import Testing

/// Verdicts on pull secrets and registries without false alarms (testdata/repos/context and
/// admission): a monorepo of independent samples, a home-lab registry, OpenShift, Istio's gateway
/// injection, a Kyverno policy that adds pull secrets, and runs that name a single file.
@Suite("Project context and honest registry verdicts")
struct ProjectContextTests {
    static let project = packageRoot + "/testdata/repos/context"
    static let admission = packageRoot + "/testdata/repos/admission"

    @Test("a directory run reports the true findings only")
    func directoryRun() throws {
        let result = try run(pullcheckBinary, ["--color", "never"], directory: Self.project)
        try expectGolden(result.output, packageRoot + "/testdata/repos/context.txt")
        let lines = findingLines(result.output)
        // The home-lab registry: no evidence, a warning that says so.
        #expect(
            lines.contains {
                $0.hasPrefix("./homelab/apps.yaml:11:18: warning:") && $0.contains("does not know whether registry.home.lan:5000")
            })
        // The corporate registry: a Secret in the project holds a credential for it, an error.
        #expect(
            lines.contains { $0.hasPrefix("./homelab/apps.yaml:23:18: error:") && $0.contains("Secret shop/shop-pull holds a credential") })
        // The tutorial's own `kubectl create secret`, real gcr.io hosts, OpenShift, Istio's gateway.
        for quiet in ["ngc-secret", "b.gcr.io", "l.gcr.io", "openshift", "istio-ingressgateway", "k8s/shop"] {
            #expect(!lines.contains { $0.contains(quiet) }, "\(quiet): \(result.output)")
        }
        // Without injection, `auto` is just an image called auto.
        #expect(lines.contains { $0.hasPrefix("./istio/gateway.yaml:28:14: warning:") && $0.hasSuffix("[missing-tag]") })
    }

    @Test("a run that names one file sees the ServiceAccount and Secret in the others; --no-project-context does not")
    func singleFile() throws {
        let named = try run(pullcheckBinary, ["--quiet", "k8s/shop/deploy.yaml"], directory: Self.project)
        #expect(named.status == 0 && named.output.isEmpty, "\(named.output)")
        let stdin = try String(contentsOfFile: Self.project + "/k8s/shop/deploy.yaml", encoding: .utf8)
        let editor = try run(
            pullcheckBinary, ["--quiet", "--stdin-filename", "k8s/shop/deploy.yaml", "-"], stdin: Data(stdin.utf8), directory: Self.project)
        #expect(editor.status == 0 && editor.output.isEmpty, "\(editor.output)")
        let alone = try run(pullcheckBinary, ["--quiet", "--no-project-context", "k8s/shop/deploy.yaml"], directory: Self.project)
        #expect(alone.status == 1)
        #expect(findingLines(alone.output).count == 1 && alone.output.contains("[missing-pull-secret]"), "\(alone.output)")
    }

    @Test("pull secrets a Kyverno policy adds at admission count as present")
    func admissionPolicy() throws {
        let result = try run(pullcheckBinary, ["--quiet"], directory: Self.admission)
        #expect(result.status == 0 && result.output.isEmpty, "\(result.output)")
        // The single file too: the policy is in the project.
        let named = try run(pullcheckBinary, ["--quiet", "app.yaml"], directory: Self.admission)
        #expect(named.status == 0 && named.output.isEmpty, "\(named.output)")
        let without = try run(pullcheckBinary, ["--quiet", "--no-project-context", "app.yaml"], directory: Self.admission)
        #expect(without.output.contains("[missing-pull-secret]"), "\(without.output)")
    }

    @Test("--statistics tells what the project context cost and which kinds were not understood")
    func statistics() throws {
        let result = try run(pullcheckBinary, ["--quiet", "--statistics", "k8s/shop/deploy.yaml"], directory: Self.project)
        #expect(result.output.contains("Project context: 7 other files of the project"), "\(result.output)")
    }
}
