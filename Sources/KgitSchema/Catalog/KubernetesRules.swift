/// The rules the Kubernetes API server enforces in code rather than in its OpenAPI schema, attached to
/// the built-in definitions while they are compiled: enumerations (the published schema has none) and
/// `SchemaCheck`s (name syntax, ports, selectors...).
struct KubernetesRules: Sendable {
    /// Allowed values by definition name, then property name.
    var enums: [String: [String: [String]]]
    /// Checks that run on every value of a definition.
    var definitionChecks: [String: [SchemaCheck]]
    /// Checks that run on one property of a definition.
    var propertyChecks: [String: [String: [SchemaCheck]]]

    func enumValues(definition: String, property: String) -> [String]? { enums[definition]?[property] }

    func checks(definition: String) -> [SchemaCheck] { definitionChecks[definition] ?? [] }

    func checks(definition: String, property: String) -> [SchemaCheck] { propertyChecks[definition]?[property] ?? [] }

    /// The rules of Kubernetes 1.33.
    static let standard: KubernetesRules = {
        let core = "io.k8s.api.core.v1."
        let apps = "io.k8s.api.apps.v1."
        let protocols = ["TCP", "UDP", "SCTP"]
        let pullPolicies = ["Always", "IfNotPresent", "Never"]
        let terminationMessagePolicies = ["File", "FallbackToLogsOnError"]
        let trafficPolicies = ["Cluster", "Local"]
        let effects = ["NoSchedule", "PreferNoSchedule", "NoExecute"]
        let nodeOperators = ["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"]
        var enums: [String: [String: [String]]] = [
            core + "Container": [
                "imagePullPolicy": pullPolicies, "terminationMessagePolicy": terminationMessagePolicies,
                "restartPolicy": ["Always"],
            ],
            core + "EphemeralContainer": [
                "imagePullPolicy": pullPolicies, "terminationMessagePolicy": terminationMessagePolicies,
            ],
            core + "PodSpec": [
                "restartPolicy": ["Always", "OnFailure", "Never"],
                "dnsPolicy": ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"],
                "preemptionPolicy": ["Never", "PreemptLowerPriority"],
            ],
            core + "ContainerPort": ["protocol": protocols],
            core + "ServicePort": ["protocol": protocols],
            core + "EndpointPort": ["protocol": protocols],
            "io.k8s.api.discovery.v1.EndpointPort": ["protocol": protocols],
            "io.k8s.api.networking.v1.NetworkPolicyPort": ["protocol": protocols],
            core + "ServiceSpec": [
                "type": ["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"],
                "sessionAffinity": ["ClientIP", "None"],
                "externalTrafficPolicy": trafficPolicies, "internalTrafficPolicy": trafficPolicies,
                "ipFamilyPolicy": ["SingleStack", "PreferDualStack", "RequireDualStack"],
            ],
            core + "HTTPGetAction": ["scheme": ["HTTP", "HTTPS"]],
            core + "SeccompProfile": ["type": ["Localhost", "RuntimeDefault", "Unconfined"]],
            core + "AppArmorProfile": ["type": ["Localhost", "RuntimeDefault", "Unconfined"]],
            core + "Toleration": ["operator": ["Exists", "Equal"], "effect": effects],
            core + "Taint": ["effect": effects],
            core + "NodeSelectorRequirement": ["operator": nodeOperators],
            core + "VolumeMount": ["mountPropagation": ["None", "HostToContainer", "Bidirectional"]],
            core + "HostPathVolumeSource": [
                "type": ["", "DirectoryOrCreate", "Directory", "FileOrCreate", "File", "Socket", "CharDevice", "BlockDevice"],
            ],
            core + "PodSecurityContext": ["fsGroupChangePolicy": ["OnRootMismatch", "Always"]],
            core + "TopologySpreadConstraint": [
                "whenUnsatisfiable": ["DoNotSchedule", "ScheduleAnyway"],
                "nodeAffinityPolicy": ["Honor", "Ignore"], "nodeTaintsPolicy": ["Honor", "Ignore"],
            ],
            core + "PersistentVolumeClaimSpec": ["volumeMode": ["Block", "Filesystem"]],
            core + "PersistentVolumeSpec": [
                "persistentVolumeReclaimPolicy": ["Retain", "Delete", "Recycle"], "volumeMode": ["Block", "Filesystem"],
            ],
            core + "ScopedResourceSelectorRequirement": ["operator": ["In", "NotIn", "Exists", "DoesNotExist"]],
            apps + "DeploymentStrategy": ["type": ["Recreate", "RollingUpdate"]],
            apps + "StatefulSetUpdateStrategy": ["type": ["OnDelete", "RollingUpdate"]],
            apps + "DaemonSetUpdateStrategy": ["type": ["OnDelete", "RollingUpdate"]],
            apps + "StatefulSetSpec": ["podManagementPolicy": ["OrderedReady", "Parallel"]],
            apps + "StatefulSetPersistentVolumeClaimRetentionPolicy": [
                "whenDeleted": ["Retain", "Delete"], "whenScaled": ["Retain", "Delete"],
            ],
            "io.k8s.api.batch.v1.JobSpec": ["completionMode": ["NonIndexed", "Indexed"], "podReplacementPolicy": ["TerminatingOrFailed", "Failed"]],
            "io.k8s.api.batch.v1.CronJobSpec": ["concurrencyPolicy": ["Allow", "Forbid", "Replace"]],
            "io.k8s.api.batch.v1.PodFailurePolicyRule": ["action": ["FailJob", "FailIndex", "Ignore", "Count"]],
            "io.k8s.api.networking.v1.HTTPIngressPath": ["pathType": ["Exact", "Prefix", "ImplementationSpecific"]],
            "io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement": [
                "operator": ["In", "NotIn", "Exists", "DoesNotExist"],
            ],
            "io.k8s.api.storage.v1.StorageClass": [
                "reclaimPolicy": ["Retain", "Delete"], "volumeBindingMode": ["Immediate", "WaitForFirstConsumer"],
            ],
            "io.k8s.api.autoscaling.v2.MetricSpec": ["type": ["ContainerResource", "External", "Object", "Pods", "Resource"]],
            "io.k8s.api.autoscaling.v2.MetricTarget": ["type": ["AverageValue", "Utilization", "Value"]],
            "io.k8s.api.policy.v1.PodDisruptionBudgetSpec": ["unhealthyPodEvictionPolicy": ["IfHealthyBudget", "AlwaysAllow"]],
            "io.k8s.api.rbac.v1.Subject": ["kind": ["User", "Group", "ServiceAccount"]],
            "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinitionSpec": [
                "scope": ["Cluster", "Namespaced"],
            ],
        ]
        enums[core + "EphemeralContainer"]?["restartPolicy"] = nil
        return KubernetesRules(
            enums: enums, definitionChecks: KubernetesChecks.definitionChecks,
            propertyChecks: KubernetesChecks.propertyChecks)
    }()
}
