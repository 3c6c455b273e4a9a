import KgitYAML

/// A rule written in code that runs wherever its schema is used: the checks the API server enforces
/// beyond the OpenAPI schema (name syntax, label keys, quantities, port ranges, selector/template
/// agreement...), and whatever KGL wants to add.
///
/// A check sees the YAML node the schema matched (after structural validation, which already reported
/// wrong types, so a check should quietly skip values of the wrong type) and reports findings through
/// the `CheckContext`, with paths relative to that node.
public struct SchemaCheck: Sendable {
    /// A stable name, for tests and debugging (`core.v1.Container`).
    public let name: String
    let body: @Sendable (Node, inout CheckContext) -> Void
    /// The same check on the node at a pointer, read in place, when it was written so (the built-in
    /// checks that read their node through pointers): the validator, which walks the tree in place, then
    /// runs it without copying the node out of its parent (a retain and a release of its children).
    let inPlace: (@Sendable (UnsafePointer<Node>, inout CheckContext) -> Void)?

    public init(name: String, _ body: @escaping @Sendable (Node, inout CheckContext) -> Void) {
        self.name = name
        self.body = body
        self.inPlace = nil
    }

    /// A check that reads the node at a pointer (valid for the call only); `run(_:_:)` points it at its
    /// argument.
    init(name: String, inPlace: @escaping @Sendable (UnsafePointer<Node>, inout CheckContext) -> Void) {
        self.name = name
        self.body = { node, context in withUnsafePointer(to: node) { inPlace($0, &context) } }
        self.inPlace = inPlace
    }

    /// Runs the check on `node`.
    public func run(_ node: Node, _ context: inout CheckContext) { body(node, &context) }

    /// Runs the check at `check` on the node at `node` (both alive and unchanged for the call), copying
    /// the node only for a check that takes it by value. The check is read in place too: calling a
    /// method on it copied it (its name and closures retained).
    static func run(_ check: UnsafePointer<SchemaCheck>, at node: UnsafePointer<Node>, _ context: inout CheckContext) {
        if let inPlace = check.pointee.inPlace {
            inPlace(node, &context)
        } else {
            check.pointee.body(node.pointee, &context)
        }
    }
}

/// What a `SchemaCheck` knows about where it runs, and where it reports what it finds.
public struct CheckContext: Sendable {
    /// One problem a check found.
    public struct Finding: Sendable {
        /// Error, or warning for rules a cluster may configure differently.
        public var severity: Diagnostic.Severity
        /// The stable code of the rule.
        public var code: DiagnosticCode
        /// What was expected and what was found.
        public var message: String
        /// The node the problem is at.
        public var node: Node
        /// The path from the checked node to `node`.
        public var path: [PathComponent]
        /// Suggestions and context.
        public var notes: [String]
    }

    /// The kind of the document being validated, when known.
    public let kind: GroupVersionKind?
    /// The findings so far.
    public private(set) var findings: [Finding] = []

    public init(kind: GroupVersionKind?) {
        self.kind = kind
    }

    /// Forgets the findings so far, so that the context can be used again (by the next schema's checks).
    mutating func removeFindings() { findings.removeAll(keepingCapacity: true) }

    /// Reports a problem at `node`, whose path relative to the checked node is `path`.
    public mutating func report(
        _ code: DiagnosticCode, _ message: String, at node: Node, path: [PathComponent], notes: [String] = [],
        severity: Diagnostic.Severity = .error
    ) {
        findings.append(
            Finding(severity: severity, code: code, message: message, node: node, path: path, notes: notes))
    }
}
