/// How `kgit validate` checks documents.
public struct ValidationOptions: Sendable {
    /// The Kubernetes version whose built-in kinds are used (`1.33`).
    public var kubernetesVersion: String
    /// Kinds not checked at all: a bare kind (`Deployment`) or `group/version/Kind`
    /// (`apps/v1/Deployment`, `v1/ConfigMap` for the core group).
    public var skipKinds: Set<String>
    /// When true, fields not in the schema are accepted instead of reported as `unknown-field`.
    public var allowUnknownFields: Bool
    /// The schema to check a document of `kind` in `file` against instead of the kind's own, when the
    /// closure returns one (KGL bindings: `bind "apps/**" { apps.Deployment => shop.Web }`).
    public var typeOverride: (@Sendable (_ file: String, _ kind: GroupVersionKind) -> Schema?)? = nil
    /// When true (the default), files are parsed and documents checked on every core; when false,
    /// everything runs on the calling thread, one document after another (the benchmarks' one-core
    /// figure, and callers that already spread work over threads). The report is the same either way.
    public var parallel = true

    public init(kubernetesVersion: String = "1.33", skipKinds: Set<String> = [], allowUnknownFields: Bool = false) {
        self.kubernetesVersion = kubernetesVersion
        self.skipKinds = skipKinds
        self.allowUnknownFields = allowUnknownFields
    }

    /// True when documents of `kind` are to be skipped.
    public func skips(_ kind: GroupVersionKind) -> Bool {
        !skipKinds.isEmpty && (skipKinds.contains(kind.kind) || skipKinds.contains(kind.description))
    }
}
