import Foundation
import Testing

/// What admission plugins show a kubectl user: 403s with upstream's messages, and warnings.
@Suite("kubectl and admission", .serialized, .enabled(if: Tools.endToEnd))
struct KubectlAdmissionTests {
    @Test("PodSecurity, LimitRanger, ResourceQuota and ServiceAccount as kubectl shows them", .timeLimit(.minutes(3)))
    func admission() async throws {
        let server = try await ServerProcess.start()
        defer { server.cleanUp() }
        try await server.kubectl(["create", "namespace", "secure"])
        try await server.kubectl(["label", "namespace", "secure", "pod-security.kubernetes.io/enforce=baseline",
                                  "pod-security.kubernetes.io/warn=restricted"])
        let privileged = try await server.kubectl(["run", "priv", "-n", "secure", "--image=nginx",
                                                   #"--overrides={"spec":{"hostNetwork":true}}"#])
        #expect(privileged.status == 1)
        #expect(privileged.stderr.contains(#"Error from server (Forbidden): pods "priv" is forbidden: violates PodSecurity "baseline:latest": host namespaces (hostNetwork=true)"#),
                "\(privileged)")
        let warned = try await server.kubectl(["run", "plain", "-n", "secure", "--image=nginx"])
        #expect(warned.status == 0, "\(warned)")
        #expect(warned.stderr.hasPrefix(#"Warning: would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "plain" must set securityContext.allowPrivilegeEscalation=false)"#),
                "\(warned)")

        let limits = """
            apiVersion: v1
            kind: LimitRange
            metadata: {name: limits, namespace: secure}
            spec:
              limits:
              - type: Container
                default: {cpu: 500m, memory: 256Mi}
                defaultRequest: {cpu: 100m, memory: 64Mi}
                max: {cpu: "1"}
            ---
            apiVersion: v1
            kind: ResourceQuota
            metadata: {name: compute, namespace: secure}
            spec:
              hard: {pods: "2", requests.cpu: 250m}
            """
        #expect(try await server.kubectl(["apply", "-f", "-"], stdin: limits).status == 0)
        try await server.kubectl(["run", "defaulted", "-n", "secure", "--image=nginx"])
        let resources = try await server.kubectl(["get", "pod", "defaulted", "-n", "secure", "-o",
                                                  "jsonpath={.spec.containers[0].resources.requests.cpu} {.spec.containers[0].resources.limits.memory} {.spec.serviceAccountName}"])
        #expect(resources.stdout == "100m 256Mi default", "\(resources)")
        let tooBig = try await server.kubectl(["run", "big", "-n", "secure", "--image=nginx",
                                               #"--overrides={"spec":{"containers":[{"name":"big","image":"nginx","resources":{"limits":{"cpu":"2"}}}]}}"#])
        #expect(tooBig.stderr.contains(#"pods "big" is forbidden: maximum cpu usage per Container is 1, but limit is 2"#), "\(tooBig)")
        let overQuota = try await server.kubectl(["run", "third", "-n", "secure", "--image=nginx"])
        #expect(overQuota.status == 1)
        #expect(overQuota.stderr.contains(#"Error from server (Forbidden): pods "third" is forbidden: exceeded quota: compute, requested: pods=1, used: pods=2, limited: pods=2"#),
                "\(overQuota)")
        let quota = try await server.kubectl(["describe", "quota", "compute", "-n", "secure"])
        let rows = quota.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ") }
        #expect(rows.contains("pods 2 2") && rows.contains("requests.cpu 100m 250m"), "\(quota)")

        let noAccount = try await server.kubectl(["run", "robot", "--image=nginx", #"--overrides={"spec":{"serviceAccountName":"robot"}}"#])
        #expect(noAccount.stderr.contains(#"pods "robot" is forbidden: error looking up service account default/robot: serviceaccount "robot" not found"#),
                "\(noAccount)")
    }

    @Test("kubectl create quota (a protobuf body) creates the ResourceQuota it describes", .timeLimit(.minutes(3)))
    func createQuota() async throws {
        let server = try await ServerProcess.start()
        defer { server.cleanUp() }
        let created = try await server.kubectl(["create", "quota", "best", "--hard=pods=3,requests.cpu=500m,count/deployments.apps=2"])
        #expect(created.status == 0, "\(created)")
        #expect(created.stdout.contains("resourcequota/best created"), "\(created)")
        let json = try await server.kubectl(["get", "quota", "best", "-o", "jsonpath={.spec.hard.pods} {.spec.hard.requests\\.cpu} {.spec.hard.count/deployments\\.apps}"])
        #expect(json.stdout == "3 500m 2", "\(json)")
        let scoped = try await server.kubectl(["create", "quota", "idle", "--hard=pods=1", "--scopes=BestEffort",
                                               "--dry-run=server", "-o", "jsonpath={.spec.scopes}"])
        #expect(scoped.status == 0 && scoped.stdout.contains("BestEffort"), "\(scoped)")
    }
}
