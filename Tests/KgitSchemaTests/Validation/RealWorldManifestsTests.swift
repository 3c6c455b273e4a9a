import KgitSchema
import Testing

@Suite struct RealWorldManifestsTests {
    @Test(arguments: [
        "deployment-with-probes-resources-volumes.yaml", "statefulset-with-service.yaml", "ingress.yaml", "cronjob.yaml",
        "rbac.yaml", "config-and-autoscaling.yaml",
    ])
    func validManifestsHaveNoDiagnostics(name: String) throws {
        let file = try fixture(name)
        let report = try Validator().validate([file])
        #expect(!report.documents.isEmpty)
        #expect(report.documents.allSatisfy { !$0.skipped })
        #expect(report.diagnostics.isEmpty, "\(report.diagnostics.map { "\($0.start) \($0.code) \($0.path): \($0.message)" })")
    }
}
