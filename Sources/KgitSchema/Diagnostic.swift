import KgitYAML

/// One problem found in the input, with everything a user needs to find and fix it.
///
/// Diagnostics are plain values; the CLI renders them as text, JSON, JUnit, SARIF or GitHub annotations.
public struct Diagnostic: Sendable, Hashable {
    public enum Severity: String, Sendable, Hashable, Comparable {
        case error, warning

        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs == .error && rhs == .warning }
    }

    public var severity: Severity
    /// A stable code (`unknown-field`, `type-mismatch`, `yaml-syntax`...); `kgit explain CODE` describes it.
    public var code: String
    /// What was expected and what was found, in one sentence.
    public var message: String
    /// The file the problem is in (`-` for standard input).
    public var file: String
    /// Where the offending node starts.
    public var start: Mark
    /// Where the offending node ends, when known.
    public var end: Mark?
    /// The field path inside the object, as `.spec.template.spec.containers[name="web"].image`; empty for the
    /// whole document.
    public var path: String
    /// 0-based index of the document in its file.
    public var document: Int
    /// The object the problem belongs to, as `apps/v1 Deployment default/web`, when known.
    public var object: String?
    /// Further lines: suggestions ("did you mean ..."), provenance of the value, the constraint's origin.
    public var notes: [String]
    /// Where the value came from and which declaration rejected it, when KGL knows (also in `notes`).
    public var provenance: Provenance? = nil

    public init(
        _ severity: Severity = .error, code: String, message: String, file: String, start: Mark, end: Mark? = nil,
        path: String = "", document: Int = 0, object: String? = nil, notes: [String] = []
    ) {
        self.severity = severity
        self.code = code
        self.message = message
        self.file = file
        self.start = start
        self.end = end
        self.path = path
        self.document = document
        self.object = object
        self.notes = notes
    }

    /// The deterministic output order: file, line, column, then code and message.
    public static func sortedOrder(_ a: Diagnostic, _ b: Diagnostic) -> Bool {
        if a.file != b.file { return a.file < b.file }
        if a.start.line != b.start.line { return a.start.line < b.start.line }
        if a.start.column != b.start.column { return a.start.column < b.start.column }
        if a.code != b.code { return a.code < b.code }
        return a.message < b.message
    }
}

/// A file to validate: its display path and its bytes.
public struct SourceFile: Sendable {
    public var path: String
    public var bytes: [UInt8]

    public init(path: String, bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
    }
}

/// What validation found in one document.
public struct DocumentResult: Sendable {
    public var file: String
    /// 0-based index of the document in its file.
    public var index: Int
    public var start: Mark
    public var apiVersion: String?
    public var kind: String?
    public var namespace: String?
    public var name: String?
    /// True when the document's kind was skipped (`--skip-kind`) and not checked.
    public var skipped: Bool
    public var diagnostics: [Diagnostic]

    public init(
        file: String, index: Int, start: Mark, apiVersion: String? = nil, kind: String? = nil,
        namespace: String? = nil, name: String? = nil, skipped: Bool = false, diagnostics: [Diagnostic] = []
    ) {
        self.file = file
        self.index = index
        self.start = start
        self.apiVersion = apiVersion
        self.kind = kind
        self.namespace = namespace
        self.name = name
        self.skipped = skipped
        self.diagnostics = diagnostics
    }

    /// True when the document has no errors (warnings allowed).
    public var isValid: Bool { !diagnostics.contains { $0.severity == .error } }

    /// `apps/v1 Deployment default/web`, or whatever part of it is known.
    public var objectDescription: String {
        var parts: [String] = []
        if let apiVersion { parts.append(apiVersion) }
        if let kind { parts.append(kind) }
        if let name { parts.append(namespace.map { "\($0)/\(name)" } ?? name) }
        return parts.isEmpty ? "document \(index + 1)" : parts.joined(separator: " ")
    }
}

/// The outcome of validating a set of files.
public struct ValidationReport: Sendable {
    /// Every document, in file then document order.
    public var documents: [DocumentResult]
    /// Problems not tied to one document (a file that is not YAML at all, a bad `--schema` file).
    public var fileDiagnostics: [Diagnostic]

    public init(documents: [DocumentResult] = [], fileDiagnostics: [Diagnostic] = []) {
        self.documents = documents
        self.fileDiagnostics = fileDiagnostics
    }

    /// Every diagnostic, sorted by file, line and column.
    public var diagnostics: [Diagnostic] {
        (fileDiagnostics + documents.flatMap(\.diagnostics)).sorted(by: Diagnostic.sortedOrder)
    }

    /// True when there is no error anywhere.
    public var isValid: Bool { !diagnostics.contains { $0.severity == .error } }
}
