import KgitSchema
import KgitYAML
import Testing

@Suite struct ValidatorTests {
    @Test func documentsWithoutAPIVersionOrKindAreErrors() throws {
        let found = try diagnostics("metadata: {name: a}\n")
        #expect(codes(found) == ["missing-api-version", "missing-kind"])
    }

    @Test func anEmptyKindIsMissing() throws {
        let found = try diagnostics("apiVersion: v1\nkind: \"\"\nmetadata: {name: a}\n")
        #expect(codes(found) == ["missing-kind"])
    }

    @Test func aDocumentThatIsNotAMappingIsReported() throws {
        let found = try diagnostics("- just\n- a list\n")
        #expect(codes(found) == ["not-an-object"])
    }

    @Test func emptyDocumentsAreSkipped() throws {
        let result = try report("---\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n# only a comment\n")
        #expect(result.documents.count == 1)
        #expect(result.documents.first?.index == 1)
        #expect(result.diagnostics.isEmpty)
    }

    @Test func anUnknownKindSuggestsTheClosestKind() throws {
        let found = try diagnostics("apiVersion: apps/v1\nkind: Deploymnet\nmetadata: {name: a}\n")
        #expect(codes(found) == ["unknown-kind"])
        #expect(found.first?.path == ".kind")
        #expect(found.first?.start.line == 2)
        #expect(found.first?.notes == ["did you mean `Deployment`?"])
    }

    @Test func aKindUnderARemovedAPIVersionNamesTheServedVersions() throws {
        let found = try diagnostics("apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: a}\n")
        #expect(codes(found) == ["unknown-kind"])
        #expect(found.first?.notes.first?.contains("`networking.k8s.io/v1`") == true)
    }

    @Test func skippedKindsAreNotChecked() throws {
        let yaml = "apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata: {name: a}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: B}\n"
        let byKind = try report(yaml, options: ValidationOptions(skipKinds: ["SealedSecret"]))
        #expect(byKind.documents.map(\.skipped) == [true, false])
        #expect(codes(byKind.diagnostics) == ["invalid-name"])
        let byGroupVersionKind = try report(yaml, options: ValidationOptions(skipKinds: ["bitnami.com/v1alpha1/SealedSecret", "v1/ConfigMap"]))
        #expect(byGroupVersionKind.documents.map(\.skipped) == [true, true])
        #expect(byGroupVersionKind.diagnostics.isEmpty)
    }

    @Test func anUnsupportedKubernetesVersionIsAClearError() {
        #expect(throws: CatalogError.self) { try Validator(options: ValidationOptions(kubernetesVersion: "1.12")) }
        #expect(throws: Never.self) { try Validator(options: ValidationOptions(kubernetesVersion: "v1.33.2")) }
    }

    @Test func aYAMLErrorInOneFileDoesNotStopTheOthers() throws {
        let validator = try Validator()
        let report = validator.validate([
            SourceFile(path: "b.yaml", bytes: Array("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: Bad_Name}\n".utf8)),
            SourceFile(path: "a.yaml", bytes: Array("key: [unclosed\n".utf8)),
        ])
        #expect(report.fileDiagnostics.map(\.code) == ["yaml-syntax"])
        #expect(report.fileDiagnostics.first?.file == "a.yaml")
        #expect(report.documents.map(\.file) == ["b.yaml"])
        #expect(report.diagnostics.map(\.file) == ["a.yaml", "b.yaml"])
    }

    @Test func resultsKeepFileThenDocumentOrderAndSortDiagnosticsByPosition() throws {
        let files = (0..<20).map { index in
            SourceFile(
                path: "f\(index).yaml",
                bytes: Array("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x\(index)}\ndata: {b: 1, a: yes}\n---\napiVersion: v1\nkind: Nope\n".utf8))
        }
        let report = try Validator().validate(files)
        #expect(report.documents.map(\.file) == files.flatMap { [$0.path, $0.path] })
        #expect(report.documents.map(\.index) == Array(repeating: [0, 1], count: 20).flatMap { $0 })
        let first = report.documents[0].diagnostics
        #expect(first.map(\.code) == ["type-mismatch", "quote-yaml11"])
        #expect(first.map(\.start.column) == [11, 17])
    }

    @Test func eachDiagnosticNamesItsObject() throws {
        let found = try diagnostics(deployment(spec: "paused: maybe"))
        #expect(found.first?.object == "apps/v1 Deployment default/web")
        #expect(found.first?.document == 0)
        #expect(found.first?.file == "test.yaml")
    }

    @Test func aListIsValidatedItemByItem() throws {
        let yaml = """
            apiVersion: v1
            kind: List
            metadata: {resourceVersion: ""}
            items:
              - apiVersion: v1
                kind: ConfigMap
                metadata: {name: ok}
              - apiVersion: v1
                kind: Service
                metadata: {name: web}
                spec: {ports: [{port: 80, targetPort: 0}]}
              - kind: Secret
            """
        let result = try report(yaml)
        #expect(result.documents.count == 1)
        let found = result.diagnostics
        #expect(codes(found) == ["port-range", "missing-api-version"])
        #expect(found.first?.path == ".items[1].spec.ports[port=80].targetPort")
        #expect(found.first?.object == "v1 Service web")
        #expect(found.last?.path == ".items[2].apiVersion")
    }

    @Test func theSameObjectDefinedTwiceIsAWarning() throws {
        let validator = try Validator()
        let deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: prod}\nspec: {selector: {matchLabels: {a: b}}, template: {metadata: {labels: {a: b}}, spec: {containers: [{name: c, image: i}]}}}\n"
        let report = validator.validate([
            SourceFile(path: "a.yaml", bytes: Array(deployment.utf8)),
            SourceFile(path: "b.yaml", bytes: Array((deployment + "---\n" + deployment.replacingOccurrences("namespace: prod", with: "namespace: dev")).utf8)),
        ])
        let duplicates = report.diagnostics.filter { $0.code == "duplicate-object" }
        #expect(duplicates.count == 1)
        #expect(duplicates.first?.file == "b.yaml")
        #expect(duplicates.first?.severity == .warning)
        #expect(duplicates.first?.notes == ["first defined at a.yaml:1"])
        #expect(report.isValid)
    }

    @Test func aNodeCanBeValidatedAgainstAHandBuiltSchema() throws {
        let port = Schema(.integer(NumericSchema(minimum: 1, maximum: 65535)))
        let schema = Schema(
            .object(ObjectSchema(properties: ["host": Schema(.string(StringSchema(minLength: 1))), "port": port], required: ["host"])))
        let node = try #require(try YAMLParser.parse("port: 0\nhots: example.com\n").first?.root)
        let found = Validator.validate(node, against: schema, file: "kgl")
        #expect(codes(found) == ["required", "minimum", "unknown-field"])
        #expect(found.map(\.path) == [".host", ".port", ".hots"])
        #expect(found.last?.notes == ["did you mean `host`?"])
    }
}
