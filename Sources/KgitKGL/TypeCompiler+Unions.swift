import KgitSchema
import KgitYAML

// Unions of structs, discriminated by a literal field: the checker picks one branch by the
// discriminator's value and reports errors against that branch only.
extension TypeCompiler {
    /// A union of the struct schemas `branches`: a check that picks the branch whose discriminator
    /// literal the value holds. Reports `kgl-union-not-discriminable` when no field tells the
    /// branches apart.
    mutating func discriminated(_ branches: [Schema], nullable: Bool, terms: [TypeExpr]) -> Schema? {
        let objects = branches.compactMap(\.objectSchema)
        // A field every branch requires, with a literal type of one value, different in each branch.
        let candidates = objects.first?.propertyNames ?? []
        var discriminator: (field: String, values: [String])?
        for field in candidates {
            var values: [String] = []
            for object in objects {
                guard object.required.contains(field), let schema = object.properties[field]?.resolved,
                    let literals = schema.enumValues, literals.count == 1, case .string(let value) = literals[0]
                else { break }
                values.append(value)
            }
            if values.count == objects.count, Set(values).count == values.count {
                discriminator = (field, values)
                break
            }
        }
        guard let discriminator else {
            let range = terms.first.map { $0.range.union(terms[terms.count - 1].range) } ?? SourceRange.at(Mark(line: 1, column: 1, offset: 0))
            report(
                .unionNotDiscriminable,
                "this union of structs cannot be discriminated: no field is a different string literal in every branch",
                at: range, notes: ["give each branch a required field such as type: \"name\", with its own value"])
            return nil
        }
        let table = Dictionary(uniqueKeysWithValues: zip(discriminator.values, branches))
        return Schema(
            .any, nullable: nullable,
            checks: [TypeCompiler.unionCheck(field: discriminator.field, values: discriminator.values, branches: table)])
    }

    static func unionCheck(field: String, values: [String], branches: [String: Schema]) -> SchemaCheck {
        let expected = values.map { $0.debugDescription }.joined(separator: ", ")
        return SchemaCheck(name: "kgl.union") { node, context in
            guard node.mapping != nil else {
                context.report(
                    .typeMismatch, "expected an object (a union discriminated by `\(field)`), found \(node.kindDescription)",
                    at: node, path: [])
                return
            }
            guard let tag = node[field] else {
                context.report(
                    .unionDiscriminator, "missing `\(field)`, which picks the branch of the union: expected one of \(expected)",
                    at: node, path: [.field(field)])
                return
            }
            guard let value = tag.scalar?.text, let branch = branches[value] else {
                let notes = tag.scalar.flatMap { NameSuggestion.closest(to: $0.text, among: values) }.map { ["did you mean \($0.debugDescription)?"] } ?? []
                context.report(
                    .unionDiscriminator, "`\(field)` is \(tag.scalar.map { $0.text.debugDescription } ?? tag.kindDescription), which names no branch of the union: expected one of \(expected)",
                    at: tag, path: [.field(field)], notes: notes)
                return
            }
            for diagnostic in Validator.validate(node, against: branch, kind: context.kind) {
                let code = DiagnosticCode(rawValue: diagnostic.code) ?? .oneOf
                let at = Node(
                    content: .scalar(Node.Scalar(text: "", style: .plain, value: .null)), start: diagnostic.start,
                    end: diagnostic.end ?? diagnostic.start)
                context.report(
                    code, "\(diagnostic.message) (in the union's branch \(field): \(value.debugDescription))", at: at,
                    path: components(diagnostic.path, in: node), notes: diagnostic.notes, severity: diagnostic.severity)
            }
        }
    }

    /// A rendered field path read back into components, finding keyed elements in `node`.
    static func components(_ path: String, in node: Node) -> [PathComponent] {
        guard let steps = DiagnosticPath.parse(path) else { return [] }
        var result: [PathComponent] = []
        var current: Node? = node
        for step in steps {
            switch step {
            case .field(let name):
                result.append(.field(name))
                current = current?[name]
            case .selector(let text):
                if let index = Int(text) {
                    result.append(.index(index))
                    current = current?.sequence.flatMap { $0.indices.contains(index) ? $0[index] : nil }
                    continue
                }
                let keys = text.split(separator: ",").compactMap { $0.split(separator: "=").first.map(String.init) }
                let items = current?.sequence ?? []
                if let index = items.indices.first(where: { PathComponent.render([.element($0, item: items[$0], keys: keys)]) == "[\(text)]" }) {
                    result.append(.element(index, item: items[index], keys: keys))
                    current = items[index]
                } else {
                    result.append(.field(text))
                    current = nil
                }
            }
        }
        return result
    }
}
