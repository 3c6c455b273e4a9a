import Testing

@testable import KgitSync

@Suite struct HealthStatusTests {
    @Test func statusesAreOrderedBestToWorstLikeGitopsEngine() {
        #expect(HealthStatus.allCases.sorted() == [.healthy, .suspended, .progressing, .missing, .degraded, .unknown])
        #expect(HealthStatus.degraded > .progressing)
    }

    @Test(arguments: [
        ([HealthStatus](), HealthStatus.healthy),
        ([.healthy, .healthy], .healthy),
        ([.healthy, .suspended], .suspended),
        ([.progressing, .degraded, .healthy], .degraded),
        ([.unknown, .degraded], .unknown),
    ])
    func aSetIsAsHealthyAsItsWorstObject(statuses: [HealthStatus], want: HealthStatus) {
        var objects: [ObjectIdentity: HealthAssessment] = [:]
        for (index, status) in statuses.enumerated() {
            objects[ObjectIdentity(apiVersion: "v1", kind: "Pod", namespace: "team", name: "p\(index)")] =
                HealthAssessment(status, "m\(index)")
        }
        #expect(HealthAssessment.combined(objects).status == want)
    }

    @Test func theCombinedMessageNamesTheWorstObjectsInOrder() {
        let objects: [ObjectIdentity: HealthAssessment] = [
            ObjectIdentity(apiVersion: "v1", kind: "Pod", namespace: "team", name: "b"): HealthAssessment(
                .degraded, "crash"),
            ObjectIdentity(apiVersion: "v1", kind: "Pod", namespace: "team", name: "a"): HealthAssessment(
                .degraded, "oom"),
            ObjectIdentity(apiVersion: "v1", kind: "Pod", namespace: "team", name: "c"): HealthAssessment(
                .progressing, "wait"),
        ]
        #expect(HealthAssessment.combined(objects).description == "Degraded: Pod/team/a: oom; Pod/team/b: crash")
    }
}
