import Foundation

/// A fresh temporary directory, removed when the value is deinitialised.
public final class Scratch {
    public let path: String

    public init(_ label: String = "kgit-test") throws {
        let base = FileManager.default.temporaryDirectory.path
        path = "\(base)/\(label)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// `path/relative`.
    public func url(_ relative: String) -> String { "\(path)/\(relative)" }
}
