/// How strategic merge patch combines a field (`x-kubernetes-patch-strategy`, a comma-separated list).
public struct PatchStrategy: OptionSet, Sendable, Hashable {
    /// The strategies as bits.
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// Lists are merged element by element, matched by the patch merge key.
    public static let merge = PatchStrategy(rawValue: 1 << 0)
    /// Keys not in the patch are cleared (used by unions such as `volumes[].source`).
    public static let retainKeys = PatchStrategy(rawValue: 1 << 1)
    /// The value is replaced as a whole.
    public static let replace = PatchStrategy(rawValue: 1 << 2)

    /// Parses the extension's value (`merge`, `merge,retainKeys`, `replace`); unknown words are ignored.
    public init(parsing text: String) {
        var strategy: PatchStrategy = []
        for word in text.split(separator: ",") {
            switch word.trimmingSpaces {
            case "merge": strategy.insert(.merge)
            case "retainKeys": strategy.insert(.retainKeys)
            case "replace": strategy.insert(.replace)
            default: break
            }
        }
        self = strategy
    }
}

extension Substring {
    var trimmingSpaces: Substring {
        var text = self
        while text.first == " " { text.removeFirst() }
        while text.last == " " { text.removeLast() }
        return text
    }
}
