import KgitSchema
import KgitYAML
import Testing

@testable import KgitKGL

@Suite struct RenderedEnvironmentTests {
    static let deployment = SourceFile(path: "apps/web/deploy.yaml", bytes: Array("""
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: shop, labels: {app: web}}
        spec:
          replicas: 1
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers:
              - name: web
                image: nginx:1.27
                args: [--port=80]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: shop}
        spec:
          selector: {app: web}
          ports: [{port: 80}]
        """.utf8))

    static let budget = SourceFile(path: "envs/prod/pdb.yaml", bytes: Array("""
        apiVersion: policy/v1
        kind: PodDisruptionBudget
        metadata: {name: web, namespace: shop}
        spec: {minAvailable: 1, selector: {matchLabels: {app: web}}}
        """.utf8))

    static let kgl = """
        import apps "kgit:k8s@1.33/apps/v1"

        env staging {
          patch apps.Deployment "shop/web" { spec.replicas = 2 }
        }

        env prod extends staging {
          patch apps.Deployment "shop/web" {
            spec.replicas = 6
            spec.template.spec.containers[name="web"].resources.limits.memory = 2Gi
            spec.template.spec.containers[name="web"].args += "--verbose"
            spec.template.spec.containers[name="sidecar"].image = "envoy:1.30"
            metadata.labels."app.kubernetes.io/part-of" = "shop"
            delete metadata.labels.app
          }
          add "prod/pdb.yaml"
        }
        """

    static func render(_ environment: String, kgl: String = kgl) -> RenderedEnvironment {
        RenderedEnvironment(kgl: kgl, environment: environment, base: [deployment], files: [budget])
    }

    @Test func eachLayerAppliesInOrderAndNewNodesAreCreated() throws {
        let rendered = Self.render("prod")
        #expect(rendered.diagnostics.map(\.message) == [])
        #expect(rendered.documents.count == 3)
        let root = try #require(rendered.documents.first?.root)
        #expect(root.text(at: ["spec", "replicas"]) == "6")
        #expect(root.text(at: ["metadata", "labels", "app.kubernetes.io/part-of"]) == "shop")
        #expect(root.text(at: ["metadata", "labels", "app"]) == nil)
        let containers = try #require(root.mapping?.first { $0.key.string == "spec" }?.value
            .mapping?.first { $0.key.string == "template" }?.value
            .mapping?.first { $0.key.string == "spec" }?.value
            .mapping?.first { $0.key.string == "containers" }?.value.sequence)
        #expect(containers.map { $0.text(at: ["name"]) } == ["web", "sidecar"])
        #expect(containers[0].text(at: ["resources", "limits", "memory"]) == "2Gi")
        #expect(containers[0].mapping?.first { $0.key.string == "args" }?.value.sequence?.map(\.string) == ["--port=80", "--verbose"])
        #expect(containers[1].text(at: ["image"]) == "envoy:1.30")
        #expect(rendered.documents[2].root?.text(at: ["kind"]) == "PodDisruptionBudget")
    }

    @Test func aLowerEnvironmentSeesOnlyItsOwnLayers() throws {
        let rendered = Self.render("staging")
        #expect(rendered.diagnostics.isEmpty)
        #expect(rendered.documents.count == 2)
        #expect(rendered.documents.first?.root?.text(at: ["spec", "replicas"]) == "2")
    }

    @Test func theRenderedYAMLPassesTheValidator() throws {
        let rendered = Self.render("prod")
        let validator = try Validator()
        let report = validator.validate([SourceFile(path: "rendered.yaml", bytes: Array(rendered.yaml.utf8))])
        #expect(report.diagnostics.map { "\($0.code) \($0.message)" } == [])
        #expect(report.documents.count == 3)
    }

    @Test func nodesAPatchCreatesPointAtThePatch() throws {
        let root = try #require(Self.render("prod").documents.first?.root)
        let labels = root.mapping?.first { $0.key.string == "metadata" }?.value.mapping?.first { $0.key.string == "labels" }?.value
        let added = try #require(labels?.mapping?.first { $0.key.string == "app.kubernetes.io/part-of" })
        #expect(added.value.start.line == 13)
    }

    @Test(arguments: [
        ("env p { patch apps.Deployment \"shop/api\" { spec.replicas = 1 } }", "3:31 kgl-missing-object"),
        ("env p { add \"missing.yaml\" }", "3:13 kgl-missing-file"),
        (
            "env p { patch apps.Deployment \"shop/web\" { spec.template.spec.containers[name=\"web\"].command[5] = \"x\" } }",
            "3:44 kgl-patch-not-applicable"
        ),
        ("env p { patch apps.Deployment \"shop/web\" { spec.replcas = 1 } }", "3:49 kgl-unknown-patch-field"),
    ])
    func renderingProblemsAreReportedAtThePatch(_ body: String, _ want: String) {
        let kgl = "import apps \"kgit:k8s@1.33/apps/v1\"\n\n" + body
        let rendered = Self.render("p", kgl: kgl)
        #expect(rendered.diagnostics.map { "\($0.start) \($0.code)" } == [want])
    }

    static func requireKGL(_ body: String) -> String {
        "import apps \"kgit:k8s@1.33/apps/v1\"\n\n" + body
    }

    @Test func aRequirementViolatedByAPatchedValueIsReportedAtThePatch() throws {
        let kgl = Self.requireKGL("""
            env staging {
              patch apps.Deployment "shop/web" { spec.replicas = 2 }
              require apps.Deployment { spec.replicas: >=3 }
            }
            """)
        let rendered = RenderedEnvironment(kgl: kgl, kglFile: "kgit.kgl", environment: "staging", base: [Self.deployment])
        let diagnostic = try #require(rendered.diagnostics.first)
        #expect(rendered.diagnostics.count == 1)
        #expect("\(diagnostic.file):\(diagnostic.start)" == "kgit.kgl:4:54")
        #expect(diagnostic.path == ".spec.replicas")
        #expect(diagnostic.notes.last == "required by env staging at kgit.kgl:5:3")
    }

    @Test func aRequirementViolatedByABaseValueIsReportedInTheManifest() throws {
        let kgl = Self.requireKGL("env prod { require apps.Deployment \"shop/web\" { spec.replicas: >=3 } }")
        let rendered = RenderedEnvironment(kgl: kgl, environment: "prod", base: [Self.deployment])
        #expect(rendered.diagnostics.map { "\($0.file):\($0.start)" } == ["apps/web/deploy.yaml:5:13"])
    }

    @Test func aRequirementForAnotherObjectDoesNotApply() {
        let kgl = Self.requireKGL("env prod { require apps.Deployment \"shop/api\" { spec.replicas: >=3 } }")
        #expect(RenderedEnvironment(kgl: kgl, environment: "prod", base: [Self.deployment]).diagnostics.isEmpty)
    }

    @Test func anUnknownEnvironmentRendersNothing() {
        let rendered = Self.render("qa")
        #expect(rendered.documents.isEmpty)
        #expect(rendered.diagnostics.map(\.code) == ["kgl-unknown-environment"])
    }
}
