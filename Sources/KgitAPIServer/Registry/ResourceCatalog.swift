/// The resource types `kgit server` serves, as data. Add a line to serve a new type.
public struct ResourceCatalog: Sendable {
    public private(set) var resources: [ResourceInfo]

    public init(resources: [ResourceInfo]) { self.resources = resources }

    static let crud = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]

    static func make(_ group: String, _ version: String, _ resource: String, _ singular: String, _ kind: String,
                     namespaced: Bool, short: [String] = [], categories: [String] = [],
                     subresources: [String] = [], verbs: [String] = crud, stored: Bool = true) -> ResourceInfo
    {
        ResourceInfo(
            group: group, version: version, resource: resource, singular: singular, kind: kind,
            namespaced: namespaced, verbs: verbs, shortNames: short, categories: categories,
            subresources: subresources.map { sub in
                switch sub {
                case "token":
                    return .init(name: "token", group: "authentication.k8s.io", version: "v1", kind: "TokenRequest",
                                 verbs: ["create"])
                case "eviction":
                    return .init(name: "eviction", group: "policy", version: "v1", kind: "Eviction", verbs: ["create"])
                case "log":
                    return .init(name: "log", group: "", version: "v1", kind: "Pod", verbs: ["get"])
                case "binding":
                    return .init(name: "binding", group: "", version: "v1", kind: "Binding", verbs: ["create"])
                case "scale":
                    return .init(name: "scale", group: "autoscaling", version: "v1", kind: "Scale",
                                 verbs: ["get", "patch", "update"])
                default:
                    return .init(name: sub, group: group, version: version, kind: kind, verbs: ["get", "patch", "update"])
                }
            },
            stored: stored)
    }

    /// The built-in types.
    public static let builtIn = ResourceCatalog(resources: [
        make("", "v1", "namespaces", "namespace", "Namespace", namespaced: false, short: ["ns"],
             subresources: ["status"], verbs: ["create", "delete", "get", "list", "patch", "update", "watch"]),
        make("", "v1", "configmaps", "configmap", "ConfigMap", namespaced: true, short: ["cm"]),
        make("", "v1", "secrets", "secret", "Secret", namespaced: true),
        make("", "v1", "serviceaccounts", "serviceaccount", "ServiceAccount", namespaced: true, short: ["sa"],
             subresources: ["token"]),
        make("", "v1", "services", "service", "Service", namespaced: true, short: ["svc"], categories: ["all"],
             subresources: ["status"]),
        make("", "v1", "pods", "pod", "Pod", namespaced: true, short: ["po"], categories: ["all"],
             subresources: ["status", "log", "binding", "eviction"]),
        make("", "v1", "events", "event", "Event", namespaced: true, short: ["ev"]),
        make("", "v1", "endpoints", "endpoints", "Endpoints", namespaced: true, short: ["ep"]),
        make("", "v1", "nodes", "node", "Node", namespaced: false, short: ["no"], subresources: ["status"]),
        make("", "v1", "persistentvolumeclaims", "persistentvolumeclaim", "PersistentVolumeClaim", namespaced: true,
             short: ["pvc"], subresources: ["status"]),
        make("", "v1", "persistentvolumes", "persistentvolume", "PersistentVolume", namespaced: false, short: ["pv"],
             subresources: ["status"]),
        make("", "v1", "limitranges", "limitrange", "LimitRange", namespaced: true, short: ["limits"]),
        make("", "v1", "resourcequotas", "resourcequota", "ResourceQuota", namespaced: true, short: ["quota"],
             subresources: ["status"]),
        make("apps", "v1", "deployments", "deployment", "Deployment", namespaced: true, short: ["deploy"],
             categories: ["all"], subresources: ["scale", "status"]),
        make("apps", "v1", "replicasets", "replicaset", "ReplicaSet", namespaced: true, short: ["rs"],
             categories: ["all"], subresources: ["scale", "status"]),
        make("apps", "v1", "statefulsets", "statefulset", "StatefulSet", namespaced: true, short: ["sts"],
             categories: ["all"], subresources: ["scale", "status"]),
        make("apps", "v1", "daemonsets", "daemonset", "DaemonSet", namespaced: true, short: ["ds"],
             categories: ["all"], subresources: ["status"]),
        make("batch", "v1", "jobs", "job", "Job", namespaced: true, categories: ["all"], subresources: ["status"]),
        make("batch", "v1", "cronjobs", "cronjob", "CronJob", namespaced: true, short: ["cj"], categories: ["all"],
             subresources: ["status"]),
        make("coordination.k8s.io", "v1", "leases", "lease", "Lease", namespaced: true),
        make("discovery.k8s.io", "v1", "endpointslices", "endpointslice", "EndpointSlice", namespaced: true),
        make("autoscaling", "v2", "horizontalpodautoscalers", "horizontalpodautoscaler", "HorizontalPodAutoscaler",
             namespaced: true, short: ["hpa"], categories: ["all"], subresources: ["status"]),
        make("policy", "v1", "poddisruptionbudgets", "poddisruptionbudget", "PodDisruptionBudget", namespaced: true,
             short: ["pdb"], subresources: ["status"]),
        make("networking.k8s.io", "v1", "ingresses", "ingress", "Ingress", namespaced: true, short: ["ing"],
             subresources: ["status"]),
        make("networking.k8s.io", "v1", "networkpolicies", "networkpolicy", "NetworkPolicy", namespaced: true,
             short: ["netpol"]),
        make("scheduling.k8s.io", "v1", "priorityclasses", "priorityclass", "PriorityClass", namespaced: false,
             short: ["pc"]),
        make("apiextensions.k8s.io", "v1", "customresourcedefinitions", "customresourcedefinition",
             "CustomResourceDefinition", namespaced: false, short: ["crd", "crds"], categories: ["api-extensions"],
             subresources: ["status"]),
        make("rbac.authorization.k8s.io", "v1", "roles", "role", "Role", namespaced: true),
        make("rbac.authorization.k8s.io", "v1", "rolebindings", "rolebinding", "RoleBinding", namespaced: true),
        make("rbac.authorization.k8s.io", "v1", "clusterroles", "clusterrole", "ClusterRole", namespaced: false),
        make("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "clusterrolebinding", "ClusterRoleBinding",
             namespaced: false),
        make("authorization.k8s.io", "v1", "selfsubjectaccessreviews", "selfsubjectaccessreview",
             "SelfSubjectAccessReview", namespaced: false, verbs: ["create"], stored: false),
        make("authorization.k8s.io", "v1", "selfsubjectrulesreviews", "selfsubjectrulesreview",
             "SelfSubjectRulesReview", namespaced: false, verbs: ["create"], stored: false),
        make("authentication.k8s.io", "v1", "selfsubjectreviews", "selfsubjectreview", "SelfSubjectReview",
             namespaced: false, verbs: ["create"], stored: false),
    ])

    /// The API groups served, in discovery order (the core group excluded), each with its versions.
    public var groups: [(name: String, versions: [String])] {
        var order: [String] = []
        var versions: [String: [String]] = [:]
        for r in resources where !r.group.isEmpty {
            if versions[r.group] == nil { order.append(r.group) }
            if !(versions[r.group]?.contains(r.version) ?? false) { versions[r.group, default: []].append(r.version) }
        }
        return order.map { ($0, versions[$0] ?? []) }
    }

    /// The resources of one group/version.
    public func resources(group: String, version: String) -> [ResourceInfo] {
        resources.filter { $0.group == group && $0.version == version }
    }

    /// The resource served at `group/version/resource`.
    public func lookup(group: String, version: String, resource: String) -> ResourceInfo? {
        resources.first { $0.group == group && $0.version == version && $0.resource == resource }
    }

    /// The resource whose kind is `kind` in `group/version`.
    public func lookup(group: String, version: String, kind: String) -> ResourceInfo? {
        resources.first { $0.group == group && $0.version == version && $0.kind == kind }
    }
}
