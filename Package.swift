// swift-tools-version:6.0
import PackageDescription

// The CLI is linked as a fully static executable on Linux: no dynamic loader work and no
// shared Swift runtime to map, which is most of a small file's wall time (see bench/README.md).
let staticExecutable: [LinkerSetting] = [.unsafeFlags(["-static-executable", "-use-ld=lld"], .when(platforms: [.linux]))]

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
        // What the linter and the registry client exchange (no I/O, no Foundation).
        .target(name: "RegistryModel"),
        .target(name: "PullCheckKit", dependencies: ["CLibYAML", "RegistryModel"]),
        // libcurl through dlopen(): no curl header or -dev package is needed to build, and nothing
        // links against libcurl (dlopen is in libc since glibc 2.34; -ldl for older ones).
        .target(name: "CCurl", linkerSettings: [.linkedLibrary("dl", .when(platforms: [.linux]))]),
        // The online mode's registry client (OCI distribution API over libcurl, loaded on demand).
        // Only the `pullcheck-online` executable links it; the offline executable stays static.
        .target(name: "RegistryClient", dependencies: ["RegistryModel", "CCurl"]),
        .executableTarget(name: "pullcheck", dependencies: ["PullCheckKit"], linkerSettings: staticExecutable),
        // `pullcheck --online` replaces itself with this one: dynamic, so it can load libcurl.
        .executableTarget(name: "pullcheck-online", dependencies: ["PullCheckKit", "RegistryClient", "RegistryModel"]),
        .testTarget(name: "PullCheckKitTests", dependencies: ["PullCheckKit", "RegistryModel"]),
        .testTarget(name: "pullcheckTests", dependencies: ["PullCheckKit"]),
        .testTarget(name: "RegistryClientTests", dependencies: ["RegistryClient"]),
        // The registry lab (Tests/RegistryLab/lab.py: real registries on 127.0.0.1) and its Swift
        // side, for the online mode's end-to-end tests; other test targets may depend on it.
        .target(name: "RegistryLabSupport", path: "Tests/RegistryLabSupport"),
        .testTarget(name: "RegistryLabTests", dependencies: ["RegistryLabSupport"]),
        // Online mode end to end: the executables and the registry client against the lab.
        .testTarget(
            name: "OnlineEndToEndTests", dependencies: ["PullCheckKit", "RegistryClient", "RegistryModel", "RegistryLabSupport"]),
    ]
)
