/// An object's health and why.
public struct HealthAssessment: Sendable, Hashable, CustomStringConvertible {
    public var status: HealthStatus
    /// Why, in one sentence; empty when there is nothing to say (healthy by default).
    public var message: String

    public init(_ status: HealthStatus, _ message: String = "") {
        self.status = status
        self.message = message
    }

    /// `Progressing: 1 of 3 updated replicas are available`.
    public var description: String { message.isEmpty ? status.rawValue : "\(status.rawValue): \(message)" }

    /// The health of a set of objects: the worst status, with the messages of the objects that have it
    /// (`Deployment/shop/web: ...`), in identity order. An empty set is healthy.
    public static func combined(_ objects: [ObjectIdentity: HealthAssessment]) -> HealthAssessment {
        guard let worst = objects.values.map(\.status).max() else { return HealthAssessment(.healthy) }
        let messages = objects.filter { $0.value.status == worst }.sorted { $0.key < $1.key }.map {
            identity, assessment in
            assessment.message.isEmpty ? identity.path : "\(identity.path): \(assessment.message)"
        }
        return HealthAssessment(worst, messages.joined(separator: "; "))
    }
}
