import KgitAPIMachinery
import KgitSchema

/// Validates objects before they are stored, with KgitSchema's validator (the Kubernetes 1.33
/// schemas plus the code-enforced rules): type mismatches, missing required fields, enumerations,
/// patterns, names, labels and quantities become a 422 `Invalid` Status whose causes name the fields.
///
/// Unknown fields are left to ``FieldValidation`` (they depend on `fieldValidation=`).
struct ObjectValidation: Sendable {
    let validator: Validator?

    init() {
        validator = try? Validator(options: ValidationOptions(allowUnknownFields: true))
    }

    /// The field-level causes of an object's errors; empty when it is valid. `custom` is a custom
    /// resource's validator (nil: the built-in kinds').
    func causes(for object: JSONValue, validator custom: Validator? = nil) -> [APIError.Cause] {
        guard let validator = custom ?? validator else { return [] }
        // The decoded object as the validator's tree; the object's text only when the tree would differ.
        let report = ValidationTree(object).map {
            validator.validate(parsed: [ParsedSource(path: "request", documents: [$0.document])])
        } ?? validator.validate([SourceFile(path: "request", bytes: object.serializedBytes())])
        return report.diagnostics
            .filter { $0.severity == .error && $0.code != DiagnosticCode.unknownField.rawValue }
            .map { diagnostic in
                let field = diagnostic.path.hasPrefix(".") ? String(diagnostic.path.dropFirst()) : diagnostic.path
                var message = diagnostic.message
                if diagnostic.code == DiagnosticCode.celRule.rawValue {
                    // Upstream names the failing value's type before the rule's message.
                    let value = ObjectValidation.value(at: field, in: object)
                    message = "Invalid value: \"\(value.map(TransitionRules.jsonTypeName) ?? "object")\": \(message)"
                }
                return APIError.Cause(type: ObjectValidation.causeType(diagnostic.code), message: message,
                                      field: field)
            }
    }

    /// Throws 422 Invalid when the object has errors.
    func check(_ object: JSONValue, info: ResourceInfo, validator custom: Validator? = nil) throws(APIError) {
        let causes = causes(for: object, validator: custom)
        guard !causes.isEmpty else { return }
        throw APIError.invalid(kind: info.kind, group: info.group,
                               name: object.value(at: ["metadata", "name"])?.stringValue ?? "", causes: causes)
    }

    /// The value at a dotted field path (`spec.replicas`); nil when a step is missing or indexes a list.
    static func value(at field: String, in object: JSONValue) -> JSONValue? {
        guard !field.contains("[") else { return nil }
        if field.isEmpty { return object }
        return object.value(at: field.split(separator: ".").map(String.init))
    }

    /// Upstream's `CauseType` for a KgitSchema diagnostic code.
    static func causeType(_ code: String) -> String {
        switch code {
        case DiagnosticCode.required.rawValue: return "FieldValueRequired"
        case DiagnosticCode.enumValue.rawValue: return "FieldValueNotSupported"
        case DiagnosticCode.typeMismatch.rawValue: return "FieldValueTypeInvalid"
        case DiagnosticCode.duplicateKeyInList.rawValue, DiagnosticCode.duplicateItem.rawValue: return "FieldValueDuplicate"
        default: return "FieldValueInvalid"
        }
    }
}
