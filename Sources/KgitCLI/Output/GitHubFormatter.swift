import Foundation
import KgitSchema

/// Renders a report as GitHub Actions workflow commands, one per diagnostic:
/// `::error file=PATH,line=L,col=C,endLine=L,endColumn=C,title=CODE::MESSAGE`.
/// GitHub turns these into annotations on the pull request's changed lines.
struct GitHubFormatter {
    func render(_ report: ValidationReport) -> String {
        var out = ""
        for d in report.diagnostics {
            var props = ["file=\(property(d.file))", "line=\(d.start.line)", "col=\(d.start.column)"]
            if let end = d.end {
                props.append("endLine=\(end.line)")
                if end.line == d.start.line { props.append("endColumn=\(end.column)") }
            }
            props.append("title=\(property("kgit " + d.code))")
            var message = d.message
            if !d.path.isEmpty { message += " (at \(d.path))" }
            for note in d.notes { message += "\n\(note)" }
            out += "::\(d.severity == .error ? "error" : "warning") \(props.joined(separator: ","))::\(data(message))\n"
        }
        return out
    }

    /// Escapes a command's message part.
    private func data(_ s: String) -> String {
        s.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D")
            .replacingOccurrences(of: "\n", with: "%0A")
    }

    /// Escapes a command property value (also `:` and `,`).
    private func property(_ s: String) -> String {
        data(s).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }
}
