import Foundation
import KgitAPIMachinery
import KgitControllers
import Testing

@Suite("AddressPool: the local provider's address ranges")
struct AddressPoolTests {
    @Test("a CIDR excludes its network and broadcast addresses; a range includes both ends",
          arguments: [("10.1.2.0/30", 2, "10.1.2.1"), ("10.1.2.8-10.1.2.10", 3, "10.1.2.8"), ("192.168.0.7", 1, "192.168.0.7")])
    func sizes(text: String, size: Int, first: String) throws {
        let pool = try AddressPool(parsing: text)
        #expect(pool.size == size)
        #expect(pool.firstFree(excluding: []) == first)
    }

    @Test("text that is neither a CIDR nor a range is refused with the reason",
          arguments: ["10.0.0.0/33", "10.0.0.9-10.0.0.1", "300.1.1.1", "pool", "1.2.3-1.2.3.4"])
    func refuses(text: String) {
        #expect(throws: AddressPoolError.self) { try AddressPool(parsing: text) }
    }
}

@Suite("LoadBalancerController: addresses for type: LoadBalancer Services")
struct LoadBalancerControllerTests {
    static func service(_ name: String, type: String = "LoadBalancer", ingress: String? = nil, created: Int = 0,
                        loadBalancerClass: String? = nil) -> JSONValue {
        var object: JSONValue = [
            "apiVersion": "v1", "kind": "Service",
            "metadata": ["name": .string(name), "namespace": "default", "uid": .string("uid-\(name)"),
                         "resourceVersion": "7",
                         "creationTimestamp": .string(RFC3339.format(Date(timeIntervalSince1970: Double(1_800_000_000 + created))))],
            "spec": ["type": .string(type), "ports": [["port": 80]]],
        ]
        if let loadBalancerClass { object.setValue(.string(loadBalancerClass), at: ["spec", "loadBalancerClass"]) }
        if let ingress { object.setValue([["ip": .string(ingress)]], at: ["status", "loadBalancer", "ingress"]) }
        return object
    }

    func assigned(_ actions: [ControllerAction]) -> [String: String] {
        var out: [String: String] = [:]
        for (key, patch, status) in actions.patches where status {
            if let ip = patch.value(at: ["status", "loadBalancer", "ingress"])?.arrayValue?.first?["ip"]?.stringValue {
                out[key.name] = ip
            }
        }
        return out
    }

    @Test("oldest Services get the lowest free addresses; ones already holding an address keep it")
    func assignsLowestFree() throws {
        let pool = try AddressPool(parsing: "10.9.0.10-10.9.0.12")
        let actions = try LoadBalancerController.reconcile(services: [
            Self.service("c", created: 3), Self.service("a", ingress: "10.9.0.10", created: 1), Self.service("b", created: 2),
            Self.service("web", type: "ClusterIP"),
        ], pool: pool)
        #expect(assigned(actions) == ["b": "10.9.0.11", "c": "10.9.0.12"])
        #expect(actions.events.map(\.reason) == ["EnsuredLoadBalancer", "EnsuredLoadBalancer"])
        let again = try LoadBalancerController.reconcile(services: [
            Self.service("a", ingress: "10.9.0.10", created: 1), Self.service("b", ingress: "10.9.0.11", created: 2),
        ], pool: pool)
        #expect(again.isEmpty, "idempotent once the addresses are in status")
    }

    @Test("an exhausted pool leaves the Service waiting with an AllocationFailed warning")
    func exhaustion() throws {
        let pool = try AddressPool(parsing: "10.9.0.10")
        let actions = try LoadBalancerController.reconcile(services: [
            Self.service("first", ingress: "10.9.0.10", created: 1), Self.service("second", created: 2),
        ], pool: pool)
        #expect(assigned(actions).isEmpty)
        let warning = actions.events.first
        #expect(warning?.type == .warning)
        #expect(warning?.reason == "AllocationFailed")
        #expect(warning?.message.contains("no available addresses in pool 10.9.0.10") == true)
    }

    @Test("a Service that stops being a LoadBalancer has its address cleared, and the address is free again")
    func releasesOnTypeChange() throws {
        let pool = try AddressPool(parsing: "10.9.0.10")
        let actions = try LoadBalancerController.reconcile(services: [
            Self.service("was", type: "ClusterIP", ingress: "10.9.0.10", created: 1), Self.service("next", created: 2),
        ], pool: pool)
        let cleared = actions.patches.first { $0.0.name == "was" }
        #expect(cleared?.1.value(at: ["status", "loadBalancer", "ingress"]) == .null)
        #expect(assigned(actions) == ["next": "10.9.0.10"])
        #expect(actions.events.map(\.reason).sorted() == ["DeletedLoadBalancer", "EnsuredLoadBalancer"])
    }

    @Test("Services with a loadBalancerClass belong to another implementation and are left alone")
    func ignoresOtherClasses() throws {
        let pool = try AddressPool(parsing: "10.9.0.0/24")
        let actions = try LoadBalancerController.reconcile(
            services: [Self.service("metal", loadBalancerClass: "example.com/lb")], pool: pool)
        #expect(actions.isEmpty)
    }

    @Test("status writes carry the observed resourceVersion, so a stale decision conflicts")
    func pinsResourceVersion() throws {
        let actions = try LoadBalancerController.reconcile(services: [Self.service("a")], pool: AddressPool(parsing: "10.9.0.1"))
        #expect(actions.patches.first?.1.value(at: ["metadata", "resourceVersion"]) == "7")
    }

    @Test("a node without an InternalIP gets one that no other node has, and loses the uninitialized taint")
    func nodeAddresses() throws {
        let pool = try AddressPool(parsing: "10.0.0.1-10.0.0.3")
        let known: JSONValue = ["apiVersion": "v1", "kind": "Node", "metadata": ["name": "a"],
                                "status": ["addresses": [["type": "InternalIP", "address": "10.0.0.1"]]]]
        let fresh: JSONValue = ["apiVersion": "v1", "kind": "Node", "metadata": ["name": "b"],
                                "spec": ["taints": [["key": .string(CloudNodeController.uninitializedTaint), "value": "true", "effect": "NoSchedule"]]]]
        let actions = try CloudNodeController.reconcile(nodes: [known, fresh], pool: pool)
        let statusPatch = actions.patches.first { $0.2 }
        #expect(statusPatch?.0.name == "b")
        #expect(statusPatch?.1.value(at: ["status", "addresses"])?.arrayValue?.first?["address"] == "10.0.0.2")
        let specPatch = actions.patches.first { !$0.2 }
        #expect(specPatch?.1.value(at: ["spec", "taints"]) == .null)
    }

    @Test("only a change of addresses or a remaining uninitialized taint wakes the node controller, not heartbeats or lifecycle taints",
          arguments: [
            ("a heartbeat: new condition times", false),
            ("the node lifecycle adds the unreachable taint", false),
            ("cordoned", false),
            ("addresses changed", true),
            ("the uninitialized taint is still there", true),
          ])
    func relevantNodeUpdates(_ change: String, _ relevant: Bool) {
        let old: JSONValue = ["apiVersion": "v1", "kind": "Node", "metadata": ["name": "a"],
                              "status": ["addresses": [["type": "InternalIP", "address": "10.0.0.1"]],
                                         "conditions": [["type": "Ready", "status": "True", "lastHeartbeatTime": "t1"]]]]
        var new = old
        switch change {
        case "a heartbeat: new condition times":
            new.setValue([["type": "Ready", "status": "True", "lastHeartbeatTime": "t2"]], at: ["status", "conditions"])
        case "the node lifecycle adds the unreachable taint":
            new.setValue([["key": "node.kubernetes.io/unreachable", "effect": "NoExecute"]], at: ["spec", "taints"])
        case "cordoned":
            new.setValue(true, at: ["spec", "unschedulable"])
        case "addresses changed":
            new.setValue([["type": "InternalIP", "address": "10.0.0.9"]], at: ["status", "addresses"])
        default:
            new.setValue([["key": .string(CloudNodeController.uninitializedTaint), "effect": "NoSchedule"]], at: ["spec", "taints"])
        }
        #expect(CloudNodeController.isRelevantUpdate(old: old, new: new) == relevant, "\(change)")
    }
}
