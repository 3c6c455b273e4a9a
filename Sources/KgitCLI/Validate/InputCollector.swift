import Foundation
import KgitSchema

/// An input problem that stops `kgit validate` before validation: a path that does not exist or cannot be
/// read. Reported with exit code 2.
struct InputError: Error, CustomStringConvertible {
    var description: String
}

/// Turns the paths on the command line into files to validate.
///
/// - A file is read as it is, whatever its extension.
/// - A directory is walked recursively for `*.yaml` and `*.yml` files (hidden entries skipped), in sorted order.
/// - `-` reads standard input, shown as `-` in diagnostics.
struct InputCollector {
    var readStandardInput: () -> [UInt8] = {
        Array(FileHandle.standardInput.readDataToEndOfFile())
    }

    func collect(_ paths: [String]) throws -> [SourceFile] {
        var files: [SourceFile] = []
        var seen = Set<String>()
        for path in paths {
            if path == "-" {
                if seen.insert("-").inserted { files.append(SourceFile(path: "-", bytes: readStandardInput())) }
                continue
            }
            for file in try expand(path) where seen.insert(file).inserted {
                files.append(SourceFile(path: file, bytes: try read(file)))
            }
        }
        return files
    }

    /// The YAML files a path names.
    func expand(_ path: String) throws -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw InputError(description: "\(path): no such file or directory")
        }
        guard isDirectory.boolValue else { return [path] }
        var found: [String] = []
        try walk(path, into: &found)
        return found.sorted()
    }

    private func walk(_ directory: String, into found: inout [String]) throws {
        let entries: [String]
        do {
            entries = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw InputError(description: "\(directory): cannot list directory: \(error.localizedDescription)")
        }
        for entry in entries where !entry.hasPrefix(".") {
            let child = directory.hasSuffix("/") ? directory + entry : directory + "/" + entry
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: child, isDirectory: &isDirectory) else { continue }
            if isDirectory.boolValue {
                try walk(child, into: &found)
            } else if entry.hasSuffix(".yaml") || entry.hasSuffix(".yml") {
                found.append(child)
            }
        }
    }

    private func read(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InputError(description: "\(path): cannot read file")
        }
        return Array(data)
    }
}
