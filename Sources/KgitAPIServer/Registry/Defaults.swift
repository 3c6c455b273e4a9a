import Foundation
import KgitAPIMachinery

/// Upstream defaulting for the built-in kinds kgit serves (the subset clients rely on: fields the
/// Python client requires, and values `kubectl` displays). Idempotent: applying twice changes nothing.
enum Defaults {
    static func apply(to object: inout JSONValue, info: ResourceInfo) {
        switch (info.group, info.kind) {
        case ("", "Namespace"):
            let name = object.value(at: ["metadata", "name"])?.stringValue ?? ""
            if object.value(at: ["metadata", "labels"])?.objectValue == nil {
                object.setValue(.object([:]), at: ["metadata", "labels"])
            }
            object.setValue(.string(name), at: ["metadata", "labels", "kubernetes.io/metadata.name"])
            if object.value(at: ["spec", "finalizers"]) == nil {
                object.setValue(["kubernetes"], at: ["spec", "finalizers"])
            }
            if object.value(at: ["status", "phase"]) == nil { object.setValue("Active", at: ["status", "phase"]) }
        case ("", "Secret"):
            if object["type"]?.stringValue?.isEmpty ?? true { object["type"] = "Opaque" }
            if let stringData = object["stringData"]?.objectValue {
                var data = object["data"]?.objectValue ?? [:]
                for (k, v) in stringData {
                    data[k] = .string(Data((v.stringValue ?? "").utf8).base64EncodedString())
                }
                object["data"] = .object(data)
                object["stringData"] = nil
            }
        case ("", "Service"):
            defaultService(&object)
        case ("", "Pod"):
            if var spec = object["spec"] {
                defaultPodSpec(&spec)
                object["spec"] = spec
            }
            if object.value(at: ["status", "phase"]) == nil {
                object.setValue("Pending", at: ["status", "phase"])
                object.setValue(.string(qosClass(object["spec"] ?? [:])), at: ["status", "qosClass"])
            }
        case ("apps", "Deployment"):
            defaultReplicated(&object)
            if object.value(at: ["spec", "strategy", "type"]) == nil {
                object.setValue("RollingUpdate", at: ["spec", "strategy", "type"])
            }
            if object.value(at: ["spec", "strategy", "type"])?.stringValue == "RollingUpdate",
               object.value(at: ["spec", "strategy", "rollingUpdate"]) == nil
            {
                object.setValue(["maxUnavailable": "25%", "maxSurge": "25%"], at: ["spec", "strategy", "rollingUpdate"])
            }
            if object.value(at: ["spec", "revisionHistoryLimit"]) == nil {
                object.setValue(10, at: ["spec", "revisionHistoryLimit"])
            }
            if object.value(at: ["spec", "progressDeadlineSeconds"]) == nil {
                object.setValue(600, at: ["spec", "progressDeadlineSeconds"])
            }
        case ("scheduling.k8s.io", "PriorityClass"):
            if object["preemptionPolicy"] == nil { object["preemptionPolicy"] = "PreemptLowerPriority" }
        case ("apps", "ReplicaSet"), ("apps", "StatefulSet"):
            defaultReplicated(&object)
        case ("apiextensions.k8s.io", "CustomResourceDefinition"):
            if let kind = object.value(at: ["spec", "names", "kind"])?.stringValue, !kind.isEmpty {
                if object.value(at: ["spec", "names", "singular"]) == nil {
                    object.setValue(.string(kind.lowercased()), at: ["spec", "names", "singular"])
                }
                if object.value(at: ["spec", "names", "listKind"]) == nil {
                    object.setValue(.string(kind + "List"), at: ["spec", "names", "listKind"])
                }
            }
            if object["spec"] != nil && object.value(at: ["spec", "conversion"]) == nil {
                object.setValue(["strategy": "None"], at: ["spec", "conversion"])
            }
        case ("apps", "DaemonSet"):
            if var template = object.value(at: ["spec", "template", "spec"]) {
                defaultPodSpec(&template)
                object.setValue(template, at: ["spec", "template", "spec"])
            }
        case ("batch", "Job"):
            guard var spec = object["spec"], spec.objectValue != nil else { break }
            defaultJobSpec(&spec)
            object["spec"] = spec
        case ("batch", "CronJob"):
            guard object["spec"]?.objectValue != nil else { break }
            for (field, value) in [("concurrencyPolicy", "Allow"), ("suspend", false), ("successfulJobsHistoryLimit", 3),
                                   ("failedJobsHistoryLimit", 1)] as [(String, JSONValue)]
                where object.value(at: ["spec", field]) == nil
            {
                object.setValue(value, at: ["spec", field])
            }
            if var jobSpec = object.value(at: ["spec", "jobTemplate", "spec"]), jobSpec.objectValue != nil {
                defaultJobSpec(&jobSpec)
                object.setValue(jobSpec, at: ["spec", "jobTemplate", "spec"])
            }
        default:
            break
        }
    }

    /// The pod's quality-of-service class: `Guaranteed` when every container limits cpu and memory
    /// and requests what it limits, `BestEffort` when none requests or limits anything, otherwise
    /// `Burstable`.
    static func qosClass(_ spec: JSONValue) -> String {
        let containers = (spec["containers"]?.arrayValue ?? []) + (spec["initContainers"]?.arrayValue ?? [])
        var any = false
        var guaranteed = !containers.isEmpty
        for container in containers {
            let requests = container.value(at: ["resources", "requests"])?.objectValue ?? [:]
            let limits = container.value(at: ["resources", "limits"])?.objectValue ?? [:]
            if !requests.isEmpty || !limits.isEmpty { any = true }
            for resource in ["cpu", "memory"] {
                guard let limit = limits[resource] else {
                    guaranteed = false
                    continue
                }
                if let request = requests[resource], request != limit { guaranteed = false }
            }
        }
        if !any { return "BestEffort" }
        return guaranteed ? "Guaranteed" : "Burstable"
    }

    /// A Job's spec as upstream defaults it: parallelism 1, completions 1 when neither is set, backoffLimit 6,
    /// completionMode NonIndexed, not suspended; its pod template as a pod's.
    static func defaultJobSpec(_ spec: inout JSONValue) {
        if spec["completions"] == nil && spec["parallelism"] == nil { spec["completions"] = 1 }
        if spec["parallelism"] == nil { spec["parallelism"] = 1 }
        if spec["backoffLimit"] == nil { spec["backoffLimit"] = 6 }
        if spec["completionMode"] == nil { spec["completionMode"] = "NonIndexed" }
        if spec["suspend"] == nil { spec["suspend"] = false }
        if var template = spec.value(at: ["template", "spec"]) {
            defaultPodSpec(&template)
            spec.setValue(template, at: ["template", "spec"])
        }
    }

    static func defaultReplicated(_ object: inout JSONValue) {
        guard object["spec"] != nil else { return }
        if object.value(at: ["spec", "replicas"]) == nil { object.setValue(1, at: ["spec", "replicas"]) }
        if var template = object.value(at: ["spec", "template", "spec"]) {
            defaultPodSpec(&template)
            object.setValue(template, at: ["spec", "template", "spec"])
        }
    }

    static func defaultPodSpec(_ spec: inout JSONValue) {
        guard case .object = spec else { return }
        if spec["restartPolicy"] == nil { spec["restartPolicy"] = "Always" }
        if spec["terminationGracePeriodSeconds"] == nil { spec["terminationGracePeriodSeconds"] = 30 }
        if spec["dnsPolicy"] == nil { spec["dnsPolicy"] = "ClusterFirst" }
        if spec["securityContext"] == nil { spec["securityContext"] = .object([:]) }
        if spec["schedulerName"] == nil { spec["schedulerName"] = "default-scheduler" }
        for field in ["containers", "initContainers"] {
            guard let containers = spec[field]?.arrayValue else { continue }
            spec[field] = .array(containers.map { container in
                var c = container
                guard case .object = c else { return c }
                if c["terminationMessagePath"] == nil { c["terminationMessagePath"] = "/dev/termination-log" }
                if c["terminationMessagePolicy"] == nil { c["terminationMessagePolicy"] = "File" }
                if c["resources"] == nil { c["resources"] = .object([:]) }
                if c["imagePullPolicy"] == nil {
                    let image = c["image"]?.stringValue ?? ""
                    let lastComponent = image.split(separator: "/").last.map(String.init) ?? image
                    let untaggedOrLatest = !lastComponent.contains(":") || lastComponent.hasSuffix(":latest")
                    c["imagePullPolicy"] = .string(untaggedOrLatest && !image.contains("@") ? "Always" : "IfNotPresent")
                }
                if let ports = c["ports"]?.arrayValue {
                    c["ports"] = .array(ports.map { port in
                        var p = port
                        if case .object = p, p["protocol"] == nil { p["protocol"] = "TCP" }
                        return p
                    })
                }
                return c
            })
        }
    }

    static func defaultService(_ object: inout JSONValue) {
        guard object["spec"] != nil else { return }
        if object.value(at: ["spec", "type"]) == nil { object.setValue("ClusterIP", at: ["spec", "type"]) }
        if object.value(at: ["spec", "sessionAffinity"]) == nil { object.setValue("None", at: ["spec", "sessionAffinity"]) }
        if object.value(at: ["spec", "internalTrafficPolicy"]) == nil {
            object.setValue("Cluster", at: ["spec", "internalTrafficPolicy"])
        }
        if object.value(at: ["spec", "ipFamilyPolicy"]) == nil {
            object.setValue("SingleStack", at: ["spec", "ipFamilyPolicy"])
        }
        if object.value(at: ["spec", "ipFamilies"]) == nil { object.setValue(["IPv4"], at: ["spec", "ipFamilies"]) }
        if let ports = object.value(at: ["spec", "ports"])?.arrayValue {
            object.setValue(.array(ports.map { port in
                var p = port
                guard case .object = p else { return p }
                if p["protocol"] == nil { p["protocol"] = "TCP" }
                if p["targetPort"] == nil, let number = p["port"] { p["targetPort"] = number }
                return p
            }), at: ["spec", "ports"])
        }
        if object.value(at: ["status", "loadBalancer"]) == nil {
            object.setValue(.object([:]), at: ["status", "loadBalancer"])
        }
    }
}
