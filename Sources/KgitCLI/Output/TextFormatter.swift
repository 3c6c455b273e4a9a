import KgitSchema

/// Renders diagnostics for people: the location and message, then the source line with a caret under the
/// offending node, then the notes (suggestions, provenance).
///
///     deploy.yaml:9:3: error[unknown-field]: unknown field "replcas" (apps/v1 Deployment default/web, at .spec)
///        9 |   replcas: 3
///          |   ^^^^^^^
///          = did you mean "replicas"?
struct TextFormatter {
    var color: Bool

    func render(_ report: ValidationReport, sources: SourceLines) -> String {
        var out = ""
        for d in report.diagnostics {
            out += render(d, sources: sources)
        }
        return out
    }

    func render(_ d: Diagnostic, sources: SourceLines) -> String {
        let severity = d.severity.rawValue
        var head = "\(d.file):\(d.start.line):\(d.start.column): "
        head += paint("\(severity)[\(d.code)]", d.severity == .error ? "31;1" : "33;1")
        head += ": \(d.message)"
        var context: [String] = []
        if let object = d.object { context.append(object) }
        if !d.path.isEmpty { context.append("at \(d.path)") }
        if !context.isEmpty { head += " (\(context.joined(separator: ", ")))" }
        var out = head + "\n"
        if let line = sources.line(in: d.file, at: d.start) {
            let number = String(d.start.line)
            let gutter = String(repeating: " ", count: max(4, number.count + 1))
            let paddedNumber = String(repeating: " ", count: gutter.count - number.count) + number
            out += "\(paddedNumber) | \(line)\n"
            out += "\(gutter) | \(caret(for: d, in: line))\n"
            for note in d.notes { out += "\(gutter) = \(note)\n" }
        } else {
            for note in d.notes { out += "    = \(note)\n" }
        }
        return out
    }

    /// Spaces up to the diagnostic's column (tabs kept, so the caret lines up), then `^` under the node's
    /// extent on this line (at least one).
    private func caret(for d: Diagnostic, in line: String) -> String {
        let chars = Array(line.unicodeScalars)
        let startIndex = max(0, min(d.start.column - 1, chars.count))
        var pad = ""
        for c in chars[0..<startIndex] { pad.unicodeScalars.append(c == "\t" ? "\t" : " ") }
        var width = 1
        if let end = d.end, end.line == d.start.line, end.column > d.start.column {
            width = min(end.column - d.start.column, max(1, chars.count - startIndex))
        }
        return pad + paint(String(repeating: "^", count: width), d.severity == .error ? "31;1" : "33;1")
    }

    private func paint(_ s: String, _ code: String) -> String {
        color ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s
    }
}
