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
        var properties: [String: Schema] { didSet { rebuildLookup() } }
        /// `properties` again, for the validator's hot path: found by a cheap hash of the key's bytes, with
        /// the required ones numbered and the schema of map values at hand.
        private(set) var lookup: PropertyLookup {
            didSet { unretainedLookup = Unmanaged.passUnretained(lookup) }
        }
        /// `lookup`, not retained (`lookup` keeps it alive until it is replaced).
        private(set) var unretainedLookup: Unmanaged<PropertyLookup>
        var propertyNames: [String]
        var required: [String] { didSet { rebuildLookup() } }
        var additionalProperties: AdditionalProperties { didSet { rebuildLookup() } }
        var embeddedResource: Bool
        var mapType: MapType?
        var minProperties: Int?
        var maxProperties: Int?
        var unions: [DiscriminatedUnion]
        var patternProperties: [PatternProperty] = [] { didSet { rebuildLookup() } }

        private func rebuildLookup() {
            lookup = PropertyLookup(
                properties, required: required, additionalProperties: additionalProperties,
                hasPatternProperties: !patternProperties.isEmpty)
        }

        init(
            properties: [String: Schema], propertyNames: [String], required: [String],
            additionalProperties: AdditionalProperties, embeddedResource: Bool, mapType: MapType?, minProperties: Int?,
            maxProperties: Int?, unions: [DiscriminatedUnion]
        ) {
            self.properties = properties
            let lookup = PropertyLookup(properties, required: required, additionalProperties: additionalProperties)
            self.lookup = lookup
            self.unretainedLookup = Unmanaged.passUnretained(lookup)
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
        if !patternProperties.isEmpty { storage.patternProperties = patternProperties }
    }

    /// The declared properties as a table that answers `properties[key]` without hashing the whole key
    /// with the standard library's seeded hasher (the validator asks it for every key); a caller looking
    /// up many keys of one object takes it once, so it is not retained again for every key.
    var propertyLookup: PropertyLookup { storage.lookup }

    /// `propertyLookup`, not retained, for the validator, which borrows it (`_withUnsafeGuaranteedRef`) for
    /// one object's walk: sound only while the schema is alive and unchanged (a retain and a release per
    /// object otherwise).
    var unretainedPropertyLookup: Unmanaged<PropertyLookup> { storage.unretainedLookup }

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
        /// The name's length in bytes, and its bytes when it has at most 16 (`KeyBytes`).
        var count = 0
        var low: UInt64 = 0
        var high: UInt64 = 0
        var name = ""
        /// Not retained: `PropertyLookup.schemas` owns every schema in the table.
        var schema: Unmanaged<Schema>?
        /// The property's bit in `requiredMask` when it is required, 0 otherwise.
        var requiredBit: UInt64 = 0
    }

    /// A property found by `find(_:)`.
    struct Found {
        /// The property's schema, not retained (see `findUnretained(_:)`).
        var schema: Unmanaged<Schema>
        /// The property's bit in `requiredMask` when it is required, 0 otherwise.
        var requiredBit: UInt64
    }

    private let slots: [Slot]
    private let mask: Int
    /// The schemas the slots refer to, kept alive here.
    private let schemas: [Schema]
    /// One bit per distinct required property that is also declared (at most 64): a mapping whose keys
    /// found all of these bits has every required field, with no search for each name.
    let requiredMask: UInt64
    /// True when `requiredMask` stands for every required name; false when a required name is not a declared
    /// property or there are more than 64, and a caller must search the entries for the names itself.
    let requiredComplete: Bool
    /// The schema of the values of undeclared keys (`additionalProperties: .typed`), not retained (kept
    /// alive by `schemas`), when the object has no pattern properties: what a map's entries are checked
    /// against, without copying the object's `additionalProperties` out for each entry.
    let mapValues: Unmanaged<Schema>?

    init(
        _ properties: [String: Schema], required: [String] = [], additionalProperties: ObjectSchema.AdditionalProperties = .closed,
        hasPatternProperties: Bool = false
    ) {
        var schemas = Array(properties.values)
        if case .typed(let values) = additionalProperties, !hasPatternProperties {
            schemas.append(values)
            mapValues = Unmanaged.passUnretained(values)
        } else {
            mapValues = nil
        }
        self.schemas = schemas
        var bits: [String: UInt64] = [:]
        var complete = true
        for name in required where bits[name] == nil {
            guard properties[name] != nil, bits.count < 64 else {
                complete = false
                continue
            }
            bits[name] = 1 << UInt64(bits.count)
        }
        requiredMask = bits.values.reduce(0, |)
        requiredComplete = complete
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
            var copy = name
            let (hash, count, low, high) = copy.withUTF8 { bytes in
                let key = KeyBytes(bytes)
                return (key.hash, key.count, key.low, key.high)
            }
            var slot = Int(truncatingIfNeeded: hash) & mask
            while slots[slot].schema != nil { slot = (slot + 1) & mask }
            slots[slot] = Slot(
                hash: hash, count: count, low: low, high: high, name: name, schema: Unmanaged.passUnretained(schema),
                requiredBit: bits[name] ?? 0)
        }
        self.slots = slots
        self.mask = mask
    }

    /// The schema of the property named `key`, not retained: it stays owned by this table, so a caller
    /// that keeps the table alive may borrow it (`_withUnsafeGuaranteedRef`) for the duration of one
    /// lookup's use.
    func findUnretained(_ key: String) -> Unmanaged<Schema>? {
        var copy = key
        return copy.withUTF8 { find(KeyBytes($0))?.schema }
    }

    /// The property whose name has the bytes of `key` (the validator takes a key's bytes in place from the
    /// tree, so that no key string is copied or retained); its schema is not retained.
    @inline(__always)
    func find(_ key: KeyBytes) -> Found? {
        guard mask != 0 else { return nil }
        let hash = key.hash
        return slots.withUnsafeBufferPointer { slots in
            var slot = Int(truncatingIfNeeded: hash) & mask
            while let schema = slots[slot].schema {
                if slots[slot].hash == hash && slots[slot].count == key.count && Self.equal(slots[slot], key) {
                    return Found(schema: schema, requiredBit: slots[slot].requiredBit)
                }
                slot = (slot + 1) & mask
            }
            return nil
        }
    }

    /// True when the slot's name has the key's bytes (their counts are equal).
    @inline(__always)
    private static func equal(_ slot: Slot, _ key: KeyBytes) -> Bool {
        guard let long = key.long else { return slot.low == key.low && slot.high == key.high }
        return slot.name.hasUTF8(UnsafeBufferPointer(start: long, count: key.count))
    }

    /// The two words a string is stored in, read without copying it (no retain): compared as they are
    /// (`KindCache`), or taken as an inline key's bytes (`KeyBytes(inlineWords:)`).
    @inline(__always)
    static func words(of text: borrowing String) -> (low: UInt64, high: UInt64) {
        withUnsafeBytes(of: text) { ($0.load(as: UInt64.self), $0.load(fromByteOffset: 8, as: UInt64.self)) }
    }

    /// True when this standard library stores a string of at most 15 ASCII bytes inline, as its bytes
    /// (little-endian words, zero-padded) and a last byte `0xE0 | count`, so that `NodeValidator` may make a
    /// key's `KeyBytes(inlineWords:)` from the string's two words: checked once, against strings the
    /// standard library builds from bytes, by comparing both ways of taking every sample's key.
    static let inlineKeysWork: Bool = {
        #if !((arch(x86_64) || arch(arm64)) && _endian(little))
            return false
        #else
            let samples = ["", "a", "ab", "kind", "k8s.io", "abcdefg", "metadata", "apiVersion", "abcdefghijklmn", "abcdefghijklmno"]
            for sample in samples {
                let made = String(decoding: Array(sample.utf8), as: UTF8.self)
                guard let inline = KeyBytes(inlineWords: words(of: made)), inline.count == sample.utf8.count else { return false }
                var copy = made
                let read = copy.withUTF8 { KeyBytes($0) }
                guard inline.count == read.count, inline.low == read.low, inline.high == read.high, inline.hash == read.hash else {
                    return false
                }
            }
            // Longer and non-ASCII strings are not taken for inline ASCII ones.
            return ["abcdefghijklmnop", "é", "xé"].allSatisfy { sample in
                let made = String(decoding: Array(sample.utf8), as: UTF8.self)
                return KeyBytes(inlineWords: words(of: made)) == nil
            }
        #endif
    }()

    @inline(__always)
    fileprivate static func mix(_ sampled: UInt64) -> UInt64 {
        // A multiply-shift finaliser: every sampled bit reaches the low bits the table indexes with.
        var h = sampled &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        h = h &* 0xC4CE_B9FE_1A85_EC53
        return h ^ (h >> 33)
    }

    /// A key's UTF-8 bytes taken out of its string without copying the string: up to 16 bytes held inline
    /// (most keys), longer ones by a pointer into the string's storage.
    ///
    /// Made by loads alone (`init(_:)` calls nothing), so that a caller reading a key in place through a
    /// pointer into a node tree does not copy (retain and release) the key's text around the lookup.
    /// The pointer form borrows the string's storage: valid while the string is alive and unchanged
    /// (the validator's tree is, for the whole walk).
    struct KeyBytes {
        /// The length in bytes.
        let count: Int
        /// Bytes 0..<8 and 8..<16 (little-endian, zero-padded) of a key of at most 16 bytes; 0 otherwise.
        fileprivate let low: UInt64
        fileprivate let high: UInt64
        /// The bytes of a longer key, in its string's storage.
        fileprivate let long: UnsafePointer<UInt8>?

        @inline(__always)
        init(_ bytes: UnsafeBufferPointer<UInt8>) {
            count = bytes.count
            if count <= 16 {
                var low: UInt64 = 0
                var high: UInt64 = 0
                for index in 0..<min(count, 8) { low |= UInt64(bytes[index]) << (8 * UInt64(index)) }
                if count > 8 {
                    for index in 8..<count { high |= UInt64(bytes[index]) << (8 * UInt64(index - 8)) }
                }
                self.low = low
                self.high = high
                long = nil
            } else {
                low = 0
                high = 0
                long = bytes.baseAddress
            }
        }

        /// The key held in the two words of an inline ASCII string (`PropertyLookup.words(of:)`), read
        /// without copying its bytes out: bytes 0..<8 and 8..<15 as `init(_:)` takes them (little-endian,
        /// zero-padded), and a last byte `0xE0 | count`; nil for a string not stored so. Sound only where
        /// `inlineKeysWork` holds.
        @inline(__always)
        init?(inlineWords words: (low: UInt64, high: UInt64)) {
            guard words.high >> 60 == 0xE else { return nil }
            count = Int(truncatingIfNeeded: (words.high >> 56) & 0xF)
            low = words.low
            high = words.high & 0x00FF_FFFF_FFFF_FFFF
            long = nil
        }

        /// A hash of the bytes: of every byte of a short key (two words), of the length and five sampled
        /// bytes (first, second, middle, second-last, last) of a longer one.
        @inline(__always)
        var hash: UInt64 {
            guard let long else { return PropertyLookup.mix(low ^ (high &* 0x9E37_79B9_7F4A_7C15) ^ UInt64(truncatingIfNeeded: count)) }
            let n = count
            let sampled =
                UInt64(truncatingIfNeeded: n) | UInt64(long[0]) << 8 | UInt64(long[1]) << 16 | UInt64(long[n >> 1]) << 24
                | UInt64(long[n - 2]) << 32 | UInt64(long[n - 1]) << 40
            return PropertyLookup.mix(sampled)
        }
    }
}

extension String {
    /// True when the string's UTF-8 is exactly `bytes` (compared in place, no string made from them).
    @inline(__always)
    func hasUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard utf8.count == bytes.count else { return false }
        return utf8.withContiguousStorageIfAvailable { stored in
            for index in stored.indices where stored[index] != bytes[index] { return false }
            return true
        } ?? utf8.elementsEqual(bytes)
    }
}
