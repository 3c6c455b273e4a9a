import KgitSchema
import KgitYAML

/// A default declared in a type (`spec.replicas?: int = 2`), with its absolute path in the type.
struct FieldDefault {
    var steps: [Path.Step]
    var value: Value
}

extension ConstraintLocator {
    /// The defaults declared in the type `name`, through refinements, nested blocks, list element
    /// types and the named types its fields use.
    func defaults(inType name: String) -> [FieldDefault] {
        guard let decl = declarations[name] else { return [] }
        var found: [FieldDefault] = []
        collect(decl.type, prefix: [], depth: 0, into: &found)
        return found
    }

    private func collect(_ type: TypeExpr, prefix: [Path.Step], depth: Int, into found: inout [FieldDefault]) {
        guard depth < Parser.maxNesting else { return }
        switch type.kind {
        case .named(let name, let refinement):
            if name.parts.count == 1, let decl = declarations[name.parts[0].name] {
                collect(decl.type, prefix: prefix, depth: depth + 1, into: &found)
            }
            if let refinement { collect(refinement, prefix: prefix, depth: depth + 1, into: &found) }
        case .block(let block):
            collect(block, prefix: prefix, depth: depth + 1, into: &found)
        case .paren(let inner), .message(let inner, _):
            collect(inner, prefix: prefix, depth: depth + 1, into: &found)
        case .intersection(let terms):
            for term in terms { collect(term, prefix: prefix, depth: depth + 1, into: &found) }
        case .list(let element, _):
            collect(element, prefix: prefix + [.every(type.range)], depth: depth + 1, into: &found)
        default:
            break
        }
    }

    private func collect(_ block: Block, prefix: [Path.Step], depth: Int, into found: inout [FieldDefault]) {
        for member in block.members {
            guard case .field(let field) = member else { continue }
            let steps = prefix + field.path.steps
            if let value = field.defaultValue { found.append(FieldDefault(steps: steps, value: value)) }
            collect(field.type, prefix: steps, depth: depth + 1, into: &found)
        }
    }
}

extension Renderer {
    /// Sets each default of `defaults` whose field is absent below an existing parent (`[*]`
    /// reaches every element). Values come from the KGL file and are recorded as `default`.
    mutating func applyDefaults(_ defaults: [FieldDefault], to root: inout Node) {
        for fieldDefault in defaults {
            applyDefault(&root, fieldDefault.steps[...], fieldDefault.value)
        }
    }

    private mutating func applyDefault(_ node: inout Node, _ steps: ArraySlice<Path.Step>, _ value: Value) {
        guard let step = steps.first else { return }
        switch step {
        case .field(let label):
            guard case .mapping(var pairs) = node.content else { return }
            if let index = pairs.firstIndex(where: { $0.key.string == label.name }) {
                if steps.count > 1 { applyDefault(&pairs[index].value, steps.dropFirst(), value) }
            } else if steps.count == 1 {
                let made = provenance.record(Renderer.node(value), label: "default", file: file, overriding: [])
                let key = Node(
                    content: .scalar(Node.Scalar(text: label.name, style: .plain, value: .string(label.name))),
                    start: made.start, end: made.end)
                pairs.append(Node.Pair(key: key, value: made))
            } else {
                return
            }
            node.content = .mapping(pairs)
        case .every, .key, .index:
            guard case .sequence(var items) = node.content else { return }
            for index in items.indices {
                var applies = true
                if case .index(let n) = step { applies = Int(n.text) == index }
                if case .key(let matches, _) = step { applies = Renderer.lookup(items[index], []) != nil && Renderer.matches(items[index], matches) }
                if applies { applyDefault(&items[index], steps.dropFirst(), value) }
            }
            node.content = .sequence(items)
        }
    }
}
