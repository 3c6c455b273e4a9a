import Foundation
import KgitAPIMachinery
import KgitTesting
import Testing
@testable import KgitAPIServer

/// The Pod Security Standards' checks, one case per check, with upstream's wording.
@Suite("Admission: Pod Security Standards checks")
struct PodSecurityStandardsTests {
    /// A pod spec with one container `app`, changed by `edit`.
    static func spec(_ edit: (inout JSONValue) -> Void) -> JSONValue {
        var spec: JSONValue = ["containers": [["name": "app", "image": "nginx"]]]
        edit(&spec)
        return spec
    }

    /// A spec that passes restricted, changed by `edit`.
    static func restrictedSpec(_ edit: (inout JSONValue) -> Void) -> JSONValue {
        spec { s in
            s["securityContext"] = ["runAsNonRoot": true, "seccompProfile": ["type": "RuntimeDefault"]]
            s.setValue([["name": "app", "image": "nginx", "securityContext": [
                "allowPrivilegeEscalation": false, "capabilities": ["drop": ["ALL"]],
            ]]], at: ["containers"])
            edit(&s)
        }
    }

    @Test("baseline checks", arguments: [
        (spec { $0["hostPID"] = true }, [:], "host namespaces (hostPID=true)"),
        (spec { $0.setValue(true, at: ["securityContext", "windowsOptions", "hostProcess"]) }, [:],
         "hostProcess (pod must not set securityContext.windowsOptions.hostProcess=true)"),
        (spec { $0["volumes"] = [["name": "root", "hostPath": ["path": "/"]]] }, [:], #"hostPath volumes (volume "root")"#),
        (spec { $0.setValue([["name": "app", "image": "nginx", "ports": [["containerPort": 80, "hostPort": 8080]]]], at: ["containers"]) },
         [:], #"hostPort (container "app" uses hostPort 8080)"#),
        (spec { $0.setValue([["name": "app", "image": "nginx", "securityContext": ["capabilities": ["add": ["NET_ADMIN"]]]]],
                            at: ["containers"]) },
         [:], #"non-default capabilities (container "app" must not include "NET_ADMIN" in securityContext.capabilities.add)"#),
        (spec { _ in }, ["container.apparmor.security.beta.kubernetes.io/app": "unconfined"],
         #"forbidden AppArmor profile (container.apparmor.security.beta.kubernetes.io/app="unconfined")"#),
        (spec { $0.setValue(["type": "spc_t"], at: ["securityContext", "seLinuxOptions"]) }, [:],
         #"seLinuxOptions (pod set forbidden securityContext.seLinuxOptions: type "spc_t")"#),
        (spec { $0.setValue([["name": "app", "image": "nginx", "securityContext": ["procMount": "Unmasked"]]], at: ["containers"]) },
         [:], #"procMount (container "app" must not set securityContext.procMount to "Unmasked")"#),
        (spec { $0.setValue([["name": "net.ipv4.ip_forward", "value": "1"], ["name": "net.ipv4.tcp_syncookies", "value": "1"]],
                            at: ["securityContext", "sysctls"]) },
         [:], "forbidden sysctls (net.ipv4.ip_forward)"),
        (spec { $0.setValue(["type": "Unconfined"], at: ["securityContext", "seccompProfile"]) }, [:],
         #"seccompProfile (pod or containers must not set securityContext.seccompProfile.type to "Unconfined")"#),
    ] as [(JSONValue, [String: JSONValue], String)])
    func baseline(spec: JSONValue, annotations: [String: JSONValue], expected: String) {
        #expect(PodSecurity.violations(spec, level: .baseline, annotations: annotations) == [expected])
        #expect(PodSecurity.violations(spec, level: .privileged, annotations: annotations).isEmpty)
    }

    @Test("restricted checks", arguments: [
        (restrictedSpec { _ in }, nil),
        (restrictedSpec { $0.setValue(0, at: ["securityContext", "runAsUser"]) }, "runAsUser=0 (pod must not set runAsUser=0)"),
        (restrictedSpec { $0["volumes"] = [["name": "nfs", "nfs": ["server": "s", "path": "/"]]] },
         #"restricted volume types (volume "nfs" uses restricted volume type "nfs")"#),
        (restrictedSpec { $0.setValue(false, at: ["securityContext", "runAsNonRoot"]) },
         #"runAsNonRoot != true (container "app" must set securityContext.runAsNonRoot=true)"#),
        (restrictedSpec { $0.setValue("Unconfined", at: ["securityContext", "seccompProfile", "type"]) },
         #"seccompProfile (container "app" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")"#),
    ] as [(JSONValue, String?)])
    func restricted(spec: JSONValue, expected: String?) {
        #expect(PodSecurity.violations(spec, level: .restricted) == (expected.map { [$0] } ?? []))
    }

    @Test("an enforced baseline namespace refuses a pod with a forbidden sysctl, naming it", .timeLimit(.minutes(4)))
    func enforced() async throws {
        let api = try await TestAPI()
        _ = await api.request("POST", "/api/v1/namespaces", json: [
            "metadata": ["name": "team", "labels": ["pod-security.kubernetes.io/enforce": "baseline"]],
        ])
        let pod: JSONValue = ["apiVersion": "v1", "kind": "Pod", "metadata": ["name": "p"], "spec": Self.spec {
            $0.setValue([["name": "kernel.msgmax", "value": "1"]], at: ["securityContext", "sysctls"])
        }]
        let answer = await api.request("POST", "/api/v1/namespaces/team/pods", json: pod)
        #expect(answer.status == 403)
        #expect(answer.json["message"] == #"pods "p" is forbidden: violates PodSecurity "baseline:latest": forbidden sysctls (kernel.msgmax)"#)
    }

    @Test("an audited level annotates the request's audit event, and kubectl warns for the warned level",
          .timeLimit(.minutes(4)), .enabled(if: Tools.endToEnd))
    func auditAndWarn() async throws {
        let server = try await KgitServerProcess.start()
        defer { server.stop() }
        let namespace = """
            apiVersion: v1
            kind: Namespace
            metadata:
              name: team
              labels: {pod-security.kubernetes.io/audit: restricted, pod-security.kubernetes.io/warn: baseline}
            """
        #expect(try await server.kubectl(["apply", "-f", "-"], stdin: namespace).status == 0)
        let pod = """
            apiVersion: v1
            kind: Pod
            metadata: {name: p, namespace: team}
            spec:
              securityContext: {sysctls: [{name: kernel.msgmax, value: "1"}]}
              containers: [{name: app, image: nginx}]
            """
        let created = try await server.kubectl(["apply", "-f", "-"], stdin: pod)
        #expect(created.status == 0, "\(created)")
        #expect(created.stderr.contains(#"Warning: would violate PodSecurity "baseline:latest": forbidden sysctls (kernel.msgmax)"#),
                "\(created)")
        let log = try String(contentsOfFile: server.dataDirectory + "/audit.log", encoding: .utf8)
        let annotated = log.split(separator: "\n").compactMap { try? JSONParser.parse(Array($0.utf8)) }.first {
            $0.value(at: ["objectRef", "resource"]) == "pods" && $0["verb"] == "create"
        }
        let violations = annotated?.value(at: ["annotations", "pod-security.kubernetes.io/audit-violations"])?.stringValue ?? ""
        #expect(violations.hasPrefix(#"would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false"#),
                "\(annotated.map { $0.serialized() } ?? "no create event")")
        #expect(violations.contains("forbidden sysctls (kernel.msgmax)"))
    }
}
