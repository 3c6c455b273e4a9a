import KgitSchema
import Testing

/// Each case: the YAML spliced into the Deployment's container, the expected codes, and the path of the first.
@Suite struct PodChecksTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var container: String = ""
        var podSpec: String = ""
        var codes: [String]
        var path: String? = nil
        /// Part of the first diagnostic's message, when it matters.
        var message: String? = nil
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "a container port above 65535", container: "ports:\n  - containerPort: 70000", codes: ["port-range"],
             path: ".spec.template.spec.containers[name=\"web\"].ports[containerPort=70000].containerPort"),
        Case(name: "a container port of 0", container: "ports:\n  - containerPort: 0", codes: ["port-range"]),
        Case(name: "a host port above 65535", container: "ports:\n  - containerPort: 80\n    hostPort: 65536", codes: ["port-range"]),
        Case(name: "a host port of 0 means none", container: "ports:\n  - containerPort: 80\n    hostPort: 0", codes: []),
        Case(name: "a port name with uppercase letters", container: "ports:\n  - containerPort: 80\n    name: HTTP", codes: ["invalid-port-name"]),
        Case(name: "two ports with one name", container: "ports:\n  - containerPort: 80\n    name: http\n  - containerPort: 81\n    name: http",
             codes: ["duplicate-port-name"], path: ".spec.template.spec.containers[name=\"web\"].ports[containerPort=81].name"),
        Case(name: "an environment variable name with '='", container: "env:\n  - name: A=B\n    value: x", codes: ["invalid-env-name"],
             path: ".spec.template.spec.containers[name=\"web\"].env[name=\"A=B\"].name"),
        Case(name: "a request above its limit", container: "resources:\n  requests: {cpu: \"1\"}\n  limits: {cpu: 500m}",
             codes: ["requests-exceed-limits"], path: ".spec.template.spec.containers[name=\"web\"].resources.requests.cpu"),
        Case(name: "a request equal to its limit in other units", container: "resources:\n  requests: {memory: 1Gi}\n  limits: {memory: 1024Mi}", codes: []),
        Case(name: "a negative limit", container: "resources:\n  limits: {cpu: \"-1\"}", codes: ["negative-value"]),
        Case(name: "a container name with an underscore", container: "", podSpec: "initContainers:\n  - name: init_db\n    image: busybox",
             codes: ["invalid-name"], path: ".spec.template.spec.initContainers[name=\"init_db\"].name"),
        Case(name: "a container without an image", podSpec: "initContainers:\n  - name: init", codes: ["required"],
             path: ".spec.template.spec.initContainers[name=\"init\"].image"),
        Case(name: "an init container named like a container", podSpec: "initContainers:\n  - name: web\n    image: busybox",
             codes: ["duplicate-container-name"]),
        Case(name: "a mount of an undeclared volume", container: "volumeMounts:\n  - name: dta\n    mountPath: /data",
             podSpec: "volumes:\n  - name: data\n    emptyDir: {}", codes: ["unknown-volume"],
             path: ".spec.template.spec.containers[name=\"web\"].volumeMounts[mountPath=\"/data\"].name"),
        Case(name: "a mount of a declared volume", container: "volumeMounts:\n  - name: data\n    mountPath: /data",
             podSpec: "volumes:\n  - name: data\n    emptyDir: {}", codes: []),
        Case(name: "two volumes with one name", podSpec: "volumes:\n  - name: data\n    emptyDir: {}\n  - name: data\n    emptyDir: {}",
             codes: ["duplicate-key-in-list"]),
        Case(name: "a volume name with a dot", podSpec: "volumes:\n  - name: my.data\n    emptyDir: {}", codes: ["invalid-name"]),
        Case(name: "a negative probe period", container: "livenessProbe:\n  periodSeconds: -5\n  tcpSocket: {port: 80}", codes: ["negative-value"]),
        Case(name: "a probe port out of range", container: "readinessProbe:\n  httpGet: {path: /, port: 0}", codes: ["port-range"]),
        Case(name: "a probe port named with uppercase", container: "readinessProbe:\n  httpGet: {path: /, port: Web}", codes: ["invalid-port-name"]),
        Case(name: "a negative grace period", podSpec: "terminationGracePeriodSeconds: -1", codes: ["negative-value"]),
        Case(name: "an unknown imagePullPolicy", container: "imagePullPolicy: Sometimes", codes: ["enum"]),
        Case(name: "an empty imagePullPolicy, which defaulting fills in", container: "imagePullPolicy: \"\"", codes: []),
    ] + manyEntries

    /// The same rules past the few entries whose names the checks compare in order (`NameTable.linearLimit`):
    /// there the names are hashed, and must give the same reports.
    static let manyEntries: [Case] = {
        let count = 40
        let ports = (0..<count).map { "  - containerPort: \(1000 + $0)\n    name: p\($0)" }.joined(separator: "\n")
        let volumes = (0..<count).map { "  - name: v\($0)\n    emptyDir: {}" }.joined(separator: "\n")
        let limits = (0..<count).map { "    example.com/r\($0): \"10\"" }.joined(separator: "\n")
        return [
            Case(name: "a port name reused after forty ports", container: "ports:\n\(ports)\n  - containerPort: 2000\n    name: p3",
                 codes: ["duplicate-port-name"], path: ".spec.template.spec.containers[name=\"web\"].ports[containerPort=2000].name",
                 message: "is already used by port 3"),
            Case(name: "forty ports with distinct names", container: "ports:\n\(ports)", codes: []),
            Case(name: "a request above its limit among forty resources",
                 container: "resources:\n  limits:\n\(limits)\n  requests:\n    example.com/r35: \"20\"\n    example.com/r2: \"10\"",
                 codes: ["requests-exceed-limits"], path: ".spec.template.spec.containers[name=\"web\"].resources.requests[\"example.com/r35\"]"),
            Case(name: "a mount of an undeclared volume among forty", container: "volumeMounts:\n  - name: v39\n    mountPath: /a\n  - name: v40\n    mountPath: /b",
                 podSpec: "volumes:\n\(volumes)", codes: ["unknown-volume"],
                 path: ".spec.template.spec.containers[name=\"web\"].volumeMounts[mountPath=\"/b\"].name"),
        ]
    }()

    @Test(arguments: cases)
    func podRules(_ test: Case) throws {
        let yaml = deploymentWithPod(container: test.container, podSpec: test.podSpec)
        let found = try diagnostics(yaml)
        #expect(codes(found) == test.codes, "\(found.map { "\($0.code) \($0.path): \($0.message)" })")
        if let path = test.path { #expect(found.first?.path == path) }
        if let message = test.message { #expect(found.first?.message.contains(message) == true, "\(found.map(\.message))") }
    }

    private func deploymentWithPod(container: String, podSpec: String) -> String {
        func indent(_ text: String, _ spaces: Int) -> String {
            text.split(separator: "\n", omittingEmptySubsequences: false).map { String(repeating: " ", count: spaces) + $0 }.joined(separator: "\n")
        }
        return """
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
            \(indent(podSpec, 6))
                  containers:
                    - name: web
                      image: nginx
            \(indent(container, 10))
            """
    }
}
