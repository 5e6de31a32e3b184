import DistributionReference
import KubeletCredentials
import RegistryModel

#if canImport(Glibc)
    internal import Glibc
#elseif canImport(Musl)
    internal import Musl
#elseif canImport(Darwin)
    internal import Darwin
#endif

/// The runner's own registry credentials, read the way docker and podman read them: the docker
/// config (`$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`: `auths`, `credHelpers`,
/// `credsStore`), `$REGISTRY_AUTH_FILE` and `$XDG_RUNTIME_DIR/containers/auth.json`. They tell "the
/// image does not exist" from "it exists but the pod cannot pull it", and are the only way to check
/// node-authenticated registries. Decoded in memory only; only their sources are ever shown.
public struct LocalCredentials: Sendable {
    struct ConfigFile: Sendable {
        /// `~/.docker/config.json`: where it came from, for messages.
        let source: String
        let entries: [PullCredentialEntry]
        /// `credHelpers`: registry host → helper name.
        let helpers: [(host: String, helper: String)]
        let store: String?
    }

    let files: [ConfigFile]
    /// How long a credential helper may take.
    let helperTimeout: Double

    /// No local credentials (`--no-local-credentials`).
    public static let none = LocalCredentials(files: [], helperTimeout: 0)

    public var isEmpty: Bool { files.isEmpty }

    /// Reads the config files the environment names (each at most 1 MiB; unreadable ones are skipped).
    public static func load(variable: (String) -> String?, helperTimeout: Double = 5) -> LocalCredentials {
        let home = variable("HOME").flatMap { $0.isEmpty ? nil : $0 }
        func shown(_ path: String) -> String {
            guard let home, path.hasPrefix(home + "/") else { return path }
            return "~" + path.dropFirst(home.count)
        }
        var paths: [String] = []
        if let directory = variable("DOCKER_CONFIG"), !directory.isEmpty {
            paths.append(directory + "/config.json")
        } else if let home {
            paths.append(home + "/.docker/config.json")
        }
        if let file = variable("REGISTRY_AUTH_FILE"), !file.isEmpty { paths.append(file) }
        if let runtime = variable("XDG_RUNTIME_DIR"), !runtime.isEmpty { paths.append(runtime + "/containers/auth.json") }
        var files: [ConfigFile] = []
        for path in paths where !files.contains(where: { $0.source == shown(path) }) {
            guard case .success(let bytes) = FileSystem.readFile(path, limit: 1 << 20), let file = parse(bytes, source: shown(path))
            else { continue }
            files.append(file)
        }
        return LocalCredentials(files: files, helperTimeout: helperTimeout)
    }

    static func parse(_ bytes: [UInt8], source: String) -> ConfigFile? {
        guard let config = DockerClientConfig.parse(bytes) else { return nil }
        return ConfigFile(source: source, entries: config.entries, helpers: config.helpers, store: config.store)
    }

    /// The runner's credentials for an image, most specific first: matching `auths` entries, then the
    /// registry's credential helper (or the store).
    public func credentials(for reference: ImageReference) -> [RegistryCredential] {
        var result: [RegistryCredential] = []
        let host = reference.domain.lowercased()
        let hubHosts: Set<String> = ["docker.io", "index.docker.io", "registry-1.docker.io"]
        for file in files {
            let ordered = kubeletCredentialOrder(file.entries.map { (source: file.source, entry: $0) }, image: reference.normalizedName)
            for (source, entry) in ordered {
                result.append(
                    RegistryCredential(
                        username: entry.username, password: entry.password, identityToken: entry.identityToken,
                        registryToken: entry.registryToken, source: source))
            }
            let helper = file.helpers.first { $0.host == host || (hubHosts.contains(host) && hubHosts.contains($0.host)) }?.helper
            if let name = helper ?? file.store {
                let server = reference.isDockerHub ? "https://index.docker.io/v1/" : reference.domain
                if let credential = Self.runHelper(name, server: server, timeout: helperTimeout, origin: file.source) {
                    result.append(credential)
                }
            }
        }
        return result
    }

    /// `docker-credential-<name> get` with the server on standard input; nil when it fails, times out
    /// or knows nothing (its output is never shown: it holds the secret).
    static func runHelper(_ name: String, server: String, timeout: Double, origin: String) -> RegistryCredential? {
        guard let output = ChildProcess.run("docker-credential-" + name, arguments: ["get"], input: Array(server.utf8), timeout: timeout),
            let (username, secret) = DockerClientConfig.helperAnswer(output)
        else { return nil }
        let source = "docker-credential-\(name) (\(origin))"
        // `<token>` as the user name: the secret is an identity token (an OAuth2 refresh token).
        if username == "<token>" { return RegistryCredential(username: "", password: "", identityToken: secret, source: source) }
        return RegistryCredential(username: username, password: secret, source: source)
    }
}

/// Runs a program found on `PATH` with bytes on its standard input and returns its standard output
/// (at most 1 MiB) when it exits 0 within `timeout` seconds; it is killed otherwise.
enum ChildProcess {
    static func run(_ program: String, arguments: [String], input: [UInt8], timeout: Double) -> [UInt8]? {
        var stdinPipe: [Int32] = [-1, -1]
        var stdoutPipe: [Int32] = [-1, -1]
        guard pipe(&stdinPipe) == 0 else { return nil }
        guard pipe(&stdoutPipe) == 0 else {
            close(stdinPipe[0])
            close(stdinPipe[1])
            return nil
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdinPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, stdoutPipe[1], 1)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        for fd in stdinPipe + stdoutPipe { posix_spawn_file_actions_addclose(&actions, fd) }
        let argv = ([program] + arguments).map { strdup($0) }
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let status = posix_spawnp(&pid, program, &actions, nil, argv + [nil], environ)
        close(stdinPipe[0])
        close(stdoutPipe[1])
        guard status == 0 else {
            close(stdinPipe[1])
            close(stdoutPipe[0])
            return nil
        }
        // Small input: one write fits the pipe's buffer.
        _ = input.withUnsafeBytes { write(stdinPipe[1], $0.baseAddress, $0.count) }
        close(stdinPipe[1])
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        let deadline = monotonicSeconds() + timeout
        var finished = false
        while true {
            let remaining = deadline - monotonicSeconds()
            guard remaining > 0 else { break }
            var descriptor = pollfd(fd: stdoutPipe[0], events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, Int32(min(remaining * 1000, 60_000)) + 1)
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0 else { continue }
            let count = buffer.withUnsafeMutableBytes { read(stdoutPipe[0], $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 {
                finished = true
                break
            }
            output += buffer[0..<count]
            if output.count > 1 << 20 { break }
        }
        close(stdoutPipe[0])
        if !finished { kill(pid, SIGKILL) }
        var exitStatus: Int32 = 0
        while waitpid(pid, &exitStatus, 0) < 0 && errno == EINTR {}
        // WIFEXITED && WEXITSTATUS == 0
        guard finished, exitStatus & 0x7F == 0, (exitStatus >> 8) & 0xFF == 0 else { return nil }
        return output
    }

    static func monotonicSeconds() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}
