import ArgumentParser
import KgitSchema

/// The formats `kgit validate --output` writes.
public enum OutputFormat: String, CaseIterable, ExpressibleByArgument, Sendable {
    /// One line per problem, `PATH:LINE:COL: error[CODE]: MESSAGE`, then the source line and a caret.
    case text
    /// One JSON object with every diagnostic, every document and the summary.
    case json
    /// JUnit XML: a test suite per file, a test case per document.
    case junit
    /// SARIF 2.1.0, for code-scanning dashboards.
    case sarif
    /// GitHub Actions workflow commands (`::error file=...`), which annotate the pull request.
    case github

    /// Renders a report in this format.
    public func render(_ report: ValidationReport, sources: SourceLines, color: Bool = false) -> String {
        switch self {
        case .text: return TextFormatter(color: color).render(report, sources: sources)
        case .json: return JSONFormatter().render(report)
        case .junit: return JUnitFormatter().render(report)
        case .sarif: return SARIFFormatter().render(report)
        case .github: return GitHubFormatter().render(report)
        }
    }
}

/// Counts of a validation run, for `--summary` and the machine formats.
public struct ValidationSummary: Sendable, Equatable {
    public var files: Int
    public var documents: Int
    public var valid: Int
    public var invalid: Int
    public var skipped: Int
    public var errors: Int
    public var warnings: Int

    public init(_ report: ValidationReport) {
        let all = report.diagnostics
        files = Set(report.documents.map(\.file) + report.fileDiagnostics.map(\.file)).count
        documents = report.documents.count
        skipped = report.documents.filter(\.skipped).count
        invalid = report.documents.filter { !$0.isValid }.count
        valid = documents - invalid - skipped
        errors = all.filter { $0.severity == .error }.count
        warnings = all.filter { $0.severity == .warning }.count
    }

    /// `3 files, 12 documents: 10 valid, 2 invalid, 0 skipped; 4 errors, 1 warning`.
    public var line: String {
        func plural(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
        return "\(plural(files, "file")), \(plural(documents, "document")): \(valid) valid, \(invalid) invalid, "
            + "\(skipped) skipped; \(plural(errors, "error")), \(plural(warnings, "warning"))"
    }
}
