// The KGL fuzz target: arbitrary bytes as a kgit.kgl file, through every stage a user's file goes
// through: parsing, formatting, type compilation (with the built-in Kubernetes definitions), the
// environment checks, rendering over a small base and validating the result; and the same bytes as
// a CEL rule, evaluated with a small budget, and as an `openapi:`/`jsonschema:` import. Built by scripts/fuzz.sh; any trap is a finding, and
// so is a diagnostic outside the input or a formatter that is not idempotent.
import KgitKGL
import KgitSchema
import KgitYAML

let base = SourceFile(path: "base/web.yaml", bytes: Array("""
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: web, namespace: shop}
    spec:
      replicas: 2
      selector: {matchLabels: {app: web}}
      template:
        metadata: {labels: {app: web}}
        spec:
          containers:
          - name: web
            image: example/web:1
            resources: {limits: {memory: 1Gi}}
    """.utf8))

let celSelf: CELValue = {
    guard let root = (try? YAMLParser.parse(base.bytes))?.first?.root else { return .null }
    return CELValue(root)
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzKGL(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let source = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let length = source.utf8.count
    let parsed = ParsedFile(source: source, file: "kgit.kgl")
    for d in parsed.diagnostics {
        precondition(d.start.offset >= 0 && d.start.offset <= length, "diagnostic outside the input: \(d)")
    }
    if parsed.isValid {
        let once = FormatResult(formatting: source).output
        precondition(FormatResult(formatting: once).output == once, "the formatter is not idempotent")
        precondition(ParsedFile(source: once).syntaxTree == parsed.syntaxTree, "formatting changed the tree")

        let repository = KGLRepository(root: ".", source: source)
        for d in repository.diagnostics {
            precondition(d.start.offset >= 0 && d.start.offset <= length, "check diagnostic outside the input: \(d)")
        }
        for name in repository.environments.chains.keys.sorted().prefix(2) {
            let options = ValidationOptions()
            if let report = try? repository.validate([base], environment: name, options: options) {
                for d in report.diagnostics where d.file == repository.kglFile {
                    precondition(d.start.offset >= 0 && d.start.offset <= length, "provenance outside the input: \(d)")
                }
            }
        }
    }
    // The same bytes as an imported OpenAPI document and JSON Schema: read, refused or compiled,
    // never trapped; a refused document yields no types.
    for kind in [SchemaDocument.Kind.openAPI, .jsonSchema] {
        let loaded = SchemaDocument.load(Array(source.utf8), kind: kind, file: "schema.json")
        precondition(loaded.problems.isEmpty || loaded.types.isEmpty, "a refused schema document yielded types")
    }
    if length <= 512, let expression = try? CELParser.parse(source) {
        var evaluator = CELEvaluator(budget: 10_000, quantityComparisons: true)
        _ = try? evaluator.evaluate(expression, self: celSelf)
    }
    return 0
}
