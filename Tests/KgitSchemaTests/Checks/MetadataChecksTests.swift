import KgitSchema
import Testing

@Suite struct MetadataChecksTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var kind: String = "ConfigMap"
        var apiVersion: String = "v1"
        var metadata: String
        var codes: [String]
        var path: String? = nil
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "a valid ConfigMap name", metadata: "name: app-config.v2", codes: []),
        Case(name: "an uppercase ConfigMap name", metadata: "name: AppConfig", codes: ["invalid-name"], path: ".metadata.name"),
        Case(name: "a Namespace name with a dot", kind: "Namespace", metadata: "name: team.a", codes: ["invalid-name"]),
        Case(name: "a Service name starting with a digit", kind: "Service", metadata: "name: 1web", codes: ["invalid-name"]),
        Case(name: "a ClusterRole name with a colon", kind: "ClusterRole", apiVersion: "rbac.authorization.k8s.io/v1", metadata: "name: system:reader", codes: []),
        Case(name: "a ClusterRole name with a slash", kind: "ClusterRole", apiVersion: "rbac.authorization.k8s.io/v1", metadata: "name: a/b", codes: ["invalid-name"]),
        Case(name: "a missing name", metadata: "labels: {app: web}", codes: ["required"], path: ".metadata.name"),
        Case(name: "a generateName instead of a name", metadata: "generateName: job-", codes: []),
        Case(name: "an invalid namespace", metadata: "name: a\nnamespace: Team_A", codes: ["invalid-name"], path: ".metadata.namespace"),
        Case(name: "a label key with two slashes", metadata: "name: a\nlabels: {a/b/c: x}", codes: ["invalid-label"]),
        Case(name: "a label value with a space", metadata: "name: a\nlabels: {app: my app}", codes: ["invalid-label"], path: ".metadata.labels.app"),
        Case(name: "a label value too long", metadata: "name: a\nlabels: {app: \(String(repeating: "x", count: 64))}", codes: ["invalid-label"]),
        Case(name: "a prefixed label key", metadata: "name: a\nlabels: {app.kubernetes.io/name: web}", codes: []),
        Case(name: "an annotation key with a space", metadata: "name: a\nannotations: {my note: x}", codes: ["invalid-annotation"]),
        Case(name: "a long annotation value", metadata: "name: a\nannotations: {note: \(String(repeating: "x", count: 1000))}", codes: []),
    ]

    @Test(arguments: cases)
    func metadataRules(_ test: Case) throws {
        let yaml = """
            apiVersion: \(test.apiVersion)
            kind: \(test.kind)
            metadata:
            \(test.metadata.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
            \(test.kind == "Service" ? "spec: {clusterIP: None}" : "")
            """
        let found = try diagnostics(yaml)
        #expect(codes(found) == test.codes, "\(found.map { "\($0.code) \($0.path): \($0.message)" })")
        if let path = test.path { #expect(found.first?.path == path) }
    }

    @Test func annotationsOverTheSizeLimitAreReported() throws {
        let big = String(repeating: "x", count: 140_000)
        let yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  annotations:\n    one: \(big)\n    two: \(big)\n"
        #expect(codes(try diagnostics(yaml)) == ["invalid-annotation"])
    }

    @Test func templateLabelsAreCheckedToo() throws {
        let yaml = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            spec:
              selector: {matchLabels: {app: web}}
              template:
                metadata:
                  labels: {app: web, bad key: x}
                spec:
                  containers: [{name: web, image: nginx}]
            """
        let found = try diagnostics(yaml)
        #expect(codes(found) == ["invalid-label"])
        #expect(found.first?.path == ".spec.template.metadata.labels[\"bad key\"]")
    }
}
