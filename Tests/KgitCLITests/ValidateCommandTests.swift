import KgitTesting
import Foundation
import Testing

/// The repository root, for the bundled manifests.
private let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// `code@line:column` of every diagnostic in JSON output, in output order.
private func locations(_ json: String) throws -> [String] {
    let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
    let diagnostics = object?["diagnostics"] as? [[String: Any]] ?? []
    return diagnostics.map { d in
        "\(d["code"] as? String ?? "?")@\(d["line"] as? Int ?? 0):\(d["column"] as? Int ?? 0)"
    }
}

@Suite struct ValidateCommand {
    @Test func theBundledExamplesAreValidAndExitZero() async throws {
        let result = try await KgitBinary.run(["validate", "--summary", "manifests/examples"], in: repositoryRoot)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("0 invalid"))
        #expect(result.stdout.contains("0 errors, 0 warnings"))
    }

    @Test func theBrokenExamplesExitOneAndNameEachMistakeAtItsLineAndColumn() async throws {
        let result = try await KgitBinary.run(["validate", "manifests/broken/mistakes.yaml"], in: repositoryRoot)
        #expect(result.status == 1)
        let out = result.stdout
        #expect(out.contains("manifests/broken/mistakes.yaml:7:3: error[unknown-field]"))
        #expect(out.contains("= did you mean `replicas`?"))
        #expect(out.contains("manifests/broken/mistakes.yaml:21:23: error[invalid-quantity]"))
        #expect(out.contains("manifests/broken/mistakes.yaml:26:9: error[invalid-name]"))
        #expect(out.contains("manifests/broken/mistakes.yaml:29:13: error[port-range]"))
        #expect(out.contains("manifests/broken/mistakes.yaml:36:12: "))
        #expect(out.contains("quote"))
        #expect(out.contains("error[selector-mismatch]"))
    }

    @Test func aDeploymentWhoseSelectorDoesNotMatchItsTemplateIsReported() async throws {
        let dir = try TemporaryDirectory()
        try dir.write("d.yaml", """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: api
            spec:
              selector:
                matchLabels:
                  app: api
              template:
                metadata:
                  labels:
                    app: other
                spec:
                  containers:
                    - name: api
                      image: example/api:1.0
            """)
        let result = try await KgitBinary.run(["validate", "-o", "json", "d.yaml"], in: dir.url)
        #expect(result.status == 1)
        #expect(try locations(result.stdout).contains { $0.hasPrefix("selector-mismatch@") })
    }

    @Test func standardInputIsReadWhenThePathIsADash() async throws {
        let result = try await KgitBinary.run(["validate", "-"], stdin: """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: ok
            data:
              key: value
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: bad
            dta: {}
            """)
        #expect(result.status == 1)
        #expect(result.stdout.hasPrefix("-:12:1: error[unknown-field]"), "\(result.stdout)")
    }

    @Test func directoriesAreSearchedRecursivelyForYAMLFilesOnly() async throws {
        let dir = try TemporaryDirectory()
        try dir.write("a/b/one.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: one\n")
        try dir.write("a/two.yml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: Two\n")
        try dir.write("a/notes.txt", "not yaml: [")
        try dir.write("a/.hidden/three.yaml", "not yaml: [")
        let result = try await KgitBinary.run(["validate", "-o", "json", "a"], in: dir.url)
        #expect(result.status == 1)
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let documents = object?["documents"] as? [[String: Any]] ?? []
        #expect(documents.map { $0["file"] as? String } == ["a/b/one.yaml", "a/two.yml"])
        #expect(try locations(result.stdout) == ["invalid-name@4:9"])
    }

    @Test func aMissingPathIsAnIOErrorWithExitStatus2() async throws {
        let result = try await KgitBinary.run(["validate", "does-not-exist.yaml"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("does-not-exist.yaml: no such file or directory"))
    }

    @Test func noPathIsAUsageErrorWithExitStatus2() async throws {
        let result = try await KgitBinary.run(["validate"])
        #expect(result.status == 2)
    }

    @Test func aYAMLSyntaxErrorIsReportedAtItsPositionAndOtherFilesStillValidate() async throws {
        let dir = try TemporaryDirectory()
        try dir.write("bad.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [x\n")
        try dir.write("good.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fine\n  labelz: {}\n")
        let result = try await KgitBinary.run(["validate", "-o", "json", "bad.yaml", "good.yaml"], in: dir.url)
        #expect(result.status == 1)
        let found = try locations(result.stdout)
        #expect(found.count == 2)
        #expect(found.first?.hasPrefix("yaml-syntax@") == true)
        #expect(found.last == "unknown-field@5:3")
    }

    @Test func documentsAroundASyntaxErrorAreStillValidated() async throws {
        let dir = try TemporaryDirectory()
        try dir.write("mixed.yaml", """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: first
              labelz: {}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: [broken
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: third
            data:
              enabled: yes
            """)
        let result = try await KgitBinary.run(["validate", "-o", "json", "mixed.yaml"], in: dir.url)
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        let found = try locations(result.stdout)
        // The document before the error, the error itself, and the document after it.
        #expect(found.first == "unknown-field@5:3")
        #expect(found.count == 3, "\(found)")
        #expect(found.dropFirst().first?.hasPrefix("yaml-syntax@1") == true, "\(found)")
        #expect(found.last == "quote-yaml11@17:12")
    }

    @Test func aSyntaxErrorDoesNotHideTheValidDocumentsBeforeItInTheSummary() async throws {
        let dir = try TemporaryDirectory()
        try dir.write("tail.yaml", """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: fine
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: "unterminated
            """)
        let result = try await KgitBinary.run(["validate", "--summary", "tail.yaml"], in: dir.url)
        #expect(result.status == 1)
        #expect(result.stdout.contains("tail.yaml:9:"), "\(result.stdout)")
        #expect(result.stdout.contains("error[yaml-syntax]"))
        #expect(result.stdout.contains("1 document"), "\(result.stdout)")
    }

    @Test func aDuplicateKeyLosesOnlyItsOwnDocument() async throws {
        let dir = try TemporaryDirectory()
        try dir.write("dup.yaml", """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: a
              name: b
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: Not_Valid
            """)
        let result = try await KgitBinary.run(["validate", "-o", "json", "dup.yaml"], in: dir.url)
        #expect(result.status == 1)
        #expect(try locations(result.stdout) == ["yaml-duplicate-key@5:3", "invalid-name@10:9"])
    }

    @Test func aCustomResourceIsValidatedAgainstACRDInTheSameRun() async throws {
        let dir = try TemporaryDirectory()
        try dir.write("crd.yaml", """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata:
              name: widgets.example.com
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
                        spec:
                          type: object
                          properties:
                            size: {type: integer, minimum: 1}
            """)
        try dir.write("widget.yaml", """
            apiVersion: example.com/v1
            kind: Widget
            metadata:
              name: w
            spec:
              size: 0
              colour: red
            """)
        let together = try await KgitBinary.run(["validate", "-o", "json", "crd.yaml", "widget.yaml"], in: dir.url)
        #expect(together.status == 1)
        let found = try locations(together.stdout)
        #expect(found.count == 2, "\(found)")
        #expect(found.contains("unknown-field@7:3"))
        #expect(found.contains { $0.hasSuffix("@6:9") })

        // With --schema, the CRD is used but not validated as an input.
        let viaSchema = try await KgitBinary.run(["validate", "-o", "json", "--schema", "crd.yaml", "widget.yaml"], in: dir.url)
        let object = try JSONSerialization.jsonObject(with: Data(viaSchema.stdout.utf8)) as? [String: Any]
        #expect((object?["documents"] as? [[String: Any]])?.count == 1)

        // Without the CRD, the kind is unknown.
        let alone = try await KgitBinary.run(["validate", "-o", "json", "widget.yaml"], in: dir.url)
        #expect(try locations(alone.stdout).first?.hasPrefix("unknown-kind@") == true)
    }

    @Test func skipKindAndAllowUnknownFieldsRelaxTheChecks() async throws {
        let dir = try TemporaryDirectory()
        try dir.write("x.yaml", """
            apiVersion: example.com/v1
            kind: Gadget
            metadata:
              name: g
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: c
            extra: 1
            """)
        let strict = try await KgitBinary.run(["validate", "x.yaml"], in: dir.url)
        #expect(strict.status == 1)
        let relaxed = try await KgitBinary.run(
            ["validate", "--skip-kind", "Gadget", "--allow-unknown-fields", "x.yaml"], in: dir.url)
        #expect(relaxed.status == 0, "\(relaxed.stdout)")
    }

    @Test(arguments: ["text", "json", "junit", "sarif", "github"])
    func everyOutputFormatReportsTheSameProblem(format: String) async throws {
        let dir = try TemporaryDirectory()
        try dir.write("svc.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  ports:\n    - port: 0\n")
        let result = try await KgitBinary.run(["validate", "--output", format, "svc.yaml"], in: dir.url)
        #expect(result.status == 1)
        #expect(result.stdout.contains("port-range"))
        #expect(result.stdout.contains("7"))
    }

    static let threeMistakes = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          replicas: 2
          selector: {matchLabels: {app: web}}
          template:
            metadata:
              labels: {app: api}
            spec:
              containers:
                - name: web
                  image: nginx
                  resources: {requests: {cpu: 1x}}
                  portz: []

        """
    /// (code, line, column) of each mistake in `threeMistakes`.
    static let threeMistakesAt = [("selector-mismatch", 7, 13), ("invalid-quantity", 15, 39), ("unknown-field", 16, 11)]

    @Test("every output format reports each mistake with its code at its line and column", arguments: ["text", "json", "junit", "sarif", "github"])
    func everyFormatPlacesEveryMistake(format: String) async throws {
        let dir = try TemporaryDirectory()
        try dir.write("web.yaml", Self.threeMistakes)
        let result = try await KgitBinary.run(["validate", "--output", format, "web.yaml"], in: dir.url)
        #expect(result.status == 1, "\(result)")
        let out = result.stdout
        var found: [(String, Int, Int)] = []
        switch format {
        case "json":
            let object = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
            for d in object["diagnostics"] as? [[String: Any]] ?? [] {
                found.append((d["code"] as? String ?? "", d["line"] as? Int ?? 0, d["column"] as? Int ?? 0))
            }
        case "sarif":
            let object = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
            let run = try #require((object["runs"] as? [[String: Any]])?.first)
            for r in run["results"] as? [[String: Any]] ?? [] {
                let location = (r["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any]
                let region = location?["region"] as? [String: Any]
                found.append((r["ruleId"] as? String ?? "", region?["startLine"] as? Int ?? 0, region?["startColumn"] as? Int ?? 0))
            }
        default:
            for (code, line, column) in Self.threeMistakesAt {
                let placed: Bool
                switch format {
                case "text": placed = out.contains("web.yaml:\(line):\(column): error[\(code)]")
                case "junit": placed = out.contains("type=\"\(code)\"") && out.contains("web.yaml:\(line):\(column): ")
                default: placed = out.contains("::error file=web.yaml,line=\(line),col=\(column),") && out.contains("title=kgit \(code)::")
                }
                if placed { found.append((code, line, column)) }
            }
        }
        #expect(found.map { "\($0.0)@\($0.1):\($0.2)" } == Self.threeMistakesAt.map { "\($0.0)@\($0.1):\($0.2)" }, "\(out)")
        if format == "text" { #expect(out.contains("did you mean `ports`?")) }
    }

    @Test("--kubernetes-version takes the supported version in any spelling and refuses others with exit code 2")
    func kubernetesVersion() async throws {
        let dir = try TemporaryDirectory()
        try dir.write("ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n")
        for version in ["1.33", "v1.33", "1.33.2"] {
            let result = try await KgitBinary.run(["validate", "--kubernetes-version", version, "ns.yaml"], in: dir.url)
            #expect(result.status == 0, "\(version): \(result)")
        }
        let old = try await KgitBinary.run(["validate", "--kubernetes-version", "1.20", "ns.yaml"], in: dir.url)
        #expect(old.status == 2)
        #expect(old.stderr.contains("Kubernetes version 1.20 is not supported; supported: 1.33"), "\(old)")
    }

    @Test func theSummaryGoesToStandardErrorForMachineFormats() async throws {
        let dir = try TemporaryDirectory()
        try dir.write("ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: fine\n")
        let result = try await KgitBinary.run(["validate", "-o", "json", "--summary", "ns.yaml"], in: dir.url)
        #expect(result.status == 0)
        #expect(result.stderr.contains("1 file, 1 document: 1 valid, 0 invalid"))
        #expect(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) is [String: Any])
    }
}
