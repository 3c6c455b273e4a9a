import Foundation
import KgitGit
import KgitSchema
import KgitTesting
import Testing

@testable import KgitSync

@Suite struct DesiredStateCacheTests {
    static func configMap(_ name: String, _ value: String, namespace: String = "team") -> String {
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: \(name)\n  namespace: \(namespace)\ndata:\n  value: \"\(value)\"\n"
    }

    static let crd = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: widgets.example.com
        spec:
          group: example.com
          scope: Namespaced
          names: {kind: Widget, plural: widgets, singular: widget, listKind: WidgetList}
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
                      size: {type: %TYPE%}

        """

    static let widget = "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n  namespace: team\nspec:\n  size: 3\n"

    static func files(_ files: [(String, String)]) -> [SourceFile] {
        files.map { SourceFile(path: $0.0, bytes: Array($0.1.utf8)) }
    }

    static func described(_ objects: [DesiredObject]) -> [String] { objects.map(\.identity.description) }

    @Test func aChangedFileIsTheOnlyOneValidatedAgainAndTheStateIsTheWholeRevision() throws {
        let cache = try DesiredStateCache()
        var revision = (0..<20).map { ("m\($0).yaml", Self.configMap("c\($0)", "\($0)")) }
        let first = try cache.load(Self.files(revision)).get()
        #expect(first.filesValidated == 20)
        #expect(first.changed.count == 20)

        revision[7].1 = Self.configMap("c7", "changed")
        let second = try cache.load(Self.files(revision)).get()

        #expect(second.filesValidated == 1)
        #expect(Self.described(second.changed) == ["v1 ConfigMap team/c7"])
        #expect(second.removed.isEmpty)
        let whole = try DesiredState.load(Self.files(revision)).get()
        #expect(second.state.objects == whole.objects)
        #expect(second.state.objects[7].body["data"]?["value"] == .string("changed"))
    }

    @Test func anUnchangedRevisionValidatesNothingAndChangesNothing() throws {
        let cache = try DesiredStateCache()
        let revision = [("a.yaml", Self.configMap("a", "1")), ("b.yaml", Self.configMap("b", "2"))]
        _ = try cache.load(Self.files(revision)).get()
        let again = try cache.load(Self.files(revision)).get()
        #expect(again.filesValidated == 0)
        #expect(again.changed.isEmpty && again.removed.isEmpty)
        #expect(Self.described(again.state.objects) == ["v1 ConfigMap team/a", "v1 ConfigMap team/b"])
    }

    @Test func anInvalidChangeIsReportedAsAWholeLoadReportsItAndTheLastGoodRevisionIsKept() throws {
        let cache = try DesiredStateCache()
        let good = [("a.yaml", Self.configMap("a", "1")), ("b.yaml", Self.configMap("b", "2"))]
        _ = try cache.load(Self.files(good)).get()

        let bad = [good[0], ("b.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\ndata: [1, 2]\n")]
        let failure = try #require(cache.load(Self.files(bad)).failureValue)
        let whole = try #require(DesiredState.load(Self.files(bad)).failureValue)
        #expect(failure.description == whole.description)
        #expect(failure.diagnostics.map { "\($0.code) \($0.file):\($0.start)" } == whole.diagnostics.map { "\($0.code) \($0.file):\($0.start)" })
        #expect(failure.diagnostics.contains { $0.file == "b.yaml" && $0.start.line == 5 && $0.path == ".data" })

        // Compared with the last good revision: a.yaml's change is the only one.
        let next = [("a.yaml", Self.configMap("a", "3")), good[1]]
        let update = try cache.load(Self.files(next)).get()
        #expect(update.filesValidated == 1)
        #expect(Self.described(update.changed) == ["v1 ConfigMap team/a"])
    }

    @Test func anObjectDeclaredAgainInAChangedFileIsADuplicateOfTheUnchangedOne() throws {
        let cache = try DesiredStateCache()
        _ = try cache.load(Self.files([("a.yaml", Self.configMap("a", "1")), ("b.yaml", Self.configMap("b", "2"))]))
            .get()
        let failure = try #require(
            cache.load(Self.files([("a.yaml", Self.configMap("a", "1")), ("b.yaml", Self.configMap("a", "2"))]))
                .failureValue)
        #expect(failure.diagnostics.contains { $0.code == "duplicate-object" && $0.file == "b.yaml" })
    }

    @Test func aRemovedFileRemovesItsObjects() throws {
        let cache = try DesiredStateCache()
        _ = try cache.load(Self.files([("a.yaml", Self.configMap("a", "1")), ("b.yaml", Self.configMap("b", "2"))]))
            .get()
        let update = try cache.load(Self.files([("a.yaml", Self.configMap("a", "1"))])).get()
        #expect(update.removed.map(\.description) == ["v1 ConfigMap team/b"])
        #expect(update.changed.isEmpty)
        #expect(Self.described(update.state.objects) == ["v1 ConfigMap team/a"])
    }

    @Test func aChangedCustomResourceDefinitionRevalidatesTheUnchangedCustomResources() throws {
        let cache = try DesiredStateCache()
        let crd = Self.crd.replacingOccurrences(of: "%TYPE%", with: "integer")
        let first = try cache.load(Self.files([("crd.yaml", crd), ("widget.yaml", Self.widget)])).get()
        #expect(Self.described(first.state.objects).contains("example.com/v1 Widget team/w"))

        // Only the CRD changed, but the unchanged Widget no longer fits it.
        let stricter = Self.crd.replacingOccurrences(of: "%TYPE%", with: "string")
        let failure = try #require(
            cache.load(Self.files([("crd.yaml", stricter), ("widget.yaml", Self.widget)])).failureValue)
        #expect(failure.diagnostics.contains { $0.file == "widget.yaml" && $0.path == ".spec.size" })
    }

    @Test func aCustomResourceIsCheckedAgainstTheUnchangedDefinition() throws {
        let cache = try DesiredStateCache()
        let crd = Self.crd.replacingOccurrences(of: "%TYPE%", with: "integer")
        _ = try cache.load(Self.files([("crd.yaml", crd), ("widget.yaml", Self.widget)])).get()
        let wrong = Self.widget.replacingOccurrences(of: "size: 3", with: "size: large")
        let failure = try #require(cache.load(Self.files([("crd.yaml", crd), ("widget.yaml", wrong)])).failureValue)
        #expect(failure.diagnostics.contains { $0.file == "widget.yaml" && $0.path == ".spec.size" })
    }

    @Test func aOneFileCommitIsFoundByTreeIdsAndOnlyItIsParsedAgain() throws {
        let remote = try GitWorkTree()
        for i in 0..<30 { try remote.write("apps/m\(i).yaml", Self.configMap("c\(i)", "\(i)")) }
        try remote.commit("30 config maps")
        let cacheDirectory = try Scratch("kgit-cache")
        let git = try Libgit2Source(url: remote.path, cacheDirectory: cacheDirectory.path)
        let source = try ManifestSource(git: git, revision: "HEAD", directory: "apps")
        let desired = try DesiredStateCache()
        let snapshot = try source.load()
        #expect(try desired.load(snapshot).get().filesValidated == 30)

        try remote.write("apps/m12.yaml", Self.configMap("c12", "twelve"))
        try remote.commit("Change m12")
        let update = try source.update(from: snapshot)
        let loaded = try desired.load(update.snapshot).get()

        #expect(loaded.filesValidated == 1)
        #expect(Self.described(loaded.changed) == ["v1 ConfigMap team/c12"])
        #expect(loaded.state.objects.count == 30)
        let diffs = ObjectDiffer(catalog: nil).diff(
            desired: loaded.changed, live: [SyncFixtures.value(Self.configMap("c12", "12"))])
        #expect(diffs.count == 1 && diffs[0].isDifferent)
    }
}

extension Result {
    /// The error of a failure; nil for a success.
    var failureValue: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
