import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import KgitSchema
import KgitYAML
import Testing

@testable import KgitCLI

/// A report with one valid document, one invalid document (an error with a note and a warning) in one file,
/// and a file that is not YAML at all.
private func sampleReport() -> (ValidationReport, SourceLines) {
    let deploy = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          replcas: 3
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: cfg
        """
    let bad = "key: [unclosed\n"
    let files = [
        SourceFile(path: "deploy.yaml", bytes: Array(deploy.utf8)),
        SourceFile(path: "dir/bad, file.yaml", bytes: Array(bad.utf8)),
    ]
    func offset(of needle: String) -> Int {
        let bytes = Array(deploy.utf8), n = Array(needle.utf8)
        return (0...(bytes.count - n.count)).first { Array(bytes[$0..<$0 + n.count]) == n } ?? -1
    }
    let offsetOfTypo = offset(of: "replcas")
    let unknown = Diagnostic(
        code: "unknown-field", message: "unknown field \"replcas\"", file: "deploy.yaml",
        start: Mark(line: 6, column: 3, offset: offsetOfTypo), end: Mark(line: 6, column: 10, offset: offsetOfTypo + 7),
        path: ".spec", document: 0, object: "apps/v1 Deployment web", notes: ["did you mean \"replicas\"?"])
    let warning = Diagnostic(
        .warning, code: "quote-yaml11", message: "value <on> & \"off\" is read as a boolean", file: "deploy.yaml",
        start: Mark(line: 4, column: 9, offset: offset(of: "web")), path: ".metadata.name", document: 0)
    let syntax = Diagnostic(
        code: "yaml-syntax", message: "did not find expected ',' or ']'", file: "dir/bad, file.yaml",
        start: Mark(line: 2, column: 1, offset: 15))
    let report = ValidationReport(
        documents: [
            DocumentResult(
                file: "deploy.yaml", index: 0, start: Mark(line: 1, column: 1, offset: 0), apiVersion: "apps/v1",
                kind: "Deployment", name: "web", diagnostics: [unknown, warning]),
            DocumentResult(
                file: "deploy.yaml", index: 1, start: Mark(line: 8, column: 1, offset: 90), apiVersion: "v1",
                kind: "ConfigMap", name: "cfg"),
        ],
        fileDiagnostics: [syntax])
    return (report, SourceLines(files))
}

@Suite struct TextOutput {
    @Test func anErrorShowsItsLocationCodeMessageObjectPathSourceLineCaretAndNotes() {
        let (report, sources) = sampleReport()
        let text = OutputFormat.text.render(report, sources: sources)
        let expected = """
            deploy.yaml:4:9: warning[quote-yaml11]: value <on> & "off" is read as a boolean (at .metadata.name)
               4 |   name: web
                 |         ^
            deploy.yaml:6:3: error[unknown-field]: unknown field "replcas" (apps/v1 Deployment web, at .spec)
               6 |   replcas: 3
                 |   ^^^^^^^
                 = did you mean "replicas"?
            dir/bad, file.yaml:2:1: error[yaml-syntax]: did not find expected ',' or ']'
               2 | 
                 | ^

            """
        #expect(text == expected)
    }

    @Test func colorWrapsTheSeverityAndCaretInANSIEscapes() {
        let (report, sources) = sampleReport()
        let text = OutputFormat.text.render(report, sources: sources, color: true)
        #expect(text.contains("\u{1B}[31;1merror[unknown-field]\u{1B}[0m"))
        #expect(text.contains("\u{1B}[33;1mwarning[quote-yaml11]\u{1B}[0m"))
    }

    @Test func theSummaryCountsFilesDocumentsAndProblems() {
        let (report, _) = sampleReport()
        #expect(ValidationSummary(report).line == "2 files, 2 documents: 1 valid, 1 invalid, 0 skipped; 2 errors, 1 warning")
    }
}

@Suite struct MachineOutputs {
    @Test func jsonCarriesEveryDiagnosticInOrderWithStableFieldNames() throws {
        let (report, sources) = sampleReport()
        let text = OutputFormat.json.render(report, sources: sources)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["valid"] as? Bool == false)
        let diagnostics = try #require(object["diagnostics"] as? [[String: Any]])
        #expect(diagnostics.map { $0["code"] as? String } == ["quote-yaml11", "unknown-field", "yaml-syntax"])
        #expect(diagnostics[1]["line"] as? Int == 6)
        #expect(diagnostics[1]["column"] as? Int == 3)
        #expect(diagnostics[1]["path"] as? String == ".spec")
        #expect(diagnostics[1]["notes"] as? [String] == ["did you mean \"replicas\"?"])
        let summary = try #require(object["summary"] as? [String: Int])
        #expect(summary["errors"] == 2)
        #expect(summary["warnings"] == 1)
        let documents = try #require(object["documents"] as? [[String: Any]])
        #expect(documents.map { $0["valid"] as? Bool } == [false, true])
    }

    @Test func junitHasASuitePerFileAndAFailurePerError() throws {
        let (report, sources) = sampleReport()
        let text = OutputFormat.junit.render(report, sources: sources)
        #expect(text.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"kgit validate\" tests=\"3\" failures=\"2\">"))
        #expect(text.contains("<testsuite name=\"deploy.yaml\" tests=\"2\" failures=\"1\" skipped=\"0\">"))
        #expect(text.contains("<testcase name=\"v1 ConfigMap cfg (document 2, line 8)\" classname=\"deploy.yaml\"/>"))
        #expect(text.contains("<failure type=\"unknown-field\" message=\"unknown field &quot;replcas&quot;\">deploy.yaml:6:3: unknown field &quot;replcas&quot;&#10;field: .spec&#10;did you mean &quot;replicas&quot;?</failure>"))
        #expect(text.contains("<testsuite name=\"dir/bad, file.yaml\" tests=\"1\" failures=\"1\" skipped=\"0\">"))
        // Warnings do not fail a test case.
        #expect(!text.contains("quote-yaml11"))
        let parser = XMLParser(data: Data(text.utf8))
        #expect(parser.parse(), "the JUnit output is well-formed XML")
    }

    @Test func sarifNamesEachCodeAsARuleAndEachDiagnosticAsAResultWithItsRegion() throws {
        let (report, sources) = sampleReport()
        let text = OutputFormat.sarif.render(report, sources: sources)
        let log = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(log["version"] as? String == "2.1.0")
        let run = try #require((log["runs"] as? [[String: Any]])?.first)
        let driver = try #require((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
        #expect(driver["name"] as? String == "kgit")
        let rules = try #require(driver["rules"] as? [[String: Any]])
        #expect(rules.map { $0["id"] as? String } == ["quote-yaml11", "unknown-field", "yaml-syntax"])
        let results = try #require(run["results"] as? [[String: Any]])
        #expect(results.map { $0["level"] as? String } == ["warning", "error", "error"])
        let location = try #require((results[2]["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])
        #expect((location["artifactLocation"] as? [String: Any])?["uri"] as? String == "dir/bad%2C%20file.yaml")
        #expect((location["region"] as? [String: Any])?["startLine"] as? Int == 2)
    }

    @Test func githubWritesOneEscapedWorkflowCommandPerDiagnostic() {
        let (report, sources) = sampleReport()
        let lines = OutputFormat.github.render(report, sources: sources).split(separator: "\n")
        #expect(lines == [
            "::warning file=deploy.yaml,line=4,col=9,title=kgit quote-yaml11::value <on> & \"off\" is read as a boolean (at .metadata.name)",
            "::error file=deploy.yaml,line=6,col=3,endLine=6,endColumn=10,title=kgit unknown-field::unknown field \"replcas\" (at .spec)%0Adid you mean \"replicas\"?",
            "::error file=dir/bad%2C file.yaml,line=2,col=1,title=kgit yaml-syntax::did not find expected ',' or ']'",
        ])
    }
}
