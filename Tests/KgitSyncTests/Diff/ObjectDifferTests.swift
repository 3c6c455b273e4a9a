import KgitSchema
import KgitYAML
import Testing

@testable import KgitSync

@Suite struct ObjectDifferTests {
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
                ports:
                - containerPort: 80
                  name: http
                resources:
                  limits: {memory: 1Gi, cpu: "0.5"}
        """

    /// A live Deployment as the server returns it: what git set, plus defaults and server metadata.
    static func live(
        image: String = "nginx:1.27", memory: String = "1024Mi", cpu: String = "500m", replicas: Int = 2,
        extra: String = ""
    ) -> String {
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          namespace: shop
          uid: 0b4f
          resourceVersion: "812"
          generation: 3
          creationTimestamp: "2026-11-29T10:00:00Z"
          managedFields: [{manager: kgit}]
          annotations:
            kubectl.kubernetes.io/last-applied-configuration: "{}"
            deployment.kubernetes.io/revision: "3"
        spec:
          progressDeadlineSeconds: 600
          replicas: \(replicas)
          revisionHistoryLimit: 10
          selector:
            matchLabels: {app: web}
          strategy: {type: RollingUpdate}
          template:
            metadata:
              labels: {app: web}
            spec:
              containers:\(extra)
              - name: web
                image: \(image)
                imagePullPolicy: IfNotPresent
                ports:
                - containerPort: 80
                  name: http
                  protocol: TCP
                resources:
                  limits: {memory: \(memory), cpu: \(cpu)}
                terminationMessagePath: /dev/termination-log
              dnsPolicy: ClusterFirst
              restartPolicy: Always
        status:
          replicas: 2
          readyReplicas: 2
        """
    }

    func differ() throws -> ObjectDiffer { ObjectDiffer(catalog: try SyncFixtures.catalog()) }

    @Test func serverDefaultsMetadataStatusAndEquivalentQuantitiesAreNotDifferences() throws {
        let desired = try #require(try SyncFixtures.desired(Self.deployment))
        let got = try differ().diff(desired, live: SyncFixtures.value(Self.live()))
        #expect(got.outcome == .unchanged)
    }

    @Test(arguments: [
        (Self.live(image: "nginx:1.26"), "image"),
        (Self.live(memory: "512Mi"), "memory"),
        (Self.live(cpu: "1"), "cpu"),
        (Self.live(replicas: 3), "replicas"),
        (Self.live(extra: "\n      - name: sidecar\n        image: envoy"), "sidecar"),
    ])
    func realDifferencesAreReported(live: String, changedText: String) throws {
        let desired = try #require(try SyncFixtures.desired(Self.deployment))
        let got = try differ().diff(desired, live: SyncFixtures.value(live))
        let diff = try #require(got.diff, "want changed, got \(got.outcome)")
        #expect(got.isDifferent)
        let text = diff.render()
        #expect(
            text.split(separator: "\n").contains {
                $0.hasPrefix("-") && !$0.hasPrefix("---") && $0.contains(changedText)
            }, "\(text)")
    }

    @Test func aChangedImageRendersAsAUnifiedDiffWithThreeLinesOfContextAndItsSource() throws {
        let desired = try #require(try SyncFixtures.desired(Self.deployment, file: "apps/web.yaml"))
        let got = try differ().diff(desired, live: SyncFixtures.value(Self.live(image: "nginx:1.26")))
        let diff = try #require(got.diff)
        let want = """
            --- live/Deployment/shop/web
            +++ git/Deployment/shop/web
            @@ -14,7 +14,7 @@
                     app: web
                 spec:
                   containers:
            -      - image: nginx:1.26
            +      - image: nginx:1.27  # from apps/web.yaml:16
                     name: web
                     ports:
                     - containerPort: 80

            """
        #expect(diff.render(showSource: true) == want)
        #expect(!diff.render().contains("# from"))
    }

    @Test func statusWrittenInGitIsNotCompared() throws {
        let desired = try #require(
            try SyncFixtures.desired(
                "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: c, namespace: team}\n"
                    + "spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}\nstatus: {phase: Pending}\n"
            ))
        let live = SyncFixtures.value(
            "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: c, namespace: team}\n"
                + "spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1024Mi}}, volumeMode: Filesystem}\n"
                + "status: {phase: Bound}\n")
        #expect(try differ().diff(desired, live: live).outcome == .unchanged)
    }

    @Test func aSetListInAnotherOrderIsUnchanged() throws {
        let role = """
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata: {name: r}
            rules:
            - apiGroups: [""]
              resources: [pods, services]
              verbs: [get, list]
            """
        let desired = try #require(try SyncFixtures.desired(role))
        // PolicyRule lists are atomic in the schema, so order matters there: same order is unchanged,
        // another order is a difference.
        #expect(try differ().diff(desired, live: SyncFixtures.value(role)).outcome == .unchanged)
        let reordered = role.replacingOccurrences(of: "[get, list]", with: "[list, get]")
        #expect(try differ().diff(desired, live: SyncFixtures.value(reordered)).isDifferent)
    }

    @Test(arguments: [
        ("labels: {}", ""),
        ("annotations: {}", ""),
    ])
    func anEmptyMapInGitEqualsAnAbsentOneOnTheCluster(desiredExtra: String, liveExtra: String) throws {
        let base = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: team\n"
        let desired = try #require(try SyncFixtures.desired(base + "  " + desiredExtra + "\n"))
        let got = try differ().diff(desired, live: SyncFixtures.value(base + liveExtra))
        #expect(got.outcome == .unchanged)
    }

    @Test func aServicePortMatchedByItsKeyAndNamedTargetPortIsUnchanged() throws {
        let service = """
            apiVersion: v1
            kind: Service
            metadata: {name: s, namespace: team}
            spec:
              selector: {app: web}
              ports:
              - {name: http, port: 80, targetPort: http}
            """
        let live = """
            apiVersion: v1
            kind: Service
            metadata: {name: s, namespace: team}
            spec:
              clusterIP: 10.0.0.7
              type: ClusterIP
              selector: {app: web}
              ports:
              - {name: http, port: 80, targetPort: http, protocol: TCP}
            """
        let desired = try #require(try SyncFixtures.desired(service))
        #expect(try differ().diff(desired, live: SyncFixtures.value(live)).outcome == .unchanged)
        let renamed = live.replacingOccurrences(of: "targetPort: http", with: "targetPort: 8080")
        #expect(try differ().diff(desired, live: SyncFixtures.value(renamed)).isDifferent)
    }

    @Test func secretValuesAreMaskedAndStringDataComparesAsBase64Data() throws {
        let secret = """
            apiVersion: v1
            kind: Secret
            metadata: {name: s, namespace: team}
            stringData: {password: hunter2}
            data: {user: YWRtaW4=}
            """
        let desired = try #require(try SyncFixtures.desired(secret))
        let same =
            "apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: team}\ndata: {password: aHVudGVyMg==, user: YWRtaW4=}\n"
        #expect(try differ().diff(desired, live: SyncFixtures.value(same)).outcome == .unchanged)

        let changed = same.replacingOccurrences(of: "aHVudGVyMg==", with: "b2xk")
        let got = try #require(try differ().diff(desired, live: SyncFixtures.value(changed)).diff).render()
        #expect(got.contains("-  password: \"***\""), "\(got)")
        #expect(got.contains("+  password: \"*** (changed)\""), "\(got)")
        #expect(!got.contains("hunter2") && !got.contains("b2xk") && !got.contains("aHVudGVyMg=="), "\(got)")
    }

    @Test func objectsAreMissingOnClusterOrExtraOnCluster() throws {
        let config = try #require(
            try SyncFixtures.desired(
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: team}\ndata: {k: v}\n"))
        let stale = SyncFixtures.value("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: old, namespace: team}\n")
        let got = try differ().diff(desired: [config], live: [stale])
        #expect(got.map(\.identity.name) == ["c", "old"])
        guard case .missingOnCluster(let added) = got[0].outcome, case .extraOnCluster(let removed) = got[1].outcome
        else {
            Issue.record("want missing then extra, got \(got.map(\.outcome))")
            return
        }
        #expect(added.render().contains("@@ -0,0 +1,7 @@\n+apiVersion: v1\n+data:\n+  k: v\n"), "\(added.render())")
        #expect(removed.render().contains("@@ -1,5 +0,0 @@\n-apiVersion: v1\n"), "\(removed.render())")
    }

    @Test func withAnInventoryOnlyObjectsItRecordsAreExtra() throws {
        let config = try #require(
            try SyncFixtures.desired("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: team}\n"))
        let ours = SyncFixtures.value("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ours, namespace: team}\n")
        let theirs = SyncFixtures.value("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: theirs, namespace: team}\n")
        let inventory = Inventory(
            revision: "r", objects: [config.identity, ObjectIdentity(object: ours)].compactMap { $0 })
        let got = try differ().diff(desired: [config], live: [ours, theirs], inventory: inventory)
        #expect(got.map { "\($0.identity.name) \($0.isDifferent)" } == ["c true", "ours true"])
    }

    static let changedOutcome = ObjectDiff.Outcome.changed(UnifiedDiff(liveHeader: "a", gitHeader: "b", hunks: []))
    static let exitCases: [([ObjectDiff.Outcome], Bool, Int32)] = [
        ([], false, 0),
        ([.unchanged], false, 0),
        ([.unchanged, changedOutcome], false, 1),
        ([.unchanged], true, 2),
        ([changedOutcome], true, 2),
    ]

    @Test(arguments: exitCases)
    func diffExitCodes(outcomes: [ObjectDiff.Outcome], failed: Bool, want: Int32) {
        let diffs = outcomes.map {
            ObjectDiff(identity: ObjectIdentity(apiVersion: "v1", kind: "ConfigMap", name: "c"), outcome: $0)
        }
        #expect(DiffExitCode.code(for: diffs, failed: failed) == want)
    }
}
