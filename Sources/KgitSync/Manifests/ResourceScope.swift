/// Whether objects of a kind live in a namespace.
///
/// The OpenAPI definitions of the Kubernetes catalog do not carry scope, so the built-in
/// cluster-scoped kinds of Kubernetes 1.33 are listed here; a custom resource's scope comes from the
/// CustomResourceDefinition (`spec.scope`) in the same revision, and any other kind is namespaced.
public enum ResourceScope: String, Sendable, Hashable, Codable {
    case namespaced = "Namespaced"
    case cluster = "Cluster"

    /// The built-in cluster-scoped kinds, as `Kind.group` (`Namespace` for the core group).
    static let builtInClusterKinds: Set<String> = [
        "Namespace", "Node", "PersistentVolume", "ComponentStatus",
        "ClusterRole.rbac.authorization.k8s.io", "ClusterRoleBinding.rbac.authorization.k8s.io",
        "CustomResourceDefinition.apiextensions.k8s.io", "APIService.apiregistration.k8s.io",
        "StorageClass.storage.k8s.io", "CSIDriver.storage.k8s.io", "CSINode.storage.k8s.io",
        "VolumeAttachment.storage.k8s.io", "PriorityClass.scheduling.k8s.io", "RuntimeClass.node.k8s.io",
        "IngressClass.networking.k8s.io", "IPAddress.networking.k8s.io", "ServiceCIDR.networking.k8s.io",
        "MutatingWebhookConfiguration.admissionregistration.k8s.io",
        "ValidatingWebhookConfiguration.admissionregistration.k8s.io",
        "ValidatingAdmissionPolicy.admissionregistration.k8s.io",
        "ValidatingAdmissionPolicyBinding.admissionregistration.k8s.io",
        "CertificateSigningRequest.certificates.k8s.io", "FlowSchema.flowcontrol.apiserver.k8s.io",
        "PriorityLevelConfiguration.flowcontrol.apiserver.k8s.io", "TokenReview.authentication.k8s.io",
        "SelfSubjectReview.authentication.k8s.io", "SelfSubjectAccessReview.authorization.k8s.io",
        "SelfSubjectRulesReview.authorization.k8s.io", "SubjectAccessReview.authorization.k8s.io",
        "DeviceClass.resource.k8s.io", "ResourceSlice.resource.k8s.io",
    ]

    /// The scope of built-in kind `kind` in `group`, or of a custom kind declared by `customScopes`
    /// (keyed by `Kind.group`); namespaced otherwise.
    static func of(group: String, kind: String, customScopes: [String: ResourceScope] = [:]) -> ResourceScope {
        let key = group.isEmpty ? kind : "\(kind).\(group)"
        if builtInClusterKinds.contains(key) { return .cluster }
        return customScopes[key] ?? .namespaced
    }
}
