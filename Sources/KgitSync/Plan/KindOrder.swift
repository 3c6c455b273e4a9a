/// The order kinds are applied in within a wave, the install order Helm and gitops-engine use:
/// what others depend on (namespaces, quotas, accounts, configuration, storage, definitions, RBAC)
/// before services and workloads, and admission webhooks last so they cannot block the rest.
/// Kinds not listed (custom resources) come after all listed ones.
enum KindOrder {
    static let kinds: [String] = [
        "Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange", "PodSecurityPolicy", "PodDisruptionBudget",
        "ServiceAccount", "Secret", "SecretList", "ConfigMap", "StorageClass", "PersistentVolume",
        "PersistentVolumeClaim", "CustomResourceDefinition", "ClusterRole", "ClusterRoleList", "ClusterRoleBinding",
        "ClusterRoleBindingList", "Role", "RoleList", "RoleBinding", "RoleBindingList", "Service", "DaemonSet", "Pod",
        "ReplicationController", "ReplicaSet", "Deployment", "HorizontalPodAutoscaler", "StatefulSet", "Job",
        "CronJob", "IngressClass", "Ingress", "APIService", "MutatingWebhookConfiguration",
        "ValidatingWebhookConfiguration",
    ]

    static let ranks: [String: Int] = Dictionary(uniqueKeysWithValues: kinds.enumerated().map { ($1, $0) })

    /// The kind's position; every unlisted kind shares the position after the last listed one.
    static func rank(_ kind: String) -> Int { ranks[kind] ?? kinds.count }
}
