import KgitSchema

/// Why a revision could not become desired state: every problem found, so that one run shows them all.
/// The caller keeps the last good state.
public struct DesiredStateError: Error, Sendable, CustomStringConvertible {
    /// The problems, sorted by file, line and column. Each names its file:line:column, field path and object.
    public var diagnostics: [Diagnostic]

    public init(diagnostics: [Diagnostic]) {
        self.diagnostics = diagnostics.sorted(by: Diagnostic.sortedOrder)
    }

    /// One line per error: `file:line:column: message (path, object)`.
    public var description: String {
        diagnostics.filter { $0.severity == .error }.map { diagnostic in
            var line = "\(diagnostic.file):\(diagnostic.start.line):\(diagnostic.start.column): \(diagnostic.message)"
            var context: [String] = []
            if !diagnostic.path.isEmpty { context.append(diagnostic.path) }
            if let object = diagnostic.object { context.append(object) }
            if !context.isEmpty { line += " (\(context.joined(separator: ", ")))" }
            return line
        }.joined(separator: "\n")
    }
}
