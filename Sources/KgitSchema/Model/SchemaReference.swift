/// A named, shared schema that is linked after it is created, so that definitions can refer to each
/// other (and to themselves, like `JSONSchemaProps`) while being compiled once.
///
/// Lifecycle: create it, put `.reference(ref)` in the schemas that use it, then link it exactly
/// once, before any schema containing it is shared with another thread. After that it never changes,
/// which is what makes it safe to read from many threads without a lock.
///
/// Ownership: `link(_:)` keeps its target alive (the Kubernetes definitions, which live as long as
/// the process). Schemas compiled per use (KGL types, imported OpenAPI documents and JSON Schemas)
/// may refer to themselves, and a reference that owned its target would then keep a cycle alive
/// forever; those are linked through a `SchemaGraph`, which owns the targets while the reference
/// only points at them, and are handed out through the graph's entry points (see `SchemaGraph`).
public final class SchemaReference: @unchecked Sendable {
    /// The name of the definition (`io.k8s.api.core.v1.Container`, or a KGL type name).
    public let name: String
    // Written once by `link` or `SchemaGraph.link` before publication, then only read.
    private var owned: Schema?
    // The target of a reference inside a `SchemaGraph`, which keeps it alive.
    private unowned var borrowed: Schema?
    /// The graph an entry point keeps alive (see `SchemaGraph.entry(_:name:)`).
    private let owner: SchemaGraph?
    /// `target`, not retained (kept alive by `owned`, or by the graph that keeps `borrowed`), for the
    /// validator: reading it is a plain load, where `target` retains (and checks an unowned reference).
    private(set) var unretainedTarget: Unmanaged<Schema>?

    /// A reference named `name`, optionally already linked to (and owning) `target`.
    public init(name: String, target: Schema? = nil) {
        self.name = name
        self.owned = target
        self.owner = nil
        self.unretainedTarget = target.map { Unmanaged.passUnretained($0) }
    }

    init(name: String, target: Schema, owner: SchemaGraph) {
        self.name = name
        self.owned = target
        self.owner = owner
        self.unretainedTarget = Unmanaged.passUnretained(target)
    }

    /// The schema this reference stands for; nil until linked.
    public var target: Schema? { owned ?? borrowed }

    /// Links the reference to its schema, which it keeps alive. Call once, before sharing schemas
    /// that contain it; for schemas that may refer to themselves, use `SchemaGraph.link(_:to:)`.
    public func link(_ schema: Schema) {
        owned = schema
        unretainedTarget = Unmanaged.passUnretained(schema)
    }

    /// Links the reference without keeping `schema` alive: its graph does.
    func borrow(_ schema: Schema) {
        borrowed = schema
        // `target` prefers an owned schema.
        if owned == nil { unretainedTarget = Unmanaged.passUnretained(schema) }
    }
}

/// Owns the schemas of one compilation whose references may form cycles (a KGL file's types, an
/// imported OpenAPI document or JSON Schema with the files it refers to), so that they are freed
/// together when the last user lets go, instead of leaking as reference cycles.
///
/// A reference linked through the graph points at its target without owning it; the graph owns
/// every target. What the compilation hands out are entry points (`entry(_:name:)`): schemas that
/// refer to a compiled schema and keep the whole graph alive. A schema taken from inside another
/// (a property of an entry's target) is valid while its graph lives, so a compilation that builds on
/// another's schemas (a KGL refinement of an imported type) keeps that graph with `retain(_:)`.
///
/// Built on one thread; immutable once its schemas are shared.
public final class SchemaGraph: @unchecked Sendable {
    private var members: [Schema] = []
    private var kept: [AnyObject] = []

    /// An empty graph.
    public init() {}

    /// Links `reference` to `schema` and keeps `schema` alive for as long as the graph lives.
    public func link(_ reference: SchemaReference, to schema: Schema) {
        members.append(schema)
        reference.borrow(schema)
    }

    /// An entry point to `schema`: a schema that stands for it (a reference named `name`) and keeps
    /// this graph, and so everything `schema` refers to, alive. It repeats the target's description
    /// and origin for readers that do not follow references.
    public func entry(_ schema: Schema, name: String) -> Schema {
        Schema(
            .reference(SchemaReference(name: name, target: schema, owner: self)), description: schema.description,
            origin: schema.origin)
    }

    /// Keeps `other` alive as long as this graph: its schemas are used inside this one's.
    public func retain(_ other: SchemaGraph) {
        if other !== self { kept.append(other) }
    }

    /// Keeps `schemas` (entry points of other graphs, typically) alive as long as this graph.
    public func retain(_ schemas: some Sequence<Schema>) {
        kept.append(contentsOf: schemas.map { $0 as AnyObject })
    }
}
