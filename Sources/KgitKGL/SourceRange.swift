import KgitYAML

/// The span of source text a token or syntax node covers: from `start` up to, not including, `end`.
///
/// Both ends are `Mark`s (1-based line and column in Unicode scalars, 0-based byte offset), the same
/// positions YAML diagnostics use, so KGL and YAML errors print alike.
public struct SourceRange: Sendable, Hashable {
    /// The first character of the span.
    public var start: Mark
    /// Just past the last character of the span.
    public var end: Mark

    /// Creates a span from `start` up to `end`.
    public init(start: Mark, end: Mark) {
        self.start = start
        self.end = end
    }

    /// The smallest span covering both `self` and `other`.
    func union(_ other: SourceRange) -> SourceRange {
        SourceRange(start: min(start, other.start), end: max(end, other.end))
    }

    /// An empty span at `mark`.
    static func at(_ mark: Mark) -> SourceRange { SourceRange(start: mark, end: mark) }
}
