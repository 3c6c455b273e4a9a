/// The shape of a mapping: its declared properties and what to do with the others.
public struct ObjectSchema: Sendable {
    /// What the object does with keys that are not declared properties.
    public enum AdditionalProperties: Sendable {
        /// Undeclared keys are errors (Kubernetes strict field validation).
        case closed
        /// Undeclared keys are map entries whose values must match the schema (`labels`, `data`).
        case typed(Schema)
        /// Undeclared keys are kept as they are (`x-kubernetes-preserve-unknown-fields`).
        case preserveUnknown
    }

    /// How a map is merged by server-side apply (`x-kubernetes-map-type`).
    public enum MapType: String, Sendable {
        case granular, atomic
    }

    /// The declared properties by name.
    public var properties: [String: Schema]
    /// The declared property names in declaration order (for messages and documentation).
    public var propertyNames: [String]
    /// Properties that must be present.
    public var required: [String]
    /// What to do with undeclared keys.
    public var additionalProperties: AdditionalProperties
    /// True when the value is itself a Kubernetes object (`x-kubernetes-embedded-resource`): it must
    /// carry `apiVersion` and `kind`, and may carry `metadata`.
    public var embeddedResource: Bool
    /// The server-side apply map type, when declared.
    public var mapType: MapType?
    /// Fewest properties allowed.
    public var minProperties: Int?
    /// Most properties allowed.
    public var maxProperties: Int?
    /// Discriminated unions among the properties (`x-kubernetes-unions`), kept as data.
    public var unions: [DiscriminatedUnion]

    /// Creates an object shape; `propertyNames` defaults to the sorted keys of `properties`.
    public init(
        properties: [String: Schema] = [:], propertyNames: [String]? = nil, required: [String] = [],
        additionalProperties: AdditionalProperties = .closed, embeddedResource: Bool = false,
        mapType: MapType? = nil, minProperties: Int? = nil, maxProperties: Int? = nil,
        unions: [DiscriminatedUnion] = []
    ) {
        self.properties = properties
        self.propertyNames = propertyNames ?? properties.keys.sorted()
        self.required = required
        self.additionalProperties = additionalProperties
        self.embeddedResource = embeddedResource
        self.mapType = mapType
        self.minProperties = minProperties
        self.maxProperties = maxProperties
        self.unions = unions
    }

    /// True when the object is a plain string-keyed map (no declared properties, typed values).
    public var isMap: Bool {
        if case .typed = additionalProperties { return properties.isEmpty }
        return false
    }
}
