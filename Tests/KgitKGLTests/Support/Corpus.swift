import Foundation

/// The files of `grammar/`, found from this source file's path (tests run from the package root or
/// elsewhere, so the path is derived, not assumed).
enum Corpus {
    /// The repository root: three levels up from Tests/KgitKGLTests/Support/Corpus.swift.
    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static let grammarDirectory = root.appendingPathComponent("grammar")

    /// True when golden files should be rewritten from the current output (`KGIT_REWRITE=1`).
    static var rewrite: Bool { ProcessInfo.processInfo.environment["KGIT_REWRITE"] == "1" }

    /// A corpus file: its name (without `.kgl`) and paths.
    struct Entry: CustomTestStringConvertible, Sendable {
        var name: String
        var url: URL
        var testDescription: String { name }

        /// The file's text.
        var source: String { (try? String(contentsOf: url, encoding: .utf8)) ?? "" }

        /// The sibling file with extension `ext` (`tree`, `err`).
        func sibling(_ ext: String) -> URL { url.deletingPathExtension().appendingPathExtension(ext) }
    }

    /// The `.kgl` files of `grammar/corpus/<kind>`, sorted by name.
    static func entries(_ kind: String) -> [Entry] {
        let directory = grammarDirectory.appendingPathComponent("corpus").appendingPathComponent(kind)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".kgl") }.sorted().map {
            Entry(name: String($0.dropLast(4)), url: directory.appendingPathComponent($0))
        }
    }

    static var valid: [Entry] { entries("valid") }
    static var invalid: [Entry] { entries("invalid") }

    /// Reads a text file of `grammar/`.
    static func read(_ name: String) -> String {
        (try? String(contentsOf: grammarDirectory.appendingPathComponent(name), encoding: .utf8)) ?? ""
    }
}

import Testing
