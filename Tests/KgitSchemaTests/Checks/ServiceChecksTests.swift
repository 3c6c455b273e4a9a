import KgitSchema
import Testing

@Suite struct ServiceChecksTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var spec: String
        var codes: [String]
        var severities: [Diagnostic.Severity]? = nil
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "a ClusterIP Service with a named target port", spec: "ports: [{port: 80, targetPort: http}]", codes: []),
        Case(name: "a port above 65535", spec: "ports: [{port: 65536}]", codes: ["port-range"]),
        Case(name: "a target port of 0", spec: "ports: [{port: 80, targetPort: 0}]", codes: ["port-range"]),
        Case(name: "a target port name too long", spec: "ports: [{port: 80, targetPort: a-very-long-port-name}]", codes: ["invalid-port-name"]),
        Case(name: "a nodePort on a ClusterIP Service", spec: "ports: [{port: 80, nodePort: 30080}]", codes: ["service-type"]),
        Case(name: "a nodePort outside the default range", spec: "type: NodePort\nports: [{port: 80, nodePort: 8080}]",
             codes: ["node-port-range"], severities: [.warning]),
        Case(name: "a nodePort inside the default range", spec: "type: NodePort\nports: [{port: 80, nodePort: 30080}]", codes: []),
        Case(name: "two unnamed ports", spec: "ports: [{port: 80}, {port: 443}]", codes: ["required", "required"]),
        Case(name: "two ports with one name", spec: "ports: [{port: 80, name: web}, {port: 443, name: web}]", codes: ["duplicate-port-name"]),
        Case(name: "a port name with uppercase letters", spec: "ports: [{port: 80, name: Web}]", codes: ["invalid-port-name"]),
        Case(name: "an ExternalName Service without externalName", spec: "type: ExternalName", codes: ["service-type"]),
        Case(name: "an ExternalName Service", spec: "type: ExternalName\nexternalName: db.example.com", codes: []),
        Case(name: "a ClusterIP Service without ports", spec: "selector: {app: web}", codes: ["required"]),
        Case(name: "a headless Service without ports", spec: "clusterIP: None", codes: []),
        Case(name: "a headless NodePort Service", spec: "type: NodePort\nclusterIP: None\nports: [{port: 80}]", codes: ["service-type"]),
        Case(name: "an unknown type", spec: "type: Internal\nports: [{port: 80}]", codes: ["enum"]),
        Case(name: "the same port twice", spec: "ports: [{port: 80, name: a}, {port: 80, name: b}]", codes: ["duplicate-key-in-list"]),
    ]

    @Test(arguments: cases)
    func serviceRules(_ test: Case) throws {
        let yaml = """
            apiVersion: v1
            kind: Service
            metadata: {name: web}
            spec:
            \(test.spec.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
            """
        let found = try diagnostics(yaml)
        #expect(codes(found) == test.codes, "\(found.map { "\($0.code) \($0.path): \($0.message)" })")
        if let severities = test.severities { #expect(found.map(\.severity) == severities) }
    }
}
