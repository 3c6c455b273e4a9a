internal import CYAML

/// Builds `Document`s of `Node`s from libyaml events: expands aliases, applies `<<` merge keys,
/// rejects duplicate keys, resolves scalars and enforces `ParserLimits`.
///
/// Nodes are built bottom-up on an explicit stack (no recursion), so nesting depth costs no
/// native stack until the limit is reached.
struct Composer {
    let limits: ParserLimits
    var positions: SourcePositions
    private(set) var documents: [Document] = []
    /// The index of the first document this composer builds (documents before it were read by an
    /// earlier composer, before a syntax error).
    let documentBase: Int
    /// The index the document being built will have (`documentBase` plus the documents built and
    /// abandoned so far; stored, since every node reads it).
    private(set) var nextDocumentIndex: Int {
        didSet { packedDocumentIndex = UInt32(clamping: nextDocumentIndex) }
    }
    /// `nextDocumentIndex` as nodes store it, converted once per document rather than once per node.
    private var packedDocumentIndex: UInt32

    /// An open sequence or mapping. Only plain values, so that moving frames on and off the stack
    /// copies bytes (no retains, releases or outlined copies); what few collections have (a tag, an
    /// anchor, `<<` merges, a key index) waits in `Composer.extras`.
    ///
    /// The fields are ordered words first, then the packed mark, then the flags, so that a frame is 64
    /// bytes with no padding between fields and moves as four 16-byte copies (with an optional
    /// fingerprint among them it was 80 bytes, moved field by field).
    private struct Frame {
        /// Where this collection's children start in `Composer.items` (a sequence) or `Composer.pairs`
        /// (a mapping).
        var childBase = 0
        /// Where this mapping's key fingerprints start in `Composer.keyPrints`.
        var printBase = 0
        /// Nodes in this subtree, counting alias copies.
        var size = 1
        /// Collection levels below this one.
        var childHeight = 0
        /// This frame's entry in `Composer.extras`, or -1 when it has none.
        var extras = -1
        /// The fingerprint of the pending key (see `Composer.fingerprint`), when `hasPendingKeyPrint`.
        var pendingKeyPrint: UInt64 = 0
        var start: Node.PackedMark
        var isMapping: Bool
        /// True while a mapping's key waits for its value, in the last entry of `Composer.pairs` (beside a
        /// placeholder value).
        var hasPendingKey = false
        var pendingKeyIsMerge = false
        /// True when the pending key is a scalar, which has a fingerprint.
        var hasPendingKeyPrint = false

        init(isMapping: Bool, start: Node.PackedMark) {
            self.start = start
            self.isMapping = isMapping
        }
    }

    /// The rarely present parts of an open collection.
    private struct Extras {
        var tag: String?
        var anchor: String?
        /// Resolved values of the explicit scalar keys so far, with the line each was first seen at.
        /// Used once a mapping has many keys; below that, fingerprints are compared instead.
        var keyIndex: [ScalarValue: Int]?
        /// Pairs merged in by `<<`, each with the index of `pairs` it is inserted before.
        var merged: [(at: Int, pairs: [Node.Pair])] = []
    }

    /// What an anchor names: the node, its size (in nodes) and its height (in collection levels).
    private struct Anchored {
        var node: Node
        var size: Int
        var height: Int
    }

    /// The innermost open collection (meaningful while `depth > 0`); kept out of `stack` so the hot
    /// path touches it directly.
    private var current = Frame(isMapping: false, start: Node.PackedMark(line: 1, column: 1, offset: 0))
    /// The open collections enclosing `current` (a `ChildStack`: pushing and popping a frame is a copy
    /// of its bytes, with no uniqueness check or capacity bookkeeping of an array).
    private let stack = ChildStack<Frame>(capacity: 16)
    /// The extras of open collections that have any, outermost first (collections nest, so an entry is
    /// always added and removed at the end).
    private var extras: [Extras] = []
    /// How many collections are open (`stack.count + 1`, or 0).
    private var depth = 0
    /// The elements of every open sequence and the entries of every open mapping, innermost last.
    private let items = ChildStack<Node>()
    private let pairs = ChildStack<Node.Pair>()
    /// Fingerprints of the scalar keys of every open mapping, outermost first: a duplicate-key check
    /// compares these integers and looks at the keys themselves only when two match.
    private let keyPrints = ChildStack<UInt64>()
    /// Above this many keys a mapping checks duplicates with a dictionary instead.
    private static let linearKeyLimit = 32
    private var anchors: [String: Anchored] = [:]
    private var root: Node?
    /// True when `root` is an empty plain scalar without a tag or anchor: what libyaml reports for a
    /// document with no content (set with the root, since only a scalar event can make one).
    private var rootStandsForNoContent = false
    private var documentStart = Mark(line: 1, column: 1, offset: 0)
    /// Nodes created by alias expansion in the current document.
    private var expanded = 0

    /// `Composer.inlineASCIIWorks`, read once.
    private let inlineASCIIWorks = Composer.inlineASCIIWorks

    init(limits: ParserLimits, positions: SourcePositions, documentBase: Int = 0) {
        self.limits = limits
        self.positions = positions
        self.documentBase = documentBase
        nextDocumentIndex = documentBase
        packedDocumentIndex = UInt32(clamping: documentBase)
    }

    /// Forgets the document being built after an error in it: the next events to handle are those
    /// after its end. The document keeps its index, so later documents keep theirs.
    mutating func abandonDocument(at mark: Mark) {
        stack.removeAll()
        extras.removeAll(keepingCapacity: true)
        items.removeAll()
        pairs.removeAll()
        keyPrints.removeAll()
        current = Frame(isMapping: false, start: Node.PackedMark(mark))
        depth = 0
        root = nil
        rootStandsForNoContent = false
        anchors.removeAll(keepingCapacity: true)
        expanded = 0
        abandoned += 1
        nextDocumentIndex += 1
    }

    /// Documents given up after an error (they count for the indices of the documents after them).
    private(set) var abandoned = 0

    // MARK: - Events

    /// Consumes one event; returns false at the end of the stream.
    mutating func handle(_ event: inout yaml_event_t) throws(YAMLError) -> Bool {
        switch event.type {
        case YAML_SCALAR_EVENT:
            try scalar(&event)
        case YAML_MAPPING_START_EVENT, YAML_SEQUENCE_START_EVENT:
            try startCollection(&event)
        case YAML_MAPPING_END_EVENT, YAML_SEQUENCE_END_EVENT:
            try endCollection(&event)
        case YAML_ALIAS_EVENT:
            try alias(&event)
        case YAML_DOCUMENT_START_EVENT:
            startDocument(&event)
        case YAML_DOCUMENT_END_EVENT:
            endDocument()
        case YAML_STREAM_END_EVENT:
            return false
        default:
            break
        }
        return true
    }

    // Rare paths (document ends, aliases, anchors, tags, merges, errors) are kept out of line
    // (`@inline(never)`): inlined into `handle`, they made it several times larger than the code most
    // events run, which then missed the instruction cache.

    @inline(never)
    private mutating func startDocument(_ event: inout yaml_event_t) {
        documentStart = mark(event.start_mark)
        root = nil
        rootStandsForNoContent = false
        anchors.removeAll(keepingCapacity: true)
        expanded = 0
    }

    @inline(never)
    private mutating func endDocument() {
        // The root moves into its document (copied and then released, it cost a retain, a release and
        // generic copies of an optional node per document).
        var documentRoot = root.take()
        if rootStandsForNoContent {
            // libyaml stands an empty plain scalar in for a document with no content.
            documentRoot = nil
            rootStandsForNoContent = false
        }
        documents.append(Document(root: documentRoot, index: nextDocumentIndex, start: documentStart))
        nextDocumentIndex += 1
    }

    private mutating func mark(_ m: yaml_mark_t) -> Mark {
        positions.mark(index: m.index, line: m.line, column: m.column)
    }

    /// `Node.PackedMark(mark(m))`, as nodes store it.
    @inline(__always)
    private mutating func packedMark(_ m: yaml_mark_t) -> Node.PackedMark {
        positions.packedMark(index: m.index, line: m.line, column: m.column)
    }

    /// The documents built so far, moved out (the composer is done with them).
    mutating func takeDocuments() -> [Document] {
        var taken: [Document] = []
        swap(&taken, &documents)
        return taken
    }

    @inline(__always)
    private static func string(_ p: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let p else { return nil }
        return cString(p)
    }

    @inline(never)
    private static func cString(_ p: UnsafeMutablePointer<yaml_char_t>) -> String {
        String(cString: p)
    }

    /// The same string as `String(decoding:as:)` for at most 15 bytes (the size of an inline string),
    /// built more cheaply: the bytes are copied straight into the inline string, and only when they are
    /// not all ASCII (a mask over its two words) does the standard library validate them, with the same
    /// repairing decoder `String(decoding:as:)` uses.
    static func smallString(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        String(unsafeUninitializedCapacity: bytes.count) { buffer in
            let count = min(bytes.count, buffer.count)
            guard let source = bytes.baseAddress, let target = buffer.baseAddress else { return 0 }
            copySmall(from: UnsafeRawPointer(source), to: UnsafeMutableRawPointer(target), count: count)
            return count
        }
    }

    /// True when this standard library lays out an inline ASCII string as `inlineASCII` builds one
    /// (checked once, against strings the standard library builds itself).
    static let inlineASCIIWorks: Bool = {
        #if !((arch(x86_64) || arch(arm64)) && _endian(little))
            return false
        #endif
        let samples = ["", "a", "ab", "abc", "abcd", "k8s.io", "abcdefg", "abcdefgh", "abcdefghi", "apiVersion",
            "abcdefghijklmn", "abcdefghijklmno"]
        for sample in samples {
            let bytes = Array(sample.utf8)
            let made: String? = bytes.withUnsafeBufferPointer { inlineASCII($0) }
            let reference = bytes.withUnsafeBufferPointer { String(decoding: $0, as: UTF8.self) }
            guard let made, bits(made) == bits(reference), made == sample, made.utf8.count == bytes.count else {
                return false
            }
        }
        return ["é", "xé", "abcdefghé", "abcdefghijklmé"].allSatisfy { sample in
            Array(sample.utf8).withUnsafeBufferPointer { inlineASCII($0) } == nil
        }
    }()

    private static func bits(_ string: String) -> (UInt64, UInt64) {
        unsafeBitCast(string, to: (UInt64, UInt64).self)
    }

    /// The inline (small) string of at most 15 ASCII bytes, or nil when a byte is not ASCII or there
    /// are more (see `inlineWords` and `inlineASCII(low:high:count:)`).
    static func inlineASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        guard bytes.count <= 15 else { return nil }
        let (low, high) = inlineWords(bytes)
        guard (low | high) & 0x8080_8080_8080_8080 == 0 else { return nil }
        return inlineASCII(low: low, high: high, count: bytes.count)
    }

    /// At most 15 bytes as the two words of an inline string, in order and zero-padded (loaded a word or
    /// half-word at a time, never past the buffer).
    @inline(__always)
    static func inlineWords(_ bytes: UnsafeBufferPointer<UInt8>) -> (low: UInt64, high: UInt64) {
        let count = bytes.count
        guard let base = bytes.baseAddress else { return (0, 0) }
        let p = UnsafeRawPointer(base)
        if count >= 8 {
            let low = p.loadUnaligned(as: UInt64.self)
            guard count > 8 else { return (low, 0) }
            // The last 8 bytes, shifted down to the ones past the first 8.
            return (low, p.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self) >> (UInt64(16 - count) &* 8))
        }
        if count >= 4 {
            let head = UInt64(p.loadUnaligned(as: UInt32.self))
            let tail = UInt64(p.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self))
            return (head | tail << (UInt64(count - 4) &* 8), 0)
        }
        guard count > 0 else { return (0, 0) }
        // The first, middle and last byte (some of them the same one).
        let middle = count >> 1
        let first = UInt64(p.load(as: UInt8.self))
        let second = UInt64(p.load(fromByteOffset: middle, as: UInt8.self)) << (UInt64(middle) &* 8)
        let last = UInt64(p.load(fromByteOffset: count - 1, as: UInt8.self)) << (UInt64(count - 1) &* 8)
        return (first | second | last, 0)
    }

    /// The inline string whose `count` (at most 15) ASCII bytes are `low` and `high` (`inlineWords`), as
    /// the standard library lays one out on 64-bit little-endian platforms: the bytes, then a last byte
    /// `0xE0 | count` (small, ASCII, immortal). Only valid when `inlineASCIIWorks`: building the same
    /// string through `String(unsafeUninitializedCapacity:)` costs about a hundred instructions, and most
    /// scalars are such strings.
    @inline(__always)
    static func inlineASCII(low: UInt64, high: UInt64, count: Int) -> String {
        let discriminated = high | (0xE0 | UInt64(count)) << 56
        // Written as raw words into uninitialized memory for a string, then moved out: the string is
        // returned owned, without the retain that an `unsafeBitCast` (a copy of a borrowed value) costs.
        return withUnsafeTemporaryAllocation(of: String.self, capacity: 1) { buffer in
            let raw = UnsafeMutableRawPointer(buffer.baseAddress.unsafelyUnwrapped)
            raw.storeBytes(of: low, as: UInt64.self)
            raw.storeBytes(of: discriminated, toByteOffset: 8, as: UInt64.self)
            return buffer.baseAddress.unsafelyUnwrapped.move()
        }
    }

    /// Copies `count` (at most 16) bytes with two overlapping word loads and stores instead of a loop
    /// over the bytes (most scalars are a few bytes long, and a loop costs several instructions a byte).
    @inline(__always)
    static func copySmall(from source: UnsafeRawPointer, to target: UnsafeMutableRawPointer, count: Int) {
        if count >= 8 {
            let head = source.loadUnaligned(as: UInt64.self)
            let tail = source.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
            target.storeBytes(of: head, as: UInt64.self)
            target.storeBytes(of: tail, toByteOffset: count - 8, as: UInt64.self)
        } else if count >= 4 {
            let head = source.loadUnaligned(as: UInt32.self)
            let tail = source.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)
            target.storeBytes(of: head, as: UInt32.self)
            target.storeBytes(of: tail, toByteOffset: count - 4, as: UInt32.self)
        } else if count > 0 {
            // 1 to 3 bytes: the first, the middle and the last (some of them the same byte).
            let first = source.load(as: UInt8.self)
            let middle = source.load(fromByteOffset: count >> 1, as: UInt8.self)
            let last = source.load(fromByteOffset: count - 1, as: UInt8.self)
            target.storeBytes(of: first, as: UInt8.self)
            target.storeBytes(of: middle, toByteOffset: count >> 1, as: UInt8.self)
            target.storeBytes(of: last, toByteOffset: count - 1, as: UInt8.self)
        }
    }

    /// `tag:yaml.org,2002:str` as `!!str`; other tags as written. Inlined for the untagged case (most
    /// nodes); the conversion of a tag is `tagText`.
    @inline(__always)
    private static func shortTag(_ p: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let p else { return nil }
        return tagText(p)
    }

    @inline(never)
    private static func tagText(_ p: UnsafeMutablePointer<yaml_char_t>) -> String {
        let tag = String(cString: p)
        let prefix = "tag:yaml.org,2002:"
        if tag.hasPrefix(prefix) { return "!!" + tag.dropFirst(prefix.utf8.count) }
        return tag
    }

    /// A scalar's text: an inline string built from its words when it is short ASCII (most are), else
    /// through the standard library. Not inlined: returned from a call, the string moves into its node;
    /// built inline, it cost a retain and a release per scalar.
    @inline(never)
    private static func scalarText(_ bytes: UnsafeBufferPointer<UInt8>, inlineASCIIWorks: Bool) -> String {
        guard bytes.count <= 15 else { return String(decoding: bytes, as: UTF8.self) }
        let (low, high) = Self.inlineWords(bytes)
        if inlineASCIIWorks && (low | high) & 0x8080_8080_8080_8080 == 0 {
            return Self.inlineASCII(low: low, high: high, count: bytes.count)
        }
        return Self.smallString(bytes)
    }

    private mutating func scalar(_ event: inout yaml_event_t) throws(YAMLError) {
        let data = event.data.scalar
        let start = packedMark(event.start_mark)
        let end = packedMark(event.end_mark)
        let bytes = UnsafeBufferPointer(start: data.value, count: data.length)
        let text = Self.scalarText(bytes, inlineASCIIWorks: inlineASCIIWorks)
        let style: ScalarStyle
        switch data.style {
        case YAML_SINGLE_QUOTED_SCALAR_STYLE: style = .singleQuoted
        case YAML_DOUBLE_QUOTED_SCALAR_STYLE: style = .doubleQuoted
        case YAML_LITERAL_SCALAR_STYLE: style = .literal
        case YAML_FOLDED_SCALAR_STYLE: style = .folded
        default: style = .plain
        }
        let tag = Self.shortTag(data.tag)
        // `.string` while the scalar is the string `text` (most are). Resolved values are converted at
        // once to the scalar's payload-free kind (the resolver never returns a string), so that no
        // `ScalarValue?` lives to the end of this function to be destroyed (an outlined call per scalar).
        var resolved = Node.Scalar.Resolved.string
        var coerced = false
        if let tag {
            // The start again, unpacked, for an error's position (tagged scalars are rare).
            if let value = try Self.resolveTagged(tag, bytes, text: text, at: mark(event.start_mark)) {
                resolved = Node.Scalar.Resolved(value)
            }
        } else if style == .plain {
            let resolution = ScalarResolver.resolvePlain(bytes)
            if let value = resolution.value {
                resolved = Node.Scalar.Resolved(value)
                coerced = resolution.coerced
            }
        }
        // Only a mapping key needs a fingerprint (for the duplicate-key check).
        var keyPrint: UInt64?
        if depth > 0 && current.isMapping && !current.hasPendingKey {
            keyPrint = Self.fingerprint(resolved, stringBytes: bytes)
        }
        // Decided from the event rather than the node (before `tag` moves into the node).
        let isMergeKey = Self.isMergeKey(
            isLessLess: bytes.count == 2 && bytes[0] == UInt8(ascii: "<") && bytes[1] == UInt8(ascii: "<"), style: style,
            tag: tag)
        if depth == 0 { rootStandsForNoContent = bytes.isEmpty && style == .plain && tag == nil && data.anchor == nil }
        if data.anchor == nil, let slot = try childSlot(size: 1, height: 0, print: keyPrint, isMergeKey: isMergeKey) {
            slot.initialize(
                to: Node(
                    content: .scalar(Node.Scalar(text: text, resolved: resolved, style: style, yaml11Coerced: coerced)),
                    start: start, end: end, tag: tag, anchor: nil, document: packedDocumentIndex))
            return
        }
        try add(
            Node(
                content: .scalar(Node.Scalar(text: text, resolved: resolved, style: style, yaml11Coerced: coerced)),
                start: start, end: end, tag: tag, anchor: Self.string(data.anchor), document: packedDocumentIndex),
            size: 1, height: 0, print: keyPrint, isMergeKey: isMergeKey)
    }

    /// Resolves a scalar with an explicit tag as go-yaml v2 does: `!!str`, `!!binary`, `!!timestamp` and
    /// tags outside the core set keep the text; `!!bool`, `!!int`, `!!float` and `!!null` must fit the text.
    static func resolveTagged(
        _ tag: String, _ bytes: UnsafeBufferPointer<UInt8>, text: String, at mark: Mark
    ) throws(YAMLError) -> ScalarValue? {
        let resolved: ScalarValue?
        switch tag {
        case "!!bool", "!!int", "!!float", "!!null": resolved = ScalarResolver.resolveYAML11(bytes)
        default: return nil
        }
        switch (tag, resolved) {
        case ("!!bool", .bool?), ("!!int", .int?), ("!!float", .float?), ("!!null", .null?):
            return resolved
        case ("!!float", .int(let i)?):
            return .float(Double(i))
        default:
            let kind: String
            switch resolved {
            case .none, .string?: kind = "string"
            case .null?: kind = "null"
            case .bool?: kind = "boolean"
            case .int?: kind = "integer"
            case .float?: kind = "float"
            }
            throw YAMLError(.tagMismatch, "cannot read the \(kind) \"\(text)\" as \(tag)", at: mark)
        }
    }

    private mutating func startCollection(_ event: inout yaml_event_t) throws(YAMLError) {
        guard depth < limits.maxDepth else { throw Self.depthError(limits.maxDepth, at: mark(event.start_mark)) }
        let start = packedMark(event.start_mark)
        let isMapping = event.type == YAML_MAPPING_START_EVENT
        let anchor: String?
        let tag: String?
        if isMapping {
            anchor = Self.string(event.data.mapping_start.anchor)
            tag = Self.shortTag(event.data.mapping_start.tag)
        } else {
            anchor = Self.string(event.data.sequence_start.anchor)
            tag = Self.shortTag(event.data.sequence_start.tag)
        }
        var frame = Frame(isMapping: isMapping, start: start)
        if tag != nil || anchor != nil { frame.extras = pushExtras(tag: tag, anchor: anchor) }
        frame.printBase = keyPrints.count
        frame.childBase = isMapping ? pairs.count : items.count
        // Swapped in, so that the enclosing frame is moved onto the stack rather than copied there.
        swap(&frame, &current)
        if depth > 0 { stack.append(frame) }
        depth += 1
    }

    /// Records a new collection's tag and anchor; returns its index in `extras`.
    @inline(never)
    private mutating func pushExtras(tag: String?, anchor: String?) -> Int {
        extras.append(Extras(tag: tag, anchor: anchor))
        return extras.count - 1
    }

    @inline(never)
    private static func depthError(_ maxDepth: Int, at start: Mark) -> YAMLError {
        YAMLError(.depth, "collections are nested more than \(maxDepth) levels deep", at: start)
    }

    private mutating func endCollection(_ event: inout yaml_event_t) throws(YAMLError) {
        guard depth > 0 else { return }
        var frame = stack.popLast() ?? Frame(isMapping: false, start: current.start)
        swap(&frame, &current)
        depth -= 1
        keyPrints.removeAll(from: frame.printBase)
        let end = packedMark(event.end_mark)
        // Most collections have no extras; those that have are closed out of line (no `Extras?` to
        // destroy here, which was an outlined call per collection).
        guard frame.extras < 0 else { return try endWithExtras(frame, end: end) }
        let content: Node.Content =
            frame.isMapping
            ? .mapping(pairs.popArray(from: frame.childBase)) : .sequence(items.popArray(from: frame.childBase))
        // Built straight into its slot (see `childSlot`); the root and a `<<` value go through `add`.
        if let slot = try childSlot(size: frame.size, height: frame.childHeight + 1, print: nil, isMergeKey: false) {
            slot.initialize(
                to: Node(content: content, start: frame.start, end: end, tag: nil, anchor: nil, document: packedDocumentIndex))
            return
        }
        try add(
            Node(content: content, start: frame.start, end: end, tag: nil, anchor: nil, document: packedDocumentIndex),
            size: frame.size, height: frame.childHeight + 1)
    }

    /// Closes a collection that has extras: builds its node with its tag and anchor and adds it.
    @inline(never)
    private mutating func endWithExtras(_ frame: Frame, end: Node.PackedMark) throws(YAMLError) {
        let (content, closed) = closeWithExtras(frame)
        try add(
            Node(
                content: content, start: frame.start, end: end, tag: closed?.tag, anchor: closed?.anchor,
                document: packedDocumentIndex),
            size: frame.size, height: frame.childHeight + 1)
    }

    /// The children of a closing collection that has extras (a tag, an anchor, `<<` merges or a key index),
    /// with `<<` merges applied, and those extras: out of line, most collections have none.
    @inline(never)
    private mutating func closeWithExtras(_ frame: Frame) -> (Node.Content, Extras?) {
        // The closed collection's extras are the last entry (every collection inside it closed first).
        let closed = extras.popLast()
        guard frame.isMapping else { return (.sequence(items.popArray(from: frame.childBase)), closed) }
        let entries = pairs.popArray(from: frame.childBase)
        guard let merged = closed?.merged, !merged.isEmpty else { return (.mapping(entries), closed) }
        return (.mapping(Self.applyMerges(entries, merged)), closed)
    }

    @inline(never)
    private mutating func alias(_ event: inout yaml_event_t) throws(YAMLError) {
        let at = mark(event.start_mark)
        let name = Self.string(event.data.alias.anchor) ?? ""
        guard let target = anchors[name] else {
            // `extras` holds the anchors of every open collection.
            if extras.contains(where: { $0.anchor == name }) {
                throw YAMLError(.unknownAnchor, "alias *\(name) refers to a node that contains it", at: at)
            }
            throw YAMLError(.unknownAnchor, "alias *\(name) refers to an anchor that is not defined", at: at)
        }
        expanded += target.size
        guard expanded <= limits.maxAliasExpansion else {
            throw YAMLError(
                .aliasExpansion,
                "expanding alias *\(name) would create more than \(limits.maxAliasExpansion) nodes in this document",
                at: at)
        }
        guard depth + target.height <= limits.maxDepth else {
            throw YAMLError(
                .depth, "expanding alias *\(name) here nests collections more than \(limits.maxDepth) levels deep",
                at: at)
        }
        var copy = target.node
        Self.markAliased(&copy)
        let print = copy.scalar.map { Self.fingerprint($0.value) }
        let isMergeKey = Self.isMergeKey(copy)
        try add(copy, size: target.size, height: target.height, isAlias: true, print: print, isMergeKey: isMergeKey)
    }

    /// Marks a node and everything below it as an alias copy.
    private static func markAliased(_ node: inout Node) {
        node.fromAlias = true
        switch node.content {
        case .scalar:
            break
        case .sequence(var items):
            node.content = .scalar(Node.Scalar(text: "", style: .plain, value: .null))  // release the array
            for i in items.indices { markAliased(&items[i]) }
            node.content = .sequence(items)
        case .mapping(var pairs):
            node.content = .scalar(Node.Scalar(text: "", style: .plain, value: .null))
            for i in pairs.indices {
                markAliased(&pairs[i].key)
                markAliased(&pairs[i].value)
            }
            node.content = .mapping(pairs)
        }
    }

    // MARK: - Building

    /// Attaches a finished node to its parent (or makes it the document root): the general case, out of
    /// line (anchored nodes, alias copies, the root, the value of a `<<` key).
    /// `print` is the fingerprint of a scalar node's value (nil for collections); `isMergeKey` is true
    /// when the node is a `<<` key (when it becomes a key).
    @inline(never)
    private mutating func add(
        _ node: consuming Node, size: Int, height: Int, isAlias: Bool = false, print: UInt64? = nil,
        isMergeKey: Bool = false
    ) throws(YAMLError) {
        // Each branch moves `node` where it goes (`consume`), so building a tree copies no node.
        if !isAlias, let name = node.anchor { recordAnchor(name, node, size: size, height: height) }
        guard depth > 0 else {
            root = consume node
            return
        }
        if current.isMapping && current.hasPendingKey && pairs.count > current.childBase && current.pendingKeyIsMerge {
            current.size += size
            if height > current.childHeight { current.childHeight = height }
            current.hasPendingKey = false
            // The `<<` key itself is dropped (with the placeholder beside it).
            _ = pairs.popLast()
            try recordMerge(node)
            return
        }
        try placeInCollection(node, size: size, height: height, print: print, isMergeKey: isMergeKey)
    }

    /// Attaches a node to the open collection `current` (not as the value of a `<<` key).
    private mutating func placeInCollection(
        _ node: consuming Node, size: Int, height: Int, print: UInt64?, isMergeKey: Bool
    ) throws(YAMLError) {
        // `add` has dealt with the root and with the value of a `<<` key, the cases without a slot.
        guard let slot = try childSlot(size: size, height: height, print: print, isMergeKey: isMergeKey) else { return }
        slot.initialize(to: node)
    }

    /// Where a node without an anchor goes in the open collection `current`, which the caller must
    /// initialize at once: the end of a sequence, a mapping's pending key, or the value of an entry whose
    /// key has moved in beside it (after the duplicate-key check). Nil when `add` must place the node
    /// (it is the root, or the value of a `<<` key).
    ///
    /// Inlined into the scalar and collection paths, so that a node is built straight into its slot:
    /// built first and then placed, it went through stack temporaries, whose 16-byte reloads stalled on
    /// the narrower stores that had just built them (a fifth of the composer's time in perf).
    @inline(__always)
    private mutating func childSlot(
        size: Int, height: Int, print: UInt64?, isMergeKey: Bool
    ) throws(YAMLError) -> UnsafeMutablePointer<Node>? {
        guard depth > 0, !(current.hasPendingKey && current.pendingKeyIsMerge) else { return nil }
        current.size += size
        if height > current.childHeight { current.childHeight = height }
        guard current.isMapping else { return items.appendSlot() }
        guard current.hasPendingKey, pairs.count > current.childBase else {
            current.pendingKeyIsMerge = isMergeKey
            current.pendingKeyPrint = print ?? 0
            current.hasPendingKeyPrint = print != nil
            current.hasPendingKey = true
            // The key goes straight into a new entry, whose value waits as a placeholder.
            return pairs.appendKeySlot()
        }
        current.hasPendingKey = false
        // The key is checked in place, in the last entry (after an error, abandoning the document clears it).
        let entry = pairs.lastPointer
        if current.hasPendingKeyPrint {
            try checkDuplicate(current.pendingKeyPrint, key: entry.pointer(to: \.key).unsafelyUnwrapped)
        }
        return entry.pointer(to: \.value).unsafelyUnwrapped
    }

    @inline(never)
    private mutating func recordAnchor(_ name: String, _ node: borrowing Node, size: Int, height: Int) {
        anchors[name] = Anchored(node: copy node, size: size, height: height)
    }

    /// Keeps the pairs the value of a `<<` key contributes, to be inserted where the key stood.
    @inline(never)
    private mutating func recordMerge(_ value: Node) throws(YAMLError) {
        let source = try Self.mergeSource(value)
        extras[currentExtras()].merged.append((at: pairs.count - current.childBase, pairs: source))
    }

    @inline(never)
    private static func isMergeKey(_ node: borrowing Node) -> Bool {
        guard case .scalar(let s) = node.content else { return false }
        return isMergeKey(isLessLess: s.text.utf8.count == 2 && s.text == "<<", style: s.style, tag: node.tag)
    }

    /// The rule for a `<<` merge key: a scalar whose text is `<<` (`isLessLess`), plain and untagged or
    /// tagged `!!merge`.
    @inline(__always)
    private static func isMergeKey(isLessLess: Bool, style: ScalarStyle, tag: String?) -> Bool {
        guard isLessLess else { return false }
        guard let tag else { return style == .plain }
        return tag == "!!merge"
    }

    /// The pairs a `<<` value contributes: a mapping's, or those of a list of mappings, earlier
    /// mappings first (so they win over later ones).
    @inline(never)
    private static func mergeSource(_ value: Node) throws(YAMLError) -> [Node.Pair] {
        switch value.content {
        case .mapping(let pairs):
            return pairs
        case .sequence(let items):
            var all: [Node.Pair] = []
            for item in items {
                guard case .mapping(let pairs) = item.content else {
                    throw YAMLError(
                        .badMerge, "a << merge list may contain only mappings, found \(item.kindDescription)",
                        at: item.start)
                }
                all.append(contentsOf: pairs)
            }
            return all
        case .scalar:
            throw YAMLError(
                .badMerge, "the value of a << merge key must be a mapping or a list of mappings, found \(value.kindDescription)",
                at: value.start)
        }
    }

    /// Throws when the current mapping already has a key equal to `key` (a scalar whose value has
    /// fingerprint `keyPrint`), then records the key.
    @inline(__always)
    private mutating func checkDuplicate(_ keyPrint: UInt64, key: UnsafeMutablePointer<Node>) throws(YAMLError) {
        let keys = keyPrints.count - current.printBase
        if keys < Self.linearKeyLimit {
            if keyPrints.withElements(from: current.printBase, { $0.contains(keyPrint) }) { try checkSuspect(key.pointee) }
            keyPrints.append(keyPrint)
            return
        }
        try checkIndexed(key.pointee)
    }

    /// Throws when a key whose fingerprint matched an earlier key's really equals one.
    @inline(never)
    private func checkSuspect(_ key: Node) throws(YAMLError) {
        if let value = key.scalar?.value,
            let line = pairs.withElements(from: current.childBase, { Self.firstLine(of: value, in: UnsafeBufferPointer(rebasing: $0.dropLast())) })
        {
            throw Self.duplicateKeyError(key, firstLine: line)
        }
    }

    /// The duplicate-key check of a mapping with many keys: through a dictionary of its keys.
    @inline(never)
    private mutating func checkIndexed(_ key: Node) throws(YAMLError) {
        guard let value = key.scalar?.value else { return }
        let slot = currentExtras()
        if extras[slot].keyIndex == nil {
            var index: [ScalarValue: Int] = [:]
            pairs.withElements(from: current.childBase) { entries in
                // All but the last entry, whose key is the one being checked.
                for pair in entries.dropLast() {
                    if let v = pair.key.scalar?.value, index[v] == nil { index[v] = pair.key.start.line }
                }
            }
            extras[slot].keyIndex = index
        }
        if let line = extras[slot].keyIndex?[value] { throw Self.duplicateKeyError(key, firstLine: line) }
        extras[slot].keyIndex?[value] = key.start.line
    }

    /// The index of the current collection's entry in `extras`, added on first use (the collections
    /// inside it are closed by then, so the entry goes at the end as nesting requires).
    private mutating func currentExtras() -> Int {
        if current.extras < 0 {
            current.extras = extras.count
            extras.append(Extras())
        }
        return current.extras
    }

    /// The line of the first key in `pairs` whose value equals `value`.
    private static func firstLine(of value: ScalarValue, in pairs: UnsafeBufferPointer<Node.Pair>) -> Int? {
        for pair in pairs where pair.key.scalar?.value == value { return pair.key.start.line }
        return nil
    }

    @inline(never)
    private static func duplicateKeyError(_ key: Node, firstLine: Int) -> YAMLError {
        YAMLError(
            .duplicateKey, "duplicate key \(describeKey(key)): it is already defined at line \(firstLine)",
            at: key.start)
    }

    /// A cheap summary of a resolved key: equal values always have equal fingerprints (different
    /// values usually differ). Strings contribute their length and their first, second, middle,
    /// second-last and last bytes.
    static func fingerprint(_ value: ScalarValue) -> UInt64 {
        if case .string(let text) = value {
            var copy = text
            return copy.withUTF8 { fingerprint(stringBytes: $0) }
        }
        return fingerprint(Node.Scalar.Resolved(value), stringBytes: UnsafeBufferPointer(start: nil, count: 0))
    }

    /// The fingerprint of a scalar that resolved to `resolved`, whose text is `stringBytes` (read only
    /// when it resolved to a string): the same as `fingerprint(_:)` of its value.
    @inline(__always)
    static func fingerprint(_ resolved: Node.Scalar.Resolved, stringBytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        switch resolved {
        case .null: return 1
        case .bool(let b): return b ? 2 : 3
        case .int(let i): return UInt64(bitPattern: Int64(i)) &* 0x9E37_79B9_7F4A_7C15 ^ 4
        case .float(let d): return (d + 0.0).bitPattern &* 0xC2B2_AE3D_27D4_EB4F ^ 5
        case .string: return fingerprint(stringBytes: stringBytes)
        }
    }

    /// The fingerprint of a string value from its UTF-8 bytes (a few loads, no loop).
    @inline(__always)
    static func fingerprint(stringBytes s: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let n = s.count
        let print = UInt64(truncatingIfNeeded: n) &* 0x1000_0000_01B3 ^ 6
        guard n > 0 else { return print }
        let second = n > 1 ? 1 : 0
        let sampled =
            UInt64(s[0]) << 8 | UInt64(s[second]) << 16 | UInt64(s[n >> 1]) << 24 | UInt64(s[n - 1 - second]) << 32
            | UInt64(s[n - 1]) << 40
        return print ^ sampled
    }

    static func describeKey(_ key: Node) -> String {
        guard let s = key.scalar else { return key.kindDescription }
        return "\"\(s.text)\""
    }

    /// The mapping's pairs with merged pairs inserted where their `<<` stood: a merged key is
    /// dropped when the mapping defines it explicitly (anywhere) or an earlier merge supplied it.
    @inline(never)
    private static func applyMerges(_ pairs: [Node.Pair], _ merged: [(at: Int, pairs: [Node.Pair])]) -> [Node.Pair] {
        var taken = Set<ScalarValue>()
        for pair in pairs {
            if let v = pair.key.scalar?.value { taken.insert(v) }
        }
        var result: [Node.Pair] = []
        result.reserveCapacity(pairs.count + merged.reduce(0) { $0 + $1.pairs.count })
        var next = 0
        for merge in merged {
            while next < merge.at {
                result.append(pairs[next])
                next += 1
            }
            for pair in merge.pairs {
                if let v = pair.key.scalar?.value {
                    if taken.contains(v) { continue }
                    taken.insert(v)
                }
                result.append(pair)
            }
        }
        while next < pairs.count {
            result.append(pairs[next])
            next += 1
        }
        return result
    }
}
