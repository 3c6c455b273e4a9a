/// A position in a YAML source: 1-based line and column (counted in Unicode characters, as libyaml
/// counts them) and the 0-based byte offset into the UTF-8 input.
public struct Mark: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// 1-based line number.
    public var line: Int
    /// 1-based column, counted in characters (Unicode scalars), not bytes.
    public var column: Int
    /// 0-based byte offset of the position in the UTF-8 input.
    public var offset: Int

    /// A position: 1-based `line` and `column`, 0-based byte `offset`.
    public init(line: Int, column: Int, offset: Int) {
        self.line = line
        self.column = column
        self.offset = offset
    }

    public static func < (lhs: Mark, rhs: Mark) -> Bool {
        (lhs.line, lhs.column, lhs.offset) < (rhs.line, rhs.column, rhs.offset)
    }

    /// `line:column`, the form used in diagnostics.
    public var description: String { "\(line):\(column)" }
}

/// How a scalar was written in the source.
public enum ScalarStyle: String, Sendable, Hashable {
    case plain, singleQuoted, doubleQuoted, literal, folded
}

/// The value a scalar resolves to under the rules Kubernetes applies when it decodes YAML
/// (YAML 1.1 core resolution: `yes`/`no`/`on`/`off` are booleans, `0755` is octal, `~` is null).
///
/// Integers outside the signed 64-bit range resolve to `.float`; see `ScalarResolver` for every rule.
public enum ScalarValue: Sendable, Hashable {
    /// `~`, `null`, `Null`, `NULL` or nothing.
    case null
    /// `true`/`false`, and in YAML 1.1 also `yes`/`no`, `on`/`off`, `y`/`n` (any case form).
    case bool(Bool)
    /// Decimal, `0x` hex, `0o` or leading-zero octal, `0b` binary, with `_` separators allowed.
    case int(Int)
    /// `1.5`, `1e+3` (the exponent needs a sign), `.inf`, `-.inf`, `.nan`.
    case float(Double)
    /// Anything else, every quoted or block scalar, and scalars tagged `!!str`.
    case string(String)
}

/// A node of a YAML document, with everything diagnostics need to point at its source.
///
/// Aliases are expanded when the tree is built (bounded by `ParserLimits.maxAliasExpansion`), so a
/// consumer never sees an alias; `anchor` keeps the name the node was defined with, and `fromAlias`
/// tells that a node is a copy made from an alias (its marks are those of the anchored original).
public struct Node: Sendable {
    /// What kind of node this is, with its children.
    public enum Content: Sendable {
        /// A scalar: its text and resolved value.
        case scalar(Scalar)
        /// A sequence's elements, in order.
        case sequence([Node])
        /// A mapping's entries, in source order with `<<` merges applied.
        case mapping([Pair])
    }

    /// A scalar's source text and its resolved value.
    ///
    /// A string value is not stored apart from the text: `value` reads `.string(text)` back, so a
    /// scalar holds one string (one reference to count, 16 bytes less per node) however it resolved.
    public struct Scalar: Sendable, Hashable {
        /// The scalar's text after YAML unescaping and folding (not the raw bytes).
        public var text: String
        /// `value` without a string payload. Stored next to `text`, before the one-byte fields, so that a
        /// scalar packs into 27 bytes and a `Node` into 64 (one cache line).
        @usableFromInline var resolved: Resolved
        /// How it was written.
        public var style: ScalarStyle
        /// The resolved value (only plain scalars without an explicit tag resolve to non-strings).
        /// Setting a `.string` value sets `text` to that string.
        // Inlinable, like `isString`: a caller reading a scalar in place (through a pointer into a tree)
        // then reads the resolved kind without copying the text out (a retain and a release).
        public var value: ScalarValue {
            @inlinable get {
                switch resolved {
                case .null: return .null
                case .bool(let b): return .bool(b)
                case .int(let i): return .int(i)
                case .float(let d): return .float(d)
                case .string: return .string(text)
                }
            }
            set {
                switch newValue {
                case .null: resolved = .null
                case .bool(let b): resolved = .bool(b)
                case .int(let i): resolved = .int(i)
                case .float(let d): resolved = .float(d)
                case .string(let s):
                    resolved = .string
                    text = s
                }
            }
        }
        /// True when a plain scalar resolved (by the YAML 1.1 rules Kubernetes uses) to a bool, int,
        /// float or null that the YAML 1.2 core schema would read differently, i.e. a value a reader
        /// might not expect: `yes`, `no`, `on`, `off`, `y`, `n` (any case form), octal `0755`, `1_000`,
        /// `0b101`, `08`. Sexagesimal `1:30` is not among them: Kubernetes keeps it a string. The
        /// validator uses this to suggest quoting the value where a string is expected.
        public var yaml11Coerced: Bool

        /// True when the scalar resolved to a string (cheaper than matching `value`, which builds one).
        @inlinable public var isString: Bool {
            if case .string = resolved { return true }
            return false
        }

        /// What a scalar resolved to, with the string left in `text`.
        @usableFromInline enum Resolved: Sendable, Hashable {
            case null, string
            case bool(Bool)
            case int(Int)
            case float(Double)
        }
    }

    /// One key/value entry of a mapping, in source order (after `<<` merge keys are applied).
    public struct Pair: Sendable {
        /// The key node (usually a scalar; any node is allowed).
        public var key: Node
        /// The value node.
        public var value: Node
        /// An entry of `key` and `value`.
        public init(key: Node, value: Node) {
            self.key = key
            self.value = value
        }
    }

    /// The node's kind and children.
    public var content: Content
    /// True when this node is an expanded copy of an anchored node reached through an alias.
    public var fromAlias: Bool
    // Stored compactly (parsers build millions of nodes); the public properties below are views.
    // In this order a node is 64 bytes (one cache line, two per mapping entry): every node the composer
    // writes and the validator reads costs memory traffic in proportion to its size.
    private var packedDocument: UInt32
    private var names: Names?
    private var packedStart: PackedMark
    private var packedEnd: PackedMark

    /// Where the node starts in the source.
    public var start: Mark {
        get { packedStart.mark }
        set { packedStart = PackedMark(newValue) }
    }
    /// Where the node ends in the source (exclusive).
    public var end: Mark {
        get { packedEnd.mark }
        set { packedEnd = PackedMark(newValue) }
    }
    /// The explicit tag, if one was written (`!!str`, `!custom`); nil for implicit tags.
    public var tag: String? {
        get { names?.tag }
        set { names = Names.make(tag: newValue, anchor: anchor) }
    }
    /// The anchor the node was defined with (`&name`), if any.
    public var anchor: String? {
        get { names?.anchor }
        set { names = Names.make(tag: tag, anchor: newValue) }
    }
    /// 0-based index of the document within the stream (saturating at 2^32-1).
    public var document: Int {
        get { Int(packedDocument) }
        set { packedDocument = UInt32(clamping: newValue) }
    }

    /// A `Mark` in 12 bytes: line and column saturate at 2^32-1, the offset at ±(2^31-1). Parsed inputs
    /// are far smaller (`ParserLimits.maxBytes` is 64 MiB unless raised), and the offset stays signed
    /// because KGL marks the nodes its patches create with small negative offsets (`ProvenanceTable`).
    struct PackedMark: Sendable {
        var line: UInt32
        var column: UInt32
        var offset: Int32

        init(_ mark: Mark) {
            self.init(line: mark.line, column: mark.column, offset: mark.offset)
        }

        /// The packed form of `Mark(line:column:offset:)`, for the composer, which packs libyaml's
        /// positions without building a `Mark` first.
        @inline(__always)
        init(line: Int, column: Int, offset: Int) {
            self.line = UInt32(clamping: line)
            self.column = UInt32(clamping: column)
            self.offset = Int32(clamping: offset)
        }

        /// A mark whose fields are known to be in range (`SourcePositions.packedMark`).
        @inline(__always)
        init(exactLine line: UInt32, column: UInt32, offset: Int32) {
            self.line = line
            self.column = column
            self.offset = offset
        }

        var mark: Mark { Mark(line: Int(line), column: Int(column), offset: Int(offset)) }
    }

    /// The rarely present tag and anchor, shared between copies of a node.
    private final class Names: Sendable {
        let tag: String?
        let anchor: String?

        private init(tag: String?, anchor: String?) {
            self.tag = tag
            self.anchor = anchor
        }

        static func make(tag: String?, anchor: String?) -> Names? {
            tag == nil && anchor == nil ? nil : Names(tag: tag, anchor: anchor)
        }
    }
}

// The initializers sit in extensions so that they can delegate to the memberwise initializers: a value
// built field by field in its initializer's body was made in a stack slot, then copied out and the
// original destroyed (a retain and a release per node and scalar the composer builds).

extension Node.Scalar {
    /// A scalar of `text`; a `.string` value replaces `text` with its string (they are one string).
    public init(text: String, style: ScalarStyle, value: ScalarValue, yaml11Coerced: Bool = false) {
        self.init(text: text, style: style, resolved: Optional(value), yaml11Coerced: yaml11Coerced)
    }

    /// The untagged plain scalar `text` resolved as the parser resolves one (`ScalarResolver`'s YAML 1.1
    /// rules, `yaml11Coerced` included): what parsing `text` alone would give, for callers that build
    /// node trees from values they already hold (numbers written as JSON writes them, say).
    public init(plain text: String) {
        let resolution = ScalarResolver.resolvePlain(text)
        self.init(text: text, style: .plain, resolved: resolution.value, yaml11Coerced: resolution.coerced)
    }

    /// A scalar of `text` that resolved to `value`, or to the string `text` itself when `value` is nil
    /// (what the composer builds: no `.string(text)` to wrap and unwrap for the common case).
    init(text: String, style: ScalarStyle, resolved value: ScalarValue?, yaml11Coerced: Bool) {
        if case .string(let s)? = value {
            self.init(text: s, resolved: .string, style: style, yaml11Coerced: yaml11Coerced)
            return
        }
        // One use of `text` after the switch (not one per case): the composer's text then moves into the
        // scalar, where a copy per case cost a retain and a release per scalar.
        let resolved: Resolved
        switch value {
        case nil, .string?: resolved = .string
        case .null?: resolved = .null
        case .bool(let b)?: resolved = .bool(b)
        case .int(let i)?: resolved = .int(i)
        case .float(let d)?: resolved = .float(d)
        }
        self.init(text: text, resolved: resolved, style: style, yaml11Coerced: yaml11Coerced)
    }
}

extension Node.Scalar.Resolved {
    /// The kind of `value`, without a string's payload.
    @inline(__always)
    init(_ value: ScalarValue) {
        switch value {
        case .null: self = .null
        case .bool(let b): self = .bool(b)
        case .int(let i): self = .int(i)
        case .float(let d): self = .float(d)
        case .string: self = .string
        }
    }
}

extension Node {
    /// A node with the given content and position (marks, tag and anchor as documented above).
    public init(
        content: Content, start: Mark, end: Mark, tag: String? = nil, anchor: String? = nil,
        fromAlias: Bool = false, document: Int = 0
    ) {
        self.init(
            content: content, fromAlias: fromAlias, packedDocument: UInt32(clamping: document),
            names: Names.make(tag: tag, anchor: anchor), packedStart: PackedMark(start), packedEnd: PackedMark(end))
    }

    /// An empty plain scalar at 0:0 that owns no reference (its text is an empty, immortal string): the
    /// composer's stand-in for a value not read yet, overwritten without being destroyed.
    static var placeholder: Node {
        @inline(__always) get {
            Node(
                content: .scalar(Scalar(text: "", resolved: .string, style: .plain, yaml11Coerced: false)),
                fromAlias: false, packedDocument: 0, names: nil,
                packedStart: PackedMark(exactLine: 0, column: 0, offset: 0),
                packedEnd: PackedMark(exactLine: 0, column: 0, offset: 0))
        }
    }

    /// A node with marks already packed (the composer's initializer).
    @inline(__always)
    init(content: Content, start: PackedMark, end: PackedMark, tag: String?, anchor: String?, document: UInt32) {
        self.init(
            content: content, fromAlias: false, packedDocument: document,
            names: Names.make(tag: tag, anchor: anchor), packedStart: start, packedEnd: end)
    }
}

// MARK: - Convenience accessors

extension Node {
    /// The scalar, when this node is one.
    public var scalar: Scalar? {
        if case .scalar(let s) = content { return s }
        return nil
    }

    /// The elements, when this node is a sequence.
    public var sequence: [Node]? {
        if case .sequence(let items) = content { return items }
        return nil
    }

    /// The entries, when this node is a mapping.
    public var mapping: [Pair]? {
        if case .mapping(let pairs) = content { return pairs }
        return nil
    }

    /// The string value of a scalar node (its text, whatever it resolved to), nil otherwise.
    public var string: String? { scalar?.text }

    /// The value node of the first entry whose key is the scalar `key`, when this node is a mapping.
    public subscript(key: String) -> Node? {
        guard case .mapping(let pairs) = content else { return nil }
        for pair in pairs where pair.key.scalar?.text == key { return pair.value }
        return nil
    }

    /// The key node of the entry named `key`, for pointing diagnostics at a key rather than its value.
    public func keyNode(_ key: String) -> Node? {
        guard case .mapping(let pairs) = content else { return nil }
        for pair in pairs where pair.key.scalar?.text == key { return pair.key }
        return nil
    }

    /// A short name of the node's kind as users read it in messages: "string", "integer", "boolean",
    /// "number", "null", "list", "object".
    public var kindDescription: String {
        switch content {
        case .sequence: return "list"
        case .mapping: return "object"
        case .scalar(let s):
            switch s.value {
            case .null: return "null"
            case .bool: return "boolean"
            case .int: return "integer"
            case .float: return "number"
            case .string: return "string"
            }
        }
    }
}

/// One document of a YAML stream.
public struct Document: Sendable {
    /// The document's root node; nil for an empty document (`---` followed by nothing).
    public var root: Node?
    /// 0-based index of the document within the stream.
    public var index: Int
    /// Where the document starts (its `---`, or its first node).
    public var start: Mark

    public init(root: Node?, index: Int, start: Mark) {
        self.root = root
        self.index = index
        self.start = start
    }
}
