import Foundation
import KgitStore

/// A small ordered document rendered as JSON, YAML or a table row set; keeps `kgit store` output stable
/// (fields in a fixed order) without a YAML dependency.
indirect enum StoreOutput {
    case object([(String, StoreOutput)])
    case array([StoreOutput])
    case string(String)
    case int(Int64)
    case bool(Bool)

    /// JSON on one line (`pretty`: indented).
    func json(pretty: Bool = true, indent: String = "") -> String {
        let inner = indent + "  "
        switch self {
        case .string(let s): return Self.quote(s)
        case .int(let i): return String(i)
        case .bool(let b): return b ? "true" : "false"
        case .array(let items):
            if items.isEmpty { return "[]" }
            if !pretty { return "[" + items.map { $0.json(pretty: false) }.joined(separator: ",") + "]" }
            return "[\n" + items.map { inner + $0.json(indent: inner) }.joined(separator: ",\n") + "\n\(indent)]"
        case .object(let fields):
            if fields.isEmpty { return "{}" }
            if !pretty {
                return "{" + fields.map { Self.quote($0.0) + ":" + $0.1.json(pretty: false) }.joined(separator: ",") + "}"
            }
            return "{\n"
                + fields.map { inner + Self.quote($0.0) + ": " + $0.1.json(indent: inner) }.joined(separator: ",\n")
                + "\n\(indent)}"
        }
    }

    /// YAML (block style; strings double-quoted, so any bytes round-trip).
    func yaml(indent: String = "") -> String {
        switch self {
        case .string(let s): return Self.quote(s)
        case .int(let i): return String(i)
        case .bool(let b): return b ? "true" : "false"
        case .array(let items):
            if items.isEmpty { return "[]" }
            return items.map { item -> String in
                let body = item.yaml(indent: indent + "  ")
                if case .object = item { return indent + "- " + body.dropFirst(indent.count + 2) }
                return indent + "- " + body
            }.joined(separator: "\n")
        case .object(let fields):
            if fields.isEmpty { return indent + "{}" }
            return fields.map { key, value -> String in
                switch value {
                case .object(let f) where !f.isEmpty: return indent + key + ":\n" + value.yaml(indent: indent + "  ")
                case .array(let a) where !a.isEmpty: return indent + key + ":\n" + value.yaml(indent: indent + "  ")
                default: return indent + key + ": " + value.yaml()
                }
            }.joined(separator: "\n")
        }
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 { out += String(format: "\\u%04x", u.value) } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }

    /// A key-value as an output object.
    static func kv(_ kv: KeyValue) -> StoreOutput {
        .object([
            ("key", .string(kv.keyString)), ("value", .string(kv.valueString)),
            ("createRevision", .int(kv.createRevision)), ("modRevision", .int(kv.modRevision)),
            ("version", .int(kv.version)), ("lease", .int(kv.lease)),
        ])
    }

    /// An event as an output object.
    static func event(_ e: Event) -> StoreOutput {
        var fields: [(String, StoreOutput)] = [("type", .string(e.kind.rawValue)), ("kv", kv(e.kv))]
        if let prev = e.prevKV { fields.append(("prevKV", kv(prev))) }
        return .object(fields)
    }
}

/// Renders rows as left-aligned columns with a header.
func renderTable(_ header: [String], _ rows: [[String]]) -> String {
    var widths = header.map(\.count)
    for row in rows { for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) } }
    func line(_ cells: [String]) -> String {
        cells.enumerated().map { i, c in i == cells.count - 1 ? c : c.padding(toLength: widths[i], withPad: " ", startingAt: 0) }
            .joined(separator: "  ")
    }
    return ([line(header)] + rows.map(line)).joined(separator: "\n")
}

/// Writes one line to stdout unbuffered (watch and crash-writer output must reach pipes at once, whole).
func emit(_ text: String) {
    Console.output((text + "\n"))
}
