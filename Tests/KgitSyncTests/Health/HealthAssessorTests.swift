import KgitYAML
import Testing

@testable import KgitSync

@Suite struct HealthAssessorTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var yaml: String
        var want: HealthStatus
        var message: String
        var testDescription: String { "\(name) -> \(want)" }
    }

    static func deployment(_ spec: String, _ status: String, generation: Int = 2) -> String {
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, generation: \(generation)}\nspec: {\(spec)}\nstatus: {\(status)}\n"
    }

    static func pod(_ status: String, restartPolicy: String = "Always") -> String {
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {restartPolicy: \(restartPolicy)}\nstatus: \(status)\n"
    }

    static let cases: [Case] = [
        Case(
            name: "deployment rolled out",
            yaml: deployment(
                "replicas: 3", "observedGeneration: 2, replicas: 3, updatedReplicas: 3, availableReplicas: 3"),
            want: .healthy, message: ""),
        Case(
            name: "deployment paused", yaml: deployment("replicas: 3, paused: true", "observedGeneration: 1"),
            want: .suspended, message: "paused"),
        Case(
            name: "deployment generation not observed",
            yaml: deployment(
                "replicas: 3", "observedGeneration: 1, replicas: 3, updatedReplicas: 3, availableReplicas: 3"),
            want: .progressing, message: "observe generation 2 (observed 1)"),
        Case(
            name: "deployment updating",
            yaml: deployment(
                "replicas: 3", "observedGeneration: 2, replicas: 4, updatedReplicas: 1, availableReplicas: 3"),
            want: .progressing, message: "1 of 3 replicas updated"),
        Case(
            name: "deployment old replicas terminating",
            yaml: deployment(
                "replicas: 3", "observedGeneration: 2, replicas: 4, updatedReplicas: 3, availableReplicas: 3"),
            want: .progressing, message: "1 old replicas"),
        Case(
            name: "deployment unavailable",
            yaml: deployment(
                "replicas: 3", "observedGeneration: 2, replicas: 3, updatedReplicas: 3, availableReplicas: 1"),
            want: .progressing, message: "1 of 3 updated replicas are available"),
        Case(
            name: "deployment past deadline",
            yaml: deployment(
                "replicas: 3",
                "observedGeneration: 2, conditions: [{type: Progressing, status: \"False\", reason: ProgressDeadlineExceeded}]"
            ), want: .degraded, message: "progress deadline"),
        Case(
            name: "deployment default one replica",
            yaml: deployment("", "observedGeneration: 2, replicas: 1, updatedReplicas: 1, availableReplicas: 1"),
            want: .healthy, message: ""),

        Case(
            name: "statefulset ready",
            yaml:
                "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db, generation: 1}\nspec: {replicas: 2}\nstatus: {observedGeneration: 1, readyReplicas: 2, currentRevision: db-1, updateRevision: db-1}\n",
            want: .healthy, message: ""),
        Case(
            name: "statefulset not ready",
            yaml:
                "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db, generation: 1}\nspec: {replicas: 2}\nstatus: {observedGeneration: 1, readyReplicas: 1}\n",
            want: .progressing, message: "1 pods to be ready"),
        Case(
            name: "statefulset revision rolling",
            yaml:
                "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db, generation: 1}\nspec: {replicas: 2}\nstatus: {observedGeneration: 1, readyReplicas: 2, currentRevision: db-1, updateRevision: db-2}\n",
            want: .progressing, message: "db-2"),
        Case(
            name: "statefulset on delete",
            yaml:
                "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db, generation: 1}\nspec: {replicas: 2, updateStrategy: {type: OnDelete}}\nstatus: {observedGeneration: 1}\n",
            want: .healthy, message: "OnDelete"),
        Case(
            name: "daemonset updating",
            yaml:
                "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: agent, generation: 1}\nstatus: {observedGeneration: 1, desiredNumberScheduled: 3, updatedNumberScheduled: 2, numberAvailable: 3}\n",
            want: .progressing, message: "2 of 3 pods updated"),
        Case(
            name: "daemonset done",
            yaml:
                "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: agent, generation: 1}\nstatus: {observedGeneration: 1, desiredNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 3}\n",
            want: .healthy, message: ""),
        Case(
            name: "replicaset failure",
            yaml:
                "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: rs}\nspec: {replicas: 1}\nstatus: {conditions: [{type: ReplicaFailure, status: \"True\", reason: FailedCreate, message: quota exceeded}]}\n",
            want: .degraded, message: "FailedCreate: quota exceeded"),

        Case(
            name: "pod running ready",
            yaml: pod("{phase: Running, containerStatuses: [{name: app, ready: true, restartCount: 0}]}"),
            want: .healthy, message: ""),
        Case(
            name: "pod crash looping",
            yaml: pod(
                "{phase: Running, containerStatuses: [{name: app, ready: false, restartCount: 7, state: {waiting: {reason: CrashLoopBackOff}}}]}"
            ), want: .degraded, message: "container app: CrashLoopBackOff (7 restarts)"),
        Case(
            name: "pod image pull",
            yaml: pod(
                "{phase: Pending, containerStatuses: [{name: app, ready: false, restartCount: 0, state: {waiting: {reason: ImagePullBackOff, message: not found}}}]}"
            ), want: .degraded, message: "ImagePullBackOff: not found"),
        Case(name: "pod pending", yaml: pod("{phase: Pending}"), want: .progressing, message: "pending"),
        Case(
            name: "pod failed", yaml: pod("{phase: Failed, message: OOMKilled}", restartPolicy: "Never"),
            want: .degraded, message: "OOMKilled"),
        Case(
            name: "pod succeeded", yaml: pod("{phase: Succeeded}", restartPolicy: "Never"), want: .healthy, message: ""),
        Case(
            name: "pod container not ready",
            yaml: pod("{phase: Running, containerStatuses: [{name: app, ready: false}]}"), want: .progressing,
            message: "app"),
        Case(name: "pod no phase", yaml: pod("{}"), want: .unknown, message: "unknown"),

        Case(
            name: "job complete",
            yaml:
                "apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\nstatus: {conditions: [{type: Complete, status: \"True\"}]}\n",
            want: .healthy, message: "completed"),
        Case(
            name: "job failed",
            yaml:
                "apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\nstatus: {conditions: [{type: Failed, status: \"True\", reason: BackoffLimitExceeded}]}\n",
            want: .degraded, message: "BackoffLimitExceeded"),
        Case(
            name: "job suspended",
            yaml: "apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\nspec: {suspend: true}\n", want: .suspended,
            message: "suspended"),
        Case(
            name: "job running", yaml: "apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\nstatus: {active: 1}\n",
            want: .progressing, message: "running"),

        Case(
            name: "cluster ip service",
            yaml: "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {type: ClusterIP}\n", want: .healthy,
            message: ""),
        Case(
            name: "load balancer pending",
            yaml:
                "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {type: LoadBalancer}\nstatus: {loadBalancer: {}}\n",
            want: .progressing, message: "load balancer"),
        Case(
            name: "load balancer ready",
            yaml:
                "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {type: LoadBalancer}\nstatus: {loadBalancer: {ingress: [{ip: 10.0.0.1}]}}\n",
            want: .healthy, message: ""),
        Case(
            name: "pvc bound",
            yaml: "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: c}\nstatus: {phase: Bound}\n",
            want: .healthy, message: ""),
        Case(
            name: "pvc pending",
            yaml: "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: c}\nstatus: {phase: Pending}\n",
            want: .progressing, message: "bound"),
        Case(
            name: "pvc lost",
            yaml: "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: c}\nstatus: {phase: Lost}\n",
            want: .degraded, message: "lost"),

        Case(
            name: "custom resource ready",
            yaml:
                "apiVersion: example.com/v1\nkind: Database\nmetadata: {name: d}\nstatus: {conditions: [{type: Ready, status: \"True\"}]}\n",
            want: .healthy, message: ""),
        Case(
            name: "custom resource not ready",
            yaml:
                "apiVersion: example.com/v1\nkind: Database\nmetadata: {name: d}\nstatus: {conditions: [{type: Ready, status: \"False\", reason: Provisioning, message: disk full}]}\n",
            want: .degraded, message: "Provisioning: disk full"),
        Case(
            name: "custom resource unknown",
            yaml:
                "apiVersion: example.com/v1\nkind: Database\nmetadata: {name: d}\nstatus: {conditions: [{type: Ready, status: Unknown}]}\n",
            want: .progressing, message: "Unknown"),
        Case(
            name: "custom resource stale ready",
            yaml:
                "apiVersion: example.com/v1\nkind: Database\nmetadata: {name: d, generation: 4}\nstatus: {observedGeneration: 3, conditions: [{type: Ready, status: \"True\"}]}\n",
            want: .progressing, message: "generation 4"),
        Case(
            name: "config map", yaml: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n", want: .healthy,
            message: ""),
    ]

    @Test(arguments: cases)
    func healthByKind(_ c: Case) {
        let got = HealthAssessor.assess(SyncFixtures.value(c.yaml))
        #expect(got.status == c.want, "\(got)")
        if c.message.isEmpty {
            #expect(got.status != .healthy || !got.message.contains("Waiting"), "\(got)")
        } else {
            #expect(got.message.contains(c.message), "want message containing \(c.message), got \(got)")
        }
    }
}
