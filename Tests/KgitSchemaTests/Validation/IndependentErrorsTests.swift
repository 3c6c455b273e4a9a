import KgitSchema
import Testing

/// One file with many unrelated mistakes: each must be reported once, at its own position and path.
@Suite struct IndependentErrorsTests {
    static let expected: [(String, String, String)] = [
        ("4:9", "invalid-name", ".metadata.name"),
        ("6:14", "type-mismatch", ".metadata.labels.version"),
        ("9:3", "unknown-field", ".spec.replica"),
        ("11:5", "selector-mismatch", ".spec.selector"),
        ("16:22", "restart-policy", ".spec.template.spec.restartPolicy"),
        ("20:28", "enum", ".spec.template.spec.containers[name=\"web\"].imagePullPolicy"),
        ("23:21", "invalid-port-name", ".spec.template.spec.containers[name=\"web\"].ports[containerPort=80].name"),
        ("24:15", "duplicate-key-in-list", ".spec.template.spec.containers[name=\"web\"].ports[containerPort=80]"),
        ("27:22", "quote-yaml11", ".spec.template.spec.containers[name=\"web\"].env[name=\"DEBUG\"].value"),
        ("29:22", "type-mismatch", ".spec.template.spec.containers[name=\"web\"].env[name=\"PORT\"].value"),
        ("31:29", "requests-exceed-limits", ".spec.template.spec.containers[name=\"web\"].resources.requests.cpu"),
        ("31:40", "invalid-quantity", ".spec.template.spec.containers[name=\"web\"].resources.requests.memory"),
        ("34:22", "unknown-volume", ".spec.template.spec.containers[name=\"web\"].volumeMounts[mountPath=\"/cache\"].name"),
        ("35:11", "duplicate-key-in-list", ".spec.template.spec.containers[name=\"web\"]"),
        ("44:7", "required", ".spec.ports[port=80].name"),
        ("44:28", "service-type", ".spec.ports[port=80].nodePort"),
        ("45:7", "required", ".spec.ports[port=443].name"),
        ("45:31", "port-range", ".spec.ports[port=443].targetPort"),
        ("51:13", "invalid-schedule", ".spec.schedule"),
        ("56:11", "restart-policy", ".spec.jobTemplate.spec.template.spec.restartPolicy"),
        ("56:41", "quote-yaml11", ".spec.jobTemplate.spec.template.spec.containers[name=\"x\"].image"),
    ]

    @Test func everyMistakeIsReportedOnceWithItsPositionAndPath() throws {
        let report = try Validator().validate([try fixture("many-independent-errors.invalid.yaml")])
        let got = report.diagnostics.map { "\($0.start) \($0.code) \($0.path)" }
        let want = Self.expected.map { "\($0.0) \($0.1) \($0.2)" }
        #expect(got == want)
        #expect(report.documents.count == 3, "the trailing `null` document is empty and skipped")
    }

    @Test func messagesSayWhatWasExpectedAndWhatWasFound() throws {
        let report = try Validator().validate([try fixture("many-independent-errors.invalid.yaml")])
        let byPath = Dictionary(report.diagnostics.map { ($0.path + " " + $0.code, $0) }, uniquingKeysWith: { first, _ in first })
        let label = try #require(byPath[".metadata.labels.version type-mismatch"])
        #expect(label.message == "expected string, found number `1.0`")
        #expect(label.notes == ["quote it: \"1.0\""])
        let policy = try #require(byPath[".spec.template.spec.containers[name=\"web\"].imagePullPolicy enum"])
        #expect(policy.message == "unsupported value \"always\"; expected one of \"Always\", \"IfNotPresent\", \"Never\"")
        let limits = try #require(byPath[".spec.template.spec.containers[name=\"web\"].resources.requests.cpu requests-exceed-limits"])
        #expect(limits.message == "the request for cpu (2) is greater than its limit (1)")
        #expect(limits.object == "apps/v1 Deployment Web_App")
    }

    @Test func aSelectorMismatchIsReportedEvenWhenTheSpecAlsoHasAnUnknownField() throws {
        let found = try diagnostics("""
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: api
            spec:
              replcas: 3
              selector:
                matchLabels:
                  app: api
              template:
                metadata:
                  labels:
                    app: api-server
                spec:
                  containers:
                    - name: api
                      image: example/api:1.0
            """)
        #expect(codes(found).sorted() == ["selector-mismatch", "unknown-field"])
    }

    @Test func aValueOfTheWrongShapeGetsOneErrorNotACascade() throws {
        let found = try diagnostics("""
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: api
            spec: "not an object"
            """)
        #expect(codes(found) == ["type-mismatch"])
    }

    @Test func aStatefulSetMayMountAVolumeFromItsVolumeClaimTemplates() throws {
        let found = try diagnostics("""
            apiVersion: apps/v1
            kind: StatefulSet
            metadata:
              name: db
            spec:
              serviceName: db
              selector:
                matchLabels: {app: db}
              template:
                metadata:
                  labels: {app: db}
                spec:
                  containers:
                    - name: db
                      image: example/db:1
                      volumeMounts:
                        - name: data
                          mountPath: /data
              volumeClaimTemplates:
                - metadata:
                    name: data
                  spec:
                    accessModes: [ReadWriteOnce]
                    resources:
                      requests:
                        storage: 1Gi
            """)
        #expect(found.isEmpty, "\(found.map(\.message))")
    }
}
