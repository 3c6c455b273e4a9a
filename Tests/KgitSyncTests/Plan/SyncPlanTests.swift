import KgitYAML
import Testing

@testable import KgitSync

@Suite struct SyncPlanTests {
    static func object(
        _ kind: String, _ name: String, apiVersion: String = "v1", namespace: String = "team", wave: String? = nil,
        file: String = "app.yaml"
    ) -> DesiredObject {
        let identity = ObjectIdentity(apiVersion: apiVersion, kind: kind, namespace: namespace, name: name)
        var metadata: [YAMLValue.Entry] = [YAMLValue.Entry(key: "name", value: .string(name))]
        var provenance: [String: ManifestLocation] = ["": ManifestLocation(file: file, line: 1, column: 1)]
        if let wave {
            metadata.append(
                YAMLValue.Entry(
                    key: "annotations",
                    value: .mapping([YAMLValue.Entry(key: "kgit.dev/sync-wave", value: .string(wave))])))
            provenance[SyncWave.path] = ManifestLocation(file: file, line: 5, column: 5)
        }
        let body = YAMLValue.mapping([
            YAMLValue.Entry(key: "apiVersion", value: .string(apiVersion)),
            YAMLValue.Entry(key: "kind", value: .string(kind)),
            YAMLValue.Entry(key: "metadata", value: .mapping(metadata)),
        ])
        return DesiredObject(
            identity: identity, scope: namespace.isEmpty ? .cluster : .namespaced, body: body,
            location: ManifestLocation(file: file, line: 1, column: 1), provenance: provenance)
    }

    static func live(_ object: DesiredObject, annotations: [String: String] = [:]) -> YAMLValue {
        var metadata: [YAMLValue.Entry] = [
            YAMLValue.Entry(key: "name", value: .string(object.identity.name)),
            YAMLValue.Entry(key: "namespace", value: .string(object.identity.namespace)),
        ]
        if !annotations.isEmpty {
            metadata.append(
                YAMLValue.Entry(
                    key: "annotations",
                    value: .mapping(
                        annotations.sorted { $0.key < $1.key }.map {
                            YAMLValue.Entry(key: $0.key, value: .string($0.value))
                        })))
        }
        return .mapping([
            YAMLValue.Entry(key: "apiVersion", value: .string(object.identity.apiVersion)),
            YAMLValue.Entry(key: "kind", value: .string(object.identity.kind)),
            YAMLValue.Entry(key: "metadata", value: .mapping(metadata)),
        ])
    }

    @Test func prerequisitesFirstThenKindOrderThenName() throws {
        let desired = [
            Self.object("Deployment", "web", apiVersion: "apps/v1"),
            Self.object("Service", "web"),
            Self.object("Widget", "w", apiVersion: "example.com/v1"),
            Self.object("ConfigMap", "b"),
            Self.object("ConfigMap", "a"),
            Self.object(
                "CustomResourceDefinition", "widgets.example.com", apiVersion: "apiextensions.k8s.io/v1", namespace: ""),
            Self.object("Namespace", "team", namespace: ""),
            Self.object(
                "ValidatingWebhookConfiguration", "v", apiVersion: "admissionregistration.k8s.io/v1", namespace: ""),
            Self.object("ServiceAccount", "sa"),
        ]
        let plan = try SyncPlan(desired: desired, inventory: .empty)
        let want = [
            "apply Namespace/team (wave 0)", "apply CustomResourceDefinition/widgets.example.com (wave 0)",
            "apply ServiceAccount/team/sa (wave 0)", "apply ConfigMap/team/a (wave 0)",
            "apply ConfigMap/team/b (wave 0)",
            "apply Service/team/web (wave 0)", "apply Deployment/team/web (wave 0)",
            "apply ValidatingWebhookConfiguration/v (wave 0)", "apply Widget/team/w (wave 0)",
        ]
        #expect(plan.tasks.map(\.description) == want)
        #expect(plan.waves.map(\.count) == [2, 7])
    }

    @Test func wavesOrderAcrossKindsAndNegativeWavesComeFirst() throws {
        let desired = [
            Self.object("ConfigMap", "late", wave: "5"),
            Self.object("Deployment", "db", apiVersion: "apps/v1", wave: "-1"),
            Self.object("Service", "svc"),
            Self.object("Job", "migrate", apiVersion: "batch/v1", wave: " 1 "),
        ]
        let plan = try SyncPlan(desired: desired, inventory: .empty)
        #expect(plan.tasks.map(\.identity.name) == ["db", "svc", "migrate", "late"])
        #expect(plan.waves.map { $0.map(\.wave) } == [[-1], [0], [1], [5]])
    }

    @Test(arguments: ["one", "1.5", "", "0x10"])
    func anInvalidWaveIsAnErrorAtItsPosition(wave: String) {
        do {
            _ = try SyncPlan(desired: [Self.object("ConfigMap", "c", wave: wave, file: "cm.yaml")], inventory: .empty)
            Issue.record("want an error for wave \(wave)")
        } catch {
            #expect(error.problems.map(\.code) == [.invalidSyncWave])
            #expect(
                error.description
                    == "cm.yaml:5:5: sync wave \"\(wave)\" is not an integer (.metadata.annotations[\"kgit.dev/sync-wave\"], v1 ConfigMap team/c)"
            )
        }
    }

    @Test func onlyInventoryObjectsAbsentFromGitArePrunedInReverseOrder() throws {
        let kept = Self.object("ConfigMap", "kept")
        let oldConfig = Self.object("ConfigMap", "old")
        let oldDeployment = Self.object("Deployment", "old", apiVersion: "apps/v1")
        let oldNamespace = Self.object("Namespace", "gone", namespace: "")
        let unmanaged = Self.object("ConfigMap", "someone-elses")
        let inventory = Inventory(
            revision: "abc", objects: [kept, oldConfig, oldDeployment, oldNamespace].map(\.identity))
        let live = [kept, oldConfig, oldDeployment, oldNamespace, unmanaged].map { Self.live($0) }
        let plan = try SyncPlan(desired: [kept], live: live, inventory: inventory)
        #expect(
            plan.tasks.map(\.description) == [
                "apply ConfigMap/team/kept (wave 0)", "prune Deployment/team/old (wave 0)",
                "prune ConfigMap/team/old (wave 0)",
                "prune Namespace/gone (wave 0)",
            ])
    }

    @Test func pruneProtectionAndDisabledPruningSkipAndStayInTheInventory() throws {
        let kept = Self.object("ConfigMap", "kept")
        let protected = Self.object("ConfigMap", "protected")
        let inventory = Inventory(revision: "abc", objects: [kept.identity, protected.identity])
        let live = [Self.live(kept), Self.live(protected, annotations: ["kgit.dev/prune": "disabled"])]
        let plan = try SyncPlan(desired: [kept], live: live, inventory: inventory)
        #expect(plan.tasks.last?.action == .skip(reason: "kgit.dev/prune: disabled"))
        #expect(
            plan.nextInventory(revision: "def")
                == Inventory(revision: "def", objects: [kept.identity, protected.identity]))

        let off = try SyncPlan(
            desired: [kept], live: live, inventory: inventory, options: SyncPlanOptions(prune: false))
        #expect(off.tasks.last?.action == .skip(reason: "pruning is disabled"))
    }

    @Test func prunedObjectsLeaveTheNextInventory() throws {
        let kept = Self.object("ConfigMap", "kept")
        let old = Self.object("ConfigMap", "old")
        let plan = try SyncPlan(
            desired: [kept], inventory: Inventory(revision: "a", objects: [kept.identity, old.identity]))
        #expect(plan.nextInventory(revision: "b").objects == [kept.identity])
    }

    @Test func anEmptyRevisionOverAnInventoryIsRefusedUnlessAllowed() throws {
        let old = Self.object("ConfigMap", "old")
        let inventory = Inventory(revision: "abc123", objects: [old.identity])
        do {
            _ = try SyncPlan(desired: [], inventory: inventory)
            Issue.record("want the accidental mass prune refused")
        } catch {
            #expect(error.problems.map(\.code) == [.emptyDesiredState])
            #expect(error.description.contains("1 objects applied from abc123 would all be pruned"))
        }
        let allowed = try SyncPlan(desired: [], inventory: inventory, options: SyncPlanOptions(allowEmpty: true))
        #expect(allowed.tasks.map(\.description) == ["prune ConfigMap/team/old (wave 0)"])
        #expect(try SyncPlan(desired: [], inventory: .empty).tasks.isEmpty)
    }

    @Test func aPrunedObjectTakesItsWaveFromTheLiveObject() throws {
        let early = Self.object("ConfigMap", "early")
        let late = Self.object("ConfigMap", "late")
        let live = [
            Self.live(early, annotations: ["kgit.dev/sync-wave": "-2"]),
            Self.live(late, annotations: ["kgit.dev/sync-wave": "3"]),
        ]
        let keep = Self.object("Secret", "s")
        let plan = try SyncPlan(
            desired: [keep], live: live + [Self.live(keep)],
            inventory: Inventory(revision: "r", objects: [early.identity, late.identity, keep.identity]))
        #expect(
            plan.tasks.filter { $0.phase == .prune }.map { "\($0.identity.name)@\($0.wave)" } == ["late@3", "early@-2"])
    }
}
