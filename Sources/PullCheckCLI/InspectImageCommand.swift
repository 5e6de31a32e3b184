import DistributionReference
import PullCheckKit
import RegistryModel
import TextSupport

/// `pullcheck inspect-image REF...`: what kubelet makes of each reference, and pullcheck's verdict.
struct InspectImageCommand {
    struct Options: HasOnlineOptions {
        var references: [String] = []
        var online = OnlineOptions()
        var format = OutputFormat.text
        var configFile: String?
        var noConfig = false
    }

    static let spec = CommandSpec<Options>(
        name: "inspect-image",
        abstract: "Show how kubelet parses image references, and what pullcheck thinks of them.",
        usage: "pullcheck inspect-image [--format text|json] [--config <file>] [--online] <reference> ...",
        options: [
            OptionSpec(["--format", "-f"], value: "format", help: "text or json (default: text).") {
                options, value throws(UsageError) in
                let format: OutputFormat = try choice(value, "--format")
                guard format == .text || format == .json else { throw UsageError("inspect-image --format must be text or json") }
                options.format = format
            },
            OptionSpec(["--config"], value: "file", help: "Read registry settings from this configuration.") {
                options, value throws(UsageError) in options.configFile = value
            },
            OptionSpec(["--no-config"], help: "Ignore .pullcheck.yaml files.") { options, _ throws(UsageError) in options.noConfig = true },
        ] + OnlineOptions.specs(),
        positional: { options, value throws(UsageError) in options.references.append(value) },
        discussion: """
            Exit status 1 if any reference is invalid. Quote references that contain shell characters:
              pullcheck inspect-image 'nginx' 'Nginx:1.0' 'registry.example.com:5000/team/app@sha256:...'
            """)

    /// One reference, as JSON reports it: keys that do not apply are null.
    struct Inspection: Encodable {
        let input: String
        let valid: Bool
        let error: String?
        let message: String?
        let domain: String?
        let path: String?
        let tag: String?
        let digest: String?
        let normalized: String?
        let defaultPullPolicy: String?
        let registry: String?
        /// The registry's answer (`--online` only).
        var online: OnlineInspection? = nil

        enum CodingKeys: String, CodingKey {
            case input, valid, error, message, domain, path, tag, digest, normalized, defaultPullPolicy, registry, online
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(input, forKey: .input)
            try container.encode(valid, forKey: .valid)
            for (key, value) in [
                (CodingKeys.error, error), (.message, message), (.domain, domain), (.path, path), (.tag, tag), (.digest, digest),
                (.normalized, normalized), (.defaultPullPolicy, defaultPullPolicy), (.registry, registry),
            ] {
                if let value { try container.encode(value, forKey: key) } else { try container.encodeNil(forKey: key) }
            }
            if let online { try container.encode(online, forKey: .online) }
        }
    }

    /// `"online"` in the JSON: what the registry said; never a credential, only where it came from.
    struct OnlineInspection: Encodable {
        let status: String
        let digest: String?
        let mediaType: String?
        let platforms: [String]
        let size: Int64?
        let httpStatus: Int?
        let reason: String
        let credential: String?

        init(_ result: LookupResult) {
            status = result.status.rawValue
            digest = result.digest
            mediaType = result.mediaType
            platforms = result.platforms
            size = result.size
            httpStatus = result.httpStatus
            reason = displayText(result.reason)
            credential = result.credential
        }

        enum CodingKeys: String, CodingKey { case status, digest, mediaType, platforms, size, httpStatus, reason, credential }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(status, forKey: .status)
            if let digest { try container.encode(digest, forKey: .digest) } else { try container.encodeNil(forKey: .digest) }
            if let mediaType { try container.encode(mediaType, forKey: .mediaType) } else { try container.encodeNil(forKey: .mediaType) }
            try container.encode(platforms, forKey: .platforms)
            if let size { try container.encode(size, forKey: .size) } else { try container.encodeNil(forKey: .size) }
            if let httpStatus {
                try container.encode(httpStatus, forKey: .httpStatus)
            } else {
                try container.encodeNil(forKey: .httpStatus)
            }
            try container.encode(reason, forKey: .reason)
            if let credential {
                try container.encode(credential, forKey: .credential)
            } else {
                try container.encodeNil(forKey: .credential)
            }
        }
    }

    /// Asks the registries about the valid references, with the runner's own credentials.
    static func lookUp(_ references: [ImageReference?], configuration: Configuration, online: OnlineRun) -> [LookupResult?] {
        var lookups: [ImageLookup] = []
        var slots: [Int?] = []
        for reference in references {
            guard let reference else {
                slots.append(nil)
                continue
            }
            slots.append(lookups.count)
            lookups.append(
                ImageLookup(
                    registry: reference.domain, repository: reference.path, tag: reference.tag, digest: reference.digest?.description,
                    podCredentials: online.localCredentials.credentials(for: reference), platforms: configuration.online.platforms,
                    wantsSize: true))
        }
        let results = lookups.isEmpty ? [] : online.service.lookup(lookups, settings: online.settings)
        return slots.map { slot in slot.flatMap { $0 < results.count ? results[$0] : nil } }
    }

    static func inspect(_ input: String, configuration: Configuration) -> (
        Inspection, verdict: (RegistryVisibility, String)?, ImageReference?, ImageReferenceError?
    ) {
        switch ImageReference.parse(input) {
        case .success(let reference):
            let verdict = configuration.registries.visibility(of: reference)
            return (
                Inspection(
                    input: input, valid: true, error: nil, message: nil, domain: reference.domain, path: reference.path,
                    tag: reference.tag, digest: reference.digest?.description, normalized: reference.normalizedName,
                    defaultPullPolicy: reference.defaultPullPolicy.rawValue,
                    // Node-authenticated registries need no pull secret either: public, as far as pods go.
                    registry: verdict.visibility == .private ? "private" : verdict.visibility == .unknown ? "unknown" : "public"),
                verdict, reference, nil
            )
        case .failure(let error):
            return (
                Inspection(
                    input: input, valid: false, error: error.category.rawValue, message: error.message, domain: nil, path: nil,
                    tag: nil, digest: nil, normalized: nil, defaultPullPolicy: nil, registry: nil),
                nil, nil, error
            )
        }
    }

    static func run(_ arguments: [String], _ environment: CLIEnvironment) throws -> Int32 {
        var options = Options()
        guard try spec.parse(arguments, into: &options, environment) else { return ExitStatus.success }
        guard !options.references.isEmpty else { throw UsageError("inspect-image needs at least one image reference") }
        var (configuration, _) = try PullCheckCLI.configuration(
            file: options.configFile, noConfig: options.noConfig, environment: environment)
        options.online.apply(to: &configuration.online)
        // Only `--online` on this command line asks registries (not `online: true` in the configuration).
        configuration.online.enabled = options.online.enabled
        let online = try OnlineSetup.prepare(configuration, environment)
        var results = options.references.map { inspect($0, configuration: configuration) }
        if let online {
            let answers = lookUp(results.map(\.2), configuration: configuration, online: online)
            for index in results.indices { results[index].0.online = answers[index].map(OnlineInspection.init) }
        }
        if options.format == .json {
            let value = (try? JSONValueEncoder().encode(results.map(\.0))) ?? .null
            environment.writeOutput(value.serialized() + "\n")
        } else {
            environment.writeOutput(
                results.map { text($0.0, verdict: $0.verdict, reference: $0.2, error: $0.3, configuration: configuration) }.joined(
                    separator: "\n"))
        }
        return results.allSatisfy(\.0.valid) ? ExitStatus.success : ExitStatus.findings
    }

    static func text(
        _ inspection: Inspection, verdict: (RegistryVisibility, String)?, reference: ImageReference?, error: ImageReferenceError?,
        configuration: Configuration
    ) -> String {
        // The input is shown by the display policy (an invalid reference may hold control characters).
        let shown = displayText(inspection.input)
        var out = "\(shown)\n"
        if let error {
            out += "  invalid (\(error.category.rawValue)): \(displayText(error.message))\n"
            // Point at the fault under the input, counting escaped characters as shown.
            let scalars = Array(inspection.input.unicodeScalars)
            func width(_ part: ArraySlice<Unicode.Scalar>) -> Int {
                displayText(String(String.UnicodeScalarView(part))).unicodeScalars.count
            }
            let before = width(scalars.prefix(error.offset))
            let marked = width(scalars.dropFirst(error.offset).prefix(error.length))
            let marker = String(repeating: " ", count: before) + String(repeating: "^", count: max(1, marked))
            out += "  \(shown)\n  \(marker)\n"
            out += "  kubelet will fail the pod with InvalidImageName.\n"
            return out
        }
        guard let reference, let verdict else { return out }
        func row(_ label: String, _ value: String) {
            out += "  " + label + String(repeating: " ", count: max(1, 20 - label.count)) + value + "\n"
        }
        row("registry", reference.domain + (reference.domainRange == nil ? " (Docker Hub, implied)" : ""))
        row(
            "repository",
            reference.path
                + (reference.path.hasPrefix("library/") && reference.isDockerHub && !inspection.input.contains("library/")
                    ? " (library/ added)" : ""))
        row("tag", reference.tag ?? (reference.digest == nil ? "none: kubelet pulls latest" : "none"))
        row("digest", reference.digest?.description ?? "none")
        row("normalized name", reference.normalizedName)
        row("kubelet pulls", reference.pullReference)
        row("default policy", "\(reference.defaultPullPolicy.rawValue) (when imagePullPolicy is not set)")
        row("registry access", "\(verdict.0.rawValue): \(verdict.1)")
        if let online = inspection.online {
            var answer = online.status
            if let status = online.httpStatus { answer += " (HTTP \(status))" }
            if !online.reason.isEmpty { answer += ": " + online.reason }
            row("registry answer", answer)
            if let digest = online.digest { row("digest (registry)", digest) }
            if let mediaType = online.mediaType { row("media type", mediaType) }
            if !online.platforms.isEmpty { row("platforms", online.platforms.joined(separator: ", ")) }
            if let size = online.size {
                row("compressed size", OnlineConfiguration.formatSize(size) + " (\(configuration.online.platforms.first ?? "linux/amd64"))")
            }
            row("credential", online.credential ?? "none (anonymous)")
        }
        var notes: [String] = []
        if reference.tag == "latest" && reference.digest == nil { notes.append("the tag latest moves; pin a version or a digest") }
        if reference.tag == nil && reference.digest == nil { notes.append("no tag: kubelet pulls latest, which moves") }
        if let tag = reference.tag, reference.digest == nil, TagTypoRule.isLatestTypo(tag) {
            notes.append("the tag \"\(tag)\" looks like a misspelling of latest; the registry will answer \"manifest unknown\"")
        }
        if let typo = KnownRegistries.typoExplanation(for: reference, configuration: configuration) { notes.append(typo) }
        if let retirement = KnownRegistries.retirement(for: reference) {
            notes.append("\(retirement.what); use \(retirement.replacement)")
        }
        if verdict.0 == .private { notes.append("pods need an imagePullSecret with a key for \(reference.domain)") }
        if verdict.0 == .unknown {
            notes.append(
                "pullcheck does not know whether \(reference.domain) needs credentials; a project's Secrets and pods can tell it (lint the project), or declare it under registries.public or registries.private"
            )
        }
        for note in notes { out += "  note: \(note)\n" }
        return out
    }
}
