/// The table of code-enforced checks attached to built-in definitions while they are compiled.
enum KubernetesChecks {
    private static let core = "io.k8s.api.core.v1."
    private static let apps = "io.k8s.api.apps.v1."

    /// Checks that run on every value of a definition, wherever it is used.
    static let definitionChecks: [String: [SchemaCheck]] = [
        "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta": [MetadataChecks.objectMeta],
        "io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector": [MetadataChecks.labelSelector],
        core + "PodSpec": [PodChecks.podSpec],
        core + "Container": [PodChecks.container],
        core + "EnvVar": [
            PodChecks.envVar,
            ExclusiveFieldChecks.exclusive("core.v1.EnvVar.value", fields: ["value", "valueFrom"], required: false, what: "an environment variable"),
        ],
        core + "Probe": [
            PodChecks.probe,
            ExclusiveFieldChecks.exclusive("core.v1.Probe.handler", fields: ExclusiveFieldChecks.probeHandlers, required: true, what: "a probe"),
        ],
        core + "LifecycleHandler": [
            ExclusiveFieldChecks.exclusive("core.v1.LifecycleHandler", fields: ExclusiveFieldChecks.hookHandlers, required: true, what: "a lifecycle hook"),
        ],
        core + "Volume": [
            // A volume with no source is defaulted to an emptyDir, so none is fine; two are not.
            ExclusiveFieldChecks.exclusive("core.v1.Volume.source", fields: ExclusiveFieldChecks.volumeSources, required: false, what: "a volume"),
        ],
        apps + "DeploymentStrategy": [ExclusiveFieldChecks.deploymentStrategy],
        "io.k8s.api.policy.v1.PodDisruptionBudgetSpec": [
            ExclusiveFieldChecks.exclusive("policy.v1.PodDisruptionBudgetSpec", fields: ["minAvailable", "maxUnavailable"], required: false, what: "a PodDisruptionBudget"),
        ],
        core + "HTTPGetAction": [PodChecks.handlerPort],
        core + "TCPSocketAction": [PodChecks.handlerPort],
        core + "ResourceRequirements": [PodChecks.resourceRequirements],
        core + "ServiceSpec": [ServiceChecks.serviceSpec],
        core + "ConfigMap": [ConfigDataChecks.keys("core.v1.ConfigMap", fields: ["data", "binaryData"])],
        core + "Secret": [ConfigDataChecks.keys("core.v1.Secret", fields: ["data", "stringData"])],
        apps + "DeploymentSpec": [WorkloadChecks.controllerSpec("apps.v1.DeploymentSpec")],
        apps + "ReplicaSetSpec": [WorkloadChecks.controllerSpec("apps.v1.ReplicaSetSpec")],
        apps + "StatefulSetSpec": [WorkloadChecks.controllerSpec("apps.v1.StatefulSetSpec")],
        apps + "DaemonSetSpec": [WorkloadChecks.controllerSpec("apps.v1.DaemonSetSpec", hasReplicas: false)],
        "io.k8s.api.batch.v1.JobSpec": [WorkloadChecks.jobSpec],
        "io.k8s.api.batch.v1.CronJobSpec": [WorkloadChecks.cronJobSpec],
        "io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerSpec": [WorkloadChecks.autoscalerSpec],
        "io.k8s.api.autoscaling.v1.HorizontalPodAutoscalerSpec": [WorkloadChecks.autoscalerSpec],
        "io.k8s.api.scheduling.v1.PriorityClass": [SchedulingChecks.priorityClass],
        "io.k8s.api.networking.v1.ServiceBackendPort": [
            ServiceChecks.serviceBackendPort,
            ExclusiveFieldChecks.exclusive("networking.v1.ServiceBackendPort", fields: ["name", "number"], required: true, what: "a service backend port"),
        ],
    ]

    /// Checks that run on one property of a definition.
    static let propertyChecks: [String: [String: [SchemaCheck]]] = [:]
}
