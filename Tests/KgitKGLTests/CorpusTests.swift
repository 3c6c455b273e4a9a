import Foundation
import Testing

@testable import KgitKGL

/// The grammar corpus: valid files parse to the tree in their `.tree` file, invalid files fail with
/// the first error in their `.err` file (`line:column code`).
@Suite struct CorpusTests {
    @Test func theCorpusHasFilesOfBothKinds() {
        #expect(Corpus.valid.count >= 5)
        #expect(Corpus.invalid.count >= 5)
    }

    @Test(arguments: Corpus.valid)
    func aValidFileParsesWithoutErrorsToItsExpectedTree(_ entry: Corpus.Entry) throws {
        let parsed = ParsedFile(source: entry.source, file: entry.name + ".kgl")
        #expect(parsed.diagnostics.map { "\($0.start) \($0.code) \($0.message)" } == [])
        let treeURL = entry.sibling("tree")
        if Corpus.rewrite { try parsed.syntaxTree.write(to: treeURL, atomically: true, encoding: .utf8) }
        let want = try String(contentsOf: treeURL, encoding: .utf8)
        #expect(parsed.syntaxTree == want)
    }

    @Test(arguments: Corpus.invalid)
    func anInvalidFileFailsWithItsExpectedFirstError(_ entry: Corpus.Entry) throws {
        let parsed = ParsedFile(source: entry.source, file: entry.name + ".kgl")
        let first = parsed.diagnostics.first.map { "\($0.start) \($0.code)" }
        let want = try String(contentsOf: entry.sibling("err"), encoding: .utf8)
            .split(separator: "\n").first.map(String.init)
        #expect(first == want, "all: \(parsed.diagnostics.map { "\($0.start) \($0.code) \($0.message)" })")
    }
}
