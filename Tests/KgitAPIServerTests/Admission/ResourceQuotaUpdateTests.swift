import Foundation
import KgitAPIMachinery
import KgitTesting
import Testing
@testable import KgitAPIServer

/// ResourceQuota on updates and under concurrent creates.
@Suite("Admission: ResourceQuota on updates and concurrent creates", .timeLimit(.minutes(3)))
struct ResourceQuotaUpdateTests {
    static func claim(_ name: String, _ size: String) -> JSONValue {
        ["apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": ["name": .string(name)],
         "spec": ["accessModes": ["ReadWriteOnce"], "resources": ["requests": ["storage": .string(size)]]]]
    }

    static func resize(_ size: String) -> [UInt8] {
        Array(#"{"spec":{"resources":{"requests":{"storage":"\#(size)"}}}}"#.utf8)
    }

    @Test("growing a PVC's request is charged against requests.storage; shrinking usage frees it")
    func growingClaim() async throws {
        let api = try await TestAPI()
        let claims = "/api/v1/namespaces/default/persistentvolumeclaims"
        _ = await api.request("POST", "/api/v1/namespaces/default/resourcequotas",
                              json: ["metadata": ["name": "storage"], "spec": ["hard": ["requests.storage": "10Gi"]]])
        #expect(await api.request("POST", claims, json: Self.claim("data", "4Gi")).status == 201)
        let grown = await api.request("PATCH", "\(claims)/data", body: Self.resize("8Gi"),
                                      headers: [("Content-Type", "application/merge-patch+json")])
        #expect(grown.status == 200, "\(grown.text)")
        let over = await api.request("PATCH", "\(claims)/data", body: Self.resize("12Gi"),
                                     headers: [("Content-Type", "application/merge-patch+json")])
        #expect(over.status == 403, "\(over.text)")
        #expect(over.json["message"] == #"persistentvolumeclaims "data" is forbidden: exceeded quota: storage, requested: requests.storage=4Gi, used: requests.storage=8Gi, limited: requests.storage=10Gi"#)
        let second = await api.request("POST", claims, json: Self.claim("more", "4Gi"))
        #expect(second.status == 403, "\(second.text)")
        let status = await api.request("GET", "/api/v1/namespaces/default/resourcequotas/storage")
        #expect(status.json.value(at: ["status", "used", "requests.storage"]) == "8Gi")
    }

    @Test("an update that adds no usage passes even when the namespace is at its quota")
    func atQuota() async throws {
        let api = try await TestAPI()
        _ = await api.request("POST", "/api/v1/namespaces/default/resourcequotas",
                              json: ["metadata": ["name": "objects"], "spec": ["hard": ["configmaps": "1"]]])
        let created = await api.request("POST", "/api/v1/namespaces/default/configmaps", json: TestAPI.configMap("only"))
        #expect(created.status == 201)
        let changed = await api.request("PATCH", "/api/v1/namespaces/default/configmaps/only",
                                        body: Array(#"{"data":{"k":"v2"}}"#.utf8),
                                        headers: [("Content-Type", "application/merge-patch+json")])
        #expect(changed.status == 200, "\(changed.text)")
    }

    @Test("concurrent creates never overshoot a quota")
    func concurrentCreates() async throws {
        let api = try await TestAPI()
        _ = await api.request("POST", "/api/v1/namespaces/default/resourcequotas",
                              json: ["metadata": ["name": "objects"], "spec": ["hard": ["configmaps": "3"]]])
        let statuses = await withTaskGroup(of: Int.self) { group in
            for i in 0..<12 {
                group.addTask {
                    await api.request("POST", "/api/v1/namespaces/default/configmaps", json: TestAPI.configMap("c\(i)")).status
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(statuses.filter { $0 == 201 }.count == 3, "\(statuses)")
        #expect(statuses.filter { $0 == 403 }.count == 9, "\(statuses)")
        let list = await api.request("GET", "/api/v1/namespaces/default/configmaps")
        #expect(list.json["items"]?.arrayValue?.count == 3)
    }

    @Test("kubectl: patching a PVC past the quota and racing pod creations are refused", .enabled(if: Tools.endToEnd))
    func withKubectl() async throws {
        let server = try await KgitServerProcess.start()
        defer { server.stop() }
        let quota = "apiVersion: v1\nkind: ResourceQuota\nmetadata: {name: q}\nspec: {hard: {requests.storage: 10Gi, pods: \"2\"}}\n"
        let created = try await server.kubectl(["apply", "-f", "-"], stdin: quota)
        #expect(created.status == 0, "\(created)")
        let claim = """
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata: {name: data}
            spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 4Gi}}}
            """
        #expect(try await server.kubectl(["apply", "-f", "-"], stdin: claim).status == 0)
        let over = try await server.kubectl(["patch", "pvc", "data", "-p", #"{"spec":{"resources":{"requests":{"storage":"12Gi"}}}}"#])
        #expect(over.status != 0)
        #expect(over.stderr.contains("Error from server (Forbidden)") && over.stderr.contains("exceeded quota: q"), "\(over)")

        let results = try await withThrowingTaskGroup(of: Int32.self) { group in
            for i in 0..<6 {
                group.addTask { try await server.kubectl(["run", "p\(i)", "--image=nginx"]).status }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.filter { $0 == 0 }.count == 2, "\(results)")
        let pods = try await server.kubectl(["get", "pods", "-o", "name"])
        #expect(pods.stdout.split(separator: "\n").count == 2, "\(pods)")
    }
}
