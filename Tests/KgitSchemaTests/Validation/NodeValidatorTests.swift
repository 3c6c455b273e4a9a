import KgitSchema
import KgitYAML
import Testing

@Suite struct NodeValidatorTests {
    @Test func aMinimalDeploymentHasNoDiagnostics() throws {
        let found = try diagnostics(deployment())
        #expect(found.isEmpty, "\(found)")
    }

    @Test func anUnknownFieldIsReportedAtItsKeyWithADidYouMean() throws {
        let found = try diagnostics(deployment(spec: "replica: 3"))
        let diagnostic = try #require(found.first)
        #expect(found.count == 1)
        #expect(diagnostic.code == "unknown-field")
        #expect(diagnostic.path == ".spec.replica")
        #expect(diagnostic.start.line == 11)
        #expect(diagnostic.start.column == 3)
        #expect(diagnostic.message.contains("`replica`"))
        #expect(diagnostic.message.contains("DeploymentSpec"))
        #expect(diagnostic.notes == ["did you mean `replicas`?"])
        #expect(diagnostic.object == "apps/v1 Deployment default/web")
    }

    @Test func unknownFieldsAreAcceptedWhenAllowed() throws {
        let found = try diagnostics(deployment(spec: "replica: 3"), options: ValidationOptions(allowUnknownFields: true))
        #expect(found.isEmpty)
    }

    @Test func aFieldFarFromEveryKnownNameGetsNoSuggestion() throws {
        let found = try diagnostics(deployment(spec: "flavour: large"))
        #expect(codes(found) == ["unknown-field"])
        #expect(found.first?.notes == [])
    }

    @Test func aTypeMismatchIsReportedAtTheValueWithWhatWasExpected() throws {
        let found = try diagnostics(deployment(spec: "minReadySeconds: \"10\""))
        let diagnostic = try #require(found.first)
        #expect(codes(found) == ["type-mismatch"])
        #expect(diagnostic.path == ".spec.minReadySeconds")
        #expect(diagnostic.start.column == 20)
        #expect(diagnostic.message == "expected integer, found string \"10\"")
        #expect(diagnostic.notes == ["remove the quotes to make it an integer"])
    }

    @Test func listMapElementsAreAddressedByTheirKeys() throws {
        let found = try diagnostics(deployment(container: "imagePullPolicy: always"))
        let diagnostic = try #require(found.first)
        #expect(codes(found) == ["enum"])
        #expect(diagnostic.path == ".spec.template.spec.containers[name=\"web\"].imagePullPolicy")
        #expect(diagnostic.notes == ["did you mean `Always`?"])
    }

    @Test func aYAML11BooleanWhereAStringIsExpectedSaysToQuoteIt() throws {
        let yaml = """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: flags
            data:
              enabled: yes
            """
        let found = try diagnostics(yaml)
        let diagnostic = try #require(found.first)
        #expect(codes(found) == ["quote-yaml11"])
        #expect(diagnostic.path == ".data.enabled")
        #expect(diagnostic.notes == ["quote it: \"yes\""])
    }

    @Test func aNumberWhereAStringIsExpectedSuggestsQuoting() throws {
        let yaml = """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: flags
              labels:
                version: 1.0
            """
        let found = try diagnostics(yaml)
        #expect(codes(found) == ["type-mismatch"])
        #expect(found.first?.path == ".metadata.labels.version")
        #expect(found.first?.notes == ["quote it: \"1.0\""])
    }

    @Test func aMissingRequiredFieldIsReportedWithItsPath() throws {
        let yaml = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              selector:
                matchLabels: {app: web}
              template:
                metadata:
                  labels: {app: web}
                spec:
                  containers:
                    - image: nginx
            """
        let found = try diagnostics(yaml)
        #expect(codes(found).contains("required"))
        let required = try #require(found.first { $0.code == "required" })
        #expect(required.path == ".spec.template.spec.containers[0].name")
        #expect(required.start.line == 13)
    }

    @Test func everyIndependentErrorIsReported() throws {
        let found = try diagnostics(deployment(container: "imagePullPolicy: Sometimes\nportz: []\ntty: \"yes\"", spec: "replica: 3\npaused: 1"))
        #expect(Set(codes(found)) == ["unknown-field", "enum", "type-mismatch"])
        #expect(found.count == 5)
    }

    @Test func aListWhereAnObjectIsExpectedIsATypeMismatch() throws {
        let found = try diagnostics(deployment(spec: "strategy: [RollingUpdate]"))
        #expect(codes(found) == ["type-mismatch"])
        #expect(found.first?.message == "expected object, found list")
    }

    @Test func duplicateKeysInAListMapAreReported() throws {
        let found = try diagnostics(
            deployment(container: "env:\n  - name: A\n    value: one\n  - name: A\n    value: two"))
        #expect(codes(found) == ["duplicate-key-in-list"])
        #expect(found.first?.path == ".spec.template.spec.containers[name=\"web\"].env[name=\"A\"]")
    }

    @Test func portsDefaultingToTCPCollideWithExplicitTCP() throws {
        let found = try diagnostics(
            deployment(container: "ports:\n  - containerPort: 80\n  - containerPort: 80\n    protocol: TCP"))
        #expect(codes(found) == ["duplicate-key-in-list"])
    }

    @Test func theSamePortWithDifferentProtocolsIsAllowed() throws {
        let found = try diagnostics(
            deployment(container: "ports:\n  - containerPort: 53\n    protocol: UDP\n  - containerPort: 53\n    protocol: TCP"))
        #expect(found.isEmpty, "\(found)")
    }

    @Test func aMalformedQuantityIsReported() throws {
        let found = try diagnostics(deployment(container: "resources:\n  limits:\n    memory: 1x"))
        #expect(codes(found) == ["invalid-quantity"])
        #expect(found.first?.path == ".spec.template.spec.containers[name=\"web\"].resources.limits.memory")
    }

    @Test func anInt32FieldRejectsValuesThatDoNotFit() throws {
        let found = try diagnostics(deployment(spec: "minReadySeconds: 3000000000"))
        #expect(codes(found) == ["out-of-range"])
    }

    @Test func secretDataMustBeBase64() throws {
        let yaml = """
            apiVersion: v1
            kind: Secret
            metadata:
              name: creds
            data:
              password: hunter2!
              token: aGVsbG8=
            """
        let found = try diagnostics(yaml)
        #expect(codes(found) == ["invalid-format"])
        #expect(found.first?.notes.first?.contains("stringData") == true)
    }
}
