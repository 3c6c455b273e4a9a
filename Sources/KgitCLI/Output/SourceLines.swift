import KgitSchema
import KgitYAML

/// Looks up source lines by file and position, for the snippets under text diagnostics.
///
/// Holds the bytes of every input file; lines are found from a mark's byte offset, so no per-file line
/// index is built unless a diagnostic asks for it.
public struct SourceLines: Sendable {
    private var files: [String: [UInt8]]

    public init(_ files: [SourceFile]) {
        var map: [String: [UInt8]] = [:]
        for file in files { map[file.path] = file.bytes }
        self.files = map
    }

    /// The full text of the line that contains `mark` in `file`, without its line break; nil when the file or
    /// position is unknown.
    public func line(in file: String, at mark: Mark) -> String? {
        guard let bytes = files[file], mark.offset >= 0, mark.offset <= bytes.count else { return nil }
        var start = min(mark.offset, bytes.count)
        while start > 0 && bytes[start - 1] != UInt8(ascii: "\n") { start -= 1 }
        var end = start
        while end < bytes.count && bytes[end] != UInt8(ascii: "\n") && bytes[end] != UInt8(ascii: "\r") { end += 1 }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }
}
