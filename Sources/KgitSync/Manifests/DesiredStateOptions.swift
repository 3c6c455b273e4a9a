import KgitSchema

/// How a revision is turned into desired state.
public struct DesiredStateOptions: Sendable {
    /// The namespace given to namespaced objects whose manifest names none.
    public var defaultNamespace: String
    /// How the manifests are validated (Kubernetes version, kinds to skip).
    public var validation: ValidationOptions

    public init(defaultNamespace: String = "default", validation: ValidationOptions = ValidationOptions()) {
        self.defaultNamespace = defaultNamespace
        self.validation = validation
    }
}
