/// An observed object that a reconciler cannot read: which object, which field, and what is wrong.
///
/// Reconcilers throw it instead of guessing; the driver reports it as a warning event on the object
/// and does not requeue (the object must change before a retry can succeed).
public struct ObjectDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The object, as `apps/v1 ReplicaSet shop/web` (or its kind alone when it has no name yet).
    public var object: String
    /// The field path, as `.spec.selector.matchLabels`.
    public var field: String
    /// What is wrong with it.
    public var message: String

    /// An error from its parts.
    public init(object: String, field: String, message: String) {
        self.object = object
        self.field = field
        self.message = message
    }

    /// `apps/v1 ReplicaSet shop/web: .spec.replicas: expected an integer, found "three"`.
    public var description: String { "\(object): \(field): \(message)" }
}
