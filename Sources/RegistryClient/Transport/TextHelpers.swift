// The few text operations the registry client needs, without Foundation: `pullcheck-online` links
// only FoundationEssentials (full Foundation, with ICU, costs about 4 ms at every start).

extension StringProtocol {
    /// Without leading and trailing spaces and tabs.
    func trimmingSpaces() -> String { trimming { $0 == " " || $0 == "\t" } }

    /// Without leading and trailing characters that `drop` says to drop.
    func trimming(_ drop: (Character) -> Bool) -> String {
        guard let first = firstIndex(where: { !drop($0) }), let last = lastIndex(where: { !drop($0) }) else { return "" }
        return String(self[first...last])
    }
}
