import KgitYAML
import Testing

@testable import KgitSync

@Suite("SyncEngine")
struct SyncEngineTests {
    static let namespace = """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: shop
        """
    static func configMap(_ name: String, _ value: String = "1", wave: Int? = nil) -> String {
        let annotations = wave.map { "\n  annotations:\n    kgit.dev/sync-wave: \"\($0)\"" } ?? ""
        return """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: \(name)
              namespace: shop\(annotations)
            data:
              value: "\(value)"
            """
    }

    static func state(_ documents: [String]) throws -> DesiredState {
        try SyncFixtures.load([("app.yaml", documents.joined(separator: "\n---\n"))]).get()
    }

    static func lines(_ result: SyncEngine.Result) -> [String] {
        result.report.entries.map { "\($0.identity.path) \($0.outcome.text)" }
    }

    @Test("a first sync creates the namespace first, then the rest, and records the inventory in the cluster")
    func firstSync() async throws {
        let cluster = FakeCluster()
        let engine = SyncEngine(client: cluster, options: SyncOptions(name: "shop"))
        let result = try await engine.sync(try Self.state([Self.configMap("b"), Self.namespace, Self.configMap("a")]), revision: "c1")
        #expect(Self.lines(result) == [
            "Namespace/shop created", "ConfigMap/shop/a created", "ConfigMap/shop/b created",
        ])
        // The namespace is applied (and waited for) before anything in it; one wave's objects go in parallel.
        #expect(cluster.log.first == "apply Namespace/shop")
        #expect(Set(cluster.log.dropFirst().prefix(2)) == ["apply ConfigMap/shop/a", "apply ConfigMap/shop/b"])
        let stored = try await engine.inventoryStore.read()
        #expect(stored.revision == "c1")
        #expect(stored.objects.map(\.path) == ["ConfigMap/shop/a", "ConfigMap/shop/b", "Namespace/shop"])
        let inventoryMap = cluster.objects[engine.inventoryStore.identity]
        #expect(inventoryMap?["metadata"]?["labels"]?["kgit.dev/sync-name"] == .string("shop"))
    }

    @Test("a re-sync reports unchanged and changed objects apart")
    func resync() async throws {
        let cluster = FakeCluster()
        let engine = SyncEngine(client: cluster, options: SyncOptions(name: "shop"))
        _ = try await engine.sync(try Self.state([Self.namespace, Self.configMap("a"), Self.configMap("b")]), revision: "c1")
        let again = try await engine.sync(
            try Self.state([Self.namespace, Self.configMap("a"), Self.configMap("b", "2")]), revision: "c2")
        #expect(Self.lines(again) == [
            "Namespace/shop unchanged", "ConfigMap/shop/a unchanged", "ConfigMap/shop/b configured",
        ])
        #expect(again.inventory.revision == "c2")
    }

    @Test("an object removed from git is pruned only with prune, and then leaves the inventory")
    func prune() async throws {
        let cluster = FakeCluster()
        let first = try Self.state([Self.namespace, Self.configMap("a"), Self.configMap("old")])
        _ = try await SyncEngine(client: cluster, options: SyncOptions(name: "shop")).sync(first, revision: "c1")
        let second = try Self.state([Self.namespace, Self.configMap("a")])

        let keep = try await SyncEngine(client: cluster, options: SyncOptions(name: "shop")).sync(second, revision: "c2")
        #expect(Self.lines(keep).last == "ConfigMap/shop/old skipped: pruning is disabled")
        #expect(keep.inventory.contains(ObjectIdentity(apiVersion: "v1", kind: "ConfigMap", namespace: "shop", name: "old")))

        let pruned = try await SyncEngine(client: cluster, options: SyncOptions(name: "shop", prune: true))
            .sync(second, revision: "c3")
        #expect(Self.lines(pruned).last == "ConfigMap/shop/old pruned")
        #expect(pruned.inventory.objects.map(\.name) == ["a", "shop"])
        #expect(cluster.objects.keys.contains { $0.name == "old" } == false)
    }

    @Test("an empty revision over a non-empty inventory is refused before anything is written")
    func emptyRevisionRefused() async throws {
        let cluster = FakeCluster()
        _ = try await SyncEngine(client: cluster, options: SyncOptions(name: "shop"))
            .sync(try Self.state([Self.namespace, Self.configMap("a")]), revision: "c1")
        let before = cluster.log
        await #expect(throws: SyncPlanError.self) {
            _ = try await SyncEngine(client: cluster, options: SyncOptions(name: "shop", prune: true))
                .sync(DesiredState(objects: []), revision: "c2")
        }
        #expect(cluster.log == before)
        let allowed = try await SyncEngine(
            client: cluster, options: SyncOptions(name: "shop", prune: true, allowEmpty: true)
        ).sync(DesiredState(objects: []), revision: "c3")
        #expect(Self.lines(allowed) == ["ConfigMap/shop/a pruned", "Namespace/shop pruned"])
    }

    @Test("a failed object stops the later waves and every prune, and the report says why")
    func failureStopsLaterWaves() async throws {
        let cluster = FakeCluster()
        _ = try await SyncEngine(client: cluster, options: SyncOptions(name: "shop"))
            .sync(try Self.state([Self.namespace, Self.configMap("old")]), revision: "c1")
        cluster.fail("ConfigMap/shop/first", "Invalid (422): data is too large")
        let result = try await SyncEngine(client: cluster, options: SyncOptions(name: "shop", prune: true)).sync(
            try Self.state([Self.namespace, Self.configMap("first", wave: 0), Self.configMap("later", wave: 1)]),
            revision: "c2")
        let lines = Self.lines(result)
        #expect(lines.contains("ConfigMap/shop/first failed: Invalid (422): data is too large"))
        #expect(lines.contains { $0.hasPrefix("ConfigMap/shop/later skipped: an earlier step failed") })
        #expect(lines.contains { $0.hasPrefix("ConfigMap/shop/old skipped: an earlier step failed") })
        #expect(result.report.hasFailures)
        #expect(result.inventory.objects.map(\.name).sorted() == ["old", "shop"])
    }

    @Test("a dry run sends every write as a dry run and stores no inventory")
    func dryRun() async throws {
        let cluster = FakeCluster()
        let result = try await SyncEngine(client: cluster, options: SyncOptions(name: "shop", dryRun: true))
            .sync(try Self.state([Self.namespace, Self.configMap("a")]), revision: "c1")
        #expect(Self.lines(result) == ["Namespace/shop created", "ConfigMap/shop/a created"])
        #expect(cluster.log == ["apply Namespace/shop (dry run)", "apply ConfigMap/shop/a (dry run)"])
        #expect(cluster.objects.isEmpty)
    }

    @Test("a namespace that never becomes active fails after the wait, and nothing inside it is applied")
    func waitForPrerequisites() async throws {
        let cluster = FakeCluster()
        cluster.neverReady("Namespace/shop")
        let options = SyncOptions(name: "shop", waitTimeout: .milliseconds(50), pollInterval: .milliseconds(10))
        let result = try await SyncEngine(client: cluster, options: options)
            .sync(try Self.state([Self.namespace, Self.configMap("a")]), revision: "c1")
        let lines = Self.lines(result)
        #expect(lines.first?.hasPrefix("Namespace/shop failed: not active after") == true)
        #expect(lines.last?.hasPrefix("ConfigMap/shop/a skipped") == true)
    }

    @Test("a CRD is applied with the namespaces and waited for until established before its custom resources")
    func waitForDefinitions() async throws {
        let crd = """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata:
              name: backups.example.com
            spec:
              group: example.com
              scope: Namespaced
              names: {plural: backups, singular: backup, kind: Backup, listKind: BackupList}
              versions:
                - name: v1
                  served: true
                  storage: true
                  schema:
                    openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
            """
        let backup = """
            apiVersion: example.com/v1
            kind: Backup
            metadata:
              name: nightly
              namespace: shop
            """
        let state = try Self.state([backup, crd, Self.namespace])
        let ready = FakeCluster()
        let result = try await SyncEngine(client: ready, options: SyncOptions(name: "crd")).sync(state, revision: "c1")
        #expect(Self.lines(result) == [
            "Namespace/shop created", "CustomResourceDefinition/backups.example.com created", "Backup/shop/nightly created",
        ])

        let stuck = FakeCluster()
        stuck.neverReady("CustomResourceDefinition/backups.example.com")
        let options = SyncOptions(name: "crd", waitTimeout: .milliseconds(50), pollInterval: .milliseconds(10))
        let failed = try await SyncEngine(client: stuck, options: options).sync(state, revision: "c1")
        let lines = Self.lines(failed)
        #expect(lines.contains { $0.hasPrefix("CustomResourceDefinition/backups.example.com failed: not established after") })
        #expect(lines.last?.hasPrefix("Backup/shop/nightly skipped: an earlier step failed") == true)
        #expect(stuck.log.contains("apply Backup/shop/nightly") == false)
    }

    @Test("status reports each inventoried object's health, a deleted one as Missing")
    func status() async throws {
        let cluster = FakeCluster()
        let engine = SyncEngine(client: cluster, options: SyncOptions(name: "shop"))
        _ = try await engine.sync(try Self.state([Self.namespace, Self.configMap("a")]), revision: "c1")
        _ = try await cluster.delete(ObjectIdentity(apiVersion: "v1", kind: "ConfigMap", namespace: "shop", name: "a"), dryRun: false)
        let (inventory, health) = try await engine.status()
        #expect(inventory.revision == "c1")
        #expect(health[ObjectIdentity(apiVersion: "v1", kind: "Namespace", name: "shop")]?.status == .healthy)
        #expect(health[ObjectIdentity(apiVersion: "v1", kind: "ConfigMap", namespace: "shop", name: "a")]?.status == .missing)
        #expect(HealthAssessment.combined(health).status == .missing)
    }
}

@Suite("SyncEngine namespace creation")
struct SyncEngineNamespaceTests {
    @Test("with createNamespaces, an undeclared namespace is created first and is not in the inventory")
    func createsUndeclaredNamespaces() async throws {
        let cluster = FakeCluster()
        let state = try SyncEngineTests.state([SyncEngineTests.configMap("a")])
        let without = try await SyncEngine(client: cluster, options: SyncOptions(name: "x", dryRun: true))
            .sync(state, revision: "c0")
        #expect(SyncEngineTests.lines(without) == ["ConfigMap/shop/a created"])
        let result = try await SyncEngine(client: cluster, options: SyncOptions(name: "x", createNamespaces: true))
            .sync(state, revision: "c1")
        #expect(SyncEngineTests.lines(result) == ["Namespace/shop created", "ConfigMap/shop/a created"])
        #expect(cluster.log.dropFirst().first == "apply Namespace/shop")
        #expect(result.inventory.objects.map(\.path) == ["ConfigMap/shop/a"])
        let again = try await SyncEngine(client: cluster, options: SyncOptions(name: "x", createNamespaces: true))
            .sync(state, revision: "c1")
        #expect(SyncEngineTests.lines(again) == ["ConfigMap/shop/a unchanged"])
    }
}

@Suite("SyncEngine inventory")
struct SyncEngineInventoryTests {
    @Test("an unreadable inventory stops the sync instead of being taken as empty (which would forget prunes)")
    func unreadableInventory() async throws {
        let cluster = FakeCluster()
        let store = InventoryStore(client: cluster, name: "shop")
        let broken = SyncFixtures.value(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: \(store.configMapName), namespace: kgit-system}\ndata: {inventory.json: \"{not json\"}\n")
        _ = try await cluster.apply(broken, fieldManager: "someone", force: true, dryRun: false)
        let before = cluster.log
        do {
            _ = try await SyncEngine(client: cluster, options: SyncOptions(name: "shop"))
                .sync(try SyncEngineTests.state([SyncEngineTests.namespace]), revision: "c1")
            Issue.record("the sync went ahead over a broken inventory")
        } catch let error as InventoryError {
            #expect(error.message.contains("kgit-system/kgit-inventory-shop"))
        }
        #expect(cluster.log == before)
    }
}
