/// A field path: `spec.template.spec.containers[name="web"].image` (the `Path` production).
struct Path: Sendable, Hashable {
    /// One step of a path.
    enum Step: Sendable, Hashable {
        /// `.name` (or the first label).
        case field(Label)
        /// `[*]`: every element.
        case every(SourceRange)
        /// `[0]`: one position.
        case index(NumberLiteral)
        /// `[name="web"]`, `[k1="a", k2="b"]`: the element whose key fields have these values.
        case key([KeyMatch], SourceRange)
    }

    /// `name="web"` inside a selector.
    struct KeyMatch: Sendable, Hashable {
        var label: Label
        var value: Value
    }

    var steps: [Step]
    var range: SourceRange
}
