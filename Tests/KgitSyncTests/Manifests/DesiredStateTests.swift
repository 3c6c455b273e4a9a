import KgitGit
import KgitSchema
import KgitYAML
import Testing

@testable import KgitSync

@Suite struct DesiredStateTests {
    static let deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          namespace: shop
        spec:
          replicas: 2
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
            spec:
              containers:
              - name: web
                image: nginx:1.27
        """

    @Test func aValidRevisionBecomesObjectsWithIdentities() throws {
        let result = SyncFixtures.load([
            ("a/deploy.yaml", Self.deployment),
            ("b/ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n"),
        ])
        let state = try result.get()
        let got = state.objects.map(\.identity.description)
        #expect(got == ["apps/v1 Deployment shop/web", "v1 Namespace shop"])
    }

    @Test func provenanceMapsFieldPathsToFileLineAndColumn() throws {
        let state = try SyncFixtures.load([("deploy.yaml", Self.deployment)]).get()
        let object = try #require(state.objects.first)
        let want: [(String, String)] = [
            (".spec.replicas", "deploy.yaml:7:3"),
            (".metadata.name", "deploy.yaml:4:3"),
            (".spec.template.spec.containers[name=\"web\"]", "deploy.yaml:15:9"),
            (".spec.template.spec.containers[name=\"web\"].image", "deploy.yaml:16:9"),
        ]
        for (path, location) in want {
            #expect(object.provenance[path]?.description == location, "\(path)")
        }
    }

    @Test func aFieldWithoutItsOwnEntryIsTracedToItsNearestAncestor() throws {
        let object = try #require(try SyncFixtures.desired(Self.deployment, file: "d.yaml"))
        #expect(
            object.source(of: ".spec.template.spec.containers[name=\"web\"].imagePullPolicy")?.description
                == "d.yaml:15:9")
        #expect(object.source(of: ".nothing.here")?.description == "d.yaml:1:1")
    }

    @Test(arguments: [
        ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n", "apps", "apps"),
        ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: own\n", "apps", "own"),
        ("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n", "apps", ""),
        ("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: r\n", "apps", ""),
    ])
    func namespacedObjectsGetTheDefaultNamespaceClusterScopedOnesNone(
        yaml: String, defaultNamespace: String, want: String
    ) throws {
        let state = try SyncFixtures.load([("x.yaml", yaml)], defaultNamespace: defaultNamespace).get()
        let got = try #require(state.objects.first)
        #expect(got.identity.namespace == want)
        if !want.isEmpty { #expect(got.body["metadata"]?["namespace"] == .string(want)) }
    }

    @Test func aCustomResourceTakesItsScopeFromTheCRDInTheRevision() throws {
        let crd = """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata:
              name: widgets.example.com
            spec:
              group: example.com
              scope: Cluster
              names: {kind: Widget, plural: widgets, singular: widget, listKind: WidgetList}
              versions:
              - name: v1
                served: true
                storage: true
                schema:
                  openAPIV3Schema:
                    type: object
                    x-kubernetes-preserve-unknown-fields: true
            """
        let widget = "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n"
        let state = try SyncFixtures.load([("crd.yaml", crd), ("widget.yaml", widget)]).get()
        let got = try #require(state.objects.first { $0.identity.kind == "Widget" })
        #expect(got.scope == .cluster)
        #expect(got.identity.namespace == "")
    }

    @Test func duplicateIdentitiesAcrossFilesNameBothPlaces() {
        let config = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: team\n"
        let result = SyncFixtures.load([("a.yaml", config), ("b.yaml", "# comment\n" + config)])
        guard case .failure(let error) = result else {
            Issue.record("want failure, got \(result)")
            return
        }
        let got = error.diagnostics.map { "\($0.file):\($0.start): \($0.code): \($0.message)" }
        #expect(got == ["b.yaml:2:1: duplicate-object: v1 ConfigMap team/c is declared twice: here and at a.yaml:1:1"])
    }

    @Test func oneInvalidDocumentRefusesTheWholeRevisionWithEveryDiagnostic() {
        let good = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n"
        let bad = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: d\ndata:\n  k: [1]\nbogus: 1\n"
        let result = SyncFixtures.load([("good.yaml", good), ("bad.yaml", bad)])
        guard case .failure(let error) = result else {
            Issue.record("want failure, got \(result)")
            return
        }
        let errors = error.diagnostics.filter { $0.severity == .error }
        #expect(errors.count >= 2)
        #expect(errors.allSatisfy { $0.file == "bad.yaml" })
        #expect(Set(errors.map(\.path)).isSuperset(of: [".bogus"]))
        #expect(error.description.contains("bad.yaml:7:1:"))
    }

    @Test func anObjectWithOnlyGenerateNameCannotBeSynced() {
        let result = SyncFixtures.load([
            ("gen.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  generateName: web-\n")
        ])
        guard case .failure(let error) = result else {
            Issue.record("want failure, got \(result)")
            return
        }
        let got = error.diagnostics.map { "\($0.file):\($0.start) \($0.code) \($0.path) \($0.object ?? "-")" }
        #expect(got == ["gen.yaml:4:3 invalid-object .metadata.name v1 ConfigMap"])
    }

    @Test func aV1ListIsExpandedIntoItsItems() throws {
        let list = """
            apiVersion: v1
            kind: List
            items:
            - {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}
            - {apiVersion: v1, kind: ConfigMap, metadata: {name: b}}
            """
        let state = try SyncFixtures.load([("list.yaml", list)]).get()
        #expect(state.objects.map(\.identity.name) == ["a", "b"])
        #expect(state.objects.map(\.location.description) == ["list.yaml:4:3", "list.yaml:5:3"])
    }

    @Test func emptyDocumentsAreSkipped() throws {
        let state = try SyncFixtures.load([
            ("e.yaml", "---\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: team}\n")
        ]).get()
        #expect(state.objects.count == 1)
    }
}

@Suite struct DesiredStateSnapshotTests {
    @Test func aSnapshotLoadsItsYAMLFilesAtItsCommitAndLeavesKGLToKgitKGL() throws {
        let commit = try #require(ObjectID(hex: String(repeating: "ab", count: 20)))
        let tree = try #require(ObjectID(hex: String(repeating: "cd", count: 20)))
        func file(_ path: String, _ text: String) -> ManifestFile {
            ManifestFile(path: path, blob: tree, bytes: Array(text.utf8))
        }
        let files = [
            file("apps/b.yml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n"),
            file("apps/a.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n"),
            file("apps/kgit.kgl", "this is not YAML: [\n"),
        ]
        let snapshot = ManifestSnapshot(
            revision: ResolvedRevision(revision: "main", reference: "refs/heads/main", commit: commit, tree: tree),
            directory: "apps", directoryTree: tree,
            files: Dictionary(uniqueKeysWithValues: files.map { ($0.path, $0) }),
            linkedFiles: [:])
        let state = try DesiredState.load(snapshot, options: DesiredStateOptions(defaultNamespace: "web")).get()
        #expect(state.revision == commit.description)
        #expect(state.objects.map(\.location.description) == ["apps/a.yaml:1:1", "apps/b.yml:1:1"])
        #expect(state.objects.map(\.identity.namespace) == ["web", "web"])
    }
}

@Suite("DesiredState.attributeSources")
struct AttributeSourcesTests {
    @Test("rendered fields are traced through locate; a value written elsewhere than its key is traced to the value")
    func tracesRenderedFields() throws {
        let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  mode: fast\n"
        var state = try SyncFixtures.load([("rendered.yaml", text)]).get()
        let documents = try YAMLParser.parse(text)
        state.attributeSources(to: documents) { _, mark in
            // Pretend the value of `mode` (line 6, column 9) came from a patch in kgit.kgl.
            mark.line == 6 && mark.column == 9
                ? ManifestLocation(file: "kgit.kgl", line: 3, column: 5)
                : ManifestLocation(file: "base/c.yaml", line: mark.line, column: mark.column)
        }
        let object = try #require(state.objects.first)
        #expect(object.provenance[".metadata.name"] == ManifestLocation(file: "base/c.yaml", line: 4, column: 3))
        #expect(object.provenance[".data.mode"] == ManifestLocation(file: "kgit.kgl", line: 3, column: 5))
        #expect(object.location.file == "base/c.yaml")
    }
}
