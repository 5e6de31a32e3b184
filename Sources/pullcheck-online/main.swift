import Dispatch
import PullCheckCLI
import PullCheckKit
import RegistryClient
import RegistryModel

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

// `pullcheck` with a registry client: the offline executable hands `--online` runs over to this one
// (same arguments), so its own start-up never pays for libcurl or Foundation.
var environment = CLIEnvironment.process()
environment.handOverToOnline = nil
environment.makeLookupService = { settings in
    let transport = CurlTransport(userAgent: "pullcheck/\(PullCheckVersion.current)", proxy: .environment)
    if case .failure(let failure) = transport.library {
        return .failure(OnlineProblem("--online needs libcurl (\(failure)): install the libcurl4 package"))
    }
    let service = RegistryLookupService(transport: transport, hosts: HostsConfiguration(directories: settings.certsDirectories))
    return .success(ProgressReporting(service, terminal: isatty(2) == 1))
}
exit(PullCheckCLI.run(environment))

/// On a terminal, a line on standard error while lookups take longer than a second.
struct ProgressReporting: ImageLookupService {
    let service: any ImageLookupService
    let terminal: Bool

    init(_ service: any ImageLookupService, terminal: Bool) {
        self.service = service
        self.terminal = terminal
    }

    func lookup(_ lookups: [ImageLookup], settings: OnlineSettings) -> [LookupResult] {
        guard terminal else { return service.lookup(lookups, settings: settings) }
        let registries = Set(lookups.map(\.registry)).count
        let images = Set(lookups.map { "\($0.registry)/\($0.repository):\($0.reference)" }).count
        let line =
            "pullcheck: asking \(registries) registr\(registries == 1 ? "y" : "ies") about \(images) image\(images == 1 ? "" : "s")..."
        let shown = ProgressLine()
        let timer = DispatchWorkItem { shown.show(line) }
        DispatchQueue.global().asyncAfter(deadline: .now() + 1, execute: timer)
        let results = service.lookup(lookups, settings: settings)
        timer.cancel()
        shown.clear()
        return results
    }
}

/// The progress line, written and erased once.
final class ProgressLine: @unchecked Sendable {
    private let lock = DispatchSemaphore(value: 1)
    private var visible = false
    private var done = false

    func show(_ text: String) {
        lock.wait()
        defer { lock.signal() }
        guard !done else { return }
        visible = true
        StandardStream.error.write(text)
    }

    func clear() {
        lock.wait()
        defer { lock.signal() }
        done = true
        if visible { StandardStream.error.write("\r\u{1B}[K") }
    }
}
