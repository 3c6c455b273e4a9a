import KgitYAML

/// Tells a live object's health from its `spec` and `status`, kind by kind, following the rules of
/// Argo CD's gitops-engine and `kubectl rollout status`:
///
/// - Deployment, StatefulSet, DaemonSet, ReplicaSet: the controller observed the latest generation,
///   every replica is updated and available; a paused Deployment is suspended, one past its progress
///   deadline degraded.
/// - Pod: its phase, and containers waiting in CrashLoopBackOff or image pull errors (degraded).
/// - Job: complete (healthy), failed (degraded), suspended, or running (progressing).
/// - Service and Ingress: a LoadBalancer service or an Ingress needs an ingress address.
/// - PersistentVolumeClaim: bound.
/// - Namespace: active (terminating is progressing); CustomResourceDefinition: established, its names
///   accepted. The plan waits for these before the main phase.
/// - Anything else with a `Ready` condition (custom resources): that condition; otherwise healthy.
public enum HealthAssessor {
    /// Container waiting reasons that will not resolve by themselves.
    static let failingWaitReasons: Set<String> = [
        "CrashLoopBackOff", "ErrImagePull", "ImagePullBackOff", "CreateContainerConfigError", "InvalidImageName",
        "CreateContainerError", "RunContainerError",
    ]

    /// The health of `object`, a live object as the server returns it.
    public static func assess(_ object: YAMLValue) -> HealthAssessment {
        let kind = object["kind"]?.stringValue ?? ""
        let group = ObjectIdentity(object: object)?.group ?? groupOf(object)
        switch (group, kind) {
        case ("apps", "Deployment"): return deployment(object)
        case ("apps", "StatefulSet"): return statefulSet(object)
        case ("apps", "DaemonSet"): return daemonSet(object)
        case ("apps", "ReplicaSet"): return replicaSet(object)
        case ("", "Pod"): return pod(object)
        case ("batch", "Job"): return job(object)
        case ("", "Service"): return service(object)
        case ("networking.k8s.io", "Ingress"): return ingress(object)
        case ("", "PersistentVolumeClaim"): return persistentVolumeClaim(object)
        case ("", "Namespace"): return namespace(object)
        case ("apiextensions.k8s.io", "CustomResourceDefinition"): return customResourceDefinition(object)
        default: return readyCondition(object)
        }
    }

    static func groupOf(_ object: YAMLValue) -> String {
        guard let apiVersion = object["apiVersion"]?.stringValue, let slash = apiVersion.firstIndex(of: "/") else {
            return ""
        }
        return String(apiVersion[..<slash])
    }

    /// Progressing when the controller has not yet seen the latest spec.
    static func generationPending(_ object: YAMLValue, what: String) -> HealthAssessment? {
        guard let generation = object.at("metadata", "generation")?.intValue else { return nil }
        let observed = object.at("status", "observedGeneration")?.intValue ?? 0
        guard observed < generation else { return nil }
        return HealthAssessment(
            .progressing,
            "Waiting for the \(what) controller to observe generation \(generation) (observed \(observed))")
    }

    static func deployment(_ object: YAMLValue) -> HealthAssessment {
        if object.at("spec", "paused")?.boolValue == true {
            return HealthAssessment(.suspended, "Deployment is paused")
        }
        if let pending = generationPending(object, what: "deployment") { return pending }
        if let progressing = object.condition("Progressing"),
            progressing["reason"]?.stringValue == "ProgressDeadlineExceeded"
        {
            return HealthAssessment(.degraded, "Deployment exceeded its progress deadline")
        }
        let wanted = object.at("spec", "replicas")?.intValue ?? 1
        let status = object["status"]
        let updated = status?["updatedReplicas"]?.intValue ?? 0
        let total = status?["replicas"]?.intValue ?? 0
        let available = status?["availableReplicas"]?.intValue ?? 0
        if updated < wanted {
            return HealthAssessment(
                .progressing, "Waiting for rollout to finish: \(updated) of \(wanted) replicas updated")
        }
        if total > updated {
            return HealthAssessment(
                .progressing, "Waiting for rollout to finish: \(total - updated) old replicas are pending termination")
        }
        if available < updated {
            return HealthAssessment(
                .progressing, "Waiting for rollout to finish: \(available) of \(updated) updated replicas are available"
            )
        }
        return HealthAssessment(.healthy)
    }

    static func statefulSet(_ object: YAMLValue) -> HealthAssessment {
        if let pending = generationPending(object, what: "statefulset") { return pending }
        if object.at("spec", "updateStrategy", "type")?.stringValue == "OnDelete" {
            return HealthAssessment(.healthy, "OnDelete update strategy: rollout is not tracked")
        }
        let wanted = object.at("spec", "replicas")?.intValue ?? 1
        let status = object["status"]
        let ready = status?["readyReplicas"]?.intValue ?? 0
        if ready < wanted { return HealthAssessment(.progressing, "Waiting for \(wanted - ready) pods to be ready") }
        if let partition = object.at("spec", "updateStrategy", "rollingUpdate", "partition")?.intValue, partition > 0 {
            let updated = status?["updatedReplicas"]?.intValue ?? 0
            if updated < wanted - partition {
                return HealthAssessment(
                    .progressing,
                    "Waiting for partitioned rollout to finish: \(updated) of \(wanted - partition) new pods updated")
            }
            return HealthAssessment(.healthy, "Partitioned rollout complete: \(updated) new pods updated")
        }
        let current = status?["currentRevision"]?.stringValue
        let update = status?["updateRevision"]?.stringValue
        if let update, current != update {
            return HealthAssessment(
                .progressing, "Waiting for rolling update to complete: revision \(update) is rolling out")
        }
        return HealthAssessment(.healthy)
    }

    static func daemonSet(_ object: YAMLValue) -> HealthAssessment {
        if let pending = generationPending(object, what: "daemonset") { return pending }
        if object.at("spec", "updateStrategy", "type")?.stringValue == "OnDelete" {
            return HealthAssessment(.healthy, "OnDelete update strategy: rollout is not tracked")
        }
        let status = object["status"]
        let desired = status?["desiredNumberScheduled"]?.intValue ?? 0
        let updated = status?["updatedNumberScheduled"]?.intValue ?? 0
        let available = status?["numberAvailable"]?.intValue ?? 0
        if updated < desired {
            return HealthAssessment(
                .progressing, "Waiting for rollout to finish: \(updated) of \(desired) pods updated")
        }
        if available < desired {
            return HealthAssessment(
                .progressing, "Waiting for rollout to finish: \(available) of \(desired) updated pods are available")
        }
        return HealthAssessment(.healthy)
    }

    static func replicaSet(_ object: YAMLValue) -> HealthAssessment {
        if let pending = generationPending(object, what: "replicaset") { return pending }
        if let failure = object.condition("ReplicaFailure"), failure.conditionStatus == "True" {
            return HealthAssessment(.degraded, failure.conditionText)
        }
        let wanted = object.at("spec", "replicas")?.intValue ?? 1
        let available = object.at("status", "availableReplicas")?.intValue ?? 0
        if available < wanted {
            return HealthAssessment(
                .progressing, "Waiting for \(wanted - available) of \(wanted) replicas to be available")
        }
        return HealthAssessment(.healthy)
    }

    static func pod(_ object: YAMLValue) -> HealthAssessment {
        let status = object["status"]
        let containers = (status?["initContainerStatuses"]?.items ?? []) + (status?["containerStatuses"]?.items ?? [])
        for container in containers {
            guard let reason = container.at("state", "waiting", "reason")?.stringValue,
                failingWaitReasons.contains(reason)
            else { continue }
            let name = container["name"]?.stringValue ?? "?"
            let restarts = container["restartCount"]?.intValue ?? 0
            var message = "container \(name): \(reason)"
            if restarts > 0 { message += " (\(restarts) restarts)" }
            if let detail = container.at("state", "waiting", "message")?.stringValue, !detail.isEmpty {
                message += ": \(detail)"
            }
            return HealthAssessment(.degraded, message)
        }
        let statusMessage = status?["message"]?.stringValue ?? ""
        switch status?["phase"]?.stringValue {
        case "Pending"?:
            return HealthAssessment(.progressing, statusMessage.isEmpty ? "Pod is pending" : statusMessage)
        case "Succeeded"?:
            return HealthAssessment(.healthy, statusMessage)
        case "Failed"?:
            return HealthAssessment(.degraded, statusMessage.isEmpty ? "Pod failed" : statusMessage)
        case "Running"?:
            let restartPolicy = object.at("spec", "restartPolicy")?.stringValue ?? "Always"
            guard restartPolicy == "Always" else { return HealthAssessment(.progressing, "Pod is running") }
            let regular = status?["containerStatuses"]?.items ?? []
            let unready = regular.filter { $0["ready"]?.boolValue != true }.compactMap { $0["name"]?.stringValue }
            if unready.isEmpty && !regular.isEmpty { return HealthAssessment(.healthy) }
            return HealthAssessment(
                .progressing, "Waiting for containers to be ready: \(unready.joined(separator: ", "))")
        default:
            return HealthAssessment(.unknown, statusMessage.isEmpty ? "Pod phase is unknown" : statusMessage)
        }
    }

    static func job(_ object: YAMLValue) -> HealthAssessment {
        if let failed = object.condition("Failed"), failed.conditionStatus == "True" {
            return HealthAssessment(.degraded, failed.conditionText.isEmpty ? "Job failed" : failed.conditionText)
        }
        if let complete = object.condition("Complete"), complete.conditionStatus == "True" {
            return HealthAssessment(.healthy, "Job completed")
        }
        if object.at("spec", "suspend")?.boolValue == true { return HealthAssessment(.suspended, "Job is suspended") }
        return HealthAssessment(.progressing, "Job is running")
    }

    static func service(_ object: YAMLValue) -> HealthAssessment {
        guard object.at("spec", "type")?.stringValue == "LoadBalancer" else { return HealthAssessment(.healthy) }
        if object.at("status", "loadBalancer", "ingress")?.items.isEmpty == false { return HealthAssessment(.healthy) }
        return HealthAssessment(.progressing, "Waiting for the load balancer to get an address")
    }

    static func ingress(_ object: YAMLValue) -> HealthAssessment {
        if object.at("status", "loadBalancer", "ingress")?.items.isEmpty == false { return HealthAssessment(.healthy) }
        return HealthAssessment(.progressing, "Waiting for the ingress to get an address")
    }

    static func persistentVolumeClaim(_ object: YAMLValue) -> HealthAssessment {
        switch object.at("status", "phase")?.stringValue {
        case "Bound"?: return HealthAssessment(.healthy)
        case "Lost"?: return HealthAssessment(.degraded, "The claim lost its volume")
        default: return HealthAssessment(.progressing, "Waiting for the claim to be bound")
        }
    }

    static func namespace(_ object: YAMLValue) -> HealthAssessment {
        if object.at("status", "phase")?.stringValue == "Terminating" {
            return HealthAssessment(.progressing, "Namespace is terminating")
        }
        return HealthAssessment(.healthy)
    }

    static func customResourceDefinition(_ object: YAMLValue) -> HealthAssessment {
        if let names = object.condition("NamesAccepted"), names.conditionStatus == "False" {
            return HealthAssessment(.degraded, names.conditionText.isEmpty ? "Names not accepted" : names.conditionText)
        }
        if let established = object.condition("Established"), established.conditionStatus == "True" {
            return HealthAssessment(.healthy)
        }
        return HealthAssessment(.progressing, "Waiting for the definition to be established")
    }

    static func readyCondition(_ object: YAMLValue) -> HealthAssessment {
        guard let ready = object.condition("Ready") else { return HealthAssessment(.healthy) }
        switch ready.conditionStatus {
        case "True":
            if let pending = generationPending(object, what: object["kind"]?.stringValue?.lowercased() ?? "object"),
                object.at("status", "observedGeneration") != nil
            {
                return pending
            }
            return HealthAssessment(.healthy, ready.conditionText)
        case "False":
            return HealthAssessment(.degraded, ready.conditionText.isEmpty ? "Ready is False" : ready.conditionText)
        default:
            return HealthAssessment(
                .progressing, ready.conditionText.isEmpty ? "Ready is Unknown" : ready.conditionText)
        }
    }
}
