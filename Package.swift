// swift-tools-version:6.0
import PackageDescription

// The CLI is linked as a fully static executable on Linux: no dynamic loader work and no
// shared Swift runtime to map, which is most of a small file's wall time (see bench/README.md).
let staticExecutable: [LinkerSetting] = [.unsafeFlags(["-static-executable", "-use-ld=lld"], .when(platforms: [.linux]))]

// The layers, bottom up; a target depends only on targets above it in this list (README, Design).
let package = Package(
    name: "pullcheck",
    products: [
        .executable(name: "pullcheck", targets: ["pullcheck"]),
        // `pullcheck --online` hands over to this one (dynamic: libcurl is loaded on demand).
        .executable(name: "pullcheck-online", targets: ["pullcheck-online"]),
    ],
    targets: [
        .systemLibrary(
            name: "CLibYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"]), .brew(["libyaml"])]
        ),
        // Text shown to people (the display policy), character counting, edit distance.
        .target(name: "TextSupport"),
        // The image-reference grammar of distribution/reference, as kubelet parses references.
        .target(name: "DistributionReference", dependencies: ["TextSupport"]),
        // kubelet's credential model: Go-compatible JSON, base64 and URLs, the keyring, the
        // analysis of .dockerconfigjson and .dockercfg, pull credentials for the online mode.
        .target(name: "KubeletCredentials", dependencies: ["TextSupport"]),
        // What the linter and the registry client exchange (no I/O, no Foundation).
        .target(name: "RegistryModel"),
        // The linter: the libyaml boundary, the object model, rules, linting, reporters.
        .target(
            name: "PullCheckKit",
            dependencies: ["CLibYAML", "RegistryModel", "TextSupport", "DistributionReference", "KubeletCredentials"]),
        // libcurl through dlopen(): no curl header or -dev package is needed to build, and nothing
        // links against libcurl (dlopen is in libc since glibc 2.34; -ldl for older ones).
        .target(name: "CCurl", linkerSettings: [.linkedLibrary("dl", .when(platforms: [.linux]))]),
        // The online mode's registry client (OCI distribution API over libcurl, loaded on demand).
        // Only the `pullcheck-online` executable links it; the offline executable stays static.
        .target(name: "RegistryClient", dependencies: ["RegistryModel", "CCurl", "TextSupport"]),
        // The command line as a library (commands, arguments, environment), so tests run it in process.
        .target(name: "PullCheckCLI", dependencies: ["PullCheckKit", "TextSupport", "DistributionReference", "RegistryModel"]),
        .executableTarget(name: "pullcheck", dependencies: ["PullCheckCLI"], linkerSettings: staticExecutable),
        // `pullcheck --online` replaces itself with this one: dynamic, so it can load libcurl.
        .executableTarget(name: "pullcheck-online", dependencies: ["PullCheckCLI", "RegistryClient", "RegistryModel"]),
        .testTarget(name: "DistributionReferenceTests", dependencies: ["DistributionReference"]),
        .testTarget(name: "KubeletCredentialsTests", dependencies: ["KubeletCredentials"]),
        .testTarget(
            name: "PullCheckKitTests",
            dependencies: ["PullCheckKit", "PullCheckCLI", "TextSupport", "DistributionReference", "KubeletCredentials", "RegistryModel"]),
        .testTarget(name: "RegistryClientTests", dependencies: ["RegistryClient"]),
        // Tests that run programs: the built binary (pullcheckTests) and, where they are installed,
        // the editors, pre-commit and the validators of the output formats (EndToEndTests).
        .target(name: "ProgramTestSupport", path: "Tests/ProgramTestSupport"),
        .testTarget(name: "pullcheckTests", dependencies: ["ProgramTestSupport"]),
        .testTarget(name: "EndToEndTests", dependencies: ["ProgramTestSupport"]),
        // The registry lab (Tests/RegistryLab/lab.py: real registries on 127.0.0.1) and its Swift
        // side, for the online mode's end-to-end tests.
        .target(name: "RegistryLabSupport", path: "Tests/RegistryLabSupport"),
        .testTarget(name: "RegistryLabTests", dependencies: ["RegistryLabSupport"]),
        // Online mode end to end: the executables and the registry client against the lab.
        .testTarget(
            name: "OnlineEndToEndTests",
            dependencies: ["PullCheckKit", "RegistryClient", "RegistryModel", "RegistryLabSupport", "ProgramTestSupport"]),
    ]
)
