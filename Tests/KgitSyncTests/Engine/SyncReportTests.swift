import KgitYAML
import Testing

@testable import KgitSync

@Suite struct SyncReportTests {
    static let web = ObjectIdentity(apiVersion: "apps/v1", kind: "Deployment", namespace: "shop", name: "web")
    static let ns = ObjectIdentity(apiVersion: "v1", kind: "Namespace", name: "shop")
    static let old = ObjectIdentity(apiVersion: "v1", kind: "ConfigMap", namespace: "shop", name: "old")

    /// A ConfigMap as stored at `resourceVersion`.
    static func configMap(resourceVersion: String) -> YAMLValue {
        SyncFixtures.value(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, resourceVersion: \"\(resourceVersion)\"}\n")
    }

    @Test func oneLinePerObjectThenASummaryInAFixedOrder() {
        let report = SyncReport(entries: [
            .init(identity: Self.ns, outcome: .unchanged),
            .init(identity: Self.web, outcome: .failed(reason: "admission webhook denied\nthe request")),
            .init(identity: Self.old, outcome: .pruned),
            .init(identity: Self.web, outcome: .created),
        ])
        let want = """
            Namespace/shop unchanged
            Deployment/shop/web failed: admission webhook denied the request
            ConfigMap/shop/old pruned
            Deployment/shop/web created
            1 created, 1 unchanged, 1 pruned, 1 failed

            """
        #expect(report.render() == want)
        #expect(report.hasFailures)
    }

    @Test func anEmptySyncHasNothingToDo() {
        #expect(SyncReport(entries: []).render() == "nothing to do\n")
        #expect(
            !SyncReport(entries: [.init(identity: Self.ns, outcome: .skipped(reason: "pruning is disabled"))])
                .hasFailures)
    }

    /// A ConfigMap as stored at `resourceVersion`, holding `value`, last written at `time`.
    static func configMap(resourceVersion: String, value: String, time: String = "t1") -> YAMLValue {
        SyncFixtures.value(
            """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: c
              resourceVersion: "\(resourceVersion)"
              managedFields: [{manager: kgit, operation: Apply, time: "\(time)"}]
            data: {k: "\(value)"}
            """)
    }

    @Test func anApplyIsCreatedConfiguredOrUnchanged() {
        let before = Self.configMap(resourceVersion: "1", value: "a")
        #expect(SyncOutcome.ofApply(before: nil, after: before) == .created)
        #expect(SyncOutcome.ofApply(before: before, after: before) == .unchanged)
        #expect(
            SyncOutcome.ofApply(before: before, after: Self.configMap(resourceVersion: "2", value: "b")) == .configured)
    }

    @Test func anApplyThatOnlyMovedServerBookkeepingIsUnchanged() {
        let before = Self.configMap(resourceVersion: "1", value: "a", time: "t1")
        let after = Self.configMap(resourceVersion: "2", value: "a", time: "t2")
        #expect(SyncOutcome.ofApply(before: before, after: after) == .unchanged)
    }
}
