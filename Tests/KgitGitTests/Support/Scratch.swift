import Foundation

/// A fresh temporary directory, removed when the value is deinitialised.
final class Scratch {
    let path: String

    init(_ label: String = "kgit-git-test") throws {
        let base = FileManager.default.temporaryDirectory.path
        path = "\(base)/\(label)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// `path/relative`.
    func url(_ relative: String) -> String { "\(path)/\(relative)" }
}
