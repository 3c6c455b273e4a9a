import Foundation
import KgitTesting
import Testing

/// The real kubectl (1.32 via the dispatcher) against a real `kgit server` over HTTPS, checking
/// what a user sees: output and exit codes.
@Suite("kubectl against kgit server", .serialized, .enabled(if: Tools.endToEnd))
struct KubectlTests {
    static let deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          labels: {app: web}
        spec:
          replicas: 1
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers:
              - name: app
                image: nginx:1.25
                ports: [{containerPort: 80}]
        """

    @Test("kubectl get namespaces prints the server-side table with the default namespaces")
    func getNamespaces() async throws {
        let server = try await ServerProcess.start()
        defer { server.cleanUp() }
        let result = try await server.kubectl(["get", "namespaces"])
        #expect(result.status == 0, "\(result)")
        let lines = result.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true) }
        #expect(lines.first == ["NAME", "STATUS", "AGE"], "\(result)")
        #expect(lines.dropFirst().map { String($0[0]) } == ["default", "kube-node-lease", "kube-public", "kube-system"])
        #expect(lines.dropFirst().allSatisfy { $0[1] == "Active" })
    }

    @Test("create namespace and create configmap (protobuf bodies) work, and a duplicate is AlreadyExists")
    func createWithProtobuf() async throws {
        let server = try await ServerProcess.start()
        defer { server.cleanUp() }
        let ns = try await server.kubectl(["create", "namespace", "team-a"])
        #expect(ns.status == 0 && ns.stdout == "namespace/team-a created\n", "\(ns)")
        let cm = try await server.kubectl(["create", "configmap", "cfg", "-n", "team-a", "--from-literal=a=1", "--from-literal=b=2"])
        #expect(cm.status == 0 && cm.stdout == "configmap/cfg created\n", "\(cm)")
        let again = try await server.kubectl(["create", "namespace", "team-a"])
        #expect(again.status == 1)
        #expect(again.stderr.contains(#"Error from server (AlreadyExists): namespaces "team-a" already exists"#), "\(again)")
        let table = try await server.kubectl(["get", "configmaps", "-n", "team-a"])
        #expect(table.stdout.hasPrefix("NAME   DATA   AGE\ncfg    2 "), "\(table)")
        let secret = try await server.kubectl(["create", "secret", "generic", "s", "--from-literal=pw=hunter2"])
        #expect(secret.status == 0, "\(secret)")
        let data = try await server.kubectl(["get", "secret", "s", "-o", "jsonpath={.data.pw}"])
        #expect(data.stdout == "aHVudGVyMg==", "\(data)")
    }

    @Test("create service, job and cronjob (protobuf bodies) store complete objects")
    func createWorkloadsWithProtobuf() async throws {
        let server = try await ServerProcess.start()
        defer { server.cleanUp() }
        let service = try await server.kubectl(["create", "service", "clusterip", "web", "--tcp=80:8080"])
        #expect(service.stdout == "service/web created\n", "\(service)")
        let ports = try await server.kubectl(["get", "svc", "web", "-o",
                                              "jsonpath={.spec.ports[0].port} {.spec.ports[0].targetPort} {.spec.clusterIP}"])
        #expect(ports.stdout.hasPrefix("80 8080 10.96."), "\(ports)")
        let job = try await server.kubectl(["create", "job", "once", "--image=busybox", "--", "echo", "hi"])
        #expect(job.stdout == "job.batch/once created\n", "\(job)")
        let command = try await server.kubectl(["get", "job", "once", "-o", "jsonpath={.spec.template.spec.containers[0].command}"])
        #expect(command.stdout == #"["echo","hi"]"#, "\(command)")
        let cron = try await server.kubectl(["create", "cronjob", "tick", "--image=busybox", "--schedule=*/5 * * * *"])
        #expect(cron.stdout == "cronjob.batch/tick created\n", "\(cron)")
        let schedule = try await server.kubectl(["get", "cronjob", "tick", "-o", "jsonpath={.spec.schedule}"])
        #expect(schedule.stdout == "*/5 * * * *", "\(schedule)")
    }

    @Test("get -o yaml and -o json return the object with server-owned metadata")
    func getOutputFormats() async throws {
        let server = try await ServerProcess.start()
        defer { server.cleanUp() }
        try await server.kubectl(["create", "configmap", "cfg", "--from-literal=a=1"])
        let yaml = try await server.kubectl(["get", "configmap", "cfg", "-o", "yaml"])
        #expect(yaml.status == 0)
        for needle in ["apiVersion: v1", "kind: ConfigMap", "name: cfg", "namespace: default", "resourceVersion: ",
                       "uid: ", "creationTimestamp: ", "  a: \"1\""] {
            #expect(yaml.stdout.contains(needle), "missing \(needle) in \(yaml)")
        }
        let json = try await server.kubectl(["get", "configmaps", "-o", "json"])
        #expect(json.stdout.contains(#""kind": "List""#) || json.stdout.contains(#""kind": "ConfigMapList""#), "\(json)")
        let name = try await server.kubectl(["get", "configmaps", "-o", "name"])
        #expect(name.stdout == "configmap/cfg\n", "\(name)")
    }

    @Test("a missing object prints NotFound; an unknown type says the server does not have it")
    func notFound() async throws {
        let server = try await ServerProcess.start()
        defer { server.cleanUp() }
        let missing = try await server.kubectl(["get", "pod", "nope"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains(#"Error from server (NotFound): pods "nope" not found"#), "\(missing)")
        let unknown = try await server.kubectl(["get", "widgets"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains(#"the server doesn't have a resource type "widgets""#), "\(unknown)")
        let empty = try await server.kubectl(["get", "pods"])
        #expect(empty.status == 0)
        #expect(empty.stderr.contains("No resources found in default namespace."), "\(empty)")
    }

    @Test("apply -f creates, is unchanged on a rerun, and configures a changed manifest")
    func clientSideApply() async throws {
        let server = try await ServerProcess.start()
        defer { server.cleanUp() }
        let file = server.cacheDirectory.appendingPathComponent("deploy.yaml")
        try Self.deployment.write(to: file, atomically: true, encoding: .utf8)
        let created = try await server.kubectl(["apply", "-f", file.path])
        #expect(created.stdout == "deployment.apps/web created\n", "\(created)")
        let unchanged = try await server.kubectl(["apply", "-f", file.path])
        #expect(unchanged.stdout == "deployment.apps/web unchanged\n", "\(unchanged)")
        try Self.deployment.replacingOccurrences(of: "nginx:1.25", with: "nginx:1.26")
            .replacingOccurrences(of: "replicas: 1", with: "replicas: 2")
            .write(to: file, atomically: true, encoding: .utf8)
        let configured = try await server.kubectl(["apply", "-f", file.path])
        #expect(configured.stdout == "deployment.apps/web configured\n", "\(configured)")
        let fields = try await server.kubectl(["get", "deploy", "web", "-o",
                                         "jsonpath={.spec.replicas} {.spec.template.spec.containers[0].image} {.metadata.generation}"])
        #expect(fields.stdout == "2 nginx:1.26 2", "\(fields)")
        let wide = try await server.kubectl(["get", "deploy", "-o", "wide"])
        #expect(wide.stdout.contains("CONTAINERS") && wide.stdout.contains("nginx:1.26") && wide.stdout.contains("app=web"),
                "\(wide)")
    }

    @Test("apply rejects an unknown field server-side (fieldValidation=Strict) and --validate=false accepts it")
    func strictValidation() async throws {
        let server = try await ServerProcess.start()
        defer { server.cleanUp() }
        let manifest = Self.deployment.replacingOccurrences(of: "replicas: 1", with: "replica: 1")
        let rejected = try await server.kubectl(["apply", "-f", "-"], stdin: manifest)
        #expect(rejected.status == 1)
        #expect(rejected.stderr.contains(#"strict decoding error: unknown field "spec.replica""#), "\(rejected)")
        let accepted = try await server.kubectl(["apply", "--validate=false", "-f", "-"], stdin: manifest)
        #expect(accepted.status == 0, "\(accepted)")
    }

    @Test("diff shows a server-side dry run of the change and exits 1; the live object is untouched")
    func diff() async throws {
        let server = try await ServerProcess.start()
        defer { server.cleanUp() }
        let file = server.cacheDirectory.appendingPathComponent("deploy.yaml")
        try Self.deployment.write(to: file, atomically: true, encoding: .utf8)
        try await server.kubectl(["create", "-f", file.path])
        try Self.deployment.replacingOccurrences(of: "replicas: 1", with: "replicas: 4")
            .write(to: file, atomically: true, encoding: .utf8)
        let diff = try await server.kubectl(["diff", "-f", file.path])
        #expect(diff.status == 1, "\(diff)")
        #expect(diff.stdout.contains("-  replicas: 1") && diff.stdout.contains("+  replicas: 4"), "\(diff)")
        #expect(!diff.stdout.contains("annotations: {}"), "\(diff)")
        let live = try await server.kubectl(["get", "deploy", "web", "-o", "jsonpath={.spec.replicas}"])
        #expect(live.stdout == "1")
    }

    @Test("apply --server-side creates and updates; a second manager conflicts until --force-conflicts")
    func serverSideApply() async throws {
        let server = try await ServerProcess.start()
        defer { server.cleanUp() }
        let manifest = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ssa}\ndata: {a: \"1\", b: \"2\"}\n"
        let first = try await server.kubectl(["apply", "--server-side", "-f", "-"], stdin: manifest)
        #expect(first.stdout == "configmap/ssa serverside-applied\n", "\(first)")
        let second = try await server.kubectl(["apply", "--server-side", "-f", "-"],
                                        stdin: manifest.replacingOccurrences(of: "b: \"2\"", with: "c: \"3\""))
        #expect(second.status == 0, "\(second)")
        #expect(try await server.kubectl(["get", "cm", "ssa", "-o", "jsonpath={.data}"]).stdout == #"{"a":"1","c":"3"}"#)
        let other = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ssa}\ndata: {a: \"9\"}\n"
        let conflict = try await server.kubectl(["apply", "--server-side", "--field-manager=other", "-f", "-"], stdin: other)
        #expect(conflict.status == 1)
        #expect(conflict.stderr.contains("conflict with \"kubectl\""), "\(conflict)")
        let forced = try await server.kubectl(["apply", "--server-side", "--field-manager=other", "--force-conflicts", "-f", "-"],
                                        stdin: other)
        #expect(forced.status == 0, "\(forced)")
    }

    @Test("label, scale, patch and delete behave as on a real cluster")
    func mutations() async throws {
        let server = try await ServerProcess.start()
        defer { server.cleanUp() }
        try await server.kubectl(["create", "deployment", "d", "--image=nginx:1.27", "--replicas=2"])
        #expect(try await server.kubectl(["label", "deploy", "d", "tier=fe"]).stdout == "deployment.apps/d labeled\n")
        #expect(try await server.kubectl(["scale", "deploy", "d", "--replicas=4"]).stdout == "deployment.apps/d scaled\n")
        let patched = try await server.kubectl(["patch", "deploy", "d", "--type", "json", "-p",
                                          #"[{"op":"add","path":"/spec/minReadySeconds","value":5}]"#])
        #expect(patched.stdout == "deployment.apps/d patched\n", "\(patched)")
        let set = try await server.kubectl(["set", "image", "deploy/d", "nginx=nginx:1.28"])
        #expect(set.status == 0, "\(set)")
        let fields = try await server.kubectl(["get", "deploy", "d", "-o",
                                         "jsonpath={.metadata.labels.tier} {.spec.replicas} {.spec.minReadySeconds} {.spec.template.spec.containers[0].image}"])
        #expect(fields.stdout == "fe 4 5 nginx:1.28", "\(fields)")
        let deleted = try await server.kubectl(["delete", "deploy", "d"])
        #expect(deleted.stdout == "deployment.apps \"d\" deleted\n", "\(deleted)")
        #expect(try await server.kubectl(["get", "deploy", "d"]).status == 1)
    }

    @Test("get with -l, --field-selector, --chunk-size and -A")
    func listQueries() async throws {
        let server = try await ServerProcess.start()
        defer { server.cleanUp() }
        try await server.kubectl(["create", "namespace", "other"])
        for (name, ns, group) in [("m1", "default", "g1"), ("m2", "default", "g2"), ("m3", "default", "g1"), ("m4", "other", "g1")] {
            try await server.kubectl(["create", "configmap", name, "-n", ns])
            try await server.kubectl(["label", "configmap", name, "-n", ns, "grp=\(group)"])
        }
        let selected = try await server.kubectl(["get", "cm", "-l", "grp=g1", "--field-selector", "metadata.name!=m1", "-o", "name"])
        #expect(selected.stdout == "configmap/m3\n", "\(selected)")
        let chunked = try await server.kubectl(["get", "cm", "--chunk-size=1", "-o", "name"])
        #expect(chunked.stdout == "configmap/m1\nconfigmap/m2\nconfigmap/m3\n", "\(chunked)")
        let all = try await server.kubectl(["get", "cm", "-A", "-l", "grp=g1"])
        let rows = all.stdout.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        #expect(rows.first?.prefix(2) == ["NAMESPACE", "NAME"], "\(all)")
        #expect(rows.dropFirst().map { "\($0[0])/\($0[1])" } == ["default/m1", "default/m3", "other/m4"], "\(all)")
    }

    @Test("get -w prints changes as they happen")
    func watch() async throws {
        let server = try await ServerProcess.start()
        defer { server.cleanUp() }
        let watcher = try ChildProcess(
            "kubectl",
            ["--kubeconfig", server.kubeconfig, "get", "configmaps", "-w", "--output-watch-events"],
            environment: ProcessInfo.processInfo.environment.merging(
                ["KUBECACHEDIR": server.cacheDirectory.path]) { $1 },
            standardOutput: .pipe, standardError: .null)
        let buffer = PipeCollector(watcher.standardOutput ?? FileHandle.nullDevice)
        defer { watcher.killBlocking() }
        // Once kubectl has listed (it shows `w0`, made for that), later changes come through its watch. A fixed
        // 1.5 s sleep did not make sure of that on a loaded machine: a list after the changes shows none of them.
        try await server.kubectl(["create", "configmap", "w0"])
        let clock = ContinuousClock()
        let listed = clock.now + .seconds(120)  // hang guards, not timing assertions
        while clock.now < listed && !buffer.text.contains("w0") { try await Task.sleep(for: .milliseconds(100)) }
        try await server.kubectl(["create", "configmap", "w1", "--from-literal=x=1"])
        try await server.kubectl(["label", "configmap", "w1", "t=1"])
        try await server.kubectl(["delete", "configmap", "w1"])
        let deadline = clock.now + .seconds(120)
        while clock.now < deadline && !buffer.text.contains("DELETED") { try await Task.sleep(for: .milliseconds(100)) }
        let rows = buffer.text.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true) }
        #expect(rows.first?.first == "EVENT", "\(buffer.text)")
        let events = rows.filter { $0.count > 1 && $0[1] == "w1" }.map { String($0[0]) }
        #expect(events == ["ADDED", "MODIFIED", "DELETED"], "\(buffer.text)")
    }

    @Test("auth can-i, auth can-i --list and auth whoami (protobuf reviews) answer for the admin")
    func auth() async throws {
        let server = try await ServerProcess.start()
        defer { server.cleanUp() }
        let canI = try await server.kubectl(["auth", "can-i", "create", "pods"])
        #expect(canI.status == 0 && canI.stdout == "yes\n", "\(canI)")
        let whoami = try await server.kubectl(["auth", "whoami"])
        #expect(whoami.stdout.contains("admin") && whoami.stdout.contains("system:masters"), "\(whoami)")
        let list = try await server.kubectl(["auth", "can-i", "--list"])
        #expect(list.stdout.contains("*.*"), "\(list)")
    }

    @Test("kubectl create token issues a service-account token that kubectl can log in with")
    func serviceAccountToken() async throws {
        let server = try await ServerProcess.start()
        defer { server.cleanUp() }
        try await server.kubectl(["create", "serviceaccount", "robot"])
        let issued = try await server.kubectl(["create", "token", "robot"])
        #expect(issued.status == 0, "\(issued)")
        let token = issued.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let config = server.cacheDirectory.appendingPathComponent("robot.kubeconfig")
        let ca = server.dataDirectory.appendingPathComponent("pki/ca.crt").path
        try """
            apiVersion: v1
            kind: Config
            clusters: [{name: c, cluster: {server: "\(server.baseURL)", certificate-authority: "\(ca)"}}]
            users: [{name: robot, user: {token: "\(token)"}}]
            contexts: [{name: c, context: {cluster: c, user: robot, namespace: default}}]
            current-context: c
            """.write(to: config, atomically: true, encoding: .utf8)
        let env = ["KUBECACHEDIR": server.cacheDirectory.appendingPathComponent("robot-cache").path]
        let whoami = try await ServerProcess.run("/usr/bin/env", ["kubectl", "--kubeconfig", config.path, "auth", "whoami"],
                                                 environment: env)
        #expect(whoami.stdout.contains("system:serviceaccount:default:robot"), "\(whoami)")
        let denied = try await ServerProcess.run("/usr/bin/env", ["kubectl", "--kubeconfig", config.path, "get", "secrets"],
                                                 environment: env)
        #expect(denied.status == 1)
        #expect(denied.stderr.contains("Forbidden"), "\(denied)")
        let bound = try await server.kubectl(["create", "rolebinding", "robot-view", "--clusterrole=view", "--serviceaccount=default:robot"])
        #expect(bound.stdout == "rolebinding.rbac.authorization.k8s.io/robot-view created\n", "\(bound)")
        let canI = try await ServerProcess.run("/usr/bin/env", ["kubectl", "--kubeconfig", config.path, "auth", "can-i",
                                                                "list", "pods"], environment: env)
        #expect(canI.stdout == "yes\n", "\(canI)")
        let cannot = try await ServerProcess.run("/usr/bin/env", ["kubectl", "--kubeconfig", config.path, "auth", "can-i",
                                                                  "delete", "pods"], environment: env)
        #expect(cannot.status == 1 && cannot.stdout == "no\n", "\(cannot)")
    }

    @Test("api-resources and explain work from discovery and OpenAPI v3")
    func discoveryCommands() async throws {
        let server = try await ServerProcess.start()
        defer { server.cleanUp() }
        let resources = try await server.kubectl(["api-resources"])
        #expect(resources.status == 0)
        #expect(resources.stdout.contains("deployments") && resources.stdout.contains("deploy") && resources.stdout.contains("apps/v1"),
                "\(resources)")
        let explain = try await server.kubectl(["explain", "deployment.spec.replicas"])
        #expect(explain.status == 0, "\(explain)")
        #expect(explain.stdout.contains("FIELD: replicas <integer>"), "\(explain)")
        let versions = try await server.kubectl(["api-versions"])
        #expect(versions.stdout.contains("apps/v1\n") && versions.stdout.contains("v1\n"), "\(versions)")
    }
}
