import Foundation
import KgitTesting
import Testing

/// `kubectl get` prints upstream's columns from the server-side Tables.
@Suite("kubectl get: upstream columns", .timeLimit(.minutes(3)), .enabled(if: Tools.endToEnd))
struct KubectlTableTests {
    static let objects = """
        apiVersion: v1
        kind: Node
        metadata: {name: n1, labels: {node-role.kubernetes.io/control-plane: ""}}
        status:
          conditions: [{type: Ready, status: "True"}]
          addresses: [{type: InternalIP, address: 10.0.0.1}]
          nodeInfo: {kubeletVersion: v1.32.0, osImage: Kgit Linux, kernelVersion: 6.1.0, containerRuntimeVersion: "containerd://1.7.0",
                     architecture: amd64, operatingSystem: linux, bootID: b, machineID: m, systemUUID: s, kernelVersion: 6.1.0,
                     kubeProxyVersion: v1.32.0}
        ---
        apiVersion: v1
        kind: Node
        metadata: {name: n2}
        status:
          conditions: [{type: Ready, status: "False"}]
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: web}
        spec: {nodeName: n1, containers: [{name: app, image: nginx}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec: {selector: {app: web}, ports: [{port: 80}]}
        """

    /// The header row split into column titles (kubectl separates columns by 3 or more spaces).
    static func header(_ output: String) -> [String] {
        let first = output.split(separator: "\n").first.map(String.init) ?? ""
        return first.components(separatedBy: "   ").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    static func row(_ output: String, _ name: String) -> [String] {
        let line = output.split(separator: "\n").map(String.init).first { $0.hasPrefix(name + " ") } ?? ""
        return line.components(separatedBy: "   ").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    @Test("get nodes shows STATUS from Ready and cordoning, ROLES and VERSION; -o wide the node details")
    func nodes() async throws {
        let server = try await KgitServerProcess.start()
        defer { server.stop() }
        let applied = try await server.kubectl(["apply", "-f", "-"], stdin: Self.objects)
        #expect(applied.status == 0, "\(applied)")
        #expect(try await server.kubectl(["cordon", "n1"]).status == 0)
        let nodes = try await server.kubectl(["get", "nodes"])
        #expect(Self.header(nodes.stdout) == ["NAME", "STATUS", "ROLES", "AGE", "VERSION"], "\(nodes)")
        let n1 = Self.row(nodes.stdout, "n1")
        #expect(n1.count == 5 && n1[1] == "Ready,SchedulingDisabled" && n1[2] == "control-plane" && n1[4] == "v1.32.0", "\(nodes)")
        let n2 = Self.row(nodes.stdout, "n2")
        #expect(n2.count == 4 && n2[1] == "NotReady" && n2[2] == "<none>", "\(nodes)")

        let wide = try await server.kubectl(["get", "nodes", "-o", "wide"])
        #expect(Self.header(wide.stdout) == ["NAME", "STATUS", "ROLES", "AGE", "VERSION", "INTERNAL-IP", "EXTERNAL-IP",
                                            "OS-IMAGE", "KERNEL-VERSION", "CONTAINER-RUNTIME"], "\(wide)")
        #expect(Array(Self.row(wide.stdout, "n1").suffix(5)) == ["10.0.0.1", "<none>", "Kgit Linux", "6.1.0", "containerd://1.7.0"],
                "\(wide)")

        let pods = try await server.kubectl(["get", "pods", "-o", "wide"])
        #expect(Self.header(pods.stdout) == ["NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE", "NOMINATED NODE",
                                            "READINESS GATES"], "\(pods)")
        let web = Self.row(pods.stdout, "web")
        #expect(web.count == 9 && web[1] == "0/1" && web[2] == "Pending" && web[3] == "0" && web[6] == "n1", "\(pods)")

        let services = try await server.kubectl(["get", "services", "web"])
        #expect(Self.header(services.stdout) == ["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"], "\(services)")
        #expect(Self.row(services.stdout, "web")[4] == "80/TCP", "\(services)")

        #expect(try await server.kubectl(["create", "deployment", "api", "--image=nginx"]).status == 0)
        let deployments = try await server.kubectl(["get", "deployments"])
        #expect(Self.header(deployments.stdout) == ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"], "\(deployments)")

        let event = """
            apiVersion: v1
            kind: Event
            metadata: {name: web.1}
            involvedObject: {kind: Pod, name: web, namespace: default}
            reason: Scheduled
            message: assigned to n1
            type: Normal
            count: 1
            source: {component: scheduler}
            """
        #expect(try await server.kubectl(["apply", "-f", "-"], stdin: event).status == 0)
        let events = try await server.kubectl(["get", "events"])
        #expect(Self.header(events.stdout) == ["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"], "\(events)")
        #expect(events.stdout.contains("pod/web"), "\(events)")
    }

    static let workloads = """
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: db}
        spec:
          replicas: 2
          serviceName: db
          selector: {matchLabels: {app: db}}
          template:
            metadata: {labels: {app: db}}
            spec: {containers: [{name: postgres, image: postgres}]}
        ---
        apiVersion: apps/v1
        kind: DaemonSet
        metadata: {name: agent}
        spec:
          selector: {matchLabels: {app: agent}}
          template:
            metadata: {labels: {app: agent}}
            spec: {nodeSelector: {disk: ssd}, containers: [{name: agent, image: busybox}]}
        ---
        apiVersion: batch/v1
        kind: CronJob
        metadata: {name: nightly}
        spec:
          schedule: "0 3 * * *"
          jobTemplate:
            spec:
              template:
                spec: {restartPolicy: Never, containers: [{name: task, image: busybox}]}
        ---
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: data}
        spec:
          storageClassName: fast
          accessModes: [ReadWriteOnce]
          resources: {requests: {storage: 1Gi}}
        ---
        apiVersion: policy/v1
        kind: PodDisruptionBudget
        metadata: {name: db}
        spec: {minAvailable: 1, selector: {matchLabels: {app: db}}}
        ---
        apiVersion: coordination.k8s.io/v1
        kind: Lease
        metadata: {name: leader}
        spec: {holderIdentity: node-1}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: readers}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
        subjects: [{kind: User, name: alice, apiGroup: rbac.authorization.k8s.io}]
        """

    @Test("get statefulsets, daemonsets, cronjobs, pvc, pdb, leases and rolebindings prints upstream's columns")
    func moreKinds() async throws {
        let server = try await KgitServerProcess.start()
        defer { server.stop() }
        let applied = try await server.kubectl(["apply", "-f", "-"], stdin: Self.workloads)
        #expect(applied.status == 0, "\(applied)")

        let sts = try await server.kubectl(["get", "statefulsets", "-o", "wide"])
        #expect(Self.header(sts.stdout) == ["NAME", "READY", "AGE", "CONTAINERS", "IMAGES"], "\(sts)")
        let db = Self.row(sts.stdout, "db")
        #expect(db.count == 5 && db[1] == "0/2" && db[3] == "postgres" && db[4] == "postgres", "\(sts)")

        let ds = try await server.kubectl(["get", "daemonsets"])
        #expect(Self.header(ds.stdout) == ["NAME", "DESIRED", "CURRENT", "READY", "UP-TO-DATE", "AVAILABLE", "NODE SELECTOR", "AGE"],
                "\(ds)")
        #expect(Self.row(ds.stdout, "agent").dropFirst().prefix(6) == ["0", "0", "0", "0", "0", "disk=ssd"], "\(ds)")

        let cj = try await server.kubectl(["get", "cronjobs"])
        #expect(Self.header(cj.stdout) == ["NAME", "SCHEDULE", "TIMEZONE", "SUSPEND", "ACTIVE", "LAST SCHEDULE", "AGE"], "\(cj)")
        #expect(Self.row(cj.stdout, "nightly").dropFirst().prefix(5) == ["0 3 * * *", "<none>", "False", "0", "<none>"], "\(cj)")

        let pvc = try await server.kubectl(["get", "pvc"])
        #expect(Self.header(pvc.stdout) == ["NAME", "STATUS", "VOLUME", "CAPACITY", "ACCESS MODES", "STORAGECLASS",
                                           "VOLUMEATTRIBUTESCLASS", "AGE"], "\(pvc)")
        #expect(Self.row(pvc.stdout, "data").contains("fast") && Self.row(pvc.stdout, "data").contains("<unset>"), "\(pvc)")

        let pdb = try await server.kubectl(["get", "pdb"])
        #expect(Self.header(pdb.stdout) == ["NAME", "MIN AVAILABLE", "MAX UNAVAILABLE", "ALLOWED DISRUPTIONS", "AGE"], "\(pdb)")
        #expect(Self.row(pdb.stdout, "db").dropFirst().prefix(2) == ["1", "N/A"], "\(pdb)")

        let leases = try await server.kubectl(["get", "leases"])
        #expect(Self.header(leases.stdout) == ["NAME", "HOLDER", "AGE"], "\(leases)")
        #expect(Self.row(leases.stdout, "leader").dropFirst().first == "node-1", "\(leases)")

        let bindings = try await server.kubectl(["get", "rolebindings", "-o", "wide"])
        #expect(Self.header(bindings.stdout) == ["NAME", "ROLE", "AGE", "USERS", "GROUPS", "SERVICEACCOUNTS"], "\(bindings)")
        let readers = Self.row(bindings.stdout, "readers")
        #expect(readers.count >= 4 && readers[1] == "ClusterRole/view" && readers[3] == "alice", "\(bindings)")

        // No upstream printer: a real cluster prints NAME, CREATED AT for roles too.
        let roles = try await server.kubectl(["get", "clusterroles"])
        #expect(Self.header(roles.stdout) == ["NAME", "CREATED AT"], "\(roles)")
    }
}
