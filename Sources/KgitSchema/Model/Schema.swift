import KgitYAML

/// A compiled type: the one representation that built-in Kubernetes kinds, CustomResourceDefinition
/// `openAPIV3Schema`s and KGL all compile into, and that the validator checks YAML nodes against.
///
/// A schema is immutable once built and shared by reference: the 707 Kubernetes definitions are
/// compiled once and every property that names `ObjectMeta` points at the same instance (through a
/// `SchemaReference`, which also makes recursive types possible).
///
/// The `shape` says what JSON value is expected (object, array, string...). Everything else is an
/// extra constraint or annotation that applies whatever the shape: `nullable`, `enumValues`, the
/// JSON-Schema combinators `allOf`/`anyOf`/`oneOf`/`not` (value validations, as in a structural CRD
/// schema), CEL `validations` (kept as data), `checks` (rules written in code), and the patch strategy
/// used by strategic merge patch.
public final class Schema: Sendable {
    /// What kind of value the schema accepts.
    public enum Shape: Sendable {
        /// Any value at all (`{}` in JSON Schema, `x-kubernetes-preserve-unknown-fields` with no type,
        /// `RawExtension`, `JSON`).
        case any
        /// A mapping with known properties and a policy for the others.
        case object(ObjectSchema)
        /// A sequence.
        case array(ArraySchema)
        /// A string with optional constraints.
        case string(StringSchema)
        /// A whole number.
        case integer(NumericSchema)
        /// Any number (a whole number is accepted).
        case number(NumericSchema)
        /// `true` or `false`.
        case boolean
        /// An integer or a string (`x-kubernetes-int-or-string`, Kubernetes `IntOrString`).
        case intOrString
        /// A Kubernetes resource quantity: a number, or a string such as `100m` or `1Gi`.
        case quantity
        /// Another schema, by reference (shared or recursive definitions).
        case reference(SchemaReference)
    }

    /// JSON Schema `if`/`then`/`else`: a value that matches `if` must match `then`, any other
    /// value must match `else` (either may be absent).
    public struct Conditional: Sendable {
        /// The condition; checking a value against it reports nothing.
        public var `if`: Schema
        /// What a value matching the condition must also match.
        public var then: Schema?
        /// What a value not matching the condition must match.
        public var `else`: Schema?

        /// A conditional with the given branches.
        public init(if condition: Schema, then: Schema?, else otherwise: Schema?) {
            self.if = condition
            self.then = then
            self.else = otherwise
        }
    }

    // The fields the validator reads for every value come first, so that they share the object's first
    // cache line with the start of `shape` (declared last, they sat three or four lines away from it).

    /// A message that replaces the validator's own when a value violates this schema (KGL's
    /// `T else "message"`); the validator's message is kept as a note.
    public let errorMessage: String?
    /// True when `null` is accepted in place of the value.
    public let nullable: Bool
    /// True when every string value is valid and nothing else looks at it: a `.string` shape without a
    /// length, a pattern or a checked format (`date-time`, `byte`), no constraints and no `else` message.
    /// The validator does not walk string scalars into such a schema (most manifest fields are these).
    let acceptsAnyString: Bool
    /// True when the schema has code checks, an enumeration or combinators: what the validator applies
    /// after a value's shape (computed once, so that the common schema without any is passed by quickly).
    let hasConstraints: Bool
    /// True when the schema has combinators (`allOf`, `anyOf`, `oneOf`, `not`, `if`): computed once, so
    /// that the validator does not read five properties (retaining the arrays) for every value with checks.
    let hasCombinators: Bool
    /// What kind of value is expected.
    public let shape: Shape
    /// The reference of a `.reference` shape, not retained (`shape` keeps it), for the validator: a plain
    /// load, where matching `shape` copies it (a retain and a release per value).
    let unretainedReference: Unmanaged<SchemaReference>?
    /// The human documentation of the field or type, when known.
    public let description: String?
    /// The allowed values, when the schema is an enumeration (compared by resolved scalar value).
    public let enumValues: [ScalarValue]?
    /// Value validations that must all hold (`allOf`).
    public let allOf: [Schema]
    /// Value validations of which at least one must hold (`anyOf`).
    public let anyOf: [Schema]
    /// Value validations of which exactly one must hold (`oneOf`).
    public let oneOf: [Schema]
    /// A value validation that must not hold (`not`).
    public let not: Schema?
    /// CEL rules (`x-kubernetes-validations`), kept as data; they are not evaluated yet.
    public let validations: [ValidationRule]
    /// Rules written in code that run on every value this schema checks (see `SchemaCheck`).
    public let checks: [SchemaCheck]
    /// The strategic-merge-patch strategy of this field (`x-kubernetes-patch-strategy`).
    public let patchStrategy: PatchStrategy
    /// The key that identifies list elements in a strategic merge patch (`x-kubernetes-patch-merge-key`).
    public let patchMergeKey: String?
    /// The name of the definition this schema was compiled from (`io.k8s.api.core.v1.Container`), if any.
    public let definitionName: String?
    /// Where this schema's enumeration or pattern was declared (`types.kgl:3:12`,
    /// `api/openapi.yaml:14:11`), when known; diagnostics about them name it.
    public let origin: String?
    /// A value validation applied by condition (JSON Schema `if`/`then`/`else`).
    public let conditional: Conditional?

    /// Creates a schema; every argument but `shape` has a neutral default.
    public init(
        _ shape: Shape, nullable: Bool = false, description: String? = nil, enumValues: [ScalarValue]? = nil,
        allOf: [Schema] = [], anyOf: [Schema] = [], oneOf: [Schema] = [], not: Schema? = nil,
        validations: [ValidationRule] = [], checks: [SchemaCheck] = [], patchStrategy: PatchStrategy = [],
        patchMergeKey: String? = nil, definitionName: String? = nil, errorMessage: String? = nil, origin: String? = nil,
        conditional: Conditional? = nil
    ) {
        self.shape = shape
        if case .reference(let reference) = shape {
            unretainedReference = Unmanaged.passUnretained(reference)
        } else {
            unretainedReference = nil
        }
        self.nullable = nullable
        self.description = description
        self.enumValues = enumValues
        self.allOf = allOf
        self.anyOf = anyOf
        self.oneOf = oneOf
        self.not = not
        self.validations = validations
        self.checks = checks
        self.patchStrategy = patchStrategy
        self.patchMergeKey = patchMergeKey
        self.definitionName = definitionName
        self.errorMessage = errorMessage
        self.origin = origin
        self.conditional = conditional
        self.hasCombinators = !allOf.isEmpty || !anyOf.isEmpty || !oneOf.isEmpty || not != nil || conditional != nil
        self.hasConstraints = !checks.isEmpty || enumValues != nil || hasCombinators
        if case .string(let string) = shape, string.minLength == nil, string.maxLength == nil, string.pattern == nil,
            string.format != "date-time", string.format != "byte", !hasConstraints, errorMessage == nil
        {
            acceptsAnyString = true
        } else {
            acceptsAnyString = false
        }
    }

    /// A copy of this schema with some annotations replaced (the shape is shared, not copied).
    public func with(
        description: String?? = nil, enumValues: [ScalarValue]?? = nil, checks: [SchemaCheck]? = nil,
        patchStrategy: PatchStrategy? = nil, patchMergeKey: String?? = nil, nullable: Bool? = nil,
        errorMessage: String?? = nil, origin: String?? = nil
    ) -> Schema {
        Schema(
            shape, nullable: nullable ?? self.nullable, description: description ?? self.description,
            enumValues: enumValues ?? self.enumValues, allOf: allOf, anyOf: anyOf, oneOf: oneOf, not: not,
            validations: validations, checks: checks ?? self.checks, patchStrategy: patchStrategy ?? self.patchStrategy,
            patchMergeKey: patchMergeKey ?? self.patchMergeKey, definitionName: definitionName,
            errorMessage: errorMessage ?? self.errorMessage, origin: origin ?? self.origin, conditional: conditional)
    }

    /// The schema with references followed (at most 64 hops, so a reference cycle cannot hang the
    /// caller); nil only for an unresolved or cyclic reference.
    public var resolved: Schema? {
        var current = self
        for _ in 0..<64 {
            guard case .reference(let reference) = current.shape else { return current }
            guard let target = reference.target else { return nil }
            current = target
        }
        return nil
    }

    /// The object shape, when this schema (after references) describes an object.
    public var objectSchema: ObjectSchema? {
        if case .object(let object)? = resolved?.shape { return object }
        return nil
    }

    /// The schema of property `name`, when this schema (after references) is an object that declares it.
    public func property(_ name: String) -> Schema? { objectSchema?.properties[name] }

    /// The name of the expected type as users read it: "object", "list", "string", "integer"...
    public var typeDescription: String {
        switch shape {
        case .any: return "any value"
        case .object(let object): return object.isMap ? "map" : "object"
        case .array: return "list"
        case .string: return "string"
        case .integer: return "integer"
        case .number: return "number"
        case .boolean: return "boolean"
        case .intOrString: return "integer or string"
        case .quantity: return "quantity"
        case .reference(let reference): return reference.target?.typeDescription ?? "value"
        }
    }
}
