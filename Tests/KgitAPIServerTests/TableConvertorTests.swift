import Foundation
import KgitAPIMachinery
import Testing
@testable import KgitAPIServer

/// Server-side printing: cells computed as upstream's printers compute them.
@Suite("Tables: upstream columns and cells")
struct TableConvertorTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func pod(_ status: JSONValue, deleting: Bool = false, initContainers: Int = 0) -> JSONValue {
        var meta: JSONValue = ["name": "p"]
        if deleting { meta["deletionTimestamp"] = "2027-01-15T08:00:00Z" }
        var spec: JSONValue = ["containers": [["name": "a", "image": "x"]]]
        if initContainers > 0 {
            spec["initContainers"] = .array((0..<initContainers).map { ["name": .string("i\($0)"), "image": "x"] })
        }
        return ["metadata": meta, "spec": spec, "status": status]
    }

    @Test("pod STATUS follows upstream's printPod", arguments: [
        (pod(["phase": "Pending"]), "Pending"),
        (pod(["phase": "Running", "containerStatuses": [["ready": true, "state": ["running": [:]]]]]), "Running"),
        (pod(["phase": "Pending", "containerStatuses": [["state": ["waiting": ["reason": "ContainerCreating"]]]]]), "ContainerCreating"),
        (pod(["phase": "Running", "containerStatuses": [["state": ["waiting": ["reason": "CrashLoopBackOff"]]]]]), "CrashLoopBackOff"),
        (pod(["phase": "Succeeded", "containerStatuses": [["state": ["terminated": ["reason": "Completed", "exitCode": 0]]]]]), "Completed"),
        (pod(["phase": "Failed", "containerStatuses": [["state": ["terminated": ["exitCode": 2]]]]]), "ExitCode:2"),
        (pod(["phase": "Failed", "containerStatuses": [["state": ["terminated": ["exitCode": 137, "signal": 9]]]]]), "Signal:9"),
        (pod(["phase": "Pending", "initContainerStatuses": [["state": ["running": [:]]]]], initContainers: 2), "Init:0/2"),
        (pod(["phase": "Pending", "initContainerStatuses": [["state": ["waiting": ["reason": "ImagePullBackOff"]]]]], initContainers: 1),
         "Init:ImagePullBackOff"),
        (pod(["phase": "Failed", "reason": "Evicted"]), "Evicted"),
        (pod(["phase": "Running"], deleting: true), "Terminating"),
        (pod(["phase": "Running", "reason": "NodeLost"], deleting: true), "Unknown"),
    ])
    func podStatus(pod: JSONValue, expected: String) {
        #expect(TableConvertor.podStatus(pod) == expected)
    }

    @Test("pod RESTARTS shows the count and how long ago the last restart ended")
    func podRestarts() {
        let finished = RFC3339.format(Self.now.addingTimeInterval(-125))
        let pod: JSONValue = ["status": ["containerStatuses": [
            ["restartCount": 2, "lastState": ["terminated": ["finishedAt": .string(finished)]]],
            ["restartCount": 1],
        ]]]
        #expect(TableConvertor.podRestarts(pod, now: Self.now) == "3 (2m5s ago)")
        #expect(TableConvertor.podRestarts(["status": [:]], now: Self.now) == "0")
    }

    @Test("node STATUS comes from the Ready condition plus SchedulingDisabled when cordoned", arguments: [
        ("True", false, "Ready"), ("False", false, "NotReady"), ("Unknown", false, "NotReady"),
        ("True", true, "Ready,SchedulingDisabled"), (nil, false, "Unknown"), (nil, true, "Unknown,SchedulingDisabled"),
    ] as [(String?, Bool, String)])
    func nodeStatus(ready: String?, cordoned: Bool, expected: String) {
        var node: JSONValue = ["metadata": ["name": "n"], "spec": ["unschedulable": .bool(cordoned)], "status": [:]]
        if let ready { node.setValue([["type": "Ready", "status": .string(ready)]], at: ["status", "conditions"]) }
        #expect(TableConvertor.nodeStatus(node) == expected)
    }

    @Test("node ROLES come from node-role labels, sorted, or <none>")
    func nodeRoles() {
        let node: JSONValue = ["metadata": ["labels": ["node-role.kubernetes.io/worker": "", "node-role.kubernetes.io/control-plane": "",
                                                       "kubernetes.io/role": "infra", "other": "x"]]]
        #expect(TableConvertor.nodeRoles(node) == "control-plane,infra,worker")
        #expect(TableConvertor.nodeRoles(["metadata": [:]]) == "<none>")
    }

    @Test("column names per kind are upstream's", arguments: [
        ("nodes", "", ["Name", "Status", "Roles", "Age", "Version", "Internal-IP", "External-IP", "OS-Image", "Kernel-Version", "Container-Runtime"]),
        ("pods", "", ["Name", "Ready", "Status", "Restarts", "Age", "IP", "Node", "Nominated Node", "Readiness Gates"]),
        ("deployments", "apps", ["Name", "Ready", "Up-to-date", "Available", "Age", "Containers", "Images", "Selector"]),
        ("replicasets", "apps", ["Name", "Desired", "Current", "Ready", "Age", "Containers", "Images", "Selector"]),
        ("services", "", ["Name", "Type", "Cluster-IP", "External-IP", "Port(s)", "Age", "Selector"]),
        ("endpoints", "", ["Name", "Endpoints", "Age"]),
        ("events", "", ["Last Seen", "Type", "Reason", "Object", "Subobject", "Source", "Message", "First Seen", "Count", "Name"]),
    ])
    func columnNames(resource: String, group: String, expected: [String]) throws {
        let info = try #require(ResourceCatalog.builtIn.resources.first { $0.resource == resource && $0.group == group })
        #expect(TableConvertor.columns(for: info).map(\.name) == expected)
    }

    @Test("an event seen repeatedly shows (xN over AGE)")
    func eventLastSeen() {
        let event: JSONValue = ["count": 3, "lastTimestamp": .string(RFC3339.format(Self.now.addingTimeInterval(-60))),
                                "firstTimestamp": .string(RFC3339.format(Self.now.addingTimeInterval(-600)))]
        #expect(TableConvertor.eventLastSeen(event, now: Self.now) == "60s (x3 over 10m)")
    }

    @Test("a LoadBalancer service without ingress shows <pending>; an ExternalName service its name")
    func serviceExternalIP() {
        #expect(TableConvertor.serviceExternalIP(["spec": ["type": "LoadBalancer"]]) == "<pending>")
        #expect(TableConvertor.serviceExternalIP(["spec": ["type": "ExternalName", "externalName": "db.example.com"]]) == "db.example.com")
        #expect(TableConvertor.serviceExternalIP(["spec": ["type": "ClusterIP"]]) == "<none>")
    }

    @Test("ENDPOINTS lists ready ip:port pairs, the first three then + N more..., or <none>")
    func endpointsText() {
        #expect(TableConvertor.endpointsText(["subsets": []]) == "<none>")
        let two: JSONValue = ["subsets": [["addresses": [["ip": "10.0.0.1"], ["ip": "10.0.0.2"]], "ports": [["port": 8080]]]]]
        #expect(TableConvertor.endpointsText(two) == "10.0.0.1:8080,10.0.0.2:8080")
        let five: JSONValue = ["subsets": [["addresses": [["ip": "10.0.0.1"], ["ip": "10.0.0.2"], ["ip": "10.0.0.3"],
                                                          ["ip": "10.0.0.4"], ["ip": "10.0.0.5"]], "ports": [["port": 80]]]]]
        #expect(TableConvertor.endpointsText(five) == "10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 2 more...")
    }
}
