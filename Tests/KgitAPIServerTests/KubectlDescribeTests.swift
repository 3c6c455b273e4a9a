import Foundation
import Testing

/// `kubectl describe` against a real `kgit server`: the sections a real cluster prints, with Events.
@Suite("kubectl describe", .serialized, .enabled(if: Tools.endToEnd))
struct KubectlDescribeTests {
    static let objects = """
        apiVersion: v1
        kind: Node
        metadata: {name: n1, labels: {kubernetes.io/hostname: n1}}
        status:
          capacity: {cpu: "2", memory: 4Gi, pods: "110"}
          allocatable: {cpu: "2", memory: 4Gi, pods: "110"}
        ---
        apiVersion: coordination.k8s.io/v1
        kind: Lease
        metadata: {name: n1, namespace: kube-node-lease}
        spec: {holderIdentity: n1, leaseDurationSeconds: 40}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: web, labels: {app: web}}
        spec:
          nodeName: n1
          containers:
          - name: app
            image: nginx:1.27
            resources: {requests: {cpu: 100m, memory: 64Mi}}
        """

    /// Lines of `text` with runs of spaces collapsed, for comparing columns.
    static func squeezed(_ text: String) -> [String] {
        text.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ") }
    }

    @Test("describe pod, deployment, service, node, namespace and a custom resource, with their events",
          .timeLimit(.minutes(3)))
    func describe() async throws {
        let server = try await ServerProcess.start()
        defer { server.cleanUp() }
        let created = try await server.kubectl(["create", "-f", "-"], stdin: Self.objects)
        #expect(created.status == 0, "\(created)")
        let uid = try await server.kubectl(["get", "pod", "web", "-o", "jsonpath={.metadata.uid}"]).stdout
        let event = """
            apiVersion: v1
            kind: Event
            metadata: {name: web.pulled, namespace: default}
            involvedObject: {apiVersion: v1, kind: Pod, name: web, namespace: default, uid: \(uid)}
            reason: Pulled
            message: Successfully pulled image "nginx:1.27"
            type: Normal
            source: {component: kubelet, host: n1}
            count: 1
            """
        #expect(try await server.kubectl(["create", "-f", "-"], stdin: event).status == 0)

        let pod = Self.squeezed(try await server.kubectl(["describe", "pod", "web"]).stdout)
        #expect(pod.first == "Name: web", "\(pod)")
        #expect(pod.contains("Node: n1/"), "\(pod)")
        #expect(pod.contains("Status: Pending"), "\(pod)")
        #expect(pod.contains("Image: nginx:1.27"), "\(pod)")
        #expect(pod.contains("QoS Class: Burstable"), "\(pod)")
        #expect(pod.suffix(3) == ["Type Reason Age From Message", "---- ------ ---- ---- -------",
                                  "Normal Pulled <unknown> kubelet Successfully pulled image \"nginx:1.27\""], "\(pod)")

        try await server.kubectl(["create", "deployment", "d", "--image=nginx"])
        try await server.kubectl(["scale", "deployment", "d", "--replicas=3"])
        let deployment = Self.squeezed(try await server.kubectl(["describe", "deployment", "d"]).stdout)
        #expect(deployment.contains("Replicas: 3 desired | 0 updated | 0 total | 0 available | 0 unavailable"), "\(deployment)")
        #expect(deployment.contains("RollingUpdateStrategy: 25% max unavailable, 25% max surge"), "\(deployment)")
        #expect(deployment.last?.hasSuffix("kgit-apiserver Scaled deployment d from 1 to 3 replicas") == true, "\(deployment)")

        try await server.kubectl(["create", "service", "clusterip", "s", "--tcp=80:8080"])
        let service = Self.squeezed(try await server.kubectl(["describe", "service", "s"]).stdout)
        #expect(service.contains("Type: ClusterIP"), "\(service)")
        #expect(service.contains("Port: 80-8080 80/TCP"), "\(service)")
        #expect(service.contains("TargetPort: 8080/TCP"), "\(service)")
        #expect(service.last == "Events: <none>", "\(service)")

        let node = Self.squeezed(try await server.kubectl(["describe", "node", "n1"]).stdout)
        #expect(node.contains("HolderIdentity: n1"), "\(node)")
        #expect(node.contains("Non-terminated Pods: (1 in total)"), "\(node)")
        #expect(node.contains { $0.hasPrefix("default web 100m (5%) 0 (0%) 64Mi (1%) 0 (0%)") }, "\(node)")
        #expect(node.contains("cpu 100m (5%) 0 (0%)"), "\(node)")

        let namespace = try await server.kubectl(["describe", "namespace", "default"])
        #expect(namespace.stdout == """
            Name:         default
            Labels:       kubernetes.io/metadata.name=default
            Annotations:  <none>
            Status:       Active

            No resource quota.

            No LimitRange resource.

            """, "\(namespace)")

        try await server.kubectl(["apply", "-f", "-"], stdin: KubectlCustomResourceTests.crd)
        try await server.kubectl(["wait", "--for", "condition=established", "crd/storefronts.shop.example.com"])
        try await server.kubectl(["apply", "-f", "-"], stdin: KubectlCustomResourceTests.storefront)
        try await server.kubectl(["scale", "storefront", "shop", "--replicas=2"])
        let custom = Self.squeezed(try await server.kubectl(["describe", "storefront", "shop"]).stdout)
        #expect(custom.prefix(2) == ["Name: shop", "Namespace: default"], "\(custom)")
        #expect(custom.contains("Kind: Storefront"), "\(custom)")
        #expect(custom.contains("Repo: https://example.com/shop.git"), "\(custom)")
        #expect(custom.last?.hasSuffix("kgit-apiserver Scaled storefront shop from 1 to 2 replicas") == true, "\(custom)")
    }
}
