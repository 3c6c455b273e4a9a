import KgitAPIMachinery
import KgitYAML

/// Walks one YAML node tree against a `Schema` and collects every independent problem.
///
/// Allocation-light by design: the field path is a stack of `PathComponent`s that is rendered to a
/// string only when a diagnostic is made, and nothing else is built for values that are fine.
struct NodeValidator {
    /// The file's name, read in place (whoever makes the validator keeps it alive and unchanged for as long
    /// as the validator is used): a copy retained it once per walk and per combinator probe.
    let filePointer: UnsafePointer<String>
    var file: String { filePointer.pointee }
    let document: Int
    /// What the object is called in diagnostics, worked out only when one is made.
    ///
    /// Read in place (a copy retained its four strings on every document): whoever makes the validator
    /// keeps the identity alive, and in place, for as long as the validator is used.
    let objectIdentity: UnsafePointer<DocumentChecker.Identity>?
    var object: String? { objectIdentity?.pointee.description }
    /// The kind of the document, when known (the one `checks` holds).
    var kind: GroupVersionKind? { checks.kind }
    let allowUnknownFields: Bool
    /// `PropertyLookup.inlineKeysWork`, read once per walk (a static is read through a one-time check).
    let inlineKeys = PropertyLookup.inlineKeysWork
    /// The context the schemas' checks report into, made once per walk and emptied after each use:
    /// `CheckContext(kind:)` per schema with checks copied the kind (retains of its strings) each time.
    var checks: CheckContext
    /// The path of the node being visited (cheap steps, rendered only for diagnostics).
    var path: [PathStep] = []
    /// What was found so far.
    var diagnostics: [Diagnostic] = []
    /// The type name given to the walk in progress (`TypeName.root`).
    private var rootTypeName: String?

    init(
        file: UnsafePointer<String>, document: Int, object: UnsafePointer<DocumentChecker.Identity>?, kind: GroupVersionKind?,
        allowUnknownFields: Bool
    ) {
        self.filePointer = file
        self.document = document
        self.objectIdentity = object
        self.checks = CheckContext(kind: kind)
        self.allowUnknownFields = allowUnknownFields
        path.reserveCapacity(16)
    }

    // MARK: - Reporting

    // Reporting is out of line (`@inline(never)`), and so is every message built on the walk's hot paths:
    // their string interpolations inlined into `validateObject` and `validateValue` made those functions
    // several times larger than the code a valid document runs, which then missed the instruction cache.

    @inline(never)
    mutating func report(
        _ code: DiagnosticCode, _ message: String, at node: Node, notes: [String] = [], severity: Diagnostic.Severity = .error,
        extraPath: [PathComponent] = []
    ) {
        diagnostics.append(
            Diagnostic(
                severity, code: code.rawValue, message: message, file: file, start: node.start, end: node.end,
                path: PathComponent.render(path.map(\.component) + extraPath), document: document, object: object, notes: notes))
    }

    // MARK: - Walking

    /// Validates `node` against `schema`; `typeName` names the type for messages (a definition's full
    /// name, shortened only when a message needs it).
    mutating func validate(_ node: Node, _ schema: Schema, typeName: String? = nil) {
        let outer = rootTypeName
        if let typeName { rootTypeName = typeName }
        defer { rootTypeName = outer }
        withUnsafePointer(to: node) { validate(at: $0, schema, typeName: typeName == nil ? .none : .root) }
    }

    /// `validate(_:_:typeName:)` of the node at `node`, read in place (the caller keeps it alive and
    /// unchanged for the call): the document checker walks each root where it lies in its work list.
    mutating func validate(at node: UnsafePointer<Node>, _ schema: Schema, typeName: String) {
        let outer = rootTypeName
        rootTypeName = typeName
        defer { rootTypeName = outer }
        validate(at: node, schema, typeName: .root)
    }

    /// The name of the type being checked, for messages, made a string only when a message needs it.
    ///
    /// It holds the schema or reference that has the name, unretained (a definition name copied into every
    /// frame was a retain and a release per object): the schema the walk was given keeps them alive for the
    /// whole walk.
    enum TypeName {
        case none
        /// `rootTypeName`.
        case root
        /// A reference's `name`.
        case reference(Unmanaged<SchemaReference>)
        /// A schema's `definitionName`.
        case definition(Unmanaged<Schema>)
    }

    /// The text of `typeName`.
    func text(of typeName: TypeName) -> String? {
        switch typeName {
        case .none: return nil
        case .root: return rootTypeName
        case .reference(let reference): return reference._withUnsafeGuaranteedRef { $0.name }
        case .definition(let schema): return schema._withUnsafeGuaranteedRef { $0.definitionName }
        }
    }

    // The walk reads nodes in place through pointers into the tree (which the caller keeps alive for
    // the whole walk): a `Node` passed by value is copied out of its parent's array first, a retain and
    // a release of its children or text per node visited. Only paths that report, run checks or probe
    // combinators take a copy (`node.pointee`).

    /// `validate(_:_:typeName:)` of the node at `node`.
    private mutating func validate(at node: UnsafePointer<Node>, _ schema: Schema, typeName: TypeName = .none) {
        guard let message = schema.errorMessage else {
            validateValue(at: node, schema, typeName: typeName)
            return
        }
        // `T else "message"`: the author's message replaces the checker's, which becomes a note. A
        // message nearer the value (an inner `else`) was applied first and is kept.
        let before = diagnostics.count
        validateValue(at: node, schema, typeName: typeName)
        for index in diagnostics.indices.dropFirst(before)
        where diagnostics[index].severity == .error && diagnostics[index].notes.first?.hasPrefix(Self.replacedNote) != true {
            let original = diagnostics[index].message
            diagnostics[index].message = message
            diagnostics[index].notes.insert(Self.replacedNote + original, at: 0)
        }
    }

    @inline(never)
    private mutating func reportNull(_ node: Node, _ schema: Schema) {
        report(.typeMismatch, "expected \(schema.typeDescription), found null", at: node)
    }

    /// The note that keeps the checker's message when an `else` message replaced it.
    static let replacedNote = "the value violates the type: "

    private mutating func validateValue(at node: UnsafePointer<Node>, _ schema: Schema, typeName: TypeName) {
        // A reference is followed without copying the shape, the reference or its name (see
        // `Schema.unretainedReference`, `TypeName`).
        if let reference = schema.unretainedReference {
            guard let target = reference._withUnsafeGuaranteedRef({ $0.unretainedTarget }) else { return }
            if schema.nullable, Self.isNull(node) { return }
            let before = diagnostics.count
            target._withUnsafeGuaranteedRef { validate(at: node, $0, typeName: .reference(reference)) }
            let clean = diagnostics.count == before
            applyConstraints(at: node, schema, subtreeClean: clean, shapeMatched: clean || Self.isCollection(node))
            return
        }
        // Read once: each read of the class's `shape` copies its payload (a retain and a release).
        let shape = schema.shape
        if Self.isNull(node) {
            if schema.nullable { return }
            if case .any = shape { return }
            reportNull(node.pointee, schema)
            return
        }
        let before = diagnostics.count
        var collectionMatched = false
        switch shape {
        case .any, .reference:
            break
        case .object(let object):
            if case .none = typeName {
                collectionMatched = validateObject(at: node, object, typeName: .definition(Unmanaged.passUnretained(schema)))
            } else {
                collectionMatched = validateObject(at: node, object, typeName: typeName)
            }
        case .array(let array):
            collectionMatched = validateArray(at: node, array, schema: schema)
        case .string(let constraints):
            validateString(at: node, constraints, origin: schema.origin)
        case .integer(let constraints):
            validateInteger(at: node, constraints)
        case .number(let constraints):
            validateNumber(at: node, constraints)
        case .boolean:
            guard case .scalar(let scalar) = node.pointee.content, case .bool = scalar.value else {
                mismatch(node.pointee, expected: "boolean")
                return
            }
        case .intOrString:
            guard case .scalar(let scalar) = node.pointee.content else {
                mismatch(node.pointee, expected: "integer or string")
                return
            }
            switch scalar.value {
            case .int, .string: break
            case .null: break
            case .bool, .float:
                mismatch(node.pointee, expected: "integer or string")
            }
        case .quantity:
            validateQuantity(at: node)
        }
        let clean = diagnostics.count == before
        applyConstraints(at: node, schema, subtreeClean: clean, shapeMatched: clean || collectionMatched)
    }

    /// `applyConstraints` of the node at `node`: the common schema without constraints returns before
    /// anything else is read.
    @inline(__always)
    private mutating func applyConstraints(
        at node: UnsafePointer<Node>, _ schema: Schema, subtreeClean: Bool, shapeMatched: Bool
    ) {
        guard schema.hasConstraints else { return }
        applyConstraints(node, schema, subtreeClean: subtreeClean, shapeMatched: shapeMatched)
    }

    /// Enumerations and combinators run on values with no problem inside them (a broken child would
    /// make every alternative fail and say nothing new); code checks run whenever the value has the
    /// right shape, so that an independent rule (a selector that does not match) is reported even when
    /// something else inside the object is wrong. Checks skip values of the wrong type themselves.
    ///
    /// The node is read in place: checks written to read it so run on the pointer (`SchemaCheck.run(_:at:_:)`),
    /// and it is copied only for the others, a report or the combinators.
    private mutating func applyConstraints(_ node: UnsafePointer<Node>, _ schema: Schema, subtreeClean: Bool, shapeMatched: Bool) {
        if shapeMatched, !schema.checks.isEmpty {
            // By index: iterating copied each check (its name and closure retained).
            schema.checks.withUnsafeBufferPointer { schemaChecks in
                guard let base = schemaChecks.baseAddress else { return }
                for index in schemaChecks.indices { SchemaCheck.run(base + index, at: node, &checks) }
            }
            if !checks.findings.isEmpty { reportFindings() }
        }
        guard subtreeClean else { return }
        if let allowed = schema.enumValues, case .scalar = node.pointee.content, case .scalar(let scalar) = node.pointee.content,
            !allowed.contains(where: { Self.matches(scalar, $0) })
        {
            reportEnum(node.pointee, scalar, allowed, schema)
        }
        if schema.hasCombinators { applyCombinators(node.pointee, schema) }
    }

    /// Reports what the checks found into `checks` and empties it (out of line: most checks find nothing).
    @inline(never)
    mutating func reportFindings() {
        let findings = checks.findings
        checks.removeFindings()
        for finding in findings {
            report(finding.code, finding.message, at: finding.node, notes: finding.notes, severity: finding.severity, extraPath: finding.path)
        }
    }

    @inline(never)
    private mutating func reportEnum(_ node: Node, _ scalar: Node.Scalar, _ allowed: [ScalarValue], _ schema: Schema) {
        let shown = allowed.filter { $0 != .string("") }.map(Self.describeEnumValue)
        var notes: [String] = []
        let candidates = allowed.compactMap { value -> String? in
            if case .string(let text) = value { return text }
            return nil
        }
        if let suggestion = Suggestion.closest(to: scalar.text, among: candidates) {
            notes.append("did you mean `\(suggestion)`?")
        }
        if let origin = schema.origin { notes.append("enumeration declared at \(origin)") }
        report(
            .enumValue, "unsupported value \(Self.describeValue(scalar)); expected one of \(shown.joined(separator: ", "))",
            at: node, notes: notes)
    }

    /// `allOf`, `anyOf`, `oneOf`, `not` and `if`/`then`/`else`.
    @inline(never)
    private mutating func applyCombinators(_ node: Node, _ schema: Schema) {
        for sub in schema.allOf { validate(node, sub) }
        if !schema.anyOf.isEmpty, !schema.anyOf.contains(where: { matches(node, $0) }) {
            report(.anyOf, "the value matches none of the \(schema.anyOf.count) alternatives the schema allows (anyOf)", at: node)
        }
        if !schema.oneOf.isEmpty {
            let matching = schema.oneOf.filter { matches(node, $0) }.count
            if matching != 1 {
                report(
                    .oneOf,
                    matching == 0
                        ? "the value matches none of the \(schema.oneOf.count) alternatives the schema allows (oneOf)"
                        : "the value matches \(matching) of the alternatives, but must match exactly one (oneOf)",
                    at: node)
            }
        }
        if let not = schema.not, matches(node, not) {
            report(.not, "the value matches a schema it must not match (not)", at: node)
        }
        if let conditional = schema.conditional {
            if matches(node, conditional.if) {
                if let then = conditional.then { validate(node, then) }
            } else if let otherwise = conditional.else {
                validate(node, otherwise)
            }
        }
    }

    /// True when `node` satisfies `schema` (used for combinators; diagnostics are discarded).
    private func matches(_ node: Node, _ schema: Schema) -> Bool {
        var probe = NodeValidator(file: filePointer, document: document, object: objectIdentity, kind: kind, allowUnknownFields: allowUnknownFields)
        probe.validate(node, schema)
        return !probe.diagnostics.contains { $0.severity == .error }
    }

    // MARK: - Objects

    /// True when `node` is a scalar that resolved to a string: against a schema that `acceptsAnyString`
    /// such a value has nothing to report, and the validator skips it.
    @inline(__always)
    private static func isString(_ node: UnsafePointer<Node>) -> Bool {
        // The case is tested before the scalar is bound: binding it from the whole content copied a
        // collection's array too (a retain and a release).
        guard case .scalar = node.pointee.content else { return false }
        if case .scalar(let scalar) = node.pointee.content { return scalar.isString }
        return false
    }

    /// `Node.isNull` read in place.
    @inline(__always)
    private static func isNull(_ node: UnsafePointer<Node>) -> Bool {
        guard case .scalar = node.pointee.content else { return false }
        if case .scalar(let scalar) = node.pointee.content { return scalar.isNull }
        return false
    }

    /// `Node.isCollection` read in place.
    @inline(__always)
    private static func isCollection(_ node: UnsafePointer<Node>) -> Bool {
        if case .scalar = node.pointee.content { return false }
        return true
    }

    /// The key node of the entry at `pair`, in place.
    @inline(__always)
    private static func key(of pair: UnsafePointer<Node.Pair>) -> UnsafePointer<Node> {
        // `offset(of:)` is nil only for a computed property; both of Pair's are stored.
        let offset = MemoryLayout<Node.Pair>.offset(of: \Node.Pair.key) ?? 0
        return (UnsafeRawPointer(pair) + offset).assumingMemoryBound(to: Node.self)
    }

    /// The value node of the entry at `pair`, in place.
    @inline(__always)
    private static func value(of pair: UnsafePointer<Node.Pair>) -> UnsafePointer<Node> {
        let offset = MemoryLayout<Node.Pair>.offset(of: \Node.Pair.value) ?? MemoryLayout<Node>.stride
        return (UnsafeRawPointer(pair) + offset).assumingMemoryBound(to: Node.self)
    }

    /// The entries of the mapping at `node`, read in place; nil when the node is not a mapping.
    ///
    /// The buffer points into the tree's own storage and outlives the closure that produced it: sound
    /// only because the tree is alive and unchanged for the whole walk (the caller of `validate` holds
    /// it and nothing mutates it). Matching `.mapping(let pairs)` into a local instead copied the array
    /// (a retain and a release per object).
    @inline(__always)
    static func entries(of node: UnsafePointer<Node>) -> UnsafeBufferPointer<Node.Pair>? {
        guard case .mapping(let pairs) = node.pointee.content else { return nil }
        return pairs.withUnsafeBufferPointer { $0 }
    }

    /// True when the node at `node` is a scalar.
    @inline(__always)
    static func isScalar(_ node: UnsafePointer<Node>) -> Bool {
        if case .scalar = node.pointee.content { return true }
        return false
    }

    /// The property of `lookup` named by the scalar key at `key`, found from the key's bytes read in place
    /// (no copy of the key's text); nil when the key is not a scalar or names no property.
    @inline(__always)
    static func property(named key: UnsafePointer<Node>, in lookup: PropertyLookup, inlineKeys: Bool) -> PropertyLookup.Found? {
        // The key's bytes are taken by loads alone, and the lookup runs after the key is let go of: a
        // lookup called while the key's text was bound kept a copy of it (a retain and a release per key).
        guard let bytes = keyBytes(key, inlineKeys: inlineKeys) else {
            var text = keyText(key)
            return text.withUTF8 { lookup.find(PropertyLookup.KeyBytes($0)) }
        }
        return lookup.find(bytes)
    }

    /// The bytes of the scalar key at `key`, read in place; nil when the key is not a scalar or its text
    /// is not stored contiguously (never for a string the parser made).
    ///
    /// With `inlineKeys` (`PropertyLookup.inlineKeysWork`), an inline ASCII key (most keys) is taken from its
    /// string's two words: copying its bytes out to read them one at a time cost more than the lookup.
    @inline(__always)
    static func keyBytes(_ key: UnsafePointer<Node>, inlineKeys: Bool) -> PropertyLookup.KeyBytes? {
        guard case .scalar = key.pointee.content, case .scalar(let scalar) = key.pointee.content else { return nil }
        if inlineKeys, let inline = PropertyLookup.KeyBytes(inlineWords: PropertyLookup.words(of: scalar.text)) {
            return inline
        }
        return scalar.text.utf8.withContiguousStorageIfAvailable { PropertyLookup.KeyBytes($0) }
    }

    /// The text of the scalar key at `key` as a string (for the rarer paths that need one); "" for a
    /// key that is not a scalar.
    static func keyText(_ key: UnsafePointer<Node>) -> String {
        if case .scalar(let scalar) = key.pointee.content { return scalar.text }
        return ""
    }

    /// Returns false when the node is not a mapping at all.
    @discardableResult
    private mutating func validateObject(at node: UnsafePointer<Node>, _ object: ObjectSchema, typeName: TypeName) -> Bool {
        guard let entries = Self.entries(of: node) else {
            mismatch(node.pointee, expected: object.isMap ? "map" : "object")
            return false
        }
        // The lookup is borrowed from the schema (alive and unchanged for the walk), not retained per object.
        object.unretainedPropertyLookup._withUnsafeGuaranteedRef { properties in
            // The required properties whose keys were seen, one bit each (`PropertyLookup.requiredMask`).
            var foundRequired: UInt64 = 0
            // Entries are read in place: each key and value is borrowed through a pointer, not copied, and a
            // key goes on the path as a pointer to its node (made a string only if a diagnostic is rendered).
            if let base = entries.baseAddress {
                for index in entries.indices {
                    let keyNode = Self.key(of: base + index)
                    let valueNode = Self.value(of: base + index)
                    guard Self.isScalar(keyNode) else {
                        reportKeyNotString(keyNode.pointee)
                        continue
                    }
                    // The property's schema is borrowed from the object's table (which `properties` keeps
                    // alive), not retained for each key.
                    if let found = Self.property(named: keyNode, in: properties, inlineKeys: inlineKeys) {
                        foundRequired |= found.requiredBit
                        found.schema._withUnsafeGuaranteedRef { property in
                            if property.acceptsAnyString, Self.isString(valueNode) { return }
                            path.append(.key(keyNode))
                            validate(at: valueNode, property)
                            path.removeLast()
                        }
                        continue
                    }
                    // A map's entries (labels, annotations, data) against the schema of its values, borrowed.
                    if let values = properties.mapValues {
                        values._withUnsafeGuaranteedRef { values in
                            if values.acceptsAnyString, Self.isString(valueNode) { return }
                            path.append(.key(keyNode))
                            validate(at: valueNode, values)
                            path.removeLast()
                        }
                        continue
                    }
                    validateOtherEntry(key: keyNode, value: valueNode, object, typeName: typeName)
                }
            }
            if foundRequired != properties.requiredMask || !properties.requiredComplete {
                checkRequired(node, object, typeName: typeName)
            }
            if object.embeddedResource || object.minProperties != nil || object.maxProperties != nil {
                checkObjectCounts(node.pointee, object)
            }
        }
        return true
    }

    /// An entry whose key is not a declared property: a pattern property, a map entry or an unknown field.
    private mutating func validateOtherEntry(
        key keyNode: UnsafePointer<Node>, value valueNode: UnsafePointer<Node>, _ object: ObjectSchema, typeName: TypeName
    ) {
        let patternProperties = object.patternProperties
        if !patternProperties.isEmpty {
            let key = Self.keyText(keyNode)
            var matched = false
            for entry in patternProperties where entry.pattern.matches(key) {
                matched = true
                path.append(.key(keyNode))
                validate(at: valueNode, entry.schema)
                path.removeLast()
            }
            if matched { return }
        }
        switch object.additionalProperties {
        case .typed(let values):
            if values.acceptsAnyString, Self.isString(valueNode) { return }
            path.append(.key(keyNode))
            validate(at: valueNode, values)
            path.removeLast()
        case .preserveUnknown:
            break
        case .closed:
            if allowUnknownFields { break }
            let key = Self.keyText(keyNode)
            if object.embeddedResource, key == "apiVersion" || key == "kind" || key == "metadata" { break }
            reportUnknownField(keyNode.pointee, key, object, typeName: text(of: typeName))
        }
    }

    /// Reports the required fields missing from an object (the slow path: a required property was not seen
    /// among the keys, or the lookup cannot account for every required name).
    @inline(never)
    private mutating func checkRequired(_ node: UnsafePointer<Node>, _ object: ObjectSchema, typeName: TypeName) {
        guard case .mapping(let pairs) = node.pointee.content else { return }
        for name in object.required where pairs.index(ofKey: name) == nil {
            reportMissing(name, typeName: text(of: typeName), at: node.pointee)
        }
    }

    @inline(never)
    private mutating func reportKeyNotString(_ keyNode: Node) {
        report(.typeMismatch, "expected a string key, found \(Self.describe(keyNode))", at: keyNode)
    }

    @inline(never)
    private mutating func reportMissing(_ name: String, typeName: String?, at node: Node) {
        let owner = typeName.map { " in \(Self.shortName($0))" } ?? ""
        report(.required, "missing required field `\(name)`\(owner)", at: node, extraPath: [.field(name)])
    }

    /// The rarer object rules: an embedded resource's `apiVersion` and `kind`, `minProperties` and
    /// `maxProperties`.
    @inline(never)
    private mutating func checkObjectCounts(_ node: Node, _ object: ObjectSchema) {
        guard case .mapping(let pairs) = node.content else { return }
        if object.embeddedResource {
            for name in ["apiVersion", "kind"] where pairs.index(ofKey: name) == nil {
                report(.embeddedResource, "the embedded object has no `\(name)`", at: node, extraPath: [.field(name)])
            }
        }
        if let minimum = object.minProperties, pairs.count < minimum {
            report(.minProperties, "expected at least \(minimum) fields, found \(pairs.count)", at: node)
        }
        if let maximum = object.maxProperties, pairs.count > maximum {
            report(.maxProperties, "expected at most \(maximum) fields, found \(pairs.count)", at: node)
        }
    }

    @inline(never)
    private mutating func reportUnknownField(_ keyNode: Node, _ key: String, _ object: ObjectSchema, typeName: String?) {
        var notes: [String] = []
        if let suggestion = Suggestion.closest(to: key, among: object.propertyNames) {
            notes.append("did you mean `\(suggestion)`?")
        }
        let owner = typeName.map { " in \(Self.shortName($0))" } ?? ""
        report(.unknownField, "unknown field `\(key)`\(owner)", at: keyNode, notes: notes, extraPath: [.field(key)])
    }

    // MARK: - Arrays

    /// Returns false when the node is not a sequence at all.
    @discardableResult
    private mutating func validateArray(at node: UnsafePointer<Node>, _ array: ArraySchema, schema: Schema) -> Bool {
        guard case .sequence(let items) = node.pointee.content else {
            mismatch(node.pointee, expected: "list")
            return false
        }
        if let minimum = array.minItems, items.count < minimum {
            reportCount(.minItems, node.pointee, "at least \(minimum)", items.count)
        }
        if let maximum = array.maxItems, items.count > maximum {
            reportCount(.maxItems, node.pointee, "at most \(maximum)", items.count)
        }
        var keys = array.elementKeys
        if keys.isEmpty, let mergeKey = schema.patchMergeKey { keys = [mergeKey] }
        items.withUnsafeBufferPointer { elements in
            guard let base = elements.baseAddress else { return }
            let anyString = array.items.acceptsAnyString
            for index in elements.indices {
                if anyString, Self.isString(base + index) { continue }
                path.append(keys.isEmpty ? .index(index) : .element(index, items: items, keys: keys))
                validate(at: base + index, array.items)
                path.removeLast()
            }
        }
        guard items.count > 1 else { return true }
        switch array.listType {
        case .map(let mapKeys)? where !mapKeys.isEmpty:
            checkDistinct(items, keys: mapKeys, code: .duplicateKeyInList)
        case .set?:
            checkDistinct(items, keys: [], code: .duplicateItem)
        default:
            if array.uniqueItems { checkDistinct(items, keys: [], code: .duplicateItem) }
        }
        return true
    }

    @inline(never)
    private mutating func reportCount(_ code: DiagnosticCode, _ node: Node, _ bound: String, _ count: Int) {
        report(code, "expected \(bound) elements, found \(count)", at: node)
    }

    /// Reports elements whose identity (the values of `keys`, or the scalar itself) repeats an earlier one.
    @inline(never)
    private mutating func checkDistinct(_ items: [Node], keys: [String], code: DiagnosticCode) {
        var seen: [[String]: Int] = [:]
        for (index, item) in items.enumerated() {
            let identity: [String]
            if keys.isEmpty {
                guard let scalar = item.scalar else { continue }
                identity = [scalar.text]
            } else {
                guard item.mapping != nil else { continue }
                identity = keys.map { key in
                    if let value = item.member(key)?.scalar, !value.isNull { return value.text }
                    // The API server defaults a missing port protocol to TCP before comparing.
                    return key == "protocol" ? "TCP" : ""
                }
            }
            if let first = seen[identity] {
                let elementPath: PathComponent = keys.isEmpty ? .index(index) : .element(index, item: item, keys: keys)
                let what = keys.isEmpty
                    ? "the value \(identity[0].debugDescription) appears twice"
                    : "elements \(first) and \(index) have the same key (\(zip(keys, identity).map { "\($0.0) \($0.1.isEmpty ? "unset" : $0.1)" }.joined(separator: ", ")))"
                report(
                    code, what, at: item, notes: ["first defined at line \(items[first].start.line)"],
                    extraPath: [elementPath])
            } else {
                seen[identity] = index
            }
        }
    }

    // MARK: - Scalars

    // The scalar checks read the node in place and copy it (a retain and a release of its text) only to
    // read the text or to report.

    private mutating func validateString(at pointer: UnsafePointer<Node>, _ constraints: StringSchema, origin: String?) {
        guard Self.isString(pointer) else {
            mismatch(pointer.pointee, expected: "string")
            return
        }
        // Only the scalar is copied (its text is needed); the node is copied only to report.
        guard case .scalar(let scalar) = pointer.pointee.content else { return }
        let text = scalar.text
        if constraints.minLength != nil || constraints.maxLength != nil {
            let length = text.unicodeScalars.count
            if let minimum = constraints.minLength, length < minimum {
                reportLength(.minLength, pointer.pointee, "at least \(minimum)", length)
            }
            if let maximum = constraints.maxLength, length > maximum {
                reportLength(.maxLength, pointer.pointee, "at most \(maximum)", length)
            }
        }
        if let pattern = constraints.pattern, !pattern.matches(text) {
            reportPattern(pointer.pointee, scalar, pattern, origin: origin)
        }
        switch constraints.format {
        case "date-time"?:
            if !Formats.isDateTime(text) { reportFormat(pointer.pointee, scalar, base64: false) }
        case "byte"?:
            if !Formats.isBase64(text) { reportFormat(pointer.pointee, scalar, base64: true) }
        default:
            break
        }
    }

    @inline(never)
    private mutating func reportLength(_ code: DiagnosticCode, _ node: Node, _ bound: String, _ length: Int) {
        report(code, "expected \(bound) characters, found \(length)", at: node)
    }

    @inline(never)
    private mutating func reportPattern(_ node: Node, _ scalar: Node.Scalar, _ pattern: SchemaPattern, origin: String?) {
        report(
            .pattern, "\(Self.describe(scalar)) does not match the pattern `\(pattern.source)`", at: node,
            notes: origin.map { ["pattern declared at \($0)"] } ?? [])
    }

    @inline(never)
    private mutating func reportFormat(_ node: Node, _ scalar: Node.Scalar, base64: Bool) {
        guard base64 else {
            report(.invalidFormat, "\(Self.describe(scalar)) is not an RFC 3339 date-time such as 2024-05-01T12:00:00Z", at: node)
            return
        }
        var notes: [String] = []
        if path.count >= 2, case .field("data") = path[path.count - 2].component, kind?.kind == "Secret" {
            notes.append("Secret `data` values are base64; put plain text under `stringData` instead")
        }
        report(.invalidFormat, "expected base64-encoded bytes, found \(Self.describe(scalar))", at: node, notes: notes)
    }

    private mutating func validateInteger(at node: UnsafePointer<Node>, _ constraints: NumericSchema) {
        guard case .scalar(let scalar) = node.pointee.content, case .int(let value) = scalar.value else {
            mismatch(node.pointee, expected: "integer")
            return
        }
        if constraints.format == "int32", value < Int(Int32.min) || value > Int(Int32.max) {
            reportInt32(node.pointee, value)
            return
        }
        if constraints.hasBounds { checkBounds(node.pointee, Double(value), constraints) }
    }

    private mutating func validateNumber(at node: UnsafePointer<Node>, _ constraints: NumericSchema) {
        guard case .scalar(let scalar) = node.pointee.content else {
            mismatch(node.pointee, expected: "number")
            return
        }
        switch scalar.value {
        case .int(let value): if constraints.hasBounds { checkBounds(node.pointee, Double(value), constraints) }
        case .float(let value): if constraints.hasBounds { checkBounds(node.pointee, value, constraints) }
        default: mismatch(node.pointee, expected: "number")
        }
    }

    @inline(never)
    private mutating func reportInt32(_ node: Node, _ value: Int) {
        report(.outOfRange, "\(value) does not fit in a 32-bit integer", at: node)
    }

    @inline(never)
    private mutating func checkBounds(_ node: Node, _ value: Double, _ constraints: NumericSchema) {
        let shown = node.scalar?.text ?? "\(value)"
        if let minimum = constraints.minimum,
            constraints.exclusiveMinimum ? value <= minimum : value < minimum
        {
            report(.minimum, "\(shown) is less than the minimum \(constraints.exclusiveMinimum ? "(exclusive) " : "")\(Self.formatBound(minimum))", at: node)
        }
        if let maximum = constraints.maximum,
            constraints.exclusiveMaximum ? value >= maximum : value > maximum
        {
            report(.maximum, "\(shown) is greater than the maximum \(constraints.exclusiveMaximum ? "(exclusive) " : "")\(Self.formatBound(maximum))", at: node)
        }
        if let step = constraints.multipleOf, step > 0 {
            let quotient = value / step
            if abs(quotient - quotient.rounded()) > 1e-9 {
                report(.multipleOf, "\(shown) is not a multiple of \(Self.formatBound(step))", at: node)
            }
        }
    }

    private mutating func validateQuantity(at node: UnsafePointer<Node>) {
        guard case .scalar(let scalar) = node.pointee.content else {
            mismatch(node.pointee, expected: "quantity")
            return
        }
        switch scalar.value {
        case .int, .float:
            return
        case .string(let text):
            if (try? Quantity(parsing: text)) == nil {
                reportQuantity(node.pointee, scalar)
            }
        case .bool, .null:
            mismatch(node.pointee, expected: "quantity")
        }
    }

    @inline(never)
    private mutating func reportQuantity(_ node: Node, _ scalar: Node.Scalar) {
        report(
            .invalidQuantity, "\(Self.describe(scalar)) is not a valid quantity", at: node,
            notes: ["a quantity is a number with an optional suffix: Ki Mi Gi Ti Pi Ei, n u m k M G T P E, or an exponent such as 1e3"])
    }

    /// Reports a value of the wrong type, with the quoting advice that fixes the common cases.
    @inline(never)
    private mutating func mismatch(_ node: Node, expected: String) {
        guard let scalar = node.scalar else {
            report(.typeMismatch, "expected \(expected), found \(node.kindDescription)", at: node)
            return
        }
        let wantsString = expected == "string" || expected == "integer or string" || expected == "quantity"
        if wantsString, scalar.yaml11Coerced {
            report(
                .quoteYAML11,
                "expected \(expected), found \(Self.describe(scalar)): YAML 1.1 reads the plain scalar `\(scalar.text)` as a \(node.kindDescription)",
                at: node, notes: ["quote it: \"\(scalar.text)\""])
            return
        }
        var notes: [String] = []
        switch scalar.value {
        case .string where scalar.style != .plain:
            if expected == "integer", Int(scalar.text) != nil { notes.append("remove the quotes to make it an integer") }
            if expected == "number", Double(scalar.text) != nil { notes.append("remove the quotes to make it a number") }
            if expected == "boolean", scalar.text == "true" || scalar.text == "false" {
                notes.append("remove the quotes to make it a boolean")
            }
        case .int, .float, .bool, .null:
            if wantsString { notes.append("quote it: \"\(scalar.text)\"") }
        default:
            break
        }
        report(.typeMismatch, "expected \(expected), found \(Self.describe(scalar))", at: node, notes: notes)
    }

    // MARK: - Helpers

    static func shortName(_ definition: String) -> String {
        guard let dot = definition.lastIndex(of: ".") else { return definition }
        return String(definition[definition.index(after: dot)...])
    }

    static func describe(_ node: Node) -> String {
        if let scalar = node.scalar { return describe(scalar) }
        return node.kindDescription
    }

    static func describe(_ scalar: Node.Scalar) -> String {
        switch scalar.value {
        case .null: return "null"
        case .bool: return "boolean `\(scalar.text)`"
        case .int: return "integer `\(scalar.text)`"
        case .float: return "number `\(scalar.text)`"
        case .string:
            let text = scalar.text.count > 60 ? String(scalar.text.prefix(57)) + "..." : scalar.text
            return "string \(text.debugDescription)"
        }
    }

    /// A scalar as written: strings quoted, other values bare.
    static func describeValue(_ scalar: Node.Scalar) -> String {
        if scalar.isString { return scalar.text.debugDescription }
        return scalar.text
    }

    static func describeEnumValue(_ value: ScalarValue) -> String {
        switch value {
        case .null: return "null"
        case .bool(let b): return "\(b)"
        case .int(let i): return "\(i)"
        case .float(let f): return "\(f)"
        case .string(let s): return s.debugDescription
        }
    }

    static func matches(_ scalar: Node.Scalar, _ value: ScalarValue) -> Bool {
        switch (scalar.value, value) {
        case (.string(let a), .string(let b)): return a == b
        case (.int(let a), .int(let b)): return a == b
        case (.int(let a), .float(let b)): return Double(a) == b
        case (.float(let a), .int(let b)): return a == Double(b)
        default: return scalar.value == value
        }
    }

    static func formatBound(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}

/// One step of the path being walked; unlike `PathComponent` it holds a list element by reference to
/// its list, so pushing it copies nothing.
enum PathStep {
    case field(String)
    /// The mapping key at a node of the tree being walked, read only when the path is rendered: the node
    /// stays valid while it is on the path (the walk's caller keeps the tree alive and unchanged).
    case key(UnsafePointer<Node>)
    case index(Int)
    /// Element `index` of a list, found at `items[index - offset]` (offset is 0 while walking).
    case element(Int, items: [Node], keys: [String], offset: Int = 0)

    var component: PathComponent {
        switch self {
        case .field(let name): return .field(name)
        case .key(let key): return .field(NodeValidator.keyText(key))
        case .index(let index): return .index(index)
        case .element(let index, let items, let keys, let offset): return .element(index, item: items[index - offset], keys: keys)
        }
    }
}

extension Node {
    /// True for a mapping or a sequence.
    var isCollection: Bool {
        switch content {
        case .mapping, .sequence: return true
        case .scalar: return false
        }
    }

    /// True for a scalar that resolved to null (`~`, `null`, or nothing).
    var isNull: Bool {
        if case .scalar(let scalar) = content { return scalar.isNull }
        return false
    }
}

extension Node.Scalar {
    /// True for a scalar that resolved to null (strings are ruled out first, without building a payload).
    var isNull: Bool {
        if isString { return false }
        if case .null = value { return true }
        return false
    }
}
