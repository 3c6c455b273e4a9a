/// "Did you mean" for names: the closest candidate within two edits.
enum NameSuggestion {
    /// The candidate nearest to `word` by edit distance, if one is within 2 edits (ties: the
    /// alphabetically first); nil when `word` itself is a candidate or nothing is close.
    static func closest(to word: String, among candidates: [String]) -> String? {
        let target = Array(word.unicodeScalars)
        var best: (distance: Int, name: String)?
        for candidate in candidates.sorted() where candidate != word {
            let distance = editDistance(target, Array(candidate.unicodeScalars))
            if distance <= 2, distance < (best?.distance ?? 3) { best = (distance, candidate) }
        }
        return best?.name
    }

    /// Levenshtein distance.
    static func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        if a.isEmpty { return b.count }
        var previous = Array(0...b.count)
        for (i, x) in a.enumerated() {
            var row = [i + 1] + Array(repeating: 0, count: b.count)
            for (j, y) in b.enumerated() {
                row[j + 1] = min(previous[j + 1] + 1, row[j] + 1, previous[j] + (x == y ? 0 : 1))
            }
            previous = row
        }
        return previous[b.count]
    }
}
