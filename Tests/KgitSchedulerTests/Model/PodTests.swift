import KgitAPIMachinery
import Testing

@testable import KgitScheduler

@Suite("Pod decoding")
struct PodTests {
    @Test("requests sum the app containers") func sumsContainers() {
        let pod = makePod(
            "p",
            spec: #"""
                {"containers": [
                  {"name": "a", "resources": {"requests": {"cpu": "250m", "memory": "64Mi", "nvidia.com/gpu": "1"}}},
                  {"name": "b", "resources": {"requests": {"cpu": "750m", "memory": "64Mi"}}}
                ]}
                """#)
        #expect(pod.requests == Resources(milliCPU: 1000, memory: 128 << 20, scalar: ["nvidia.com/gpu": 1]))
    }

    @Test("an init container larger than the app containers sets the request") func initContainerMax() {
        let pod = makePod(
            "p",
            spec: #"""
                {"initContainers": [{"name": "i", "resources": {"requests": {"cpu": "2", "memory": "10Mi"}}}],
                 "containers": [{"name": "a", "resources": {"requests": {"cpu": "500m", "memory": "1Gi"}}}]}
                """#)
        #expect(pod.requests.milliCPU == 2000)
        #expect(pod.requests.memory == 1 << 30)
    }

    @Test("sidecars (restartPolicy Always) add to the app containers and to later init containers")
    func sidecars() {
        let pod = makePod(
            "p",
            spec: #"""
                {"initContainers": [
                   {"name": "proxy", "restartPolicy": "Always", "resources": {"requests": {"cpu": "200m"}}},
                   {"name": "migrate", "resources": {"requests": {"cpu": "1"}}}
                 ],
                 "containers": [{"name": "a", "resources": {"requests": {"cpu": "500m"}}}]}
                """#)
        // app 500m + sidecar 200m = 700m; the init container needs 1000m + the running sidecar 200m = 1200m.
        #expect(pod.requests.milliCPU == 1200)
    }

    @Test("overhead is added to the request") func overhead() {
        let pod = makePod("p", cpu: "1", spec: #"{"overhead": {"cpu": "250m", "memory": "120Mi"}}"#)
        #expect(pod.requests.milliCPU == 1250)
        #expect(pod.requests.memory == 120 << 20)
    }

    @Test("a container's missing request defaults to its limit") func limitsDefaultRequests() {
        let pod = makePod(
            "p",
            spec: #"{"containers": [{"name": "a", "resources": {"limits": {"cpu": "2", "memory": "1Gi"}, "requests": {"cpu": "1"}}}]}"#)
        #expect(pod.requests.milliCPU == 1000)
        #expect(pod.requests.memory == 1 << 30)
    }

    @Test("non-zero requests default CPU to 100m and memory to 200Mi for scoring") func nonZero() {
        let pod = makePod("p")
        #expect(pod.requests.isZero)
        #expect(pod.nonZeroRequests == Resources(milliCPU: 100, memory: 200 << 20))
    }

    @Test("affinity terms without namespaces select the pod's own namespace") func termNamespace() {
        let pod = makePod(
            "p", namespace: "shop",
            spec: #"""
                {"affinity": {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
                  {"labelSelector": {"matchLabels": {"app": "web"}}, "topologyKey": "kubernetes.io/hostname"}]}}}
                """#)
        #expect(pod.podAntiAffinity.required.first?.namespaces == ["shop"])
    }

    @Test(
        "decoding errors name the pod and the field path",
        arguments: [
            (#"{"priority": "high"}"#, "Pod default/p at .spec.priority: expected an integer"),
            (
                #"{"containers": [{"name": "a", "resources": {"requests": {"cpu": "lots"}}}]}"#,
                #"Pod default/p at .spec.containers[0].resources.requests.cpu: quantity "lots" is invalid: it has no digits"#
            ),
            (
                #"{"tolerations": [{"key": "k", "operator": "Like"}]}"#,
                #"Pod default/p at .spec.tolerations[0].operator: unknown toleration operator "Like" (Equal, Exists)"#
            ),
            (
                #"{"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchExpressions": [{"key": "a", "operator": "Gt", "values": ["x"]}]}]}}}}"#,
                "Pod default/p at .spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values: operator Gt needs exactly one integer value"
            ),
            (
                #"{"topologySpreadConstraints": [{"maxSkew": 0, "topologyKey": "zone", "whenUnsatisfiable": "DoNotSchedule"}]}"#,
                "Pod default/p at .spec.topologySpreadConstraints[0].maxSkew: maxSkew must be a positive integer"
            ),
        ])
    func errors(_ spec: String, _ want: String) {
        var object = json(#"{"metadata": {"name": "p"}, "spec": {"containers": []}}"#)
        let extra = json(spec)
        for (k, v) in extra.objectValue ?? [:] { object.setValue(v, at: ["spec", k]) }
        #expect(throws: DecodingError.self) { try Pod(json: object) }
        do {
            _ = try Pod(json: object)
        } catch {
            #expect(error.description == want)
        }
    }
}

@Suite("Node decoding")
struct NodeTests {
    @Test("allocatable, labels, taints, cordon and conditions are read") func decodes() throws {
        let node = try Node(
            json: json(
                #"""
                {"metadata": {"name": "n1", "labels": {"zone": "a"}},
                 "spec": {"unschedulable": true, "taints": [{"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}]},
                 "status": {"allocatable": {"cpu": "3500m", "memory": "7Gi", "pods": "110", "nvidia.com/gpu": "2"},
                            "capacity": {"cpu": "4"},
                            "conditions": [{"type": "Ready", "status": "True"}]}}
                """#))
        #expect(node.allocatable == Resources(milliCPU: 3500, memory: 7 << 30, pods: 110, scalar: ["nvidia.com/gpu": 2]))
        #expect(node.labels == ["zone": "a"])
        #expect(node.taints == [Taint(key: "dedicated", value: "gpu", effect: .noSchedule)])
        #expect(node.unschedulable)
        #expect(node.condition("Ready") == "True")
    }

    @Test("capacity stands in for a missing allocatable") func capacityFallback() throws {
        let node = try Node(json: json(#"{"metadata": {"name": "n"}, "status": {"capacity": {"cpu": "2", "pods": 10}}}"#))
        #expect(node.allocatable.milliCPU == 2000)
        #expect(node.allocatable.pods == 10)
    }

    @Test("an unknown taint effect names the node and field") func badTaint() {
        #expect(throws: DecodingError(object: "Node n", path: FieldPath(steps: [.member("spec"), .member("taints"), .index(0), .member("effect")]), problem: #"unknown taint effect "Sometimes" (NoSchedule, PreferNoSchedule, NoExecute)"#)) {
            try Node(json: json(#"{"metadata": {"name": "n"}, "spec": {"taints": [{"key": "k", "effect": "Sometimes"}]}}"#))
        }
    }
}
