import KgitYAML
import KgitSchema

// Struct blocks and refinements.
extension TypeCompiler {
    /// The fields of a block as a tree, so that `a.b: T` and `a.c: U` share the object `a`.
    struct FieldTree {
        indirect enum Entry {
            case leaf(Schema, required: Bool)
            case branch(FieldTree)
        }

        var names: [String] = []
        var entries: [String: Entry] = [:]

        /// Adds `schema` at `path`; false when the path is already taken.
        mutating func insert(_ path: ArraySlice<String>, _ schema: Schema, required: Bool) -> Bool {
            guard let name = path.first else { return false }
            if path.count == 1 {
                guard entries[name] == nil else { return false }
                names.append(name)
                entries[name] = .leaf(schema, required: required)
                return true
            }
            var subtree = FieldTree()
            switch entries[name] {
            case .leaf?: return false
            case .branch(let existing)?: subtree = existing
            case nil: names.append(name)
            }
            let inserted = subtree.insert(path.dropFirst(), schema, required: required)
            entries[name] = .branch(subtree)
            return inserted
        }

        /// True when some field below is required (then the object holding it is required too).
        var hasRequired: Bool {
            entries.values.contains { (entry: Entry) -> Bool in
                switch entry {
                case .leaf(_, let isRequired): return isRequired
                case .branch(let tree): return tree.hasRequired
                }
            }
        }

        func object(additional: ObjectSchema.AdditionalProperties = .closed) -> ObjectSchema {
            var properties: [String: Schema] = [:]
            var required: [String] = []
            for name in names {
                switch entries[name] {
                case .leaf(let schema, let isRequired)?:
                    properties[name] = schema
                    if isRequired { required.append(name) }
                case .branch(let tree)?:
                    properties[name] = Schema(.object(tree.object()))
                    if tree.hasRequired { required.append(name) }
                case nil:
                    break
                }
            }
            return ObjectSchema(
                properties: properties, propertyNames: names, required: required, additionalProperties: additional)
        }
    }

    mutating func compileBlock(_ block: Block) -> Schema? {
        var tree = FieldTree()
        var additional = ObjectSchema.AdditionalProperties.closed
        var validations: [ValidationRule] = []
        var rules: [CELRuleCheck.Compiled] = []
        var failed = false
        for member in block.members {
            switch member {
            case .field(let field):
                guard let labels = fieldNames(field.path) else { continue }
                guard let schema = compileType(field.type) else {
                    failed = true
                    continue
                }
                if let value = field.defaultValue { pendingDefaults.append((value, schema)) }
                if !tree.insert(labels[...], schema, required: !field.optional) {
                    report(.duplicateField, "field \(labels.joined(separator: ".")) is declared twice", at: field.path.range)
                }
            case .map(_, let value, _):
                guard let schema = compileType(value) else {
                    failed = true
                    continue
                }
                additional = .typed(schema)
            case .open:
                additional = .preserveUnknown
            case .rule(let rule):
                validations.append(validationRule(rule))
                if let compiled = compiledRule(rule) { rules.append(compiled) }
            }
        }
        if failed { return nil }
        return Schema(
            .object(tree.object(additional: additional)), validations: validations,
            checks: rules.isEmpty ? [] : [CELRuleCheck.check(rules, quantityComparisons: true)])
    }

    /// The field names of a path made only of field steps; element steps are reported.
    private mutating func fieldNames(_ path: Path) -> [String]? {
        var names: [String] = []
        for step in path.steps {
            guard case .field(let label) = step else {
                report(.notSupportedYet, "element paths such as [*] are checked only in refinements, not yet here", at: path.range)
                return nil
            }
            names.append(label.name)
        }
        return names
    }

    /// A rule as the CEL data the schema model keeps: `when` becomes `!(guard) || (body)`.
    func validationRule(_ rule: Rule) -> ValidationRule {
        var body = text(rule.body.range)
        if let when = rule.when { body = "!(\(text(when.range))) || (\(body))" }
        return ValidationRule(rule: body, message: rule.message.value, fieldPath: rule.at.map { text($0.range) })
    }

    /// Reports a refinement whose enumeration admits a value the base's enumeration excludes: a
    /// refinement may only remove members. The message names both declarations.
    mutating func checkEnumNarrows(_ base: Schema, _ refined: Schema, field: Block.Field) {
        guard let old = base.enumValues ?? base.resolved?.enumValues, let new = refined.enumValues ?? refined.resolved?.enumValues
        else { return }
        let added = new.filter { value in !old.contains { TypeCompiler.sameValue($0, value) } }
        guard !added.isEmpty else { return }
        let shown = added.map(TypeCompiler.describe).joined(separator: ", ")
        let baseOrigin = base.origin ?? base.resolved?.origin
        let declared = baseOrigin.map { "the enumeration declared at \($0)" } ?? "the base's enumeration"
        report(
            .refinementWidens,
            "\(pathText(field.path)): the refinement at \(file):\(field.range.start) allows \(shown), which \(declared) excludes; a refinement may only remove members",
            at: field.type.range,
            notes: ["the base allows \(old.map(TypeCompiler.describe).joined(separator: ", "))"])
    }

    /// Equal scalars, with 1 and 1.0 the same number.
    static func sameValue(_ a: ScalarValue, _ b: ScalarValue) -> Bool {
        switch (a, b) {
        case (.int(let x), .float(let y)), (.float(let y), .int(let x)): return Double(x) == y
        default: return a == b
        }
    }

    /// A scalar as KGL writes it: strings quoted.
    static func describe(_ value: ScalarValue) -> String {
        switch value {
        case .null: return "null"
        case .bool(let b): return "\(b)"
        case .int(let i): return "\(i)"
        case .float(let f): return NumberText.format(f)
        case .string(let s): return s.debugDescription
        }
    }

    /// A path as written (`spec.template.spec.containers[*]`), for messages.
    func pathText(_ path: Path) -> String { text(path.range) }

    /// A rule parsed for evaluation: its body and guard as CEL, errors located in the KGL file;
    /// nil (reported as `kgl-invalid-rule`) when either is outside the CEL subset.
    mutating func compiledRule(_ rule: Rule) -> CELRuleCheck.Compiled? {
        var programs: [CELExpression] = []
        for expression in [rule.when, rule.body].compactMap({ $0 }) {
            let text = text(expression.range)
            do throws(CELError) {
                programs.append(try CELParser.parse(text))
            } catch {
                let at = TypeCompiler.position(of: error.offset, in: text, from: expression.range.start)
                report(.invalidRule, "the rule is not in kgit's CEL subset: \(error.message)", at: .at(at))
                return nil
            }
        }
        let body = text(rule.body.range)
        let start = rule.body.range.start
        let file = self.file
        let where_ = "rule \(rule.message.text) declared at \(file):\(rule.range.start)"
        return CELRuleCheck.Compiled(
            ValidationRule(rule: body, message: rule.message.value, fieldPath: rule.at.map { text($0.range) }),
            guard: rule.when == nil ? nil : programs.first, notes: [where_],
            locate: { offset in "\(file):\(TypeCompiler.position(of: offset, in: body, from: start))" })
    }

    /// The position of the character at `offset` of `text`, which starts at `start`.
    static func position(of offset: Int, in text: String, from start: Mark) -> Mark {
        var line = start.line
        var column = start.column
        var bytes = start.offset
        for (index, scalar) in text.unicodeScalars.enumerated() {
            if index == offset { break }
            bytes += scalar.utf8.count
            if scalar == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return Mark(line: line, column: column, offset: bytes)
    }

    // MARK: - Refinement

    /// `Base { ... }`: Base narrowed by the block; adding a field Base lacks is an error.
    mutating func refine(_ base: Schema, named name: QualIdent, with block: Block) -> Schema? {
        guard let target = base.resolved, case .object = target.shape else {
            report(.invalidConstraint, "only struct types can be refined; \(name.dotted) is a \(base.typeDescription)", at: name.range)
            return nil
        }
        var result: Schema? = target
        var validations: [ValidationRule] = []
        var rules: [CELRuleCheck.Compiled] = []
        for member in block.members {
            switch member {
            case .field(let field):
                guard let current = result else { continue }
                result = narrow(current, along: field.path.steps[...], field: field)
            case .rule(let rule):
                validations.append(validationRule(rule))
                if let compiled = compiledRule(rule) { rules.append(compiled) }
            case .map(_, _, let range), .open(let range):
                report(.notSupportedYet, "a refinement cannot change which extra fields a struct admits yet", at: range)
            }
        }
        return result.map {
            rebuilt($0, validations: validations, checks: rules.isEmpty ? [] : [CELRuleCheck.check(rules, quantityComparisons: true)])
        }
    }

    /// `schema` with the field at `steps` narrowed by `field`'s type (and made required unless `?`).
    private mutating func narrow(_ schema: Schema, along steps: ArraySlice<Path.Step>, field: Block.Field) -> Schema? {
        guard let step = steps.first else {
            if case .message(let inner, let message) = field.type.kind {
                // `path: T else "message"`: the message covers the refined field (not its parents).
                var unwrapped = field
                unwrapped.type = inner
                guard let narrowed = narrow(schema, along: steps, field: unwrapped) else { return nil }
                return carryBounds(from: narrowed, to: narrowed.with(errorMessage: message.value))
            }
            let terms: [TypeExpr]
            if case .intersection(let all) = field.type.kind { terms = all } else { terms = [field.type] }
            if terms.allSatisfy(TypeCompiler.isConstraint) {
                guard let narrowed = compileIntersection(terms, seed: schema) else { return nil }
                checkNarrows(schema, refinement: termBounds(terms, quantity: Self.isQuantity(schema)), field: field)
                return narrowed
            }
            // A block at a path of a refinement refines what is there (`containers[*]: { rule ... }`).
            if case .block(let block) = field.type.kind, schema.objectSchema != nil {
                let name = QualIdent(parts: [Ident(name: pathText(field.path), range: field.path.range)], range: field.path.range)
                return refine(schema, named: name, with: block)
            }
            guard let narrower = compileType(field.type) else { return nil }
            checkNarrows(schema, refinement: effectiveBounds(narrower), field: field)
            checkEnumNarrows(schema, narrower, field: field)
            return rebuilt(schema, allOf: [narrower])
        }
        let resolved = schema.resolved ?? schema
        switch (step, resolved.shape) {
        case (.field(let label), .object(var object)):
            // A key of a map (`limits.memory`) narrows the map's value type for that key.
            if object.properties[label.name] == nil, case .typed(let values) = object.additionalProperties {
                guard let narrowed = narrow(values, along: steps.dropFirst(), field: field) else { return nil }
                object.properties[label.name] = narrowed
                object.propertyNames.append(label.name)
                if steps.count == 1, !field.optional { object.required.append(label.name) }
                return rebuilt(resolved, shape: .object(object))
            }
            // An open struct has every field: naming one constrains it.
            if object.properties[label.name] == nil, case .preserveUnknown = object.additionalProperties {
                guard let narrowed = narrow(Schema(.any, nullable: true), along: steps.dropFirst(), field: field) else { return nil }
                object.properties[label.name] = narrowed
                object.propertyNames.append(label.name)
                if steps.count == 1, !field.optional { object.required.append(label.name) }
                return rebuilt(resolved, shape: .object(object))
            }
            guard let property = object.properties[label.name] else {
                let notes = NameSuggestion.closest(to: label.name, among: object.propertyNames).map { ["did you mean \($0)?"] } ?? []
                report(
                    .refinementAddsField, "a refinement cannot add field \(label.name): the base type does not have it",
                    at: label.range, notes: notes)
                return nil
            }
            guard let narrowed = narrow(property, along: steps.dropFirst(), field: field) else { return nil }
            if steps.count == 1, let value = field.defaultValue { pendingDefaults.append((value, narrowed)) }
            object.properties[label.name] = narrowed
            if steps.count == 1, !field.optional, !object.required.contains(label.name) {
                object.required.append(label.name)
            }
            return rebuilt(resolved, shape: .object(object))
        case (.every, .array(var array)):
            guard let items = narrow(array.items, along: steps.dropFirst(), field: field) else { return nil }
            array.items = items
            return rebuilt(resolved, shape: .array(array))
        default:
            report(.notSupportedYet, "this path step does not address a field or the elements of a list of the base type", at: field.path.range)
            return nil
        }
    }
}
