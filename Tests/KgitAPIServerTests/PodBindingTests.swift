import Foundation
import KgitAPIMachinery
import Testing
@testable import KgitAPIServer

/// POST `pods/NAME/binding`: how a scheduler assigns a pod to a node.
@Suite("pods/binding", .timeLimit(.minutes(3)))
struct PodBindingTests {
    static func pod(_ name: String) -> JSONValue {
        ["apiVersion": "v1", "kind": "Pod", "metadata": ["name": .string(name)],
         "spec": ["containers": [["name": "app", "image": "nginx"]]]]
    }

    static func binding(_ pod: String, to node: String) -> JSONValue {
        ["apiVersion": "v1", "kind": "Binding", "metadata": ["name": .string(pod)],
         "target": ["apiVersion": "v1", "kind": "Node", "name": .string(node)]]
    }

    @Test("a Binding sets spec.nodeName of an unassigned pod and marks it PodScheduled")
    func bindsUnassignedPod() async throws {
        let api = try await TestAPI()
        #expect(await api.request("POST", "/api/v1/namespaces/default/pods", json: Self.pod("web")).status == 201)
        let bound = await api.request("POST", "/api/v1/namespaces/default/pods/web/binding",
                                      json: Self.binding("web", to: "node-1"))
        #expect(bound.status == 201, "\(bound.text)")
        #expect(bound.json["status"] == "Success")
        let pod = await api.request("GET", "/api/v1/namespaces/default/pods/web").json
        #expect(pod.value(at: ["spec", "nodeName"]) == "node-1")
        let condition = pod.value(at: ["status", "conditions"])?.arrayValue?.first { $0["type"] == "PodScheduled" }
        #expect(condition?["status"] == "True")
    }

    @Test("binding a pod that is already assigned answers 409 Conflict naming the node")
    func refusesSecondBinding() async throws {
        let api = try await TestAPI()
        _ = await api.request("POST", "/api/v1/namespaces/default/pods", json: Self.pod("web"))
        _ = await api.request("POST", "/api/v1/namespaces/default/pods/web/binding", json: Self.binding("web", to: "node-1"))
        let again = await api.request("POST", "/api/v1/namespaces/default/pods/web/binding",
                                      json: Self.binding("web", to: "node-2"))
        #expect(again.status == 409)
        #expect(again.json["reason"] == "Conflict")
        #expect(again.json["message"] == #"Operation cannot be fulfilled on pods/binding "web": pod web is already assigned to node "node-1""#)
        let pod = await api.request("GET", "/api/v1/namespaces/default/pods/web").json
        #expect(pod.value(at: ["spec", "nodeName"]) == "node-1", "the first binding stands")
    }

    @Test("binding a missing pod answers 404 and a Binding without a target node 422")
    func refusesMissingPodAndTarget() async throws {
        let api = try await TestAPI()
        let missing = await api.request("POST", "/api/v1/namespaces/default/pods/ghost/binding",
                                        json: Self.binding("ghost", to: "node-1"))
        #expect(missing.status == 404)
        #expect(missing.json["reason"] == "NotFound")
        _ = await api.request("POST", "/api/v1/namespaces/default/pods", json: Self.pod("web"))
        var noTarget = Self.binding("web", to: "")
        noTarget["target"] = [:]
        let invalid = await api.request("POST", "/api/v1/namespaces/default/pods/web/binding", json: noTarget)
        #expect(invalid.status == 422, "\(invalid.text)")
    }

    @Test("RBAC: creating pods/binding needs verb create on pods/binding; the kube-scheduler user has it")
    func bindingNeedsCreateOnSubresource() async throws {
        let api = try await TestAPI()
        _ = await api.request("POST", "/api/v1/namespaces/default/pods", json: Self.pod("web"))
        let bob = UserInfo(name: "bob", groups: ["system:authenticated"])
        let denied = await api.request("POST", "/api/v1/namespaces/default/pods/web/binding",
                                       json: Self.binding("web", to: "node-1"), user: bob)
        #expect(denied.status == 403)
        #expect(denied.json["message"]?.stringValue?.contains(#"User "bob" cannot create resource "pods/binding" in API group "" in the namespace "default""#) == true)

        let scheduler = UserInfo(name: "system:kube-scheduler", groups: ["system:authenticated"])
        let allowed = await api.request("POST", "/api/v1/namespaces/default/pods/web/binding",
                                        json: Self.binding("web", to: "node-1"), user: scheduler)
        #expect(allowed.status == 201, "\(allowed.text)")
        let role = await api.request("GET", "/apis/rbac.authorization.k8s.io/v1/clusterroles/system:kube-scheduler")
        #expect(role.status == 200)
        let binding = await api.request("GET", "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/system:kube-scheduler")
        #expect(binding.json.value(at: ["subjects"])?.arrayValue?.first?["name"] == "system:kube-scheduler")
    }
}
