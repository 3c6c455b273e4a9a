import KgitSchema
import KgitYAML
import Testing

@testable import KgitKGL

/// Types and patches over the built-in Kubernetes API pack (`kgit:k8s@1.33/...`).
@Suite struct BuiltinPackTests {
    static let header = "import apps \"kgit:k8s@1.33/apps/v1\"\nimport core \"kgit:k8s@1.33/core/v1\"\n"

    static let deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: shop}
        spec:
          replicas: REPLICAS
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers:
              - name: web
                image: nginx
        """

    static func check(_ kgl: String, _ name: String, replicas: Int) throws -> [String] {
        let compiled = CompiledTypes(source: header + kgl)
        #expect(compiled.diagnostics.map(\.message) == [])
        let schema = try #require(compiled.types[name])
        let yaml = deployment.replacingOccurrences(of: "REPLICAS", with: String(replicas))
        let root = try #require(try YAMLParser.parse(yaml).first?.root)
        return Validator.validate(root, against: schema).map(\.code)
    }

    static func errors(_ kgl: String) -> [String] {
        CompiledTypes(source: header + kgl).diagnostics.map { "\($0.start) \($0.code)" }
    }

    static func environmentErrors(_ kgl: String) -> [String] {
        CheckedEnvironments(source: header + kgl).diagnostics.map { "\($0.start) \($0.code)" }
    }

    @Test func aBuiltInKindIsATypeAndARefinementNarrowsIt() throws {
        let kgl = "type D = apps.Deployment\ntype W = apps.Deployment { spec.replicas: >=3 }"
        #expect(try Self.check(kgl, "D", replicas: 1) == [])
        #expect(try Self.check(kgl, "W", replicas: 3) == [])
        #expect(try Self.check(kgl, "W", replicas: 2) != [])
    }

    @Test(arguments: [
        ("type W = apps.Deployment { spec.replcas: >=3 }", "3:33 kgl-refinement-adds-field"),
        ("type W = apps.Deploymnt", "3:15 kgl-unknown-type"),
        ("type W = core.Deployment", "3:15 kgl-unknown-type"),
    ])
    func mistakesAgainstThePackAreReported(_ kgl: String, _ want: String) {
        #expect(Self.errors(kgl).first == want, "all: \(Self.errors(kgl))")
    }

    @Test func unknownKindsAndFieldsGetADidYouMean() {
        let kind = CompiledTypes(source: Self.header + "type W = apps.Deploymnt").diagnostics
        #expect(kind.first?.notes == ["did you mean Deployment?"])
        let field = CompiledTypes(source: Self.header + "type W = apps.Deployment { spec.replcas: >=3 }").diagnostics
        #expect(field.first?.notes == ["did you mean replicas?"])
    }

    @Test(arguments: [
        ("import x \"crd:vendor/x.yaml\"", "1:10 kgl-not-supported-yet"),
        ("import x \"kgit:k8s@1.20/apps/v1\"", "1:10 kgl-not-supported-yet"),
        ("import x \"kgit:k8s@1.33/apps\"", "1:10 kgl-invalid-import"),
    ])
    func importsKgitCannotLoadAreReportedAtTheImport(_ kgl: String, _ want: String) {
        #expect(CompiledTypes(source: kgl).diagnostics.map { "\($0.start) \($0.code)" } == [want])
    }

    @Test func aPositionInAKeyedListIsRejected() {
        let kgl = "env prod { patch core.Service \"shop/web\" { spec.ports[0].port = 8080 } }"
        #expect(Self.environmentErrors(kgl) == ["3:55 kgl-invalid-patch-path"])
    }

    @Test func wellTypedPatchesPass() {
        let kgl = """
            env prod {
              patch apps.Deployment "shop/web" {
                spec.replicas = 6
                spec.template.spec.containers[name="web"].image = "nginx:1.27"
                spec.template.spec.containers[name="web"].resources.limits.memory = 2Gi
                metadata.labels."app.kubernetes.io/part-of" = "shop"
                metadata.finalizers += "example.com/cleanup"
                delete spec.paused
              }
              patch core.Service "shop/web" { spec.ports[port=80].targetPort = 8080 }
            }
            """
        #expect(Self.environmentErrors(kgl) == [])
    }

    @Test(arguments: [
        ("spec.replcas = 6", "kgl-unknown-patch-field"),
        ("spec.replicas = \"six\"", "kgl-invalid-patch-value"),
        ("spec.template.spec.containers[0].image = \"x\"", "kgl-invalid-patch-path"),
        ("spec.template.spec.containers[image=\"x\"].name = \"y\"", "kgl-invalid-patch-path"),
        ("spec.template.spec.containers += { name: \"x\", image: \"y\" }", "kgl-invalid-patch-path"),
        ("spec.replicas += 1", "kgl-invalid-patch-value"),
        ("delete spec.template.spec.volumz", "kgl-unknown-patch-field"),
    ])
    func patchesAreCheckedAgainstTheTargetTypeBeforeMerging(_ statement: String, _ code: String) {
        let kgl = "env prod {\n  patch apps.Deployment \"shop/web\" {\n    \(statement)\n  }\n}"
        #expect(Self.environmentErrors(kgl).map { $0.split(separator: " ").last.map(String.init) } == [code])
        #expect(Self.environmentErrors(kgl).first?.hasPrefix("5:") == true, "\(Self.environmentErrors(kgl))")
    }

    @Test func aPatchOfAnUnknownKindIsReportedOnce() {
        let kgl = "env prod { patch apps.Deploymnt \"a/b\" { spec.replicas = 1 } }"
        #expect(Self.environmentErrors(kgl) == ["3:23 kgl-unknown-type"])
    }
}
