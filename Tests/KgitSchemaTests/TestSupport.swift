import KgitSchema
import KgitYAML

/// Validates `yaml` as a file named `test.yaml` and returns every diagnostic, sorted.
func diagnostics(
    _ yaml: String, options: ValidationOptions = ValidationOptions(), schemas: [String] = []
) throws -> [Diagnostic] {
    try report(yaml, options: options, schemas: schemas).diagnostics
}

/// Validates `yaml` as a file named `test.yaml`.
func report(_ yaml: String, options: ValidationOptions = ValidationOptions(), schemas: [String] = []) throws -> ValidationReport {
    let validator = try Validator(
        options: options,
        schemaFiles: schemas.enumerated().map { SourceFile(path: "schema\($0.offset).yaml", bytes: Array($0.element.utf8)) })
    return validator.validate([SourceFile(path: "test.yaml", bytes: Array(yaml.utf8))])
}

/// The codes of the error diagnostics, in order.
func codes(_ diagnostics: [Diagnostic]) -> [String] { diagnostics.map(\.code) }

/// Reads a fixture file next to the tests.
func fixture(_ name: String) throws -> SourceFile {
    let path = "\(fixturesDirectory)/\(name)"
    guard let handle = fopen(path, "rb") else { throw FixtureError(path: path) }
    defer { fclose(handle) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = fread(&buffer, 1, buffer.count, handle)
        if count <= 0 { break }
        bytes += buffer[0..<count]
    }
    return SourceFile(path: name, bytes: bytes)
}

/// `Tests/KgitSchemaTests/Fixtures`, found from this file's own path.
let fixturesDirectory: String = {
    let here = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
    return here + "/Fixtures"
}()

struct FixtureError: Error { var path: String }

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A minimal valid Deployment with the given extra YAML spliced into its container.
func deployment(container extra: String = "", spec specExtra: String = "", name: String = "web") -> String {
    """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: \(name)
      namespace: default
    spec:
      replicas: 2
      selector:
        matchLabels:
          app: web
    \(specExtra.isEmpty ? "" : specExtra.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n"))
      template:
        metadata:
          labels:
            app: web
        spec:
          containers:
            - name: web
              image: nginx:1.27
    \(extra.split(separator: "\n", omittingEmptySubsequences: false).map { "          " + $0 }.joined(separator: "\n"))
    """
}
