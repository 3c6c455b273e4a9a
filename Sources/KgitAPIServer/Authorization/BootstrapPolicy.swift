import KgitAPIMachinery

/// The default ClusterRoles and ClusterRoleBindings every cluster starts with (a subset of
/// upstream's bootstrap policy): `cluster-admin` for `system:masters`, the `admin`/`edit`/`view`
/// user-facing roles, and the discovery, self-review and public-info roles for every
/// authenticated user, and `system:kube-scheduler` for the scheduler's user.
enum BootstrapPolicy {
    static let readVerbs = ["get", "list", "watch"]
    static let writeVerbs = ["create", "delete", "deletecollection", "patch", "update"]
    static let viewResources: [(group: String, resources: [String])] = [
        ("", ["configmaps", "endpoints", "events", "persistentvolumeclaims", "pods", "pods/log", "pods/status",
              "serviceaccounts", "services", "services/status", "namespaces", "namespaces/status"]),
        ("apps", ["deployments", "deployments/scale", "deployments/status", "replicasets", "replicasets/scale",
                  "replicasets/status", "statefulsets", "statefulsets/scale", "statefulsets/status", "daemonsets",
                  "daemonsets/status"]),
        ("batch", ["jobs", "jobs/status", "cronjobs", "cronjobs/status"]),
    ]

    static func rules(_ verbs: [String], including secrets: Bool) -> [RBACRule] {
        viewResources.map { group, resources in
            var list = resources
            if secrets && group.isEmpty { list.append("secrets") }
            return RBACRule(verbs: verbs, apiGroups: [group], resources: list)
        }
    }

    static var clusterRoles: [(String, [RBACRule])] {
        [
            ("cluster-admin", [RBACRule(verbs: ["*"], apiGroups: ["*"], resources: ["*"]),
                               RBACRule(verbs: ["*"], nonResourceURLs: ["*"])]),
            ("admin", rules(readVerbs + writeVerbs, including: true) + [
                RBACRule(verbs: readVerbs + writeVerbs, apiGroups: ["rbac.authorization.k8s.io"],
                         resources: ["roles", "rolebindings"]),
            ]),
            ("edit", rules(readVerbs + writeVerbs, including: true)),
            ("view", rules(readVerbs, including: false)),
            ("system:basic-user", [
                RBACRule(verbs: ["create"], apiGroups: ["authorization.k8s.io"],
                         resources: ["selfsubjectaccessreviews", "selfsubjectrulesreviews"]),
                RBACRule(verbs: ["create"], apiGroups: ["authentication.k8s.io"], resources: ["selfsubjectreviews"]),
            ]),
            ("system:discovery", [
                RBACRule(verbs: ["get"], nonResourceURLs: ["/api", "/api/*", "/apis", "/apis/*", "/healthz", "/livez",
                                                           "/openapi", "/openapi/*", "/readyz", "/version", "/version/"]),
            ]),
            ("system:public-info-viewer", [
                RBACRule(verbs: ["get"], nonResourceURLs: ["/healthz", "/livez", "/readyz", "/version", "/version/"]),
            ]),
            ("system:kube-scheduler", schedulerRules),
        ]
    }

    /// What a scheduler reads and writes, as upstream's `system:kube-scheduler` role grants: it watches pods,
    /// nodes and what plugins read, binds pods, writes their status and events, deletes preemption victims and
    /// holds its leader-election Lease.
    static let schedulerRules: [RBACRule] = [
        RBACRule(verbs: ["create", "patch", "update"], apiGroups: ["", "events.k8s.io"], resources: ["events"]),
        RBACRule(verbs: ["create"], apiGroups: ["coordination.k8s.io"], resources: ["leases"]),
        RBACRule(verbs: ["get", "update"], apiGroups: ["coordination.k8s.io"], resources: ["leases"],
                 resourceNames: ["kube-scheduler"]),
        RBACRule(verbs: readVerbs, apiGroups: [""], resources: ["nodes", "namespaces"]),
        RBACRule(verbs: ["delete"] + readVerbs, apiGroups: [""], resources: ["pods"]),
        RBACRule(verbs: ["create"], apiGroups: [""], resources: ["bindings", "pods/binding"]),
        RBACRule(verbs: ["patch", "update"], apiGroups: [""], resources: ["pods/status"]),
        RBACRule(verbs: readVerbs, apiGroups: [""],
                 resources: ["replicationcontrollers", "services", "persistentvolumeclaims", "persistentvolumes"]),
        RBACRule(verbs: readVerbs, apiGroups: ["apps"], resources: ["replicasets", "statefulsets"]),
        RBACRule(verbs: readVerbs, apiGroups: ["policy"], resources: ["poddisruptionbudgets"]),
        RBACRule(verbs: ["create"], apiGroups: ["authentication.k8s.io"], resources: ["tokenreviews"]),
        RBACRule(verbs: ["create"], apiGroups: ["authorization.k8s.io"], resources: ["subjectaccessreviews"]),
    ]

    /// Bindings of bootstrap roles to single users: the scheduler's identity.
    static let userBindings: [(name: String, role: String, user: String)] = [
        ("system:kube-scheduler", "system:kube-scheduler", "system:kube-scheduler"),
    ]

    static let clusterRoleBindings: [(name: String, role: String, groups: [String])] = [
        ("cluster-admin", "cluster-admin", ["system:masters"]),
        ("system:basic-user", "system:basic-user", ["system:authenticated"]),
        ("system:discovery", "system:discovery", ["system:authenticated"]),
        ("system:public-info-viewer", "system:public-info-viewer", ["system:authenticated", "system:unauthenticated"]),
    ]

    /// The objects to create at startup when missing.
    static var objects: [(resource: String, object: JSONValue)] {
        var out: [(String, JSONValue)] = []
        let bootstrapLabels: JSONValue = ["kubernetes.io/bootstrapping": "rbac-defaults"]
        for (name, rules) in clusterRoles {
            out.append(("clusterroles", [
                "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
                "metadata": ["name": .string(name), "labels": bootstrapLabels],
                "rules": .array(rules.map(\.json)),
            ]))
        }
        for binding in clusterRoleBindings {
            out.append(("clusterrolebindings", [
                "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
                "metadata": ["name": .string(binding.name), "labels": bootstrapLabels],
                "roleRef": ["apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": .string(binding.role)],
                "subjects": .array(binding.groups.map {
                    ["apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": .string($0)]
                }),
            ]))
        }
        for binding in userBindings {
            out.append(("clusterrolebindings", [
                "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
                "metadata": ["name": .string(binding.name), "labels": bootstrapLabels],
                "roleRef": ["apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": .string(binding.role)],
                "subjects": [["apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": .string(binding.user)]],
            ]))
        }
        return out
    }
}
