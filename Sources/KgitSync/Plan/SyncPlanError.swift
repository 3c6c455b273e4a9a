/// Why a sync plan could not be made: every problem found.
public struct SyncPlanError: Error, Sendable, Hashable, CustomStringConvertible {
    /// One problem.
    public struct Problem: Sendable, Hashable, CustomStringConvertible {
        public enum Code: String, Sendable, Hashable {
            /// A `kgit.dev/sync-wave` annotation that is not an integer.
            case invalidSyncWave = "invalid-sync-wave"
            /// The revision declares nothing while the inventory holds objects (see `SyncPlanOptions.allowEmpty`).
            case emptyDesiredState = "empty-desired-state"
        }

        public var code: Code
        public var message: String
        /// Where the offending value was written, when it comes from git.
        public var location: ManifestLocation?
        /// The field path of the offending value.
        public var path: String
        /// The object concerned.
        public var object: ObjectIdentity?

        /// `app.yaml:5:5: message (.metadata.annotations["kgit.dev/sync-wave"], apps/v1 Deployment shop/web)`.
        public var description: String {
            var text = location.map { "\($0): " } ?? ""
            text += message
            var context: [String] = []
            if !path.isEmpty { context.append(path) }
            if let object { context.append(object.description) }
            if !context.isEmpty { text += " (\(context.joined(separator: ", ")))" }
            return text
        }
    }

    public var problems: [Problem]

    public var description: String { problems.map(\.description).joined(separator: "\n") }
}
