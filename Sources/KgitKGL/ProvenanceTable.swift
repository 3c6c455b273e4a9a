import KgitSchema
import KgitYAML

/// Where the values of a rendered environment came from: the side table of design section 2.4.
///
/// A node a patch (or a default) creates is given marks whose byte offset is negative: `-(id + 1)`
/// names its entry here, which holds the node's real position in the KGL file, the layer that set
/// it and the values it overrode. Nodes from manifests keep their own (non-negative) marks. So any
/// diagnostic about a rendered document can be moved back to where its value came from, however
/// the document was validated, and no YAML position can be mistaken for a KGL one.
public struct ProvenanceTable: Sendable {
    /// One node a layer set.
    struct Entry: Sendable {
        var start: Mark
        var end: Mark
        /// `env prod`, or `default` for a default of a bound type.
        var label: String
        /// The file that holds the value (the KGL file).
        var file: String
        /// The values this one replaced, the most recent first.
        var overridden: [Provenance.Location]
    }

    private(set) var entries: [Entry] = []
    /// The layers of the environment, from `base` up.
    public internal(set) var layers: [String] = []
    /// The KGL file the environments are declared in.
    var kglFile = "-"

    /// Gives `node` and everything in it marks that point at new entries for `layer`.
    mutating func record(_ node: Node, layer: String, statement: SourceRange, overriding: [Provenance.Location]) -> Node {
        record(node, label: layer == EnvironmentChecker.base ? "base" : "env \(layer)", file: kglFile, overriding: overriding)
    }

    mutating func record(_ node: Node, label: String, file: String, overriding: [Provenance.Location]) -> Node {
        var copy = node
        let id = entries.count
        entries.append(Entry(start: node.start, end: node.end, label: label, file: file, overridden: overriding))
        let mark = Mark(line: node.start.line, column: node.start.column, offset: -(id + 1))
        copy.start = mark
        copy.end = mark
        switch node.content {
        case .scalar:
            break
        case .sequence(let items):
            copy.content = .sequence(items.map { record($0, label: label, file: file, overriding: overriding) })
        case .mapping(let pairs):
            copy.content = .mapping(pairs.map { pair in
                Node.Pair(
                    key: record(pair.key, label: label, file: file, overriding: overriding),
                    value: record(pair.value, label: label, file: file, overriding: overriding))
            })
        }
        return copy
    }

    /// The entry a mark points at, if it is a recorded one.
    func entry(_ mark: Mark) -> Entry? {
        guard mark.offset < 0 else { return nil }
        let id = -mark.offset - 1
        return entries.indices.contains(id) ? entries[id] : nil
    }

    /// Where the value `node` holds came from, the most recent layer first; `file` is the manifest
    /// of its document.
    func chain(of node: Node, in file: String) -> [Provenance.Location] {
        guard let entry = entry(node.start) else {
            return [Provenance.Location(file: file, line: node.start.line, column: node.start.column, label: "base")]
        }
        return [location(entry)] + entry.overridden
    }

    private func location(_ entry: Entry) -> Provenance.Location {
        Provenance.Location(file: entry.file, line: entry.start.line, column: entry.start.column, label: entry.label)
    }

    /// `diagnostic`, moved to where its value came from: a value a layer set is reported in the KGL
    /// file, with notes (and `provenance`) naming that layer, the values it overrode and the layer
    /// chain; a value from a manifest stays where it is and gains the chain.
    public func resolve(_ diagnostic: Diagnostic) -> Diagnostic {
        var d = diagnostic
        var provenance = d.provenance ?? Provenance()
        if provenance.layers.isEmpty { provenance.layers = layers }
        if let entry = entry(d.start) {
            d.file = entry.file
            d.start = entry.start
            d.end = self.entry(d.end ?? d.start).map(\.end) ?? entry.end
            provenance.values = [location(entry)] + entry.overridden
            d.notes.append("value set by \(entry.label) at \(entry.file):\(entry.start)")
            for earlier in entry.overridden {
                d.notes.append("overrides \(earlier.label == "base" ? "base" : earlier.label) at \(earlier.position)")
            }
        } else if provenance.values.isEmpty, !layers.isEmpty {
            provenance.values = [Provenance.Location(file: d.file, line: d.start.line, column: d.start.column, label: "base")]
        }
        if let constraint = provenance.constraint, !d.notes.contains(where: { $0.hasPrefix("constraint declared at") }) {
            d.notes.append("constraint declared at \(constraint.position) (\(constraint.label))")
        }
        if layers.count > 1 { d.notes.append("layers: \(layers.joined(separator: " < "))") }
        d.provenance = provenance
        return d
    }
}
