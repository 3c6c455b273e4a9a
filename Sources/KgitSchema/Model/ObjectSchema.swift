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

    /// Keys matching `pattern` have values of `schema` (JSON Schema `patternProperties`).
    public struct PatternProperty: Sendable {
        /// The pattern a key must match (unanchored, as in JSON Schema).
        public var pattern: SchemaPattern
        /// The schema of the values of matching keys.
        public var schema: Schema

        /// Values of keys matching `pattern` must match `schema`.
        public init(pattern: SchemaPattern, schema: Schema) {
            self.pattern = pattern
            self.schema = schema
        }
    }

    /// How a map is merged by server-side apply (`x-kubernetes-map-type`).
    public enum MapType: String, Sendable {
        case granular, atomic
    }

    /// The fields live in one reference-counted box, so copying an `ObjectSchema` (which the validator
    /// does each time it matches a schema's shape) costs one retain instead of one per field.
    private final class Storage: @unchecked Sendable {
        var properties: [String: Schema] { didSet { lookup = PropertyLookup(properties) } }
        /// `properties` again, for the validator's hot path: found by a cheap hash of the key's bytes.
        private(set) var lookup: PropertyLookup
        var propertyNames: [String]
        var required: [String]
        var additionalProperties: AdditionalProperties
        var embeddedResource: Bool
        var mapType: MapType?
        var minProperties: Int?
        var maxProperties: Int?
        var unions: [DiscriminatedUnion]
        var patternProperties: [PatternProperty] = []

        init(
            properties: [String: Schema], propertyNames: [String], required: [String],
            additionalProperties: AdditionalProperties, embeddedResource: Bool, mapType: MapType?, minProperties: Int?,
            maxProperties: Int?, unions: [DiscriminatedUnion]
        ) {
            self.properties = properties
            self.lookup = PropertyLookup(properties)
            self.propertyNames = propertyNames
            self.required = required
            self.additionalProperties = additionalProperties
            self.embeddedResource = embeddedResource
            self.mapType = mapType
            self.minProperties = minProperties
            self.maxProperties = maxProperties
            self.unions = unions
        }

        func copy() -> Storage {
            let copy = Storage(
                properties: properties, propertyNames: propertyNames, required: required,
                additionalProperties: additionalProperties, embeddedResource: embeddedResource, mapType: mapType,
                minProperties: minProperties, maxProperties: maxProperties, unions: unions)
            copy.patternProperties = patternProperties
            return copy
        }
    }

    // Shared storage is never mutated: every setter copies it first unless it is uniquely referenced.
    private var storage: Storage

    private mutating func unique() -> Storage {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
        return storage
    }

    /// The declared properties by name.
    public var properties: [String: Schema] {
        get { storage.properties }
        set { unique().properties = newValue }
    }
    /// The declared property names in declaration order (for messages and documentation).
    public var propertyNames: [String] {
        get { storage.propertyNames }
        set { unique().propertyNames = newValue }
    }
    /// Properties that must be present.
    public var required: [String] {
        get { storage.required }
        set { unique().required = newValue }
    }
    /// What to do with undeclared keys.
    public var additionalProperties: AdditionalProperties {
        get { storage.additionalProperties }
        set { unique().additionalProperties = newValue }
    }
    /// True when the value is itself a Kubernetes object (`x-kubernetes-embedded-resource`): it must
    /// carry `apiVersion` and `kind`, and may carry `metadata`.
    public var embeddedResource: Bool {
        get { storage.embeddedResource }
        set { unique().embeddedResource = newValue }
    }
    /// The server-side apply map type, when declared.
    public var mapType: MapType? {
        get { storage.mapType }
        set { unique().mapType = newValue }
    }
    /// Fewest properties allowed.
    public var minProperties: Int? {
        get { storage.minProperties }
        set { unique().minProperties = newValue }
    }
    /// Most properties allowed.
    public var maxProperties: Int? {
        get { storage.maxProperties }
        set { unique().maxProperties = newValue }
    }
    /// Discriminated unions among the properties (`x-kubernetes-unions`), kept as data.
    public var unions: [DiscriminatedUnion] {
        get { storage.unions }
        set { unique().unions = newValue }
    }

    /// Schemas for the values of undeclared keys that match a pattern (JSON Schema
    /// `patternProperties`): a key matching any is checked against each it matches, and only keys
    /// matching none are `additionalProperties`.
    public var patternProperties: [PatternProperty] {
        get { storage.patternProperties }
        set { unique().patternProperties = newValue }
    }

    /// Creates an object shape; `propertyNames` defaults to the sorted keys of `properties`.
    public init(
        properties: [String: Schema] = [:], propertyNames: [String]? = nil, required: [String] = [],
        additionalProperties: AdditionalProperties = .closed, embeddedResource: Bool = false,
        mapType: MapType? = nil, minProperties: Int? = nil, maxProperties: Int? = nil,
        unions: [DiscriminatedUnion] = [], patternProperties: [PatternProperty] = []
    ) {
        storage = Storage(
            properties: properties, propertyNames: propertyNames ?? properties.keys.sorted(), required: required,
            additionalProperties: additionalProperties, embeddedResource: embeddedResource, mapType: mapType,
            minProperties: minProperties, maxProperties: maxProperties, unions: unions)
        storage.patternProperties = patternProperties
    }

    /// The declared properties as a table that answers `properties[key]` without hashing the whole key
    /// with the standard library's seeded hasher (the validator asks it for every key); a caller looking
    /// up many keys of one object takes it once, so it is not retained again for every key.
    var propertyLookup: PropertyLookup { storage.lookup }

    /// True when the object is a plain string-keyed map (no declared properties, typed values).
    public var isMap: Bool {
        if case .typed = additionalProperties { return properties.isEmpty }
        return false
    }
}

/// An open-addressing table of an object's properties keyed by a cheap hash of the name's UTF-8 bytes:
/// for the short keys of manifests this is several times cheaper than `Dictionary<String, _>`, whose
/// SipHash dominates a lookup. A hit is confirmed by comparing the names.
///
/// Immutable once built, and a class: the validator looks up every key it meets, and a lookup reads the
/// slots in place (one array of hash, name and schema side by side) without retaining them.
final class PropertyLookup: Sendable {
    /// One slot of the table; an empty slot has no schema.
    private struct Slot: Sendable {
        var hash: UInt64 = 0
        var name = ""
        /// Not retained: `PropertyLookup.schemas` owns every schema in the table.
        var schema: Unmanaged<Schema>?
    }

    private let slots: [Slot]
    private let mask: Int
    /// The schemas the slots refer to, kept alive here.
    private let schemas: [Schema]

    init(_ properties: [String: Schema]) {
        schemas = Array(properties.values)
        guard !properties.isEmpty else {
            slots = []
            mask = 0
            return
        }
        var capacity = 4
        while capacity < properties.count * 2 { capacity <<= 1 }
        let mask = capacity - 1
        var slots = Array(repeating: Slot(), count: capacity)
        for (name, schema) in properties {
            let hash = Self.hash(name)
            var slot = Int(truncatingIfNeeded: hash) & mask
            while slots[slot].schema != nil { slot = (slot + 1) & mask }
            slots[slot] = Slot(hash: hash, name: name, schema: Unmanaged.passUnretained(schema))
        }
        self.slots = slots
        self.mask = mask
    }

    /// The schema of the property named `key`, not retained: it stays owned by this table, so a caller
    /// that keeps the table alive may borrow it (`_withUnsafeGuaranteedRef`) for the duration of one
    /// lookup's use.
    func findUnretained(_ key: String) -> Unmanaged<Schema>? {
        guard mask != 0 else { return nil }
        let hash = Self.hash(key)
        return slots.withUnsafeBufferPointer { slots in
            var slot = Int(truncatingIfNeeded: hash) & mask
            while let schema = slots[slot].schema {
                if slots[slot].hash == hash && slots[slot].name == key { return schema }
                slot = (slot + 1) & mask
            }
            return nil
        }
    }

    /// The key's length and its first, second, middle, second-last and last bytes, mixed: a few loads
    /// instead of a pass over every byte. Property names of one object rarely share all of these, and
    /// when they do the lookup only probes one slot further.
    static func hash(_ key: String) -> UInt64 {
        var copy = key
        return copy.withUTF8 { s in
            let n = s.count
            guard n > 0 else { return 0 }
            let second = n > 1 ? 1 : 0
            let sampled =
                UInt64(truncatingIfNeeded: n) | UInt64(s[0]) << 8 | UInt64(s[second]) << 16 | UInt64(s[n >> 1]) << 24
                | UInt64(s[n - 1 - second]) << 32 | UInt64(s[n - 1]) << 40
            // A multiply-shift finaliser: every sampled bit reaches the low bits the table indexes with.
            var h = sampled &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 33
            h = h &* 0xC4CE_B9FE_1A85_EC53
            return h ^ (h >> 33)
        }
    }
}
