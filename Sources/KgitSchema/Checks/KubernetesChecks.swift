/// The table of code-enforced checks attached to built-in definitions.
enum KubernetesChecks {
    static let definitionChecks: [String: [SchemaCheck]] = [:]
    static let propertyChecks: [String: [String: [SchemaCheck]]] = [:]
}
