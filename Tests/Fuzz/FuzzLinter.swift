// libFuzzer target: arbitrary bytes through the whole loader and every rule, all enabled.
let fuzzConfiguration: Configuration = {
    var configuration = Configuration()
    configuration.strict = true
    for description in RuleRegistry.descriptions { configuration.rules[description.id] = .init(enabled: true) }
    configuration.immutableTags = [GlobPattern("v*")]
    return configuration
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLinter(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let report = Linter(configuration: fuzzConfiguration).lint([LintInput(displayName: "fuzz.yaml", content: .bytes(bytes))], jobs: 1)
    for diagnostic in report.diagnostics {
        if diagnostic.span.start.line < 1 || diagnostic.span.start.column < 1 {
            fatalError("finding at \(diagnostic.span) is not 1-based: \(diagnostic.ruleID)")
        }
    }
    // Every reporter must handle whatever came out (SARIF, which carries every rule's page, for
    // one input in 32: it is by far the slowest to write).
    var context = ReportContext()
    context.inputs = [LintInput(displayName: "fuzz.yaml", content: .bytes(bytes))]
    context.showSource = true
    for format in OutputFormat.allCases where format != .sarif || size % 32 == 0 {
        _ = format.reporter.report(report, context: context)
    }
    return 0
}
