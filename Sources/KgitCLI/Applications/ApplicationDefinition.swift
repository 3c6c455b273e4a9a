import KgitAPIMachinery

/// The `Application` custom resource (`applications.kgit.dev`, v1alpha1): a repository, revision, path and
/// environment that `kgit server` keeps a cluster synced to, and the status it records.
///
/// `kgit server` installs the definition itself at start (server-side apply as field manager `kgit-server`), so
/// an Application can be created as soon as the server listens; nothing else has to be run first.
enum ApplicationDefinition {
    static let group = "kgit.dev"
    static let version = "v1alpha1"
    static let apiVersion = "kgit.dev/v1alpha1"
    static let kind = "Application"

    static func string(_ description: String) -> JSONValue {
        ["type": "string", "description": .string(description)]
    }

    static func boolean(_ description: String) -> JSONValue {
        ["type": "boolean", "description": .string(description)]
    }

    /// The CustomResourceDefinition, as JSON.
    static var customResourceDefinition: JSONValue {
        let syncPolicy: JSONValue = [
            "type": "object",
            "properties": [
                "interval": string("How often to fetch and compare, as a duration (30s, 5m, 1h; default 3m)."),
                "prune": boolean("Delete objects a previous sync applied that git no longer declares."),
                "selfHeal": boolean("Re-apply when the live objects drift from git (someone's kubectl edit)."),
            ],
        ]
        let spec: JSONValue = [
            "type": "object",
            "required": ["source"],
            "properties": [
                "source": string("The repository: a git URL or a path on the server's file system."),
                "revision": string("The branch, tag or commit (default HEAD)."),
                "path": string("The directory of the repository holding the manifests (default: the root)."),
                "env": string("The KGL environment to render."),
                "syncPolicy": syncPolicy,
                "secretRef": [
                    "type": "object",
                    "description": "A Secret in the Application's namespace with git credentials for source: username and password or token (https).",
                    "required": ["name"],
                    "properties": ["name": string("The Secret's name.")],
                ],
                "deletionPolicy": [
                    "type": "string", "enum": ["Delete", "Orphan"],
                    "description": "When the Application is deleted: Delete (default) prunes what it applied first (finalizer kgit.dev/resources); Orphan leaves it.",
                ],
                "verify": [
                    "type": "object",
                    "description": "Require every commit applied to carry an SSH signature (git's gpg.format=ssh) by an allowed key.",
                    "properties": [
                        "allowedSigners": string("The allowed signers, in git's gpg.ssh.allowedSignersFile format."),
                        "allowedSignersSecretRef": [
                            "type": "object",
                            "description": "A Secret in the Application's namespace holding the allowed signers.",
                            "required": ["name"],
                            "properties": [
                                "name": string("The Secret's name."),
                                "key": string("The key in its data (default allowed_signers)."),
                            ],
                        ],
                    ],
                ],
            ],
        ]
        let condition: JSONValue = [
            "type": "object",
            "properties": [
                "type": string("Synced, Healthy, Fetched or Verified."),
                "status": string("True, False or Unknown."),
                "reason": string("A CamelCase reason."),
                "message": string("What happened."),
                "lastTransitionTime": string("When the status last changed."),
            ],
        ]
        let status: JSONValue = [
            "type": "object",
            "properties": [
                "sync": string("Synced or OutOfSync."),
                "syncedRevision": string("The commit last applied."),
                "revision": string("The commit the revision resolved to at the last fetch."),
                "outOfSync": [
                    "type": "array", "description": "The objects that differ from git (kind/namespace/name).",
                    "items": ["type": "string"],
                ],
                "health": string("Healthy, Progressing, Degraded, Missing, Suspended or Unknown."),
                "conditions": ["type": "array", "items": condition],
                "lastError": string("The last fetch or sync error, empty after a successful one."),
                "lastSyncTime": string("When the revision was last applied."),
                "lastRefreshTime": string("When the repository was last fetched and compared."),
            ],
        ]
        func column(_ name: String, _ path: String, _ type: String = "string") -> JSONValue {
            ["name": .string(name), "type": .string(type), "jsonPath": .string(path)]
        }
        return [
            "apiVersion": "apiextensions.k8s.io/v1",
            "kind": "CustomResourceDefinition",
            "metadata": ["name": "applications.kgit.dev"],
            "spec": [
                "group": .string(group),
                "scope": "Namespaced",
                "names": [
                    "plural": "applications", "singular": "application", "kind": .string(kind),
                    "listKind": "ApplicationList", "shortNames": ["app", "apps"],
                ],
                "versions": [
                    [
                        "name": .string(version), "served": true, "storage": true,
                        "subresources": ["status": [:]],
                        "schema": [
                            "openAPIV3Schema": [
                                "type": "object",
                                "properties": ["spec": spec, "status": status],
                            ]
                        ],
                        "additionalPrinterColumns": [
                            column("Source", ".spec.source"),
                            column("Revision", ".status.syncedRevision"),
                            column("Sync Status", ".status.sync"),
                            column("Health", ".status.health"),
                            column("Age", ".metadata.creationTimestamp", "date"),
                        ],
                    ]
                ],
            ],
        ]
    }
}
