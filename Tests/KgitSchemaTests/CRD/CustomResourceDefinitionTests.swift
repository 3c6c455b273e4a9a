@testable import KgitSchema
import KgitYAML
import Testing

@Suite struct CustomResourceDefinitionTests {
    static let validResource = """
        apiVersion: kgit.dev/v1
        kind: BackupSchedule
        metadata:
          name: nightly
          namespace: data
        spec:
          schedule: "0 3 * * *"
          target: s3://backups
          mode: Incremental
          replicas: 2
          ratio: 0.5
          port: http
          suspend: false
          note: null
          tags: [db, nightly]
          volumes: [{name: data, size: 1Gi}]
          labels: {team: data}
          extra: {anything: [1, 2, {goes: here}]}
          template: {apiVersion: v1, kind: ConfigMap, metadata: {name: x}, data: {a: b}}
          retention: {count: 7}
        status:
          lastRun: "2024-05-01T03:00:00Z"
        """

    func crd() throws -> String { String(decoding: try fixture("crd-backup-schedule.yaml").bytes, as: UTF8.self) }

    @Test func aCustomResourceValidatesAgainstACRDInTheSameFile() throws {
        let report = try report(try crd() + "\n---\n" + Self.validResource)
        #expect(report.documents.count == 2)
        #expect(report.diagnostics.isEmpty, "\(report.diagnostics.map { "\($0.code) \($0.path): \($0.message)" })")
    }

    @Test func aCustomResourceBeforeItsCRDStillValidates() throws {
        let validator = try Validator()
        let report = validator.validate([
            SourceFile(path: "a-resource.yaml", bytes: Array(Self.validResource.utf8)),
            SourceFile(path: "b-crd.yaml", bytes: Array(try crd().utf8)),
        ])
        #expect(report.diagnostics.isEmpty)
    }

    @Test func aCRDFromASchemaFileIsUsedButNotValidated() throws {
        let report = try report(Self.validResource, schemas: [try crd()])
        #expect(report.documents.count == 1)
        #expect(report.diagnostics.isEmpty)
    }

    @Test func aCustomResourceWithoutACRDIsAnUnknownKind() throws {
        let found = try diagnostics(Self.validResource)
        #expect(codes(found) == ["unknown-kind"])
        #expect(found.first?.notes.first?.contains("--schema") == true)
    }

    @Test func anUnservedVersionIsUnknown() throws {
        let resource = "apiVersion: kgit.dev/v2\nkind: BackupSchedule\nmetadata: {name: a}\n"
        let found = try diagnostics(resource, schemas: [try crd()])
        #expect(codes(found) == ["unknown-kind"])
        #expect(found.first?.notes.first?.contains("`kgit.dev/v1`") == true)
    }

    @Test func aPreserveUnknownFieldsVersionAcceptsAnything() throws {
        let resource = "apiVersion: kgit.dev/v1alpha1\nkind: BackupSchedule\nmetadata: {name: a}\nspec: {whatever: [1]}\n"
        #expect(try diagnostics(resource, schemas: [try crd()]).isEmpty)
    }

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var replace: String
        var with: String
        var codes: [String]
        var path: String? = nil
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "an unknown field with a suggestion", replace: "  suspend: false", with: "  suspnd: false", codes: ["unknown-field"], path: ".spec.suspnd"),
        Case(name: "a missing required field", replace: "  target: s3://backups\n", with: "", codes: ["required"], path: ".spec.target"),
        Case(name: "a pattern mismatch", replace: "schedule: \"0 3 * * *\"", with: "schedule: \"tomorrow\"", codes: ["pattern"]),
        Case(name: "a string too short", replace: "target: s3://backups", with: "target: s3", codes: ["min-length"]),
        Case(name: "an enum violation", replace: "mode: Incremental", with: "mode: incremental", codes: ["enum"]),
        Case(name: "an integer above its maximum", replace: "replicas: 2", with: "replicas: 6", codes: ["maximum"]),
        Case(name: "an integer below its minimum", replace: "replicas: 2", with: "replicas: 0", codes: ["minimum"]),
        Case(name: "a number at an exclusive maximum", replace: "ratio: 0.5", with: "ratio: 1", codes: ["maximum"]),
        Case(name: "an int-or-string given a list", replace: "port: http", with: "port: [80]", codes: ["type-mismatch"]),
        Case(name: "an int-or-string given an integer", replace: "port: http", with: "port: 8080", codes: []),
        Case(name: "a null for a non-nullable field", replace: "suspend: false", with: "suspend: null", codes: ["type-mismatch"]),
        Case(name: "a duplicate in a set", replace: "tags: [db, nightly]", with: "tags: [db, db]", codes: ["duplicate-item"]),
        Case(name: "too many items", replace: "tags: [db, nightly]", with: "tags: [a, b, c, d]", codes: ["max-items"]),
        Case(name: "a duplicate key in a list map", replace: "volumes: [{name: data, size: 1Gi}]", with: "volumes: [{name: data}, {name: data}]",
             codes: ["duplicate-key-in-list"], path: ".spec.volumes[name=\"data\"]"),
        Case(name: "a typed map with a wrong value", replace: "labels: {team: data}", with: "labels: {team: 3}", codes: ["type-mismatch"], path: ".spec.labels.team"),
        Case(name: "an embedded resource without a kind", replace: "template: {apiVersion: v1, kind: ConfigMap,", with: "template: {apiVersion: v1,",
             codes: ["embedded-resource"], path: ".spec.template.kind"),
        Case(name: "a oneOf matching both alternatives", replace: "retention: {count: 7}", with: "retention: {count: 7, days: 3}", codes: ["one-of"]),
        // The CRD's CEL rule reads retention.count, which is absent: an evaluation error, as in the API server.
        Case(name: "a oneOf matching none", replace: "retention: {count: 7}", with: "retention: {}", codes: ["cel-error", "one-of"]),
        Case(name: "a CEL rule that is false", replace: "retention: {count: 7}", with: "retention: {count: 0}", codes: ["cel-rule"]),
        Case(name: "a bad date-time in status", replace: "lastRun: \"2024-05-01T03:00:00Z\"", with: "lastRun: yesterday", codes: ["invalid-format"]),
        Case(name: "an invalid object name", replace: "name: nightly", with: "name: Nightly", codes: ["invalid-name"], path: ".metadata.name"),
        Case(name: "a field at the root", replace: "status:", with: "stauts:", codes: ["unknown-field"], path: ".stauts"),
    ]

    @Test(arguments: cases)
    func customResourceRules(_ test: Case) throws {
        let resource = Self.validResource.replacingOccurrences(test.replace, with: test.with)
        #expect(resource != Self.validResource)
        let found = try diagnostics(resource, schemas: [try crd()])
        #expect(codes(found) == test.codes, "\(found.map { "\($0.code) \($0.path): \($0.message)" })")
        if let path = test.path { #expect(found.first?.path == path) }
    }

    @Test func validationRulesAreKeptAsData() throws {
        let root = try #require(try YAMLParser.parse(try crd()).first?.root)
        var problems: [(node: Node, path: [PathComponent], message: String)] = []
        let catalog = try KubernetesCatalog.load(version: "1.33")
        let definition = try #require(CustomResourceDefinition.compile(root, catalog: catalog, problems: &problems))
        #expect(problems.isEmpty)
        #expect(definition.versions.map(\.kind.version) == ["v1alpha1", "v1"])
        let spec = try #require(definition.versions.last?.schema.property("spec"))
        #expect(spec.validations == [ValidationRule(rule: "self.retention.count > 0 || !has(self.retention)", message: "retention count must be positive")])
        let tags = try #require(spec.property("tags"))
        guard case .array(let array) = tags.shape else {
            Issue.record("tags is not an array")
            return
        }
        #expect(array.listType == .set)
        #expect(array.maxItems == 3)
    }

    @Test func aCRDNamedOtherThanPluralDotGroupIsReported() throws {
        let renamed = try crd().replacingOccurrences("name: backupschedules.kgit.dev", with: "name: backups.kgit.dev")
        let found = try diagnostics(renamed)
        #expect(codes(found) == ["invalid-crd"])
        #expect(found.first?.path == ".metadata.name")
    }

    @Test func aCRDWithAnInvalidPatternIsReported() throws {
        let broken = try crd().replacingOccurrences("pattern: '^(@(hourly|daily|weekly)|\\S+ \\S+ \\S+ \\S+ \\S+)$'", with: "pattern: '(unclosed'")
        #expect(broken != (try crd()))
        let found = try diagnostics(broken)
        #expect(codes(found) == ["invalid-crd"])
    }

    @Test func aCRDIsItselfValidatedAsABuiltInKind() throws {
        let typo = try crd().replacingOccurrences("    listKind: BackupScheduleList", with: "    listkind: BackupScheduleList")
        let found = try diagnostics(typo)
        #expect(codes(found) == ["unknown-field"])
        #expect(found.first?.notes == ["did you mean `listKind`?"])
    }
}

extension String {
    func replacingOccurrences(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var result = ""
        var rest = self[...]
        while let range = rest.range(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}
