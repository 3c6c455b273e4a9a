import Foundation
import KgitAPIMachinery
@testable import KgitControllers

/// Builders of the objects reconcilers observe, as the API server would serve them.
enum Fixture {
    /// A fixed instant the tests measure from.
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    static func time(_ offset: TimeInterval) -> JSONValue { .string(RFC3339.format(t0.addingTimeInterval(offset))) }

    static func labels(_ l: [String: String]) -> JSONValue { .object(l.mapValues { .string($0) }) }

    static func template(_ labels: [String: String], image: String = "web:1") -> JSONValue {
        [
            "metadata": ["labels": Fixture.labels(labels)],
            "spec": ["containers": [["name": "web", "image": .string(image)]]],
        ]
    }

    static func replicaSet(
        _ name: String, uid: String? = nil, replicas: Int = 3, selector: [String: String] = ["app": "web"],
        templateLabels: [String: String]? = nil, minReadySeconds: Int = 0, generation: Int = 1,
        deleting: Bool = false, status: JSONValue? = nil, namespace: String = "shop"
    ) -> JSONValue {
        var metadata: [String: JSONValue] = [
            "name": .string(name), "namespace": .string(namespace), "uid": .string(uid ?? "rs-\(name)"),
            "generation": .int(Int64(generation)), "resourceVersion": "10", "creationTimestamp": time(0),
        ]
        if deleting { metadata["deletionTimestamp"] = time(0) }
        var o: JSONValue = [
            "apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": .object(metadata),
            "spec": [
                "replicas": .int(Int64(replicas)), "minReadySeconds": .int(Int64(minReadySeconds)),
                "selector": ["matchLabels": labels(selector)],
                "template": template(templateLabels ?? selector),
            ],
        ]
        if let status { o["status"] = status }
        return o
    }

    /// A pod; `ready` adds a Ready condition that turned true at `readyAt` seconds after t0.
    static func pod(
        _ name: String, labels: [String: String] = ["app": "web"], owner: (kind: String, name: String, uid: String)? = nil,
        node: String = "node-1", phase: String = "Running", ready: Bool = true, readyAt: TimeInterval = 0,
        createdAt: TimeInterval = 0, restarts: Int = 0, deleting: Bool = false, deletionCost: Int? = nil,
        ip: String? = nil, ports: [(String?, Int)] = [], namespace: String = "shop"
    ) -> JSONValue {
        var metadata: [String: JSONValue] = [
            "name": .string(name), "namespace": .string(namespace), "uid": .string("pod-\(name)"),
            "labels": Fixture.labels(labels), "resourceVersion": "5", "creationTimestamp": time(createdAt),
        ]
        if let owner {
            metadata["ownerReferences"] = [[
                "apiVersion": "apps/v1", "kind": .string(owner.kind), "name": .string(owner.name),
                "uid": .string(owner.uid), "controller": true, "blockOwnerDeletion": true,
            ]]
        }
        if deleting { metadata["deletionTimestamp"] = time(0) }
        if let deletionCost {
            metadata["annotations"] = ["controller.kubernetes.io/pod-deletion-cost": .string(String(deletionCost))]
        }
        var spec: [String: JSONValue] = [
            "containers": [[
                "name": "web", "image": "web:1",
                "ports": .array(ports.map { p in
                    var port: [String: JSONValue] = ["containerPort": .int(Int64(p.1))]
                    if let n = p.0 { port["name"] = .string(n) }
                    return .object(port)
                }),
            ]],
        ]
        if !node.isEmpty { spec["nodeName"] = .string(node) }
        var status: [String: JSONValue] = [
            "phase": .string(phase),
            "conditions": [["type": "Ready", "status": ready ? "True" : "False", "lastTransitionTime": time(readyAt)]],
            "containerStatuses": [["name": "web", "restartCount": .int(Int64(restarts))]],
        ]
        if let ip { status["podIP"] = .string(ip) }
        return ["apiVersion": "v1", "kind": "Pod", "metadata": .object(metadata), "spec": .object(spec),
                "status": .object(status)]
    }

    static func ownedBy(_ rs: String) -> (kind: String, name: String, uid: String) { ("ReplicaSet", rs, "rs-\(rs)") }
}

extension JSONValue {
    /// `metadata.name`.
    var name: String { value(at: ["metadata", "name"])?.stringValue ?? "" }
}

extension Fixture {
    static func deployment(
        _ name: String = "web", replicas: Int = 3, image: String = "web:1", strategy: String = "RollingUpdate",
        maxSurge: JSONValue = "25%", maxUnavailable: JSONValue = "25%", paused: Bool = false, generation: Int = 1,
        revisionHistoryLimit: Int? = nil, progressDeadlineSeconds: Int? = nil, minReadySeconds: Int = 0,
        annotations: [String: String] = [:], status: JSONValue? = nil, namespace: String = "shop"
    ) -> JSONValue {
        var spec: [String: JSONValue] = [
            "replicas": .int(Int64(replicas)), "selector": ["matchLabels": ["app": "web"]],
            "template": template(["app": "web"], image: image), "paused": .bool(paused),
            "minReadySeconds": .int(Int64(minReadySeconds)),
        ]
        spec["strategy"] = strategy == "RollingUpdate"
            ? ["type": "RollingUpdate", "rollingUpdate": ["maxSurge": maxSurge, "maxUnavailable": maxUnavailable]]
            : ["type": .string(strategy)]
        if let revisionHistoryLimit { spec["revisionHistoryLimit"] = .int(Int64(revisionHistoryLimit)) }
        if let progressDeadlineSeconds { spec["progressDeadlineSeconds"] = .int(Int64(progressDeadlineSeconds)) }
        var o: JSONValue = [
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": [
                "name": .string(name), "namespace": .string(namespace), "uid": .string("d-\(name)"),
                "generation": .int(Int64(generation)), "resourceVersion": "7", "creationTimestamp": time(0),
                "annotations": labels(annotations),
            ],
            "spec": .object(spec),
        ]
        if let status { o["status"] = status }
        return o
    }

    /// A ReplicaSet as the Deployment controller creates it for `image`, with its status.
    static func deploymentReplicaSet(
        of deployment: String = "web", image: String, replicas: Int, available: Int? = nil, revision: Int,
        createdAt: TimeInterval = 0, desired: Int? = nil, maxReplicas: Int? = nil, namespace: String = "shop"
    ) -> JSONValue {
        let plain = template(["app": "web"], image: image)
        let hash = PodTemplateHash.of(plain)
        var annotations: [String: String] = [DeploymentController.revisionAnnotation: String(revision)]
        if let desired { annotations[DeploymentController.desiredReplicasAnnotation] = String(desired) }
        if let maxReplicas { annotations[DeploymentController.maxReplicasAnnotation] = String(maxReplicas) }
        let name = "\(deployment)-\(hash)"
        let labels: [String: String] = ["app": "web", PodTemplateHash.label: hash]
        let avail = Int64(available ?? replicas)
        return [
            "apiVersion": "apps/v1", "kind": "ReplicaSet",
            "metadata": [
                "name": .string(name), "namespace": .string(namespace), "uid": .string("rs-\(name)"),
                "generation": 1, "resourceVersion": "3", "creationTimestamp": time(createdAt),
                "labels": Fixture.labels(labels), "annotations": Fixture.labels(annotations),
                "ownerReferences": [[
                    "apiVersion": "apps/v1", "kind": "Deployment", "name": .string(deployment),
                    "uid": .string("d-\(deployment)"), "controller": true, "blockOwnerDeletion": true,
                ]],
            ],
            "spec": [
                "replicas": .int(Int64(replicas)), "selector": ["matchLabels": Fixture.labels(labels)],
                "template": template(labels, image: image),
            ],
            "status": [
                "replicas": .int(Int64(replicas)), "readyReplicas": .int(avail), "availableReplicas": .int(avail),
                "observedGeneration": 1,
            ],
        ]
    }
}
