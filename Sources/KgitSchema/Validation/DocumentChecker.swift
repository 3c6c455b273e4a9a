import KgitYAML

/// Validates one document: finds its kind, then walks it against the kind's schema.
///
/// A `v1 List` (what `kubectl get -o yaml` prints) is validated item by item, each item as an object
/// of its own kind, with paths under `.items[i]`.
enum DocumentChecker {
    /// The result for `document` and the identity of the object it defines (nil when it is unnamed or its
    /// kind is skipped), or nil for an empty document (which is skipped).
    ///
    /// The work item and the options are read in place (both point into the caller's values, alive for
    /// the call): a copy of the document retained the tree, and the root is walked where it lies in the
    /// work list (reading `document.root` or `document.index` copied the whole document, its root's
    /// children retained, three times per document).
    ///
    /// The result is returned alone and the identity through `identity` (nil when there is none): a result
    /// returned in an optional tuple was made, copied into the tuple and destroyed (its strings and
    /// diagnostics retained and released once more per document).
    static func check(
        _ work: UnsafePointer<Validator.Work>, registry: SchemaRegistry, options: UnsafePointer<ValidationOptions>,
        kinds: KindCache = KindCache(), identity objectIdentity: inout ObjectIdentity?
    ) -> DocumentResult? {
        guard let root = Validator.Work.root(of: work) else { return nil }
        // `---` followed by nothing, or by a lone `null`, is an empty document.
        if case .scalar = root.pointee.content, case .scalar(let scalar) = root.pointee.content, scalar.isNull,
            scalar.style == .plain
        {
            return nil
        }
        let file = work.pointee.file
        let index = work.pointee.document.index
        // Filled in where it lies: made by an initializer, it was copied into the variable and destroyed.
        var identity = Identity()
        identity.read(root)
        var context = Context(file: Validator.Work.file(of: work), document: index, registry: registry, options: options, kinds: kinds)
        var skipped = false
        // The identity is read in place by everything below (a copy retained its four strings).
        withUnsafePointer(to: &identity) { identity in
            if identity.pointee.isList, registry.schema(for: GroupVersionKind(apiVersion: "v1", kind: "List")) == nil {
                context.checkList(root.pointee, identity: identity.pointee)
            } else {
                skipped = context.checkObject(at: root, identity: identity, path: [])
            }
        }
        // Made once with every field, not filled in field by field (which copied the result on return);
        // the identity's strings are moved into it (copies of optional strings were retains, through a
        // slow generic copy).
        let apiVersion = identity.apiVersion.take()
        let kind = identity.kind.take()
        let namespace = identity.namespace.take()
        let name = identity.name.take()
        // Made from the strings in hand, which it reads without keeping (the result keeps them).
        objectIdentity = skipped ? nil : ObjectIdentity.of(apiVersion: apiVersion, kind: kind, namespace: namespace, name: name)
        return DocumentResult(
            file: file, index: index, start: root.pointee.start, apiVersion: apiVersion, kind: kind,
            namespace: namespace, name: name, skipped: skipped, diagnostics: context.diagnostics)
    }

    /// What a document says it is.
    struct Identity {
        var apiVersion: String?
        var kind: String?
        var name: String?
        var namespace: String?

        init(_ root: Node) {
            // Read in place: copying the root's entries to look at four scalars cost more than the rest.
            apiVersion = root.memberText("apiVersion")
            kind = root.memberText("kind")
            name = root.memberText("name", in: "metadata")
            namespace = root.memberText("namespace", in: "metadata")
        }

        /// Nothing known yet.
        init() {}

        /// Reads `init(_:)`'s four strings from the node at `root`, in place (the node stays where it is).
        mutating func read(_ root: UnsafePointer<Node>) {
            apiVersion = Node.memberText("apiVersion", of: root)
            kind = Node.memberText("kind", of: root)
            if let metadata = Node.member("metadata", of: root) {
                name = Node.memberText("name", of: metadata)
                namespace = Node.memberText("namespace", of: metadata)
            }
        }

        /// True for a `v1 List` (lengths first: most documents are neither, and comparing two different
        /// strings calls into the runtime).
        var isList: Bool {
            guard let apiVersion, let kind, apiVersion.utf8.count == 2, kind.utf8.count == 4 else { return false }
            return apiVersion == "v1" && kind == "List"
        }

        /// `apps/v1 Deployment default/web`, or whatever part of it is known.
        var description: String? {
            var parts: [String] = []
            if let apiVersion { parts.append(apiVersion) }
            if let kind { parts.append(kind) }
            if let name { parts.append(namespace.map { "\($0)/\(name)" } ?? name) }
            return parts.isEmpty ? nil : parts.joined(separator: " ")
        }
    }

    private struct Context {
        /// The work item's file name, read in place (the item outlives the context): a copy retained it.
        let file: UnsafePointer<String>
        let document: Int
        let registry: SchemaRegistry
        /// The caller's options, alive for the context's whole life (`check` makes and drops it).
        let options: UnsafePointer<ValidationOptions>
        let kinds: KindCache
        var diagnostics: [Diagnostic] = []

        mutating func fail(
            _ code: DiagnosticCode, _ message: String, at node: Node, path: [PathComponent], object: String?, notes: [String] = []
        ) {
            diagnostics.append(
                Diagnostic(
                    code: code.rawValue, message: message, file: file.pointee, start: node.start, end: node.end,
                    path: PathComponent.render(path), document: document, object: object, notes: notes))
        }

        /// Checks a `v1 List`: its own fields, then every item as an object. Out of line: few documents
        /// are lists.
        @inline(never)
        mutating func checkList(_ root: Node, identity: Identity) {
            guard case .mapping(let pairs) = root.content else { return }
            for index in pairs.indices {
                guard let key = pairs[index].key.scalar?.text else { continue }
                switch key {
                case "apiVersion", "kind", "metadata":
                    continue
                case "items":
                    guard case .sequence(let items) = pairs[index].value.content else {
                        fail(.typeMismatch, "expected list, found \(NodeValidator.describe(pairs[index].value))", at: pairs[index].value, path: [.field("items")], object: identity.description)
                        continue
                    }
                    for (position, item) in items.enumerated() {
                        var itemIdentity = Identity(item)
                        withUnsafePointer(to: item) { item in
                            withUnsafePointer(to: &itemIdentity) { identity in
                                _ = checkObject(at: item, identity: identity, path: [.field("items"), .index(position)])
                            }
                        }
                    }
                default:
                    if options.pointee.allowUnknownFields { continue }
                    fail(.unknownField, "unknown field `\(key)` in List", at: pairs[index].key, path: [.field(key)], object: identity.description,
                         notes: Suggestion.closest(to: key, among: ["items", "metadata"]).map { ["did you mean `\($0)`?"] } ?? [])
                }
            }
        }

        /// Checks the object at `root` (read in place, alive for the call); returns true when its kind is
        /// skipped.
        mutating func checkObject(at root: UnsafePointer<Node>, identity: UnsafePointer<Identity>, path: [PathComponent]) -> Bool {
            guard case .mapping = root.pointee.content else {
                failNotAnObject(root.pointee, path: path)
                return false
            }
            if identity.pointee.apiVersion?.isEmpty ?? true || identity.pointee.kind?.isEmpty ?? true {
                failMissingType(root.pointee, identity: identity.pointee, path: path)
                return false
            }
            guard let apiVersion = identity.pointee.apiVersion, let kindName = identity.pointee.kind else { return false }
            let known = kinds.entry(apiVersion: apiVersion, kind: kindName)
            let kind = kinds.kind(known)
            if options.pointee.skips(kind) { return true }
            guard let schema = options.pointee.typeOverride?(file.pointee, kind) ?? kinds.schema(known, in: registry) else {
                // `identity.kind` is the text of the `kind` entry, so the entry is there.
                if let kindNode = root.pointee.member("kind") { failUnknownKind(kind, kindNode, identity: identity.pointee, path: path) }
                return false
            }
            walk(root, schema, kind: kind, kindName: kindName, identity: identity, path: path)
            return false
        }

        /// Walks the object at `root`, of a known kind, against its schema, then checks its name.
        private mutating func walk(
            _ root: UnsafePointer<Node>, _ schema: Schema, kind: GroupVersionKind, kindName: String, identity: UnsafePointer<Identity>,
            path: [PathComponent]
        ) {
            var validator = NodeValidator(
                file: file, document: document, object: identity, kind: kind, allowUnknownFields: options.pointee.allowUnknownFields)
            // Appended, not assigned: the validator's path keeps the capacity it reserved.
            for component in path { validator.path.append(PathStep(component)) }
            validator.validate(at: root, schema, typeName: kindName)
            // Into the validator's context (emptied after the walk's checks), not a new one with a copy of the kind.
            ObjectNameRule.check(at: root, kind: kind, into: &validator.checks)
            if !validator.checks.findings.isEmpty { validator.reportFindings() }
            if !validator.diagnostics.isEmpty { diagnostics += validator.diagnostics }
        }

        // The failures below are out of line (`@inline(never)`): their messages, built inline, made
        // `checkObject` several times larger than the code a valid document runs.

        @inline(never)
        mutating func failNotAnObject(_ root: Node, path: [PathComponent]) {
            fail(
                .notAnObject, "expected a Kubernetes object (a mapping with apiVersion and kind), found \(NodeValidator.describe(root))",
                at: root, path: path, object: nil)
        }

        /// Reports a missing (or empty) `apiVersion` and a missing `kind`.
        @inline(never)
        mutating func failMissingType(_ root: Node, identity: Identity, path: [PathComponent]) {
            let object = identity.description
            if identity.apiVersion?.isEmpty ?? true {
                fail(.missingAPIVersion, "the object has no `apiVersion` (such as `v1` or `apps/v1`)", at: root.member("apiVersion") ?? root,
                     path: path + [.field("apiVersion")], object: object)
            }
            if identity.kind?.isEmpty ?? true {
                fail(.missingKind, "the object has no `kind` (such as `Deployment` or `ConfigMap`)", at: root.member("kind") ?? root,
                     path: path + [.field("kind")], object: object)
            }
        }

        @inline(never)
        mutating func failUnknownKind(_ kind: GroupVersionKind, _ kindNode: Node, identity: Identity, path: [PathComponent]) {
            let kindName = kind.kind
            var notes: [String] = []
            let served = registry.groupVersions(servingKind: kindName)
            if let last = served.last {
                notes.append("\(kindName) is served as \(served.map { "`\($0.apiVersion)`" }.joined(separator: ", ")); did you mean `apiVersion: \(last.apiVersion)`?")
            } else if let suggestion = Suggestion.closest(to: kindName, among: registry.kindNames) {
                notes.append("did you mean `\(suggestion)`?")
            } else if !kind.group.isEmpty {
                notes.append("if this is a custom resource, pass its CustomResourceDefinition with --schema")
            }
            fail(
                .unknownKind, "unknown kind `\(kindName)` in `\(identity.apiVersion ?? "")` for Kubernetes \(registry.catalog.version)",
                at: kindNode, path: path + [.field("kind")], object: identity.description, notes: notes)
        }
    }
}

/// The kinds one thread has looked up while checking documents: the `GroupVersionKind` an `apiVersion` and
/// a `kind` make and the registry's schema for it, found by their text's bytes without building the kind
/// again, taking the catalog's lock or hashing three strings.
/// Not shared between threads: each chunk of documents has its own.
final class KindCache {
    private struct Entry {
        let apiVersion: String
        let name: String
        let kind: GroupVersionKind
        /// The registry's schema, once looked up (`nil` inside: the registry has none).
        var schema: Schema??
        /// The two strings' words as stored (`PropertyLookup.words(of:)`). Two strings with the same words
        /// are the same string (the same inline bytes, or the same storage), whatever the layout; most
        /// apiVersions and kinds are short, stored inline, and so have the same words whenever they have the
        /// same text.
        let apiVersionWords: (low: UInt64, high: UInt64)
        let nameWords: (low: UInt64, high: UInt64)
    }

    // Used by one thread at a time, one call at a time: no dynamic exclusivity checks.
    @exclusivity(unchecked) private var entries: [Entry] = []
    /// Entries beyond this many are not kept (a linear search stays short); their kinds are made anew.
    private static let capacity = 32
    /// The kind made for a lookup that was not kept.
    @exclusivity(unchecked) private var uncached: GroupVersionKind?

    /// The entry of `apiVersion` and `kind`, added when new; -1 when the cache is full (see `kind(_:)`).
    func entry(apiVersion: String, kind: String) -> Int {
        // Words first: a hit costs four compares per entry, without taking the strings' bytes.
        let apiVersionWords = PropertyLookup.words(of: apiVersion)
        let kindWords = PropertyLookup.words(of: kind)
        let hit = entries.withUnsafeBufferPointer { entries in
            entries.firstIndex {
                $0.nameWords == kindWords && $0.apiVersionWords == apiVersionWords
            }
        }
        if let hit { return hit }
        var apiVersionText = apiVersion
        var kindText = kind
        let found = apiVersionText.withUTF8 { apiVersionBytes in
            kindText.withUTF8 { kindBytes in
                entries.withUnsafeBufferPointer { entries in
                    entries.firstIndex { $0.name.hasUTF8(kindBytes) && $0.apiVersion.hasUTF8(apiVersionBytes) }
                }
            }
        }
        if let found { return found }
        let made = GroupVersionKind(apiVersion: apiVersion, kind: kind)
        guard entries.count < Self.capacity else {
            uncached = made
            return -1
        }
        entries.append(
            Entry(apiVersion: apiVersion, name: kind, kind: made, schema: nil, apiVersionWords: apiVersionWords, nameWords: kindWords))
        return entries.count - 1
    }

    /// `GroupVersionKind(apiVersion:kind:)` of the entry.
    func kind(_ entry: Int) -> GroupVersionKind {
        guard entry >= 0 else { return uncached ?? GroupVersionKind(group: "", version: "", kind: "") }
        return entries[entry].kind
    }

    /// `registry.schema(for:)` of the entry's kind, looked up once.
    func schema(_ entry: Int, in registry: SchemaRegistry) -> Schema? {
        guard entry >= 0 else { return uncached.flatMap { registry.schema(for: $0) } }
        if let known = entries[entry].schema { return known }
        let found = registry.schema(for: entries[entry].kind)
        entries[entry].schema = .some(found)
        return found
    }
}

extension PathStep {
    init(_ component: PathComponent) {
        switch component {
        case .field(let name): self = .field(name)
        case .index(let index): self = .index(index)
        case .element(let index, let item, let keys): self = .element(index, items: [item], keys: keys, offset: index)
        }
    }
}
