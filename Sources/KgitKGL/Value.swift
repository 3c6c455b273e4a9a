/// A value: a default or a patch value (the `Value` production). JSON-like, with bare labels as keys.
struct Value: Sendable, Hashable {
    /// `label: value` in an object.
    struct Field: Sendable, Hashable {
        var label: Label
        var value: Value
    }

    indirect enum Kind: Sendable, Hashable {
        case string(StringLiteral)
        case number(NumberLiteral)
        case bool(Bool)
        case null
        case list([Value])
        case object([Field])
    }

    var kind: Kind
    var range: SourceRange
}
