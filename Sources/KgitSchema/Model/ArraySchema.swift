/// The shape of a sequence: its element type and how elements are identified.
public struct ArraySchema: Sendable {
    /// How the list is merged and what makes elements distinct (`x-kubernetes-list-type`).
    public enum ListType: Sendable, Hashable {
        /// The list is replaced as a whole; duplicates are allowed.
        case atomic
        /// A set of scalars: every element must be distinct.
        case set
        /// A map of objects keyed by the given fields (`x-kubernetes-list-map-keys`): no two elements
        /// may have the same key values.
        case map(keys: [String])
    }

    /// The schema of every element.
    public var items: Schema
    /// The list type, when declared.
    public var listType: ListType?
    /// Fewest elements allowed.
    public var minItems: Int?
    /// Most elements allowed.
    public var maxItems: Int?
    /// JSON Schema `uniqueItems`: every element must be distinct.
    public var uniqueItems: Bool

    public init(
        items: Schema, listType: ListType? = nil, minItems: Int? = nil, maxItems: Int? = nil, uniqueItems: Bool = false
    ) {
        self.items = items
        self.listType = listType
        self.minItems = minItems
        self.maxItems = maxItems
        self.uniqueItems = uniqueItems
    }

    /// The fields that address an element in a field path: the list-map keys when declared.
    public var elementKeys: [String] {
        if case .map(let keys)? = listType { return keys }
        return []
    }
}
