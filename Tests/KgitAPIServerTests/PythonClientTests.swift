import Foundation
import Testing

/// The official Python `kubernetes` client (typed and dynamic) against a real `kgit server`.
/// Enabled when `python3 -c "import kubernetes"` works (`pip install kubernetes`), and always under
/// `KGIT_REQUIRE_E2E=1` (CI installs the client; if it could not, the test fails instead of skipping).
@Suite("Python kubernetes client against kgit server", .serialized)
struct PythonClientTests {
    static let available: Bool = {
        (try? ServerProcess.runBlocking("/usr/bin/env", ["python3", "-c", "import kubernetes"]).status) == 0
    }()

    static let script = #"""
        import sys
        import threading
        from kubernetes import client, config, watch, dynamic
        config.load_kube_config(config_file=sys.argv[1])
        v1 = client.CoreV1Api()
        apps = client.AppsV1Api()
        print("namespaces:", ",".join(n.metadata.name for n in v1.list_namespace().items))
        cm = client.V1ConfigMap(metadata=client.V1ObjectMeta(name="py"), data={"a": "1"})
        v1.create_namespaced_config_map("default", cm)
        try:
            v1.create_namespaced_config_map("default", cm)
        except client.ApiException as e:
            print("duplicate:", e.status)
        v1.patch_namespaced_config_map("py", "default", {"data": {"b": "2"}})
        print("data:", sorted(v1.read_namespaced_config_map("py", "default").data.items()))
        pod = client.V1Pod(metadata=client.V1ObjectMeta(name="web"),
                           spec=client.V1PodSpec(containers=[client.V1Container(name="c", image="nginx")]))
        print("pod phase:", v1.create_namespaced_pod("default", pod).status.phase)
        dep = client.V1Deployment(metadata=client.V1ObjectMeta(name="d"), spec=client.V1DeploymentSpec(
            selector=client.V1LabelSelector(match_labels={"app": "d"}),
            template=client.V1PodTemplateSpec(metadata=client.V1ObjectMeta(labels={"app": "d"}),
                spec=client.V1PodSpec(containers=[client.V1Container(name="c", image="nginx")]))))
        apps.create_namespaced_deployment("default", dep)
        apps.patch_namespaced_deployment_scale("d", "default", {"spec": {"replicas": 3}})
        print("replicas:", apps.read_namespaced_deployment("d", "default").spec.replicas)
        # The watch lists what exists (ADDED), then must deliver a change made while it is open (MODIFIED).
        # The waits are hang guards, long enough for a loaded machine.
        watcher, events, listed = watch.Watch(), [], threading.Event()
        def consume():
            for e in watcher.stream(v1.list_namespaced_config_map, "default", timeout_seconds=600):
                events.append((e["type"], e["object"].metadata.name, (e["object"].data or {}).get("c")))
                if e["type"] == "ADDED":
                    listed.set()
                elif e["type"] == "MODIFIED":
                    watcher.stop()
        consumer = threading.Thread(target=consume, daemon=True)
        consumer.start()
        listed.wait(300)
        v1.patch_namespaced_config_map("py", "default", {"data": {"c": "3"}})
        consumer.join(300)
        print("watch:", events)
        v1.delete_namespaced_config_map("py", "default")
        resource = dynamic.DynamicClient(client.ApiClient()).resources.get(api_version="apps/v1", kind="Deployment")
        print("dynamic:", [i.metadata.name for i in resource.get(namespace="default").items])
        """#

    @Test("typed CRUD, scale, a watch that sees a change made while open, and the dynamic client work",
          .enabled(if: available || Tools.required))
    func pythonClient() async throws {
        let server = try await ServerProcess.start()
        defer { server.cleanUp() }
        let file = server.cacheDirectory.appendingPathComponent("client.py")
        try Self.script.write(to: file, atomically: true, encoding: .utf8)
        let result = try await ServerProcess.run("/usr/bin/env", ["python3", file.path, server.kubeconfig])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout == """
            namespaces: default,kube-node-lease,kube-public,kube-system
            duplicate: 409
            data: [('a', '1'), ('b', '2')]
            pod phase: Pending
            replicas: 3
            watch: [('ADDED', 'py', None), ('MODIFIED', 'py', '3')]
            dynamic: ['d']

            """, "\(result)")
    }
}
