import Foundation
import KgitAPIMachinery
import Testing
@testable import KgitAPIServer

/// A pod with one container `app`, optionally with resources and a security context.
func testPod(_ name: String, resources: JSONValue? = nil, securityContext: JSONValue? = nil,
             serviceAccount: String? = nil) -> JSONValue
{
    var container: JSONValue = ["name": "app", "image": "nginx:1.27"]
    if let resources { container["resources"] = resources }
    if let securityContext { container["securityContext"] = securityContext }
    var pod: JSONValue = ["apiVersion": "v1", "kind": "Pod", "metadata": ["name": .string(name)],
                          "spec": ["containers": [container]]]
    if let serviceAccount { pod.setValue(.string(serviceAccount), at: ["spec", "serviceAccountName"]) }
    return pod
}

@Suite("Admission: NamespaceLifecycle")
struct NamespaceLifecycleTests {
    @Test("creating into a namespace that does not exist is 404 naming the namespace")
    func missingNamespace() async throws {
        let api = try await TestAPI()
        let answer = await api.request("POST", "/api/v1/namespaces/nowhere/configmaps", json: TestAPI.configMap("a"))
        #expect(answer.status == 404)
        #expect(answer.json["message"] == #"namespaces "nowhere" not found"#)
    }
}

@Suite("Admission: ServiceAccount")
struct ServiceAccountAdmissionTests {
    @Test("a pod runs as the namespace's default ServiceAccount unless it names another, which must exist")
    func defaultAccount() async throws {
        let api = try await TestAPI()
        _ = await api.request("POST", "/api/v1/namespaces", json: ["metadata": ["name": "team"]])
        let sa = await api.request("GET", "/api/v1/namespaces/team/serviceaccounts/default")
        #expect(sa.status == 200, "a new namespace gets its default ServiceAccount")
        let pod = await api.request("POST", "/api/v1/namespaces/team/pods", json: testPod("p"))
        #expect(pod.json.value(at: ["spec", "serviceAccountName"]) == "default", "\(pod.text)")
        let missing = await api.request("POST", "/api/v1/namespaces/team/pods", json: testPod("q", serviceAccount: "robot"))
        #expect(missing.status == 403)
        #expect(missing.json["message"] == #"pods "q" is forbidden: error looking up service account team/robot: serviceaccount "robot" not found"#)
    }
}

@Suite("Admission: LimitRanger")
struct LimitRangerTests {
    static let limitRange: JSONValue = [
        "metadata": ["name": "limits"],
        "spec": ["limits": [[
            "type": "Container",
            "default": ["cpu": "500m", "memory": "256Mi"], "defaultRequest": ["cpu": "200m", "memory": "128Mi"],
            "min": ["cpu": "100m"], "max": ["cpu": "1", "memory": "1Gi"],
        ]]],
    ]

    @Test("missing requests and limits are filled from the LimitRange, and the pod says so in an annotation")
    func defaults() async throws {
        let api = try await TestAPI()
        _ = await api.request("POST", "/api/v1/namespaces/default/limitranges", json: Self.limitRange)
        let pod = await api.request("POST", "/api/v1/namespaces/default/pods",
                                    json: testPod("p", resources: ["limits": ["memory": "512Mi"]]))
        #expect(pod.status == 201, "\(pod.text)")
        let resources = pod.json.value(at: ["spec", "containers"])?.arrayValue?.first?["resources"]
        #expect(resources == ["limits": ["cpu": "500m", "memory": "512Mi"], "requests": ["cpu": "200m", "memory": "512Mi"]])
        #expect(pod.json.value(at: ["metadata", "annotations", "kubernetes.io/limit-ranger"])
                == "LimitRanger plugin set: cpu request for container app; cpu limit for container app")
        #expect(pod.json.value(at: ["status", "qosClass"]) == "Burstable")
    }

    @Test("a request below min or a limit above max is 403 with upstream's message")
    func minAndMax() async throws {
        let api = try await TestAPI()
        _ = await api.request("POST", "/api/v1/namespaces/default/limitranges", json: Self.limitRange)
        let small = await api.request("POST", "/api/v1/namespaces/default/pods",
                                      json: testPod("small", resources: ["requests": ["cpu": "50m"]]))
        #expect(small.status == 403)
        #expect(small.json["message"] == #"pods "small" is forbidden: minimum cpu usage per Container is 100m, but request is 50m"#)
        let big = await api.request("POST", "/api/v1/namespaces/default/pods",
                                    json: testPod("big", resources: ["limits": ["cpu": "2", "memory": "2Gi"]]))
        #expect(big.json["message"] == #"pods "big" is forbidden: [maximum cpu usage per Container is 1, but limit is 2, maximum memory usage per Container is 1Gi, but limit is 2Gi]"#)
    }
}

@Suite("Admission: ResourceQuota")
struct ResourceQuotaAdmissionTests {
    @Test("object counts are enforced on create and the quota's status shows the usage")
    func counts() async throws {
        let api = try await TestAPI()
        let quota: JSONValue = ["metadata": ["name": "objects"], "spec": ["hard": ["configmaps": "2", "count/deployments.apps": "0"]]]
        _ = await api.request("POST", "/api/v1/namespaces/default/resourcequotas", json: quota)
        #expect(await api.request("POST", "/api/v1/namespaces/default/configmaps", json: TestAPI.configMap("a")).status == 201)
        #expect(await api.request("POST", "/api/v1/namespaces/default/configmaps", json: TestAPI.configMap("b")).status == 201)
        let third = await api.request("POST", "/api/v1/namespaces/default/configmaps", json: TestAPI.configMap("c"))
        #expect(third.status == 403)
        #expect(third.json["message"] == #"configmaps "c" is forbidden: exceeded quota: objects, requested: configmaps=1, used: configmaps=2, limited: configmaps=2"#)
        let status = await api.request("GET", "/api/v1/namespaces/default/resourcequotas/objects")
        #expect(status.json.value(at: ["status", "used", "configmaps"]) == "2", "\(status.text)")
        _ = await api.request("DELETE", "/api/v1/namespaces/default/configmaps/a")
        #expect(await api.request("POST", "/api/v1/namespaces/default/configmaps", json: TestAPI.configMap("c")).status == 201)
    }

    @Test("compute quotas sum pod requests, and a pod that does not state a constrained resource is refused")
    func compute() async throws {
        let api = try await TestAPI()
        let quota: JSONValue = ["metadata": ["name": "compute"], "spec": ["hard": ["requests.cpu": "1", "pods": "10"]]]
        _ = await api.request("POST", "/api/v1/namespaces/default/resourcequotas", json: quota)
        let unstated = await api.request("POST", "/api/v1/namespaces/default/pods", json: testPod("bare"))
        #expect(unstated.json["message"] == #"pods "bare" is forbidden: failed quota: compute: must specify requests.cpu for: app"#)
        let first = await api.request("POST", "/api/v1/namespaces/default/pods",
                                      json: testPod("a", resources: ["requests": ["cpu": "600m"]]))
        #expect(first.status == 201, "\(first.text)")
        let second = await api.request("POST", "/api/v1/namespaces/default/pods",
                                       json: testPod("b", resources: ["requests": ["cpu": "500m"]]))
        #expect(second.json["message"] == #"pods "b" is forbidden: exceeded quota: compute, requested: requests.cpu=500m, used: requests.cpu=600m, limited: requests.cpu=1"#)
        let status = await api.request("GET", "/api/v1/namespaces/default/resourcequotas/compute")
        #expect(status.json.value(at: ["status", "used"]) == ["requests.cpu": "600m", "pods": "1"], "\(status.text)")
    }
}

@Suite("Admission: PodSecurity")
struct PodSecurityTests {
    static let hardened: JSONValue = [
        "allowPrivilegeEscalation": false, "runAsNonRoot": true, "capabilities": ["drop": ["ALL"]],
        "seccompProfile": ["type": "RuntimeDefault"],
    ]

    static func namespace(_ name: String, labels: [String: String]) -> JSONValue {
        ["metadata": ["name": .string(name), "labels": .object(labels.mapValues(JSONValue.string))]]
    }

    @Test("restricted enforcement refuses a plain pod with every violation listed, and admits a hardened one")
    func enforceRestricted() async throws {
        let api = try await TestAPI()
        _ = await api.request("POST", "/api/v1/namespaces",
                              json: Self.namespace("secure", labels: ["pod-security.kubernetes.io/enforce": "restricted"]))
        let plain = await api.request("POST", "/api/v1/namespaces/secure/pods", json: testPod("plain"))
        #expect(plain.status == 403)
        #expect(plain.json["message"] == #"pods "plain" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "app" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "app" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "app" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "app" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")"#)
        let hardened = await api.request("POST", "/api/v1/namespaces/secure/pods",
                                         json: testPod("hardened", securityContext: Self.hardened))
        #expect(hardened.status == 201, "\(hardened.text)")
    }

    @Test("baseline refuses privileged containers and host namespaces; warn mode only warns")
    func baselineAndWarn() async throws {
        let api = try await TestAPI()
        _ = await api.request("POST", "/api/v1/namespaces", json: Self.namespace("base", labels: [
            "pod-security.kubernetes.io/enforce": "baseline", "pod-security.kubernetes.io/warn": "restricted",
        ]))
        var privileged = testPod("priv", securityContext: ["privileged": true])
        privileged.setValue(true, at: ["spec", "hostNetwork"])
        let refused = await api.request("POST", "/api/v1/namespaces/base/pods", json: privileged)
        #expect(refused.json["message"] == #"pods "priv" is forbidden: violates PodSecurity "baseline:latest": host namespaces (hostNetwork=true), privileged (container "app" must not set securityContext.privileged=true)"#)
        let warned = await api.request("POST", "/api/v1/namespaces/base/pods", json: testPod("plain"))
        #expect(warned.status == 201)
        #expect(warned.header("Warning")?.hasPrefix(#"299 - "would violate PodSecurity \"restricted:latest\": allowPrivilegeEscalation != false"#) == true,
                "\(warned.headers)")
    }

    @Test("a workload whose template violates the enforced level is admitted with a warning")
    func workloadsWarn() async throws {
        let api = try await TestAPI()
        _ = await api.request("POST", "/api/v1/namespaces",
                              json: Self.namespace("secure", labels: ["pod-security.kubernetes.io/enforce": "baseline"]))
        let deployment: JSONValue = [
            "metadata": ["name": "web"],
            "spec": ["selector": ["matchLabels": ["app": "web"]],
                     "template": ["metadata": ["labels": ["app": "web"]],
                                  "spec": ["hostPID": true, "containers": [["name": "app", "image": "nginx"]]]]],
        ]
        let answer = await api.request("POST", "/apis/apps/v1/namespaces/secure/deployments", json: deployment)
        #expect(answer.status == 201, "\(answer.text)")
        #expect(answer.header("Warning") == #"299 - "would violate PodSecurity \"baseline:latest\": host namespaces (hostPID=true)""#)
    }

    @Test("privileged (or no label) checks nothing", arguments: [PodSecurity.Level.privileged])
    func privileged(level: PodSecurity.Level) {
        #expect(PodSecurity.violations(["hostNetwork": true, "containers": [["name": "a", "securityContext": ["privileged": true]]]],
                                       level: level).isEmpty)
    }
}
