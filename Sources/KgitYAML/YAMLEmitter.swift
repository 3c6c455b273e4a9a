/// Writes `Node` trees (and `YAMLValue`s) as YAML or JSON.
///
/// YAML output is block style with 2-space indentation. A string is written plain only when the
/// parser would read it back as the same string under both YAML 1.1 (Kubernetes) and YAML 1.2 rules
/// and it does not look like a number, date or time; otherwise it is double-quoted. Multi-line
/// strings become literal blocks (`|`, `|-`, `|+`). Aliases are already expanded in a `Node` tree, so
/// no anchors are written; explicit tags other than the core ones (`!!str`, `!!int`, `!!float`,
/// `!!bool`, `!!null`, `!!map`, `!!seq`) are kept. Parsing the output gives back the same structure,
/// values and key order.
///
/// JSON output types each scalar as it resolved (see `ScalarValue`), escapes strings per RFC 8259,
/// and writes keys in node order or sorted. See `json(_:)` for keys that are not strings.
public struct YAMLEmitter: Sendable {
    /// Write mapping entries sorted by key (comparing the keys' UTF-8 bytes) instead of in node order.
    public var sortKeys: Bool
    /// JSON only: put each entry on its own line, indented by two spaces per level.
    public var prettyJSON: Bool

    public init(sortKeys: Bool = false, prettyJSON: Bool = false) {
        self.sortKeys = sortKeys
        self.prettyJSON = prettyJSON
    }

    /// One YAML document (no `---` marker), ending with a newline.
    public func yaml(_ node: Node) -> String {
        var out = Output()
        writeRoot(node, &out)
        return out.string
    }

    /// A YAML stream: documents separated by `---`. An empty document (nil root) is written as a bare
    /// `---`, so it survives a round trip.
    public func yaml(_ documents: [Document]) -> String {
        var out = Output()
        for (i, document) in documents.enumerated() {
            if i > 0 || document.root == nil { out.append("---\n") }
            if let root = document.root { writeRoot(root, &out) }
        }
        return out.string
    }

    /// A plain value as one YAML document.
    public func yaml(_ value: YAMLValue) -> String {
        yaml(Node(value))
    }

    // MARK: - YAML

    private enum Place {
        case root, mappingValue, sequenceItem
    }

    private static let coreTags: Set<String> = ["!!str", "!!int", "!!float", "!!bool", "!!null", "!!map", "!!seq"]

    /// The tag to write for a node: `!!suffix`, `!local` or the verbatim `!<uri>`, with characters
    /// a tag cannot hold raw percent-encoded (libyaml decodes them back).
    private static func writtenTag(_ node: Node) -> String? {
        guard let tag = node.tag, !coreTags.contains(tag) else { return nil }
        if tag.hasPrefix("!!") && tag.utf8.count > 2 {
            return "!!" + percentEncoded(tag.utf8.dropFirst(2), shorthand: true)
        }
        if tag.hasPrefix("!") && tag.utf8.count > 1 {
            return "!" + percentEncoded(tag.utf8.dropFirst(), shorthand: true)
        }
        return "!<" + percentEncoded(tag.utf8[...], shorthand: false) + ">"
    }

    /// Tag text with every byte outside the URI characters libyaml accepts written as `%XX`. In a
    /// shorthand (`!x`, `!!x`) `!` and the flow indicators `,[]{}` are encoded too.
    static func percentEncoded(_ bytes: Substring.UTF8View, shorthand: Bool) -> String {
        var out: [UInt8] = []
        for b in bytes {
            let alnum =
                (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
                || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9"))
            let safe = alnum || "-;/?:@&=+$_.~*'()".utf8.contains(b) || (!shorthand && "!,[]".utf8.contains(b))
            if safe {
                out.append(b)
            } else {
                let hex = Array("0123456789ABCDEF".utf8)
                out.append(UInt8(ascii: "%"))
                out.append(hex[Int(b >> 4)])
                out.append(hex[Int(b & 0xF)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private func ordered(_ pairs: [Node.Pair]) -> [Node.Pair] {
        guard sortKeys else { return pairs }
        let keyed = pairs.map { (YAMLValue.keyString($0.key), $0) }
        return keyed.enumerated().sorted { a, b in
            if a.element.0 == b.element.0 { return a.offset < b.offset }
            return a.element.0.utf8.lexicographicallyPrecedes(b.element.0.utf8)
        }.map { $0.element.1 }
    }

    private func writeRoot(_ node: Node, _ out: inout Output) {
        write(node, indent: 0, place: .root, &out)
    }

    /// Writes `node`, which stands after "key:" (`mappingValue`), after "- " or "? " (`sequenceItem`)
    /// or at the start of a line (`root`). `indent` is the column of the collection it belongs to.
    /// Every write ends with a newline.
    private func write(_ node: Node, indent: Int, place: Place, _ out: inout Output) {
        let tag = Self.writtenTag(node)
        switch node.content {
        case .scalar(let scalar):
            if place == .mappingValue { out.append(" ") }
            if let tag {
                out.append(tag)
                out.append(" ")
            }
            writeScalar(scalar, blockIndent: place == .root ? 0 : indent, &out)
        case .mapping(let pairs) where pairs.isEmpty:
            writeEmpty("{}\n", tag: tag, place: place, &out)
        case .sequence(let items) where items.isEmpty:
            writeEmpty("[]\n", tag: tag, place: place, &out)
        case .mapping(let pairs):
            let (childIndent, inline) = openCollection(tag: tag, indent: indent, place: place, &out)
            for (i, pair) in ordered(pairs).enumerated() {
                if i > 0 || !inline { out.spaces(childIndent) }
                writeKey(pair.key, indent: childIndent, &out)
                write(pair.value, indent: childIndent, place: .mappingValue, &out)
            }
        case .sequence(let items):
            let (childIndent, inline) = openCollection(tag: tag, indent: indent, place: place, &out)
            for (i, item) in items.enumerated() {
                if i > 0 || !inline { out.spaces(childIndent) }
                out.append("- ")
                write(item, indent: childIndent, place: .sequenceItem, &out)
            }
        }
    }

    private func writeEmpty(_ text: String, tag: String?, place: Place, _ out: inout Output) {
        if place == .mappingValue { out.append(" ") }
        if let tag {
            out.append(tag)
            out.append(" ")
        }
        out.append(text)
    }

    /// Writes what precedes a non-empty collection's entries; returns their column and whether the
    /// first entry continues the current line.
    private func openCollection(tag: String?, indent: Int, place: Place, _ out: inout Output) -> (Int, Bool) {
        switch place {
        case .root:
            if let tag {
                out.append(tag)
                out.append("\n")
            }
            return (0, tag == nil)
        case .mappingValue:
            if let tag {
                out.append(" ")
                out.append(tag)
            }
            out.append("\n")
            return (indent + 2, false)
        case .sequenceItem:
            if let tag {
                out.append(tag)
                out.append("\n")
            }
            return (indent + 2, tag == nil)
        }
    }

    /// Writes a mapping key followed by ":" (without the value). Scalar keys that fit on one line are
    /// written as implicit keys; anything else uses the explicit "? key" form.
    private func writeKey(_ key: Node, indent: Int, _ out: inout Output) {
        if case .scalar(let scalar) = key.content, Self.writtenTag(key) == nil {
            let text = ScalarText.singleLine(scalar)
            // libyaml limits implicit keys to 1024 characters.
            if text.utf8.count <= 1000 {
                out.append(text)
                out.append(":")
                return
            }
        }
        out.append("? ")
        write(key, indent: indent, place: .sequenceItem, &out)
        out.spaces(indent)
        out.append(":")
    }

    private func writeScalar(_ scalar: Node.Scalar, blockIndent: Int, _ out: inout Output) {
        if case .string(let text) = scalar.value, let block = ScalarText.literalBlock(text, indent: blockIndent + 2) {
            out.append(block)
            return
        }
        out.append(ScalarText.singleLine(scalar))
        out.append("\n")
    }
}

/// A growable UTF-8 buffer.
struct Output {
    var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(1024) }

    mutating func append(_ s: String) { bytes.append(contentsOf: s.utf8) }
    mutating func append(byte: UInt8) { bytes.append(byte) }
    mutating func spaces(_ n: Int) {
        for _ in 0..<max(0, n) { bytes.append(0x20) }
    }

    var string: String { String(decoding: bytes, as: UTF8.self) }
}
