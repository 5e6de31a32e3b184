import PullCheckKit
import RegistryModel
import TextSupport

/// `--online` and its settings, shared by `lint` and `inspect-image`.
struct OnlineOptions: Sendable {
    var enabled = false
    var timeout: Double?
    var certsDirectories: [String] = []
    var platforms: [String]?
    var noCache = false
    var noLocalCredentials = false

    /// The command line's online settings over the configuration's.
    func apply(to configuration: inout OnlineConfiguration) {
        if enabled { configuration.enabled = true }
        if let timeout { configuration.timeout = timeout }
        if !certsDirectories.isEmpty { configuration.certsDirectories = certsDirectories }
        if let platforms { configuration.platforms = platforms }
        if noCache { configuration.useCache = false }
        if noLocalCredentials { configuration.localCredentials = false }
    }
}

protocol HasOnlineOptions: SendableMetatype {
    var online: OnlineOptions { get set }
}

extension OnlineOptions {
    static func specs<Options: HasOnlineOptions>() -> [OptionSpec<Options>] {
        [
            OptionSpec(["--online"], help: "Ask each image's registry whether it exists and the pod's credentials get in.") {
                options, _ throws(UsageError) in options.online.enabled = true
            },
            OptionSpec(["--online-timeout"], value: "seconds", help: "One deadline per registry lookup (default: 10).") {
                options, value throws(UsageError) in
                guard let seconds = Double(value), seconds > 0, seconds <= 600 else {
                    throw UsageError("--online-timeout must be a number of seconds from 0 to 600")
                }
                options.online.timeout = seconds
            },
            OptionSpec(
                ["--certs-dir"], value: "dir",
                help:
                    "Registry trust and mirrors as the nodes have them (certs.d layout; default: /etc/containerd/certs.d, /etc/docker/certs.d)."
            ) {
                options, value throws(UsageError) in options.online.certsDirectories.append(value)
            },
            OptionSpec(
                ["--platform"], value: "os/arch,...", help: "The nodes' platforms, for multi-platform images (default: linux/amd64)."
            ) {
                options, value throws(UsageError) in
                let platforms = value.split(separator: ",").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
                guard !platforms.isEmpty, platforms.allSatisfy(OnlineConfiguration.isPlatform) else {
                    throw UsageError("--platform takes os/arch[/variant] values separated by commas, such as linux/amd64,linux/arm64")
                }
                options.online.platforms = platforms
            },
            OptionSpec(["--no-cache"], help: "Ask the registries again instead of reusing recent answers.") {
                options, _ throws(UsageError) in options.online.noCache = true
            },
            OptionSpec(["--no-local-credentials"], help: "Do not read your own docker or podman registry credentials.") {
                options, _ throws(UsageError) in options.online.noLocalCredentials = true
            },
        ]
    }
}

/// Makes what an online run needs, or hands the run over to `pullcheck-online`.
enum OnlineSetup {
    /// The lookup service and settings for `configuration`; nil when the run is offline. Throws when
    /// online mode cannot work here; when this executable has no registry client, it replaces
    /// itself with `pullcheck-online` (and does not return).
    static func prepare(_ configuration: Configuration, _ environment: CLIEnvironment) throws -> OnlineRun? {
        guard configuration.online.enabled else { return nil }
        guard let makeService = environment.makeLookupService else {
            let problem = environment.handOverToOnline?() ?? "this build of pullcheck has no registry client"
            throw OnlineUnavailable(message: problem)
        }
        let settings = settings(for: configuration, environment)
        let service: any ImageLookupService
        switch makeService(settings) {
        case .success(let made): service = made
        case .failure(let problem): throw OnlineUnavailable(message: problem.message)
        }
        let credentials =
            configuration.online.localCredentials ? LocalCredentials.load(variable: environment.variable) : LocalCredentials.none
        return OnlineRun(service: service, settings: settings, localCredentials: credentials)
    }

    static func settings(for configuration: Configuration, _ environment: CLIEnvironment) -> OnlineSettings {
        var settings = OnlineSettings()
        let online = configuration.online
        settings.timeout = online.timeout
        settings.tagTTL = online.tagCacheSeconds
        settings.useCache = online.useCache
        let base = configuration.projectDirectory ?? environment.workingDirectory ?? "."
        if let directories = online.certsDirectories {
            settings.certsDirectories = directories.map { $0.hasPrefix("/") ? $0 : base + "/" + $0 }
        } else {
            settings.certsDirectories = ["/etc/containerd/certs.d", "/etc/docker/certs.d"].filter {
                if case .success(let status) = FileStatus.of($0) { return status.isDirectory }
                return false
            }
        }
        if let cache = environment.variable("XDG_CACHE_HOME"), cache.hasPrefix("/") {
            settings.cacheDirectory = cache + "/pullcheck"
        } else if let home = environment.variable("HOME"), home.hasPrefix("/") {
            settings.cacheDirectory = home + "/.cache/pullcheck"
        }
        return settings
    }
}

/// Online mode was asked for and cannot run here (exit status 2).
struct OnlineUnavailable: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// Why a lookup service could not be made (libcurl missing, ...).
public struct OnlineProblem: Error, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
}
