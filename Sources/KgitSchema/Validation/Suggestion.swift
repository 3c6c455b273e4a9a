/// "Did you mean ...?" suggestions: the closest known name by edit distance.
enum Suggestion {
    /// The candidate closest to `word`, when it is close enough to be a plausible typo: a
    /// case-insensitive match, or an edit distance of at most a third of the word's length (at least 1,
    /// at most 3).
    static func closest<S: Sequence>(to word: String, among candidates: S) -> String? where S.Element == String {
        let lowered = Array(word.lowercased().unicodeScalars)
        let limit = min(3, max(1, lowered.count / 3))
        var best: (name: String, distance: Int)?
        for candidate in candidates where candidate != word {
            let other = Array(candidate.lowercased().unicodeScalars)
            if abs(other.count - lowered.count) > limit { continue }
            let distance = editDistance(lowered, other, limit: limit)
            guard distance <= limit else { continue }
            if let current = best, (distance, candidate) >= (current.distance, current.name) { continue }
            best = (candidate, distance)
        }
        return best?.name
    }

    /// Levenshtein distance with adjacent transpositions counted as one edit (optimal string alignment);
    /// stops early and returns `limit + 1` once the distance must exceed `limit`.
    static func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar], limit: Int = .max) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previousPrevious = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            var rowMinimum = current[0]
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    value = min(value, previousPrevious[j - 2] + 1)
                }
                current[j] = value
                rowMinimum = min(rowMinimum, value)
            }
            if rowMinimum > limit { return limit + 1 }
            (previousPrevious, previous, current) = (previous, current, previousPrevious)
        }
        return previous[b.count]
    }
}
