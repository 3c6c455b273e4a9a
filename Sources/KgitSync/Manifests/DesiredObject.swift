import KgitYAML

/// One object of the desired state: what it is, what it says, and where each of its fields was written.
public struct DesiredObject: Sendable, Hashable {
    /// Which object this is (the namespace filled in from the default when the manifest had none).
    public var identity: ObjectIdentity
    /// Whether the kind is namespaced.
    public var scope: ResourceScope
    /// The object as written, with `metadata.namespace` set for a namespaced object.
    public var body: YAMLValue
    /// Where the object's document starts.
    public var location: ManifestLocation
    /// For each field path written in the manifest (`.spec.replicas`, `.spec.template.spec.containers[name="web"].image`),
    /// where it was written; `""` is the object itself. This is what `--show-source` prints.
    public var provenance: [String: ManifestLocation]

    public init(
        identity: ObjectIdentity, scope: ResourceScope, body: YAMLValue, location: ManifestLocation,
        provenance: [String: ManifestLocation] = [:]
    ) {
        self.identity = identity
        self.scope = scope
        self.body = body
        self.location = location
        self.provenance = provenance
    }

    /// The value of annotation `name`, when the manifest sets it.
    public func annotation(_ name: String) -> String? {
        if case .string(let value)? = body["metadata"]?["annotations"]?[name] { return value }
        return nil
    }

    /// The location of field `path`, or of its nearest recorded ancestor (a field the server or the
    /// loader added has no location of its own).
    public func source(of path: String) -> ManifestLocation? {
        var current = Substring(path)
        while true {
            if let location = provenance[String(current)] { return location }
            guard let cut = FieldPath.parentEnd(of: current) else { return provenance[""] ?? location }
            current = current[..<cut]
        }
    }
}
