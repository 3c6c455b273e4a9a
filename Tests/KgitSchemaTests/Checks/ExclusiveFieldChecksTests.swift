import KgitSchema
import Testing

@Suite struct ExclusiveFieldChecksTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var yaml: String
        var codes: [String]
        var path: String? = nil
        var testDescription: String { name }
    }

    static func pod(container: String = "", spec: String = "") -> String {
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {\(spec)containers: [{name: c, image: i\(container)}]}\n"
    }

    static let cases: [Case] = [
        Case(name: "a probe with one handler", yaml: pod(container: ", livenessProbe: {httpGet: {port: 80}}"), codes: []),
        Case(name: "a probe with two handlers", yaml: pod(container: ", livenessProbe: {httpGet: {port: 80}, tcpSocket: {port: 80}}"),
             codes: ["conflicting-fields"], path: ".spec.containers[name=\"c\"].livenessProbe.tcpSocket"),
        Case(name: "a probe without a handler", yaml: pod(container: ", readinessProbe: {periodSeconds: 5}"), codes: ["required"],
             path: ".spec.containers[name=\"c\"].readinessProbe"),
        Case(name: "a lifecycle hook with two handlers", yaml: pod(container: ", lifecycle: {preStop: {sleep: {seconds: 1}, exec: {command: [x]}}}"),
             codes: ["conflicting-fields"]),
        Case(name: "an env var with value and valueFrom", yaml: pod(container: ", env: [{name: A, value: x, valueFrom: {fieldRef: {fieldPath: metadata.name}}}]"),
             codes: ["conflicting-fields"], path: ".spec.containers[name=\"c\"].env[name=\"A\"].valueFrom"),
        Case(name: "a volume with two sources", yaml: pod(spec: "volumes: [{name: v, emptyDir: {}, secret: {secretName: s}}], "), codes: ["conflicting-fields"]),
        Case(name: "a volume with no source is an emptyDir", yaml: pod(spec: "volumes: [{name: v}], "), codes: []),
        Case(name: "a PodDisruptionBudget with both bounds",
             yaml: "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: p}\nspec: {minAvailable: 1, maxUnavailable: 1}\n",
             codes: ["conflicting-fields"], path: ".spec.maxUnavailable"),
        Case(name: "a Recreate strategy with rollingUpdate",
             yaml: """
                 apiVersion: apps/v1
                 kind: Deployment
                 metadata: {name: d}
                 spec:
                   strategy: {type: Recreate, rollingUpdate: {maxSurge: 1}}
                   selector: {matchLabels: {a: b}}
                   template: {metadata: {labels: {a: b}}, spec: {containers: [{name: c, image: i}]}}
                 """,
             codes: ["conflicting-fields"], path: ".spec.strategy.rollingUpdate"),
        Case(name: "an Ingress backend port with name and number",
             yaml: "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: i}\nspec: {defaultBackend: {service: {name: s, port: {name: http, number: 80}}}}\n",
             codes: ["conflicting-fields"]),
        Case(name: "an Ingress backend port with neither",
             yaml: "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: i}\nspec: {defaultBackend: {service: {name: s, port: {}}}}\n",
             codes: ["required"]),
    ]

    @Test(arguments: cases)
    func exclusiveFields(_ test: Case) throws {
        let found = try diagnostics(test.yaml)
        #expect(codes(found) == test.codes, "\(found.map { "\($0.code) \($0.path): \($0.message)" })")
        if let path = test.path { #expect(found.first?.path == path) }
    }
}
