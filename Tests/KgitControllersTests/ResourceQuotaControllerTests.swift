import KgitAPIMachinery
import Testing
@testable import KgitControllers

@Suite("ResourceQuota controller")
struct ResourceQuotaControllerTests {
    static func quota(_ hard: [String: String]) -> JSONValue {
        ["apiVersion": "v1", "kind": "ResourceQuota", "metadata": ["name": "q", "namespace": "shop"],
         "spec": ["hard": Fixture.labels(hard)]]
    }

    static func pod(_ name: String, phase: String = "Running", requests: [String: String], limits: [String: String] = [:],
                    initRequests: [String: String]? = nil) -> JSONValue {
        var p = Fixture.pod(name, phase: phase)
        p.setValue([["name": "c", "image": "x", "resources": ["requests": Fixture.labels(requests), "limits": Fixture.labels(limits)]]],
                   at: ["spec", "containers"])
        if let initRequests {
            p.setValue([["name": "i", "image": "x", "resources": ["requests": Fixture.labels(initRequests)]]], at: ["spec", "initContainers"])
        }
        return p
    }

    @Test("used sums requests and limits of running pods, counts objects by kind, and copies hard")
    func usage() throws {
        let objects: [JSONValue] = [
            Self.pod("a", requests: ["cpu": "250m", "memory": "64Mi"], limits: ["cpu": "1"]),
            Self.pod("b", requests: ["cpu": "500m", "memory": "64Mi"], initRequests: ["cpu": "2"]),
            Self.pod("done", phase: "Succeeded", requests: ["cpu": "4"]),
            ["apiVersion": "v1", "kind": "Service", "metadata": ["name": "s", "namespace": "shop"], "spec": ["type": "LoadBalancer", "ports": [["port": 80]]]],
            ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "c", "namespace": "shop"]],
            ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "c", "namespace": "other"]],
            ["apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": "d", "namespace": "shop"]],
        ]
        let hard = ["requests.cpu": "4", "requests.memory": "1Gi", "limits.cpu": "2", "pods": "10", "services": "5",
                    "services.loadbalancers": "1", "services.nodeports": "2", "configmaps": "3", "count/deployments.apps": "2"]
        let patch = try #require(try ResourceQuotaController.reconcile(Self.quota(hard), objects: objects).first)
        guard case .patch(_, let body, true) = patch else { Issue.record("expected a status patch"); return }
        #expect(body.value(at: ["status", "used"]) == [
            "requests.cpu": "2250m", "requests.memory": "128Mi", "limits.cpu": "1", "pods": "2", "services": "1",
            "services.loadbalancers": "1", "services.nodeports": "1", "configmaps": "1", "count/deployments.apps": "1",
        ], "pod b's init container asks 2 cpu, more than its containers' 500m")
        #expect(body.value(at: ["status", "hard"]) == Fixture.labels(hard))
    }

    @Test("a quota whose status is current needs nothing; a malformed request names the field")
    func currentAndMalformed() throws {
        var q = Self.quota(["pods": "10"])
        q["status"] = ["hard": ["pods": "10"], "used": ["pods": "0"]]
        #expect(try ResourceQuotaController.reconcile(q, objects: []).isEmpty)
        let bad = Self.pod("bad", requests: ["cpu": "lots"])
        #expect(throws: ObjectDecodingError(object: "v1 Pod shop/bad", field: ".spec.containers[0].resources.requests.cpu",
                                            message: "\"lots\" is not a valid quantity")) {
            try ResourceQuotaController.reconcile(Self.quota(["requests.cpu": "1"]), objects: [bad])
        }
    }
}
