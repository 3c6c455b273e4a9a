import KgitAPIMachinery

/// An `intstr.IntOrString`: `maxSurge: 1`, `maxSurge: "25%"`, `targetPort: http`.
public enum IntOrString: Sendable, Hashable {
    /// An integer.
    case int(Int)
    /// A string: a percentage (`"25%"`) or a name (`"http"`).
    case string(String)

    static func decode(_ r: JSONReader, at path: [String]) throws(ObjectDecodingError) -> IntOrString? {
        guard let v = r.value(path) else { return nil }
        if let i = v.intValue, let n = Int(exactly: i) { return .int(n) }
        if let s = v.stringValue { return .string(s) }
        throw r.fail(path, "expected an integer or a string, found \(JSONReader.describe(v))")
    }

    /// The absolute value of this int-or-percentage against `total`, as upstream's
    /// `GetScaledValueFromIntOrPercent`: a percentage is rounded up when `roundUp`, down otherwise.
    /// Throws a description when the string is not a percentage.
    public func scaled(against total: Int, roundUp: Bool) throws(ScaleError) -> Int {
        switch self {
        case .int(let n): return n
        case .string(let s):
            guard s.hasSuffix("%"), let percent = Int(s.dropLast()) else {
                throw ScaleError(value: s)
            }
            let product = percent * total
            if roundUp { return product >= 0 ? (product + 99) / 100 : -((-product) / 100) }
            return product >= 0 ? product / 100 : -((-product + 99) / 100)
        }
    }

    /// A string that is neither an integer nor a percentage where one was expected.
    public struct ScaleError: Error, Sendable, Equatable, CustomStringConvertible {
        /// The offending string.
        public var value: String
        /// `invalid value for IntOrString: invalid value "x": must be an integer or a percentage`.
        public var description: String { "invalid value \"\(value)\": must be an integer or a percentage" }
    }
}
