/// What a plugin decided, with the reasons users read: upstream's framework `Status`.
public struct Status: Sendable, Hashable, CustomStringConvertible {
    /// The outcome, ordered as upstream's codes.
    public enum Code: Sendable, Hashable {
        /// The pod may go on.
        case success
        /// The plugin could not work (a bug or bad input), not a property of the node.
        case error
        /// The node does not fit now; preempting pods might make it fit.
        case unschedulable
        /// The node does not fit, and preemption cannot change that.
        case unschedulableAndUnresolvable
        /// The plugin has nothing to do for this pod (PreFilter/PreScore), so its Filter/Score is skipped.
        case skip
    }

    /// The outcome.
    public var code: Code
    /// The reasons, as they appear in the `FailedScheduling` message.
    public var reasons: [String]
    /// The plugin that decided (set by the framework).
    public var plugin: String?

    /// A status with a code and reasons.
    public init(_ code: Code, _ reasons: String..., plugin: String? = nil) {
        self.code = code
        self.reasons = reasons
        self.plugin = plugin
    }

    /// A status with a code and a list of reasons.
    public init(_ code: Code, reasons: [String], plugin: String? = nil) {
        self.code = code
        self.reasons = reasons
        self.plugin = plugin
    }

    /// Success.
    public static let success = Status(.success)

    /// Whether the code is `success`.
    public var isSuccess: Bool { code == .success }

    /// Whether the code is one of the two unschedulable codes.
    public var isRejected: Bool { code == .unschedulable || code == .unschedulableAndUnresolvable }

    /// The reasons joined with ", ".
    public var message: String { reasons.joined(separator: ", ") }

    /// `Unschedulable: Insufficient cpu (NodeResourcesFit)`.
    public var description: String {
        "\(code): \(message)" + (plugin.map { " (\($0))" } ?? "")
    }
}
