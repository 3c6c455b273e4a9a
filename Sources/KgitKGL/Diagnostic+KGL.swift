import KgitSchema
import KgitYAML

extension Diagnostic {
    /// A KGL error at `range` in `file`, with the catalog code `code`.
    init(_ code: KGLDiagnosticCode, _ message: String, file: String, range: SourceRange, notes: [String] = []) {
        self.init(
            .error, code: code.code, message: message, file: file, start: range.start, end: range.end,
            notes: notes)
    }
}
