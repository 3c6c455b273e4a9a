/// Where something was written: a file and a 1-based line and column.
public struct ManifestLocation: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    /// The file's path in the repository.
    public var file: String
    /// 1-based line.
    public var line: Int
    /// 1-based column, in characters.
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `path/file.yaml:12:5`.
    public var description: String { "\(file):\(line):\(column)" }

    public static func < (lhs: ManifestLocation, rhs: ManifestLocation) -> Bool {
        (lhs.file, lhs.line, lhs.column) < (rhs.file, rhs.line, rhs.column)
    }
}
