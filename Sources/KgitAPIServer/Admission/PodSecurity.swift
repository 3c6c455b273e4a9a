import KgitAPIMachinery

/// Upstream's `PodSecurity`: the Pod Security Standards (`privileged`, `baseline`, `restricted`)
/// that a namespace's `pod-security.kubernetes.io/enforce`, `/warn` and `/audit` labels choose. A pod
/// that violates the enforced level is refused (403 `violates PodSecurity "restricted:latest": …`);
/// violations of the warned level, and a workload's pod template that violates either, become
/// `Warning: would violate PodSecurity …` headers; violations of the audited level become the
/// `pod-security.kubernetes.io/audit-violations` annotation of the request's audit event.
struct PodSecurity: AdmissionPlugin {
    var name: String { "PodSecurity" }

    /// A Pod Security Standards level.
    enum Level: String, Comparable {
        case privileged, baseline, restricted

        static func < (a: Level, b: Level) -> Bool {
            let order: [Level] = [.privileged, .baseline, .restricted]
            return (order.firstIndex(of: a) ?? 0) < (order.firstIndex(of: b) ?? 0)
        }
    }

    /// Where workload kinds keep their pod template spec.
    static let templatePaths: [String: [String]] = [
        "apps/deployments": ["spec", "template", "spec"], "apps/replicasets": ["spec", "template", "spec"],
        "apps/statefulsets": ["spec", "template", "spec"], "apps/daemonsets": ["spec", "template", "spec"],
        "batch/jobs": ["spec", "template", "spec"],
        "batch/cronjobs": ["spec", "jobTemplate", "spec", "template", "spec"],
        "/replicationcontrollers": ["spec", "template", "spec"], "/podtemplates": ["template", "spec"],
    ]

    func validate(_ request: AdmissionRequest, _ context: AdmissionContext) async throws(APIError) {
        guard request.operation == .create || request.operation == .update, request.subresource == nil,
              let namespace = request.namespace
        else { return }
        let isPod = request.isCore("pods")
        let templatePath = PodSecurity.templatePaths["\(request.info.group)/\(request.info.resource)"]
        guard isPod || templatePath != nil else { return }
        let podSpec = isPod ? request.object["spec"] : templatePath.flatMap { request.object.value(at: $0) }
        guard let podSpec else { return }
        let metadataPath = isPod ? ["metadata"] : (templatePath ?? []).dropLast(2) + ["template", "metadata"]
        let podAnnotations = request.object.value(at: Array(metadataPath) + ["annotations"])?.objectValue ?? [:]
        if request.operation == .update, let old = request.oldObject,
           (isPod ? old["spec"] : templatePath.flatMap { old.value(at: $0) }) == podSpec
        {
            return  // only changes to the pod spec are checked again
        }
        guard let ns = try await context.get("namespaces", namespace: nil, name: namespace) else { return }
        let labels = ns.value(at: ["metadata", "labels"])?.objectValue ?? [:]
        func level(_ mode: String) -> Level {
            labels["pod-security.kubernetes.io/\(mode)"]?.stringValue.flatMap(Level.init(rawValue:)) ?? .privileged
        }
        func version(_ mode: String) -> String {
            labels["pod-security.kubernetes.io/\(mode)-version"]?.stringValue ?? "latest"
        }
        let enforce = level("enforce"), warn = level("warn"), audit = level("audit")
        if audit > .privileged {
            let problems = PodSecurity.violations(podSpec, level: audit, annotations: podAnnotations)
            if !problems.isEmpty {
                context.annotateAudit(
                    "pod-security.kubernetes.io/audit-violations",
                    "would violate PodSecurity \"\(audit.rawValue):\(version("audit"))\": \(problems.joined(separator: ", "))")
            }
        }
        if enforce > .privileged {
            let problems = PodSecurity.violations(podSpec, level: enforce, annotations: podAnnotations)
            if !problems.isEmpty {
                let text = "PodSecurity \"\(enforce.rawValue):\(version("enforce"))\": \(problems.joined(separator: ", "))"
                if isPod { throw request.forbidden("violates \(text)") }
                context.warn("would violate \(text)")
            }
        }
        if warn > .privileged, warn != enforce || !isPod {
            let problems = PodSecurity.violations(podSpec, level: warn, annotations: podAnnotations)
            if !problems.isEmpty {
                context.warn("would violate PodSecurity \"\(warn.rawValue):\(version("warn"))\": \(problems.joined(separator: ", "))")
            }
        }
    }

    /// The capabilities baseline pods may add.
    static let baselineCapabilities: Set<String> = [
        "AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP",
        "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
    ]

    /// Volume types restricted pods may use.
    static let restrictedVolumeTypes: Set<String> = [
        "configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret",
    ]

    /// Every violation of `level` by a pod spec, in upstream's check order, as upstream words them.
    static func violations(_ spec: JSONValue, level: Level, annotations: [String: JSONValue] = [:]) -> [String] {
        guard level > .privileged else { return [] }
        let restricted = level == .restricted
        var found: [(id: String, text: String)] = []
        let containers = (spec["initContainers"]?.arrayValue ?? []) + (spec["containers"]?.arrayValue ?? [])
            + (spec["ephemeralContainers"]?.arrayValue ?? [])
        func names(_ matching: (JSONValue) -> Bool) -> [String] {
            containers.filter(matching).compactMap { $0["name"]?.stringValue }
        }
        func quoted(_ names: [String]) -> String { names.map { "\"\($0)\"" }.joined(separator: ", ") }
        func containersWord(_ names: [String]) -> String { names.count == 1 ? "container" : "containers" }
        let podContext = spec["securityContext"] ?? [:]

        // Baseline.
        let hostNamespaces = ["hostNetwork", "hostPID", "hostIPC"].filter { spec[$0]?.boolValue == true }
        if !hostNamespaces.isEmpty {
            found.append(("hostNamespaces", "host namespaces (\(hostNamespaces.map { "\($0)=true" }.joined(separator: ", ")))"))
        }
        let privileged = names { $0.value(at: ["securityContext", "privileged"])?.boolValue == true }
        if !privileged.isEmpty {
            found.append(("privileged", "privileged (\(containersWord(privileged)) \(quoted(privileged)) must not set securityContext.privileged=true)"))
        }
        if !restricted {
            var added: [String] = []
            for container in containers {
                let caps = (container.value(at: ["securityContext", "capabilities", "add"])?.arrayValue ?? [])
                    .compactMap(\.stringValue).filter { !baselineCapabilities.contains($0) }
                if !caps.isEmpty, let name = container["name"]?.stringValue {
                    added.append("container \"\(name)\" must not include \(caps.map { "\"\($0)\"" }.joined(separator: ", ")) in securityContext.capabilities.add")
                }
            }
            if !added.isEmpty { found.append(("capabilities_baseline", "non-default capabilities (\(added.joined(separator: "; ")))")) }
        }
        let volumes = spec["volumes"]?.arrayValue ?? []
        if !restricted {
            let hostPaths = volumes.filter { $0["hostPath"] != nil }.compactMap { $0["name"]?.stringValue }
            if !hostPaths.isEmpty {
                found.append(("hostPathVolumes", "hostPath volumes (\(hostPaths.count == 1 ? "volume" : "volumes") \(quoted(hostPaths)))"))
            }
        }
        var hostPorts: [String] = []
        for container in containers {
            let ports = (container["ports"]?.arrayValue ?? []).compactMap { $0["hostPort"]?.intValue }.filter { $0 != 0 }
            if !ports.isEmpty, let name = container["name"]?.stringValue {
                hostPorts.append("container \"\(name)\" uses \(ports.count == 1 ? "hostPort" : "hostPorts") \(ports.map(String.init).joined(separator: ", "))")
            }
        }
        if !hostPorts.isEmpty { found.append(("hostPorts", "hostPort (\(hostPorts.joined(separator: "; ")))")) }
        let unconfined = podContext.value(at: ["seccompProfile", "type"])?.stringValue == "Unconfined"
            || containers.contains { $0.value(at: ["securityContext", "seccompProfile", "type"])?.stringValue == "Unconfined" }
        if unconfined && !restricted {
            found.append(("seccompProfile_baseline", "seccompProfile (pod or containers must not set securityContext.seccompProfile.type to \"Unconfined\")"))
        }

        found += baselineExtras(spec, containers: containers, annotations: annotations)

        // Restricted.
        if restricted {
            let escalating = names { $0.value(at: ["securityContext", "allowPrivilegeEscalation"])?.boolValue != false }
            if !escalating.isEmpty {
                found.append(("allowPrivilegeEscalation", "allowPrivilegeEscalation != false (\(containersWord(escalating)) \(quoted(escalating)) must set securityContext.allowPrivilegeEscalation=false)"))
            }
            var capabilityProblems: [String] = []
            let notDropping = names { container in
                !(container.value(at: ["securityContext", "capabilities", "drop"])?.arrayValue ?? []).contains("ALL")
            }
            if !notDropping.isEmpty {
                capabilityProblems.append("\(containersWord(notDropping)) \(quoted(notDropping)) must set securityContext.capabilities.drop=[\"ALL\"]")
            }
            for container in containers {
                let caps = (container.value(at: ["securityContext", "capabilities", "add"])?.arrayValue ?? [])
                    .compactMap(\.stringValue).filter { $0 != "NET_BIND_SERVICE" }
                if !caps.isEmpty, let name = container["name"]?.stringValue {
                    capabilityProblems.append("container \"\(name)\" must not include \(caps.map { "\"\($0)\"" }.joined(separator: ", ")) in securityContext.capabilities.add")
                }
            }
            if !capabilityProblems.isEmpty {
                found.append(("capabilities_restricted", "unrestricted capabilities (\(capabilityProblems.joined(separator: "; ")))"))
            }
            var badVolumes: [String] = []
            for volume in volumes {
                guard let name = volume["name"]?.stringValue else { continue }
                let type = (volume.objectValue ?? [:]).keys.filter { $0 != "name" }.sorted().first ?? ""
                if !restrictedVolumeTypes.contains(type) {
                    badVolumes.append("volume \"\(name)\" uses restricted volume type \"\(type)\"")
                }
            }
            if !badVolumes.isEmpty { found.append(("restrictedVolumes", "restricted volume types (\(badVolumes.joined(separator: "; ")))")) }
            let podNonRoot = podContext["runAsNonRoot"]?.boolValue
            let rootContainers = names { container in
                let own = container.value(at: ["securityContext", "runAsNonRoot"])?.boolValue
                return own == false || (own == nil && podNonRoot != true)
            }
            if podNonRoot == false || !rootContainers.isEmpty {
                let subject = podNonRoot == true || podNonRoot == false ? "\(containersWord(rootContainers)) \(quoted(rootContainers))"
                    : "pod or \(containersWord(rootContainers)) \(quoted(rootContainers))"
                found.append(("runAsNonRoot", "runAsNonRoot != true (\(subject) must set securityContext.runAsNonRoot=true)"))
            }
            let rootUsers = names { $0.value(at: ["securityContext", "runAsUser"])?.intValue == 0 }
            if podContext["runAsUser"]?.intValue == 0 || !rootUsers.isEmpty {
                let subject = podContext["runAsUser"]?.intValue == 0 ? "pod" : "\(containersWord(rootUsers)) \(quoted(rootUsers))"
                found.append(("runAsUser", "runAsUser=0 (\(subject) must not set runAsUser=0)"))
            }
            let allowed: Set<String> = ["RuntimeDefault", "Localhost"]
            let podProfile = podContext.value(at: ["seccompProfile", "type"])?.stringValue
            let unprofiled = names { container in
                let own = container.value(at: ["securityContext", "seccompProfile", "type"])?.stringValue
                return own.map { !allowed.contains($0) } ?? !(podProfile.map(allowed.contains) ?? false)
            }
            if !unprofiled.isEmpty {
                let subject = podProfile == nil ? "pod or \(containersWord(unprofiled)) \(quoted(unprofiled))"
                    : "\(containersWord(unprofiled)) \(quoted(unprofiled))"
                found.append(("seccompProfile_restricted", "seccompProfile (\(subject) must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")"))
            }
        }
        return found.sorted { $0.id < $1.id }.map(\.text)
    }

    /// Sysctls baseline pods may set (upstream's safe set, latest version).
    static let safeSysctls: Set<String> = [
        "kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.ip_unprivileged_port_start",
        "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range", "net.ipv4.ip_local_reserved_ports",
        "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl",
        "net.ipv4.tcp_keepalive_probes", "net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem",
    ]

    /// SELinux types baseline pods may use.
    static let allowedSELinuxTypes: Set<String> = ["", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"]

    /// The baseline checks beyond host namespaces, privilege, capabilities, hostPath, host ports and
    /// seccomp: Windows host processes, AppArmor, SELinux, /proc mount type and sysctls.
    static func baselineExtras(_ spec: JSONValue, containers: [JSONValue], annotations: [String: JSONValue])
        -> [(id: String, text: String)]
    {
        var found: [(id: String, text: String)] = []
        func quoted(_ names: [String]) -> String { names.map { "\"\($0)\"" }.joined(separator: ", ") }
        func word(_ names: [String]) -> String { names.count == 1 ? "container" : "containers" }
        let podContext = spec["securityContext"] ?? [:]
        func containerNames(_ matching: (JSONValue) -> Bool) -> [String] {
            containers.filter(matching).compactMap { $0["name"]?.stringValue }
        }

        // hostProcess
        let podHostProcess = podContext.value(at: ["windowsOptions", "hostProcess"])?.boolValue == true
        let hostProcess = containerNames { $0.value(at: ["securityContext", "windowsOptions", "hostProcess"])?.boolValue == true }
        if podHostProcess || !hostProcess.isEmpty {
            let subject = podHostProcess && hostProcess.isEmpty ? "pod"
                : podHostProcess ? "pod and \(word(hostProcess)) \(quoted(hostProcess))"
                : "\(word(hostProcess)) \(quoted(hostProcess))"
            found.append(("hostProcess", "hostProcess (\(subject) must not set securityContext.windowsOptions.hostProcess=true)"))
        }

        // AppArmor: annotations and fields may only ask for the runtime default or a local profile.
        var badProfiles: [String] = []
        for (key, value) in annotations.sorted(by: { $0.key < $1.key })
        where key.hasPrefix("container.apparmor.security.beta.kubernetes.io/") {
            let profile = value.stringValue ?? ""
            if !(profile.isEmpty || profile == "runtime/default" || profile.hasPrefix("localhost/")) {
                badProfiles.append("\(key)=\"\(profile)\"")
            }
        }
        let profileTypes = [podContext.value(at: ["appArmorProfile", "type"])?.stringValue]
            + containers.map { $0.value(at: ["securityContext", "appArmorProfile", "type"])?.stringValue }
        for type in profileTypes.compactMap({ $0 }) where type == "Unconfined" && !badProfiles.contains("\"\(type)\"") {
            badProfiles.append("\"\(type)\"")
        }
        if !badProfiles.isEmpty {
            found.append(("appArmorProfile",
                          "\(badProfiles.count == 1 ? "forbidden AppArmor profile" : "forbidden AppArmor profiles") (\(badProfiles.joined(separator: ", ")))"))
        }

        // SELinux: no custom user or role, and only the container types.
        var setters: [String] = []
        var badTypes: [String] = [], badUsers: [String] = [], badRoles: [String] = []
        func inspect(_ options: JSONValue?) -> Bool {
            guard let options else { return false }
            var bad = false
            if let type = options["type"]?.stringValue, !allowedSELinuxTypes.contains(type) { badTypes.append(type); bad = true }
            if let user = options["user"]?.stringValue, !user.isEmpty { badUsers.append(user); bad = true }
            if let role = options["role"]?.stringValue, !role.isEmpty { badRoles.append(role); bad = true }
            return bad
        }
        if inspect(podContext["seLinuxOptions"]) { setters.append("pod") }
        let seLinuxContainers = containerNames { inspect($0.value(at: ["securityContext", "seLinuxOptions"])) }
        if !seLinuxContainers.isEmpty { setters.append("\(word(seLinuxContainers)) \(quoted(seLinuxContainers))") }
        if !setters.isEmpty {
            var data: [String] = []
            let types = Array(Set(badTypes)).sorted(), users = Array(Set(badUsers)).sorted(), roles = Array(Set(badRoles)).sorted()
            if !types.isEmpty { data.append("\(types.count == 1 ? "type" : "types") \(quoted(types))") }
            if !users.isEmpty { data.append("\(users.count == 1 ? "user" : "users") \(quoted(users))") }
            if !roles.isEmpty { data.append("\(roles.count == 1 ? "role" : "roles") \(quoted(roles))") }
            found.append(("seLinuxOptions", "seLinuxOptions (\(setters.joined(separator: " and ")) set forbidden securityContext.seLinuxOptions: \(data.joined(separator: "; ")))"))
        }

        // /proc mount type
        let unmasked = containerNames { container in
            let mount = container.value(at: ["securityContext", "procMount"])?.stringValue ?? "Default"
            return mount != "Default"
        }
        if !unmasked.isEmpty {
            let types = Array(Set(containers.compactMap { $0.value(at: ["securityContext", "procMount"])?.stringValue }
                .filter { $0 != "Default" })).sorted()
            found.append(("procMount", "procMount (\(word(unmasked)) \(quoted(unmasked)) must not set securityContext.procMount to \(quoted(types)))"))
        }

        // sysctls
        let sysctls = (podContext["sysctls"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
            .filter { !safeSysctls.contains($0) }
        if !sysctls.isEmpty { found.append(("sysctls", "forbidden sysctls (\(sysctls.joined(separator: ", ")))")) }
        return found
    }
}
