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

    // MARK: - Workload, storage, policy, networking, RBAC and discovery kinds

    static func info(_ group: String, _ resource: String) throws -> ResourceInfo {
        try #require(ResourceCatalog.builtIn.resources.first { $0.resource == resource && $0.group == group })
    }

    /// The cells of a one-object table, as strings (`kubectl get` prints integers the same way).
    static func cells(_ group: String, _ resource: String, _ object: JSONValue) throws -> [String] {
        let table = TableConvertor.table(for: try info(group, resource), objects: [object], listMeta: [:], include: .none, now: now)
        let cells = table["rows"]?.arrayValue?.first?["cells"]?.arrayValue ?? []
        return cells.map { $0.stringValue ?? $0.intValue.map(String.init) ?? $0.serialized() }
    }

    static let created = RFC3339.format(now.addingTimeInterval(-300))
    static func meta(_ name: String) -> JSONValue { ["name": .string(name), "creationTimestamp": .string(created)] }

    @Test("column names per kind are upstream's (1.32 printers)", arguments: [
        ("statefulsets", "apps", ["Name", "Ready", "Age", "Containers", "Images"]),
        ("daemonsets", "apps", ["Name", "Desired", "Current", "Ready", "Up-to-date", "Available", "Node Selector", "Age",
                                "Containers", "Images", "Selector"]),
        ("jobs", "batch", ["Name", "Status", "Completions", "Duration", "Age", "Containers", "Images", "Selector"]),
        ("cronjobs", "batch", ["Name", "Schedule", "Timezone", "Suspend", "Active", "Last Schedule", "Age", "Containers",
                               "Images", "Selector"]),
        ("persistentvolumeclaims", "", ["Name", "Status", "Volume", "Capacity", "Access Modes", "StorageClass",
                                        "VolumeAttributesClass", "Age", "VolumeMode"]),
        ("persistentvolumes", "", ["Name", "Capacity", "Access Modes", "Reclaim Policy", "Status", "Claim", "StorageClass",
                                   "VolumeAttributesClass", "Reason", "Age", "VolumeMode"]),
        ("horizontalpodautoscalers", "autoscaling", ["Name", "Reference", "Targets", "MinPods", "MaxPods", "Replicas", "Age"]),
        ("poddisruptionbudgets", "policy", ["Name", "Min Available", "Max Unavailable", "Allowed Disruptions", "Age"]),
        ("ingresses", "networking.k8s.io", ["Name", "Class", "Hosts", "Address", "Ports", "Age"]),
        ("networkpolicies", "networking.k8s.io", ["Name", "Pod-Selector", "Age"]),
        ("leases", "coordination.k8s.io", ["Name", "Holder", "Age"]),
        ("resourcequotas", "", ["Name", "Request", "Limit", "Age"]),
        ("rolebindings", "rbac.authorization.k8s.io", ["Name", "Role", "Age", "Users", "Groups", "ServiceAccounts"]),
        ("clusterrolebindings", "rbac.authorization.k8s.io", ["Name", "Role", "Age", "Users", "Groups", "ServiceAccounts"]),
        ("endpointslices", "discovery.k8s.io", ["Name", "AddressType", "Ports", "Endpoints", "Age"]),
        ("serviceaccounts", "", ["Name", "Secrets", "Age"]),
        // Upstream has no printer for these: a real cluster prints NAME, CREATED AT.
        ("roles", "rbac.authorization.k8s.io", ["Name", "Created At"]),
        ("clusterroles", "rbac.authorization.k8s.io", ["Name", "Created At"]),
        ("limitranges", "", ["Name", "Created At"]),
        ("customresourcedefinitions", "apiextensions.k8s.io", ["Name", "Created At"]),
    ])
    func moreColumnNames(resource: String, group: String, expected: [String]) throws {
        #expect(TableConvertor.columns(for: try Self.info(group, resource)).map(\.name) == expected)
    }

    @Test("extra -o wide columns have priority 1, as upstream marks them")
    func widePriorities() throws {
        let columns = TableConvertor.columns(for: try Self.info("batch", "cronjobs"))
        #expect(columns.filter { $0.priority == 1 }.map(\.name) == ["Containers", "Images", "Selector"])
        #expect(TableConvertor.columns(for: try Self.info("", "persistentvolumeclaims")).filter { $0.priority == 1 }.map(\.name) == ["VolumeMode"])
    }

    static let template: JSONValue = ["spec": ["containers": [["name": "a", "image": "nginx"], ["name": "b", "image": "busybox"]]]]

    @Test("cells are computed as upstream's printers compute them", arguments: [
        ("apps", "statefulsets", ["metadata": meta("db"), "spec": ["replicas": 3, "template": template], "status": ["readyReplicas": 2]],
         ["db", "2/3", "5m", "a,b", "nginx,busybox"]),
        ("apps", "daemonsets", ["metadata": meta("agent"), "spec": [
            "selector": ["matchLabels": ["app": "agent"], "matchExpressions": [["key": "tier", "operator": "In", "values": ["b", "a"]]]],
            "template": ["spec": ["nodeSelector": ["zone": "a", "disk": "ssd"], "containers": [["name": "c", "image": "i"]]]],
        ], "status": ["desiredNumberScheduled": 3, "currentNumberScheduled": 2, "numberReady": 1, "updatedNumberScheduled": 2,
                      "numberAvailable": 1]],
         ["agent", "3", "2", "1", "2", "1", "disk=ssd,zone=a", "5m", "c", "i", "app=agent,tier in (a,b)"]),
        ("apps", "daemonsets", ["metadata": meta("plain"), "spec": ["template": ["spec": ["containers": []]]]],
         ["plain", "0", "0", "0", "0", "0", "<none>", "5m", "", "", "<none>"]),
        ("batch", "jobs", ["metadata": meta("pi"), "spec": ["completions": 1, "parallelism": 1, "template": template,
                                                            "selector": ["matchLabels": ["batch.kubernetes.io/controller-uid": "u"]]],
                           "status": ["succeeded": 1, "startTime": .string(RFC3339.format(now.addingTimeInterval(-200))),
                                      "completionTime": .string(RFC3339.format(now.addingTimeInterval(-170))),
                                      "conditions": [["type": "Complete", "status": "True"]]]],
         ["pi", "Complete", "1/1", "30s", "5m", "a,b", "nginx,busybox", "batch.kubernetes.io/controller-uid=u"]),
        ("batch", "jobs", ["metadata": meta("queue"), "spec": ["parallelism": 3, "template": template],
                           "status": ["startTime": .string(RFC3339.format(now.addingTimeInterval(-90)))]],
         ["queue", "Running", "0/1 of 3", "90s", "5m", "a,b", "nginx,busybox", "<none>"]),
        ("batch", "jobs", ["metadata": meta("held"), "spec": ["completions": 2, "suspend": true, "template": template],
                           "status": ["conditions": [["type": "Suspended", "status": "True"]]]],
         ["held", "Suspended", "0/2", "", "5m", "a,b", "nginx,busybox", "<none>"]),
        ("batch", "cronjobs", ["metadata": meta("nightly"), "spec": ["schedule": "0 3 * * *", "suspend": false,
                                                                     "jobTemplate": ["spec": ["template": template]]],
                               "status": ["active": [["name": "nightly-1"]], "lastScheduleTime": .string(RFC3339.format(now.addingTimeInterval(-60)))]],
         ["nightly", "0 3 * * *", "<none>", "False", "1", "60s", "5m", "a,b", "nginx,busybox", "<none>"]),
        ("", "persistentvolumeclaims", ["metadata": meta("data"), "spec": ["storageClassName": "fast", "volumeMode": "Filesystem",
                                                                           "resources": ["requests": ["storage": "1Gi"]]],
                                        "status": ["phase": "Pending"]],
         ["data", "Pending", "", "", "", "fast", "<unset>", "5m", "Filesystem"]),
        ("", "persistentvolumeclaims", ["metadata": meta("bound"), "spec": ["volumeName": "pv1", "storageClassName": "fast"],
                                        "status": ["phase": "Bound", "capacity": ["storage": "10Gi"],
                                                   "accessModes": ["ReadWriteMany", "ReadWriteOnce"]]],
         ["bound", "Bound", "pv1", "10Gi", "RWO,RWX", "fast", "<unset>", "5m", "<unset>"]),
        ("", "persistentvolumes", ["metadata": meta("pv1"), "spec": ["capacity": ["storage": "10Gi"], "accessModes": ["ReadWriteOnce"],
                                                                    "persistentVolumeReclaimPolicy": "Retain", "storageClassName": "fast",
                                                                    "claimRef": ["namespace": "default", "name": "bound"]],
                                   "status": ["phase": "Bound"]],
         ["pv1", "10Gi", "RWO", "Retain", "Bound", "default/bound", "fast", "<unset>", "", "5m", "<unset>"]),
        ("autoscaling", "horizontalpodautoscalers", ["metadata": meta("web"), "spec": [
            "scaleTargetRef": ["kind": "Deployment", "name": "web"], "minReplicas": 1, "maxReplicas": 10,
            "metrics": [["type": "Resource", "resource": ["name": "cpu", "target": ["type": "Utilization", "averageUtilization": 80]]]],
        ], "status": ["currentReplicas": 2]],
         ["web", "Deployment/web", "cpu: <unknown>/80%", "1", "10", "2", "5m"]),
        ("autoscaling", "horizontalpodautoscalers", ["metadata": meta("busy"), "spec": [
            "scaleTargetRef": ["kind": "Deployment", "name": "busy"], "maxReplicas": 5,
            "metrics": [
                ["type": "Resource", "resource": ["name": "cpu", "target": ["type": "Utilization", "averageUtilization": 50]]],
                ["type": "Resource", "resource": ["name": "memory", "target": ["type": "AverageValue", "averageValue": "100Mi"]]],
                ["type": "Pods", "pods": ["metric": ["name": "qps"], "target": ["type": "AverageValue", "averageValue": "1k"]]],
            ],
        ], "status": ["currentReplicas": 5, "currentMetrics": [
            ["type": "Resource", "resource": ["name": "cpu", "current": ["averageUtilization": 42, "averageValue": "210m"]]],
        ]]],
         ["busy", "Deployment/busy", "cpu: 42%/50%, memory: <unknown>/100Mi + 1 more...", "<unset>", "5", "5", "5m"]),
        ("policy", "poddisruptionbudgets", ["metadata": meta("pdb"), "spec": ["minAvailable": "50%"], "status": ["disruptionsAllowed": 1]],
         ["pdb", "50%", "N/A", "1", "5m"]),
        ("policy", "poddisruptionbudgets", ["metadata": meta("pdb2"), "spec": ["maxUnavailable": 1]],
         ["pdb2", "N/A", "1", "0", "5m"]),
        ("networking.k8s.io", "ingresses", ["metadata": meta("site"), "spec": [
            "ingressClassName": "nginx", "tls": [["hosts": ["a.example.com"]]],
            "rules": [["host": "a.example.com"], ["host": "b.example.com"], [:], ["host": "c.example.com"], ["host": "d.example.com"]],
        ], "status": ["loadBalancer": ["ingress": [["ip": "10.0.0.9"], ["hostname": "lb.example.com"]]]]],
         ["site", "nginx", "a.example.com,b.example.com,c.example.com + 2 more...", "10.0.0.9,lb.example.com", "80, 443", "5m"]),
        ("networking.k8s.io", "ingresses", ["metadata": meta("any"), "spec": ["defaultBackend": ["service": ["name": "s"]]]],
         ["any", "<none>", "*", "", "80", "5m"]),
        ("networking.k8s.io", "networkpolicies", ["metadata": meta("deny"), "spec": ["podSelector": [:]]], ["deny", "<none>", "5m"]),
        ("networking.k8s.io", "networkpolicies", ["metadata": meta("web"), "spec": ["podSelector": ["matchLabels": ["app": "web"]]]],
         ["web", "app=web", "5m"]),
        ("coordination.k8s.io", "leases", ["metadata": meta("leader"), "spec": ["holderIdentity": "node-1"]], ["leader", "node-1", "5m"]),
        ("", "resourcequotas", ["metadata": meta("q"), "status": [
            "hard": ["pods": "10", "requests.cpu": "2", "limits.memory": "2Gi", "limits.cpu": "4"],
            "used": ["pods": "3", "requests.cpu": "500m", "limits.cpu": "1"],
        ]], ["q", "pods: 3/10, requests.cpu: 500m/2", "limits.cpu: 1/4, limits.memory: 0/2Gi", "5m"]),
        ("rbac.authorization.k8s.io", "rolebindings", ["metadata": meta("rb"), "roleRef": ["kind": "ClusterRole", "name": "view"],
                                                      "subjects": [["kind": "User", "name": "alice"], ["kind": "Group", "name": "devs"],
                                                                   ["kind": "ServiceAccount", "name": "ci", "namespace": "tools"],
                                                                   ["kind": "User", "name": "bob"]]],
         ["rb", "ClusterRole/view", "5m", "alice, bob", "devs", "tools/ci"]),
        ("discovery.k8s.io", "endpointslices", ["metadata": meta("web-abc"), "addressType": "IPv4",
                                                "ports": [["port": 80], ["name": "metrics"]],
                                                "endpoints": [["addresses": ["10.0.0.1"]], ["addresses": ["10.0.0.2", "10.0.0.3"]],
                                                              ["addresses": ["10.0.0.4"]]]],
         ["web-abc", "IPv4", "80,metrics", "10.0.0.1,10.0.0.2,10.0.0.3 + 1 more...", "5m"]),
        ("discovery.k8s.io", "endpointslices", ["metadata": meta("empty"), "addressType": "IPv4"],
         ["empty", "IPv4", "<unset>", "<unset>", "5m"]),
    ] as [(String, String, JSONValue, [String])])
    func moreCells(group: String, resource: String, object: JSONValue, expected: [String]) throws {
        #expect(try Self.cells(group, resource, object) == expected)
    }

    @Test("a job or claim being deleted shows Terminating; a failed job Failed")
    func terminating() {
        #expect(TableConvertor.jobStatus(["metadata": ["deletionTimestamp": "2027-01-15T08:00:00Z"]]) == "Terminating")
        #expect(TableConvertor.jobStatus(["status": ["conditions": [["type": "Failed", "status": "True"]]]]) == "Failed")
        #expect(TableConvertor.jobStatus(["status": ["conditions": [["type": "Complete", "status": "False"]]]]) == "Running")
    }
}
