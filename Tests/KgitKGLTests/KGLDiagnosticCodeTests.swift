import Testing

@testable import KgitKGL

@Suite struct KGLDiagnosticCodeTests {
    @Test func everyCodeIsAKebabCaseKGLCodeWithATitleAndAnExplanation() {
        for code in KGLDiagnosticCode.allCases {
            #expect(code.code.hasPrefix("kgl-"))
            #expect(code.code.allSatisfy { $0.isLowercase || $0 == "-" }, "\(code.code)")
            #expect(!code.title.isEmpty)
            #expect(code.explanation.count > 100, "\(code.code) needs a real explanation")
        }
    }

    @Test func codesAreLookedUpByTheirPrintedFormInAnyCase() {
        #expect(KGLDiagnosticCode(code: "KGL-Unexpected-Token") == .unexpectedToken)
        #expect(KGLDiagnosticCode(code: "unknown-field") == nil)
    }

    /// A code no input can produce would be dead documentation: each lexical and syntax code is the
    /// first error of at least one invalid corpus file (TypeCompilerTests shows the checker's codes).
    @Test func everyCodeIsDemonstratedByTheInvalidCorpus() {
        let demonstrated = Set(Corpus.invalid.compactMap { entry in
            ParsedFile(source: entry.source).diagnostics.first?.code
        })
        for code in KGLDiagnosticCode.allCases where !code.isCheck {
            #expect(demonstrated.contains(code.code), "no invalid corpus file shows \(code.code)")
        }
    }

    @Test func everyDiagnosticOfTheInvalidCorpusUsesACatalogCode() {
        for entry in Corpus.invalid {
            for diagnostic in ParsedFile(source: entry.source).diagnostics {
                #expect(KGLDiagnosticCode(code: diagnostic.code) != nil, "\(entry.name): \(diagnostic.code)")
            }
        }
    }
}
