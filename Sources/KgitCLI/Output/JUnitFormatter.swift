import KgitSchema

/// Renders a report as JUnit XML, which CI systems show as test results: one `<testsuite>` per file, one
/// `<testcase>` per document (named after its object), a `<failure>` per error and `<skipped/>` for
/// skipped kinds. Problems not tied to a document (unreadable YAML) are a failed test case named `file`.
struct JUnitFormatter {
    func render(_ report: ValidationReport) -> String {
        var files: [String] = []
        var byFile: [String: (docs: [DocumentResult], fileDiags: [Diagnostic])] = [:]
        for doc in report.documents {
            if byFile[doc.file] == nil { files.append(doc.file) }
            byFile[doc.file, default: ([], [])].docs.append(doc)
        }
        for d in report.fileDiagnostics {
            if byFile[d.file] == nil { files.append(d.file) }
            byFile[d.file, default: ([], [])].fileDiags.append(d)
        }
        files.sort()
        let summary = ValidationSummary(report)
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites name=\"kgit validate\" tests=\"\(summary.documents + report.fileDiagnostics.count)\""
        out += " failures=\"\(summary.invalid + Set(report.fileDiagnostics.map(\.file)).count)\">\n"
        for file in files {
            guard let entry = byFile[file] else { continue }
            let failed = entry.docs.filter { !$0.isValid }.count + (entry.fileDiags.isEmpty ? 0 : 1)
            let tests = entry.docs.count + (entry.fileDiags.isEmpty ? 0 : 1)
            let skipped = entry.docs.filter(\.skipped).count
            out += "  <testsuite name=\"\(xml(file))\" tests=\"\(tests)\" failures=\"\(failed)\""
            out += " skipped=\"\(skipped)\">\n"
            if !entry.fileDiags.isEmpty {
                out += testCase(name: "file", file: file, diagnostics: entry.fileDiags, skipped: false)
            }
            for doc in entry.docs {
                let name = "\(doc.objectDescription) (document \(doc.index + 1), line \(doc.start.line))"
                out += testCase(name: name, file: file, diagnostics: doc.diagnostics, skipped: doc.skipped)
            }
            out += "  </testsuite>\n"
        }
        out += "</testsuites>\n"
        return out
    }

    private func testCase(name: String, file: String, diagnostics: [Diagnostic], skipped: Bool) -> String {
        var out = "    <testcase name=\"\(xml(name))\" classname=\"\(xml(file))\""
        let errors = diagnostics.filter { $0.severity == .error }
        if errors.isEmpty && !skipped { return out + "/>\n" }
        out += ">\n"
        if skipped { out += "      <skipped/>\n" }
        for d in errors {
            let location = "\(d.file):\(d.start.line):\(d.start.column)"
            out += "      <failure type=\"\(xml(d.code))\" message=\"\(xml(d.message))\">"
            var body = "\(location): \(d.message)"
            if !d.path.isEmpty { body += "\nfield: \(d.path)" }
            for note in d.notes { body += "\n\(note)" }
            out += xml(body) + "</failure>\n"
        }
        return out + "    </testcase>\n"
    }
}

/// Escapes text for an XML attribute or element.
func xml(_ s: String) -> String {
    var out = ""
    out.reserveCapacity(s.utf8.count)
    for c in s.unicodeScalars {
        switch c {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&apos;"
        case "\n": out += "&#10;"
        default:
            // XML 1.0 forbids most control characters, even escaped.
            if c.value < 0x20 && c != "\t" && c != "\r" { out += "\u{FFFD}" } else { out.unicodeScalars.append(c) }
        }
    }
    return out
}
