/// A CEL validation rule (`x-kubernetes-validations`), kept as data. kgit does not evaluate CEL yet.
public struct ValidationRule: Sendable, Hashable {
    /// The CEL expression, with `self` bound to the value.
    public var rule: String
    /// The message to show when the rule fails.
    public var message: String?
    /// A CEL expression producing the message.
    public var messageExpression: String?
    /// The path, relative to the value, the failure is reported at.
    public var fieldPath: String?
    /// The machine-readable reason (`FieldValueInvalid`...).
    public var reason: String?
    /// True when the rule is a transition rule that also runs when there is no old value.
    public var optionalOldSelf: Bool

    public init(
        rule: String, message: String? = nil, messageExpression: String? = nil, fieldPath: String? = nil,
        reason: String? = nil, optionalOldSelf: Bool = false
    ) {
        self.rule = rule
        self.message = message
        self.messageExpression = messageExpression
        self.fieldPath = fieldPath
        self.reason = reason
        self.optionalOldSelf = optionalOldSelf
    }
}
