import DistributionReference
import PullCheckKit
import TextSupport

/// `pullcheck inspect-image REF...`: what kubelet makes of each reference, and pullcheck's verdict.
struct InspectImageCommand {
    struct Options {
        var references: [String] = []
        var format = OutputFormat.text
        var configFile: String?
        var noConfig = false
    }

    static let spec = CommandSpec<Options>(
        name: "inspect-image",
        abstract: "Show how kubelet parses image references, and what pullcheck thinks of them.",
        usage: "pullcheck inspect-image [--format text|json] [--config <file>] <reference> ...",
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
        ],
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

        enum CodingKeys: String, CodingKey {
            case input, valid, error, message, domain, path, tag, digest, normalized, defaultPullPolicy, registry
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
        }
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
        let (configuration, _) = try PullCheckCLI.configuration(
            file: options.configFile, noConfig: options.noConfig, environment: environment)
        let results = options.references.map { inspect($0, configuration: configuration) }
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
