import KgitKGL
import KgitSchema

/// Every stable diagnostic code kgit reports, with a one-line summary and a longer explanation, gathered from
/// the modules that own them. `kgit explain CODE` prints the explanation; SARIF output names the summary per rule.
enum ErrorCodes {
    struct Entry {
        var code: String
        var summary: String
        var explanation: String
    }

    /// All known codes, sorted.
    static let all: [Entry] =
        (DiagnosticCode.allCases.map { Entry(code: $0.rawValue, summary: $0.summary, explanation: $0.explanation) }
        + KGLDiagnosticCode.allCases.map { Entry(code: $0.rawValue, summary: $0.title, explanation: $0.explanation) })
        .sorted { $0.code < $1.code }

    static func lookup(_ code: String) -> Entry? {
        all.first { $0.code == code }
    }

    static func summary(of code: String) -> String {
        lookup(code)?.summary ?? code
    }
}
