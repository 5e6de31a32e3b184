/// Optimal string alignment distance: insertions, deletions, substitutions and swaps of two
/// neighbours each cost one. With `limit`, returns `limit + 1` as soon as the distance must exceed
/// it (without any work when the lengths alone say so); typo checks run it for every image.
@inlinable
public func editDistance<A: Collection, B: Collection>(_ a: A, _ b: B, limit: Int = Int.max) -> Int
where A.Element == B.Element, A.Element: Equatable {
    let m = a.count
    let n = b.count
    if abs(m - n) > limit { return limit + 1 }
    if m == 0 { return n }
    if n == 0 { return m }
    let x = Array(a)
    let y = Array(b)
    return withUnsafeTemporaryAllocation(of: Int.self, capacity: 3 * (n + 1)) { rows in
        guard let base = rows.baseAddress else { return limit + 1 }
        var previous2 = base
        var previous = base + (n + 1)
        var current = base + 2 * (n + 1)
        for j in 0...n {
            previous[j] = j
            previous2[j] = j
        }
        for i in 1...m {
            current[0] = i
            var rowMinimum = i
            for j in 1...n {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] {
                    value = min(value, previous2[j - 2] + 1)
                }
                current[j] = value
                rowMinimum = min(rowMinimum, value)
            }
            if rowMinimum > limit { return limit + 1 }
            (previous2, previous, current) = (previous, current, previous2)
        }
        return previous[n]
    }
}

/// On Unicode scalars.
public func editDistance(_ a: String, _ b: String, limit: Int = Int.max) -> Int {
    editDistance(a.unicodeScalars, b.unicodeScalars, limit: limit)
}
