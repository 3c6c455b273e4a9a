/// An error found while reading YAML, with the position it applies to.
public struct YAMLError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable machine-readable codes; each has an entry in the CLI's `kgit explain`.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// The text is not well-formed YAML (libyaml scanner or parser error).
        case syntax = "yaml-syntax"
        /// A mapping has the same key twice.
        case duplicateKey = "yaml-duplicate-key"
        /// An alias names an anchor that was never defined.
        case unknownAnchor = "yaml-unknown-anchor"
        /// Expanding aliases would create more nodes than allowed (a "billion laughs" document).
        case aliasExpansion = "yaml-alias-limit"
        /// Collections are nested deeper than allowed.
        case depth = "yaml-depth-limit"
        /// The input is larger than allowed.
        case size = "yaml-size-limit"
        /// A `<<` merge key's value is not a mapping or a list of mappings.
        case badMerge = "yaml-bad-merge"
        /// The input is not valid UTF-8 text, or contains a character YAML does not allow (a control
        /// character such as NUL).
        case encoding = "yaml-encoding"
        /// A scalar's explicit tag does not fit its text (`!!int abc`).
        case tagMismatch = "yaml-tag-mismatch"
    }

    /// What kind of problem this is.
    public var code: Code
    /// A sentence for people: what is wrong and, where it helps, what to do.
    public var message: String
    /// Where the problem is.
    public var mark: Mark

    /// An error of kind `code` at `mark`.
    public init(_ code: Code, _ message: String, at mark: Mark) {
        self.code = code
        self.message = message
        self.mark = mark
    }

    public var description: String { "\(mark): \(message)" }
}

/// Resource limits applied while parsing, so hostile input fails fast with a clear error.
public struct ParserLimits: Sendable, Hashable {
    /// The most nodes alias expansion may create in one document.
    public var maxAliasExpansion: Int
    /// The deepest allowed nesting of collections.
    public var maxDepth: Int
    /// The largest accepted input, in bytes.
    public var maxBytes: Int

    /// Limits; the defaults suit any real manifest (100,000 alias nodes, 256 levels, 64 MiB).
    public init(maxAliasExpansion: Int = 100_000, maxDepth: Int = 256, maxBytes: Int = 64 << 20) {
        self.maxAliasExpansion = maxAliasExpansion
        self.maxDepth = maxDepth
        self.maxBytes = maxBytes
    }

    /// The default limits.
    public static let `default` = ParserLimits()
}
