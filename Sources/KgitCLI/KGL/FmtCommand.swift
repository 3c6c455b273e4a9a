import ArgumentParser
import Foundation
import KgitKGL
import KgitSchema

/// `kgit fmt`: rewrites KGL files in the one canonical layout, or checks that they are (`--check`, for CI).
struct FmtCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fmt",
        abstract: "Format KGL files in the canonical layout.",
        discussion: """
            Rewrites each *.kgl file (directories are searched recursively) with two-space indentation and \
            consistent spacing, keeping every comment and the author's choice of one-line or multi-line blocks. \
            Formatting is idempotent. A file with syntax errors is left untouched and its errors are printed.

            Exit status: 0 all files are formatted (or were rewritten), 1 with --check when a file would change \
            or when a file has syntax errors, 2 usage or I/O errors.

            Examples:
              kgit fmt                 # every *.kgl under the current directory
              kgit fmt --check .       # in CI: list files that are not formatted
            """
    )

    @Argument(help: ArgumentHelp("KGL files or directories (default: the current directory).", valueName: "path"))
    var paths: [String] = []

    @Flag(help: "Do not write; list the files that would change and exit 1 if any would.")
    var check = false

    func run() async throws {
        let files: [String]
        do {
            files = try KGLFiles.find(paths.isEmpty ? ["."] : paths)
        } catch let error as InputError {
            throw ExitWith(message: "kgit fmt: \(error)", code: 2)
        }
        var problems = false
        var diagnostics: [Diagnostic] = []
        var sources: [SourceFile] = []
        for path in files {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ExitWith(message: "kgit fmt: \(path): cannot read file", code: 2)
            }
            let text = String(decoding: data, as: UTF8.self)
            let result = FormatResult(formatting: text, file: path)
            if !result.diagnostics.isEmpty {
                diagnostics += result.diagnostics
                sources.append(SourceFile(path: path, bytes: Array(data)))
                problems = true
                continue
            }
            guard result.changed else { continue }
            if check {
                print(path)
                problems = true
            } else {
                do {
                    try Data(result.output.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
                } catch {
                    throw ExitWith(message: "kgit fmt: \(path): cannot write file: \(error.localizedDescription)", code: 2)
                }
                print("formatted \(path)")
            }
        }
        if !diagnostics.isEmpty {
            let report = ValidationReport(fileDiagnostics: diagnostics)
            Console.error(OutputFormat.text.render(report, sources: SourceLines(sources)))
        }
        if problems { throw ExitCode(1) }
    }
}

/// Finds KGL files: files as given, directories searched recursively for `*.kgl` (hidden entries skipped).
enum KGLFiles {
    static func find(_ paths: [String]) throws -> [String] {
        var found: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw InputError(description: "\(path): no such file or directory")
            }
            if !isDirectory.boolValue {
                found.append(path)
                continue
            }
            guard let walker = FileManager.default.enumerator(atPath: path) else { continue }
            var inDirectory: [String] = []
            while let entry = walker.nextObject() as? String {
                if entry.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { continue }
                if entry.hasSuffix(".kgl") {
                    inDirectory.append(path == "." ? entry : (path.hasSuffix("/") ? path + entry : path + "/" + entry))
                }
            }
            found += inDirectory.sorted()
        }
        return found
    }
}
