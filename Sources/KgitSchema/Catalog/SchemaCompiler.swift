import KgitYAML

/// Compiles JSON Schema (OpenAPI v3 with Kubernetes `x-kubernetes-*` extensions) into `Schema`s.
///
/// Two dialects share the code: the built-in Kubernetes definitions, where an object without
/// `additionalProperties` is closed unless it declares no properties at all (`FieldsV1`), and structural
/// CRD schemas, where an object is closed unless it says `x-kubernetes-preserve-unknown-fields: true`.
/// `$ref`s become shared `SchemaReference`s; the caller links them (see `KubernetesCatalog`).
struct SchemaCompiler {
    enum Dialect {
        case kubernetesDefinitions
        case structural
        /// JSON Schema and OpenAPI documents (`openapi:` and `jsonschema:` imports): an object is open
        /// unless `additionalProperties` says otherwise, and a schema without a type accepts null.
        case jsonSchema
    }

    let dialect: Dialect
    /// Supplies code-enforced rules for built-in definitions; nil for CRDs.
    let rules: KubernetesRules?
    /// References created so far, by definition name.
    private(set) var references: [String: SchemaReference] = [:]
    /// Names of references created and not yet linked.
    private(set) var unlinked: [String] = []
    /// Problems found while compiling (a bad pattern), as (JSON path, message).
    private(set) var problems: [(path: String, message: String)] = []
    /// Where the schema at a compiler path (`Widget.spec.size`) was declared, for schemas with an
    /// enumeration or a pattern; nil when positions are not known.
    var origin: ((String) -> String?)?

    init(dialect: Dialect, rules: KubernetesRules? = nil, references: [String: SchemaReference] = [:]) {
        self.dialect = dialect
        self.rules = rules
        self.references = references
    }

    /// Takes the names of the references that still need a definition compiled and linked.
    mutating func takeUnlinked() -> [String] {
        defer { unlinked = [] }
        return unlinked
    }

    /// Compiles the top-level definition `name`.
    mutating func compileDefinition(_ json: JSONValue, name: String) -> Schema {
        if name == "io.k8s.apimachinery.pkg.api.resource.Quantity" {
            return Schema(.quantity, nullable: true, description: json["description"]?.string, definitionName: name)
        }
        if name == "io.k8s.apimachinery.pkg.util.intstr.IntOrString" {
            return Schema(.intOrString, nullable: true, description: json["description"]?.string, definitionName: name)
        }
        return compile(json, path: name, definition: name, property: nil, inCombinator: false)
    }

    /// Compiles one schema object.
    /// - Parameters:
    ///   - definition: the definition the schema belongs to (for the code rules overlay).
    ///   - property: the property name this schema describes within `definition`, if any.
    mutating func compile(
        _ json: JSONValue, path: String, definition: String? = nil, property: String? = nil, inCombinator: Bool = false
    ) -> Schema {
        guard case .object = json else {
            // `true`/`false` schemas and anything else: accept anything.
            return Schema(.any, nullable: true)
        }
        let description = json["description"]?.string
        var enumValues = json["enum"]?.array.map { $0.compactMap(Self.scalarValue) }
        if let constant = json["const"].flatMap(Self.scalarValue) { enumValues = [constant] }
        var checks: [SchemaCheck] = []
        if let rules, let definition {
            if let property {
                if enumValues == nil, let values = rules.enumValues(definition: definition, property: property) {
                    // Go decodes an explicit "" like an unset field, which defaulting then fills in, so
                    // the empty string is accepted wherever the API server enforces an enumeration.
                    enumValues = values.map { .string($0) } + (values.contains("") ? [] : [.string("")])
                }
                checks += rules.checks(definition: definition, property: property)
            } else {
                checks += rules.checks(definition: definition)
            }
        }
        let patchStrategy = json["x-kubernetes-patch-strategy"]?.string.map(PatchStrategy.init(parsing:)) ?? []
        let patchMergeKey = json["x-kubernetes-patch-merge-key"]?.string

        if let ref = json["$ref"]?.string {
            let name = Self.definitionName(fromRef: ref)
            let reference = reference(named: name)
            return Schema(
                .reference(reference), nullable: true, description: description, enumValues: enumValues, checks: checks,
                patchStrategy: patchStrategy, patchMergeKey: patchMergeKey, definitionName: nil)
        }

        var types: [String] = []
        switch json["type"] {
        case .string(let single)?: types = [single]
        case .array(let many)?: types = many.compactMap(\.string)
        default: break
        }
        var nullable = types.contains("null") || json["nullable"]?.bool == true
        types.removeAll { $0 == "null" }
        let preserveUnknown = json["x-kubernetes-preserve-unknown-fields"]?.bool == true

        let shape: Schema.Shape
        var perType: [Schema] = []
        if json["x-kubernetes-int-or-string"]?.bool == true {
            shape = .intOrString
        } else if dialect == .jsonSchema, let families = Self.typeFamilies(json, types: types) {
            // JSON Schema applies a type's keywords (`minimum`, `maxLength`...) only to values of that type,
            // and a list of types admits each of them: the schema accepts any value, with one conditional
            // per type and, for a list, a check that the value has one of the listed types.
            shape = .any
            for family in families {
                let typeOnly: JSONValue = .object([("type", .string(family))])
                let keywords = (json.members ?? []).filter { Self.keywords(of: family).contains($0.0) }
                guard !keywords.isEmpty else { continue }
                let condition = Schema.Conditional(
                    if: compile(typeOnly, path: path, inCombinator: true),
                    then: compile(.object([("type", .string(family))] + keywords), path: path), else: nil)
                perType.append(Schema(.any, nullable: true, conditional: condition))
            }
            if types.count > 1 { checks.append(Self.typeListCheck(types)) }
        } else {
            switch types.first {
            case "object"?:
                shape = .object(compileObject(json, path: path, definition: definition, preserveUnknown: preserveUnknown, inCombinator: inCombinator))
            case "array"?:
                shape = .array(compileArray(json, path: path, definition: definition, property: property))
            case "string"?:
                shape = .string(compileString(json, path: path))
            case "integer"?:
                shape = .integer(Self.numeric(json))
            case "number"?:
                shape = .number(Self.numeric(json))
            case "boolean"?:
                shape = .boolean
            default:
                if json["properties"] != nil || json["required"] != nil || json["additionalProperties"] != nil
                    || json["patternProperties"] != nil
                {
                    shape = .object(compileObject(json, path: path, definition: definition, preserveUnknown: preserveUnknown, inCombinator: inCombinator))
                } else if json["items"] != nil {
                    shape = .array(compileArray(json, path: path, definition: definition, property: property))
                } else {
                    shape = .any
                    if dialect != .structural || inCombinator { nullable = true }
                }
            }
        }
        if case .intOrString = shape, dialect == .kubernetesDefinitions { nullable = true }

        let allOf = (json["allOf"]?.array ?? []).enumerated().map { index, sub in
            compile(sub, path: "\(path).allOf[\(index)]", inCombinator: true)
        } + perType
        let anyOf = (json["anyOf"]?.array ?? []).enumerated().map { index, sub in
            compile(sub, path: "\(path).anyOf[\(index)]", inCombinator: true)
        }
        let oneOf = (json["oneOf"]?.array ?? []).enumerated().map { index, sub in
            compile(sub, path: "\(path).oneOf[\(index)]", inCombinator: true)
        }
        let not = json["not"].map { compile($0, path: "\(path).not", inCombinator: true) }
        let conditional = json["if"].map { condition in
            Schema.Conditional(
                if: compile(condition, path: "\(path).if", inCombinator: true),
                then: json["then"].map { compile($0, path: "\(path).then", inCombinator: true) },
                else: json["else"].map { compile($0, path: "\(path).else", inCombinator: true) })
        }
        let validations: [ValidationRule] = (json["x-kubernetes-validations"]?.array ?? []).compactMap { rule in
            guard let text = rule["rule"]?.string else { return nil }
            return ValidationRule(
                rule: text, message: rule["message"]?.string, messageExpression: rule["messageExpression"]?.string,
                fieldPath: rule["fieldPath"]?.string, reason: rule["reason"]?.string,
                optionalOldSelf: rule["optionalOldSelf"]?.bool ?? false)
        }
        return Schema(
            shape, nullable: nullable, description: description, enumValues: enumValues, allOf: allOf, anyOf: anyOf,
            oneOf: oneOf, not: not, validations: validations,
            checks: validations.isEmpty ? checks : checks + [CELRuleCheck.check(validations)], patchStrategy: patchStrategy,
            patchMergeKey: patchMergeKey, definitionName: property == nil ? definition : nil,
            origin: enumValues != nil || json["pattern"] != nil ? origin?(path) : nil, conditional: conditional)
    }

    // MARK: - Shapes

    private mutating func compileObject(
        _ json: JSONValue, path: String, definition: String?, preserveUnknown: Bool, inCombinator: Bool
    ) -> ObjectSchema {
        var properties: [String: Schema] = [:]
        var names: [String] = []
        for (name, sub) in json["properties"]?.members ?? [] {
            properties[name] = compile(sub, path: "\(path).\(name)", definition: definition, property: name)
            names.append(name)
        }
        let additional: ObjectSchema.AdditionalProperties
        switch json["additionalProperties"] {
        case .bool(false)?:
            additional = preserveUnknown ? .preserveUnknown : .closed
        case .bool(true)?:
            additional = .preserveUnknown
        case let sub?:
            additional = .typed(compile(sub, path: "\(path).additionalProperties"))
        case nil:
            switch dialect {
            case _ where preserveUnknown || inCombinator:
                additional = .preserveUnknown
            case .kubernetesDefinitions:
                additional = properties.isEmpty ? .preserveUnknown : .closed
            case .structural:
                additional = .closed
            case .jsonSchema:
                additional = .preserveUnknown
            }
        }
        var patternProperties: [ObjectSchema.PatternProperty] = []
        for (source, sub) in json["patternProperties"]?.members ?? [] {
            do {
                let pattern = try SchemaPattern(source)
                let schema = compile(sub, path: "\(path).patternProperties[\(source)]")
                patternProperties.append(ObjectSchema.PatternProperty(pattern: pattern, schema: schema))
            } catch {
                problems.append((path, "\(error) (patterns are read as RE2 regular expressions)"))
            }
        }
        var unions: [DiscriminatedUnion] = []
        for union in json["x-kubernetes-unions"]?.array ?? [] {
            var fields: [String: String] = [:]
            for (field, value) in union["fields-to-discriminateBy"]?.members ?? [] {
                fields[field] = value.string ?? field
            }
            unions.append(DiscriminatedUnion(discriminator: union["discriminator"]?.string, fields: fields))
        }
        return ObjectSchema(
            properties: properties, propertyNames: names, required: json["required"]?.strings ?? [],
            additionalProperties: additional,
            embeddedResource: json["x-kubernetes-embedded-resource"]?.bool == true,
            mapType: json["x-kubernetes-map-type"]?.string.flatMap(ObjectSchema.MapType.init(rawValue:)),
            minProperties: json["minProperties"]?.count,
            maxProperties: json["maxProperties"]?.count,
            unions: unions, patternProperties: patternProperties)
    }

    private mutating func compileArray(_ json: JSONValue, path: String, definition: String?, property: String?) -> ArraySchema {
        let items = json["items"].map { compile($0, path: "\(path)[]") } ?? Schema(.any, nullable: true)
        var listType: ArraySchema.ListType?
        switch json["x-kubernetes-list-type"]?.string {
        case "atomic"?: listType = .atomic
        case "set"?: listType = .set
        case "map"?: listType = .map(keys: json["x-kubernetes-list-map-keys"]?.strings ?? [])
        default: listType = nil
        }
        return ArraySchema(
            items: items, listType: listType, minItems: json["minItems"]?.count,
            maxItems: json["maxItems"]?.count, uniqueItems: json["uniqueItems"]?.bool ?? false)
    }

    private mutating func compileString(_ json: JSONValue, path: String) -> StringSchema {
        var pattern: SchemaPattern?
        if let source = json["pattern"]?.string {
            do {
                pattern = try SchemaPattern(source)
            } catch {
                problems.append((path, "\(error) (Kubernetes reads patterns as RE2 regular expressions)"))
            }
        }
        return StringSchema(
            format: json["format"]?.string, pattern: pattern, minLength: json["minLength"]?.count,
            maxLength: json["maxLength"]?.count)
    }

    /// The types whose keywords a JSON Schema applies conditionally: every listed type when `type` lists
    /// several, the types its keywords belong to when it has no `type` and nothing else gives it a shape,
    /// nil otherwise (the schema has one shape).
    static func typeFamilies(_ json: JSONValue, types: [String]) -> [String]? {
        if types.count > 1 { return types }
        guard types.isEmpty else { return nil }
        for shaping in ["properties", "required", "additionalProperties", "patternProperties", "items"]
        where json[shaping] != nil {
            return nil
        }
        let families = ["number", "string", "array", "object"].filter { family in
            keywords(of: family).contains { json[$0] != nil }
        }
        return families.isEmpty ? nil : families
    }

    /// The keywords that constrain only values of `family` (a JSON Schema type name).
    static func keywords(of family: String) -> [String] {
        switch family {
        case "integer", "number": return ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "format"]
        case "string": return ["minLength", "maxLength", "pattern", "format"]
        case "array": return ["items", "minItems", "maxItems", "uniqueItems"]
        case "object":
            return ["properties", "required", "additionalProperties", "patternProperties", "minProperties", "maxProperties"]
        default: return []
        }
    }

    /// Reports a value whose type is none of `types` (a JSON Schema type list, `null` already removed).
    static func typeListCheck(_ types: [String]) -> SchemaCheck {
        let expected = types.count == 2
            ? "\(types[0]) or \(types[1])"
            : types.dropLast().joined(separator: ", ") + " or " + (types.last ?? "")
        return SchemaCheck(name: "json-schema.type") { node, context in
            let found: Set<String>
            switch node.content {
            case .mapping: found = ["object"]
            case .sequence: found = ["array"]
            case .scalar(let scalar):
                switch scalar.value {
                case .null: found = ["null"]
                case .bool: found = ["boolean"]
                case .int: found = ["integer", "number"]
                case .float(let value): found = value == value.rounded() ? ["integer", "number"] : ["number"]
                case .string: found = ["string"]
                }
            }
            guard !types.contains(where: found.contains) else { return }
            context.report(.typeMismatch, "expected \(expected), found \(NodeValidator.describe(node))", at: node, path: [])
        }
    }

    private static func numeric(_ json: JSONValue) -> NumericSchema {
        var schema = NumericSchema(format: json["format"]?.string, minimum: json["minimum"]?.number, maximum: json["maximum"]?.number)
        // OpenAPI v3.0 uses booleans; JSON Schema 2020-12 uses the bound itself.
        switch json["exclusiveMinimum"] {
        case .bool(let exclusive)?: schema.exclusiveMinimum = exclusive
        case .number(let bound)?:
            // With both, the tighter bound holds.
            if schema.minimum.map({ bound >= $0 }) ?? true {
                schema.minimum = bound
                schema.exclusiveMinimum = true
            }
        default: break
        }
        switch json["exclusiveMaximum"] {
        case .bool(let exclusive)?: schema.exclusiveMaximum = exclusive
        case .number(let bound)?:
            if schema.maximum.map({ bound <= $0 }) ?? true {
                schema.maximum = bound
                schema.exclusiveMaximum = true
            }
        default: break
        }
        schema.multipleOf = json["multipleOf"]?.number
        return schema
    }

    // MARK: - Helpers

    private mutating func reference(named name: String) -> SchemaReference {
        if let existing = references[name] { return existing }
        let reference = SchemaReference(name: name)
        references[name] = reference
        unlinked.append(name)
        return reference
    }

    static func definitionName(fromRef ref: String) -> String {
        for prefix in ["#/$defs/", "#/definitions/", "#/components/schemas/"] where ref.hasPrefix(prefix) {
            return String(ref.dropFirst(prefix.count))
        }
        return ref
    }

    static func scalarValue(_ json: JSONValue) -> ScalarValue? {
        switch json {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .string(let s): return .string(s)
        case .number(let n):
            if n == n.rounded(), abs(n) < 9.0e18 { return .int(Int(n)) }
            return .float(n)
        case .array, .object: return nil
        }
    }
}
