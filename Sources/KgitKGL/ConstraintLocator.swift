import KgitSchema
import KgitYAML

/// Finds the KGL declaration that constrains the field a diagnostic is about, so the diagnostic can
/// name it: "constraint declared at kgit.kgl:7:12 (spec.replicas?: int & 1..50)".
///
/// Walks the syntax tree (not the compiled schema, which no longer knows where each constraint came
/// from): the field members of a block or refinement whose paths lead to the diagnostic's field
/// path, through nested blocks and the declarations of named types.
struct ConstraintLocator {
    let file: String
    let source: [UInt8]
    let declarations: [String: TypeDecl]

    init(module: Module, file: String, source: [UInt8]) {
        self.file = file
        self.source = source
        var declarations: [String: TypeDecl] = [:]
        for case .type(let decl) in module.decls where declarations[decl.name.name] == nil {
            declarations[decl.name.name] = decl
        }
        self.declarations = declarations
    }

    /// The declaration inside the type `name` that constrains `path` (a diagnostic's field path).
    func locate(path: String, inType name: String) -> Provenance.Location? {
        guard let decl = declarations[name], let steps = DiagnosticPath.parse(path) else { return nil }
        return locate(steps[...], in: decl.type, depth: 0)
    }

    /// The field member of `block` that constrains `path`.
    func locate(path: String, inBlock block: Block) -> Provenance.Location? {
        guard let steps = DiagnosticPath.parse(path) else { return nil }
        return locate(steps[...], in: block, depth: 0)
    }

    private func locate(_ steps: ArraySlice<DiagnosticPath.Step>, in type: TypeExpr, depth: Int) -> Provenance.Location? {
        guard depth < Parser.maxNesting else { return nil }
        switch type.kind {
        case .named(let name, let refinement):
            if let refinement, let found = locate(steps, in: refinement, depth: depth + 1) { return found }
            if name.parts.count == 1, let decl = declarations[name.parts[0].name] {
                if steps.isEmpty { return location(of: decl.range, label: "type \(decl.name.name) = \(text(decl.type.range))") }
                return locate(steps, in: decl.type, depth: depth + 1)
            }
            return nil
        case .block(let block):
            return locate(steps, in: block, depth: depth + 1)
        case .paren(let inner), .message(let inner, _):
            return locate(steps, in: inner, depth: depth + 1)
        case .intersection(let terms), .union(let terms):
            for term in terms {
                if let found = locate(steps, in: term, depth: depth + 1) { return found }
            }
            return nil
        case .list(let element, _):
            guard case .selector? = steps.first else { return nil }
            return locate(steps.dropFirst(), in: element, depth: depth + 1)
        default:
            return nil
        }
    }

    private func locate(_ steps: ArraySlice<DiagnosticPath.Step>, in block: Block, depth: Int) -> Provenance.Location? {
        for member in block.members {
            guard case .field(let field) = member, let rest = DiagnosticPath.consume(field.path, from: steps) else { continue }
            if rest.isEmpty {
                // The field itself; a named type in its type is where the bound is spelled.
                var label = text(field.range)
                if case .named(let name, nil) = field.type.kind, name.parts.count == 1,
                    let decl = declarations[name.parts[0].name]
                {
                    label += " with type \(decl.name.name) = \(text(decl.type.range))"
                }
                return location(of: field.range, label: label)
            }
            if let found = locate(rest, in: field.type, depth: depth + 1) { return found }
            // Inside a type of another package (an imported schema), the field that names it is the
            // nearest declaration in this file.
            if case .named(let name, nil) = field.type.kind, name.parts.count > 1 {
                return location(of: field.range, label: text(field.range))
            }
        }
        return nil
    }

    private func location(of range: SourceRange, label: String) -> Provenance.Location {
        // A multi-line declaration is shown by its first line.
        let lines = label.split(separator: "\n", omittingEmptySubsequences: false)
        let shown = lines.count > 1 ? lines[0] + " ..." : label
        return Provenance.Location(file: file, line: range.start.line, column: range.start.column, label: shown)
    }

    private func text(_ range: SourceRange) -> String {
        let from = max(0, min(range.start.offset, source.count))
        let to = max(from, min(range.end.offset, source.count))
        return String(decoding: source[from..<to], as: UTF8.self)
    }
}

/// A diagnostic's field path (`.spec.containers[name="web"].image`, `["app.kubernetes.io/name"]`)
/// read back into steps.
enum DiagnosticPath {
    enum Step: Equatable {
        case field(String)
        /// The text inside `[...]` when it is not a quoted field name: `name="web"`, `0`.
        case selector(String)
    }

    /// The steps of `path`; nil when it is not in the form the validator renders.
    static func parse(_ path: String) -> [Step]? {
        var steps: [Step] = []
        let chars = Array(path.unicodeScalars)
        var i = 0
        while i < chars.count {
            if chars[i] == "." {
                var j = i + 1
                while j < chars.count, chars[j] != ".", chars[j] != "[" { j += 1 }
                steps.append(.field(String(String.UnicodeScalarView(chars[(i + 1)..<j]))))
                i = j
            } else if chars[i] == "[" {
                // Up to the matching `]`, skipping quoted text.
                var j = i + 1
                var quoted = false
                while j < chars.count {
                    if quoted, chars[j] == "\\" { j += 2; continue }
                    if chars[j] == "\"" { quoted.toggle() } else if chars[j] == "]", !quoted { break }
                    j += 1
                }
                guard j < chars.count else { return nil }
                let inner = String(String.UnicodeScalarView(chars[(i + 1)..<j]))
                if inner.hasPrefix("\""), inner.hasSuffix("\""), inner.count >= 2 {
                    steps.append(.field(unquote(inner)))
                } else {
                    steps.append(.selector(inner))
                }
                i = j + 1
            } else {
                return nil
            }
        }
        return steps
    }

    private static func unquote(_ text: String) -> String {
        var out = ""
        var escaped = false
        for c in text.dropFirst().dropLast() {
            if escaped {
                out.append(c == "n" ? "\n" : c)
                escaped = false
            } else if c == "\\" {
                escaped = true
            } else {
                out.append(c)
            }
        }
        return out
    }

    /// What remains of `steps` after a KGL path leads through them; nil when it does not.
    static func consume(_ path: Path, from steps: ArraySlice<Step>) -> ArraySlice<Step>? {
        var rest = steps
        for step in path.steps {
            guard let next = rest.first else { return nil }
            switch (step, next) {
            case (.field(let label), .field(let name)) where label.name == name: break
            case (.every, .selector): break
            case (.index(let n), .selector(let text)) where n.text == text: break
            case (.key(let matches, _), .selector(let text)):
                let wanted = matches.map { "\($0.label.name)=\(TypeCompiler.yamlText($0.value))" }.joined(separator: ",")
                guard wanted == text else { return nil }
            default: return nil
            }
            rest = rest.dropFirst()
        }
        return rest
    }
}
