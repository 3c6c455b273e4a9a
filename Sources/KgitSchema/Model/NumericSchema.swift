/// Constraints on an integer or number value.
public struct NumericSchema: Sendable {
    /// The `format`, such as `int32`, `int64` or `double`; `int32` also bounds the value.
    public var format: String?
    /// The smallest allowed value.
    public var minimum: Double?
    /// The largest allowed value.
    public var maximum: Double?
    /// True when `minimum` itself is not allowed.
    public var exclusiveMinimum: Bool
    /// True when `maximum` itself is not allowed.
    public var exclusiveMaximum: Bool
    /// The value must be a whole multiple of this.
    public var multipleOf: Double?
    /// True when `minimum`, `maximum` or `multipleOf` is set (a value then needs `checkBounds`).
    var hasBounds: Bool { minimum != nil || maximum != nil || multipleOf != nil }

    public init(
        format: String? = nil, minimum: Double? = nil, maximum: Double? = nil, exclusiveMinimum: Bool = false,
        exclusiveMaximum: Bool = false, multipleOf: Double? = nil
    ) {
        self.format = format
        self.minimum = minimum
        self.maximum = maximum
        self.exclusiveMinimum = exclusiveMinimum
        self.exclusiveMaximum = exclusiveMaximum
        self.multipleOf = multipleOf
    }
}
