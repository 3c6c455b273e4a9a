import KgitSchema
import KgitYAML
import Testing

/// `ValidationOptions.parallel` off checks everything on the calling thread; the report must not change.
@Suite struct SerialValidationTests {
    /// Several files with independent problems: a YAML error in the middle of a file, a wrong type, an
    /// unknown field, a duplicate object across files, and a custom resource whose CRD is in another file.
    static let files: [SourceFile] = [
        SourceFile(path: "a.yaml", bytes: Array("""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: settings, namespace: shop}
            data: {mode: fast}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            spec:
              replicas: "three"
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec:
                  containers: [{name: main, image: nginx, imagePullPolicy: Sometimes}]
            ---
            key: [unclosed
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: web}
            spec: {ports: [{port: 80}], selectr: {app: web}}
            """.utf8)),
        SourceFile(path: "b.yaml", bytes: Array("""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: settings, namespace: shop}
            ---
            apiVersion: example.com/v1
            kind: Widget
            metadata: {name: w}
            spec: {size: big}
            """.utf8)),
        SourceFile(path: "crd.yaml", bytes: Array("""
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: widgets.example.com}
            spec:
              group: example.com
              scope: Namespaced
              names: {plural: widgets, singular: widget, kind: Widget}
              versions:
                - name: v1
                  served: true
                  storage: true
                  schema:
                    openAPIV3Schema:
                      type: object
                      properties:
                        spec: {type: object, properties: {size: {type: integer}}}
            """.utf8)),
    ]

    static func describe(_ report: ValidationReport) -> [String] {
        report.diagnostics.map { "\($0.file):\($0.start.line):\($0.start.column) \($0.code) \($0.path) \($0.message)" }
            + report.documents.map { "\($0.file)#\($0.index) \($0.kind ?? "-") \($0.isValid)" }
    }

    @Test func aSerialRunReportsExactlyWhatAParallelRunReports() throws {
        var serialOptions = ValidationOptions()
        serialOptions.parallel = false
        let parallel = try Validator(options: ValidationOptions()).validate(Self.files)
        let serial = try Validator(options: serialOptions).validate(Self.files)
        let expected = Self.describe(parallel)
        #expect(Self.describe(serial) == expected)
        // The corpus does exercise the paths that matter: a YAML error, type and field errors, the CRD.
        let found = Set(serial.diagnostics.map(\.code))
        #expect(found.isSuperset(of: ["yaml-syntax", "type-mismatch", "unknown-field", "enum", "duplicate-object"]))
        #expect(serial.diagnostics.contains { $0.file == "b.yaml" && $0.path == ".spec.size" })
    }

    @Test func aSerialRunOfParsedSourcesMatchesTheParallelOne() throws {
        var serialOptions = ValidationOptions()
        serialOptions.parallel = false
        let sources = try Self.files.filter { $0.path != "a.yaml" }.map {
            ParsedSource(path: $0.path, documents: try YAMLParser.parse($0.bytes))
        }
        let parallel = try Validator(options: ValidationOptions()).validate(parsed: sources)
        let serial = try Validator(options: serialOptions).validate(parsed: sources)
        #expect(Self.describe(serial) == Self.describe(parallel))
        #expect(!serial.diagnostics.isEmpty)
    }
}
