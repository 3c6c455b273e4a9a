/// The protobuf message shapes kgit can decode, keyed by kind.
///
/// Field numbers follow `k8s.io/api/*/generated.proto` and `k8s.io/apimachinery/.../generated.proto`.
/// This covers what kubectl's typed-client commands send; extend the table to accept more kinds.
public enum ProtobufCatalog {
    typealias F = ProtobufMessage.Field

    static let time = ProtobufMessage([1: F("seconds", .int), 2: F("nanos", .int)])
    static let intOrString = ProtobufMessage([1: F("type", .int), 2: F("intVal", .int), 3: F("strVal", .string)])
    static let quantity = ProtobufMessage([1: F("string", .string)])

    static let ownerReference = ProtobufMessage([
        1: F("kind", .string), 3: F("name", .string), 4: F("uid", .string), 5: F("apiVersion", .string),
        6: F("controller", .bool), 7: F("blockOwnerDeletion", .bool),
    ])

    /// `meta/v1 ObjectMeta`, without managedFields (the server owns those).
    public static let objectMeta = ProtobufMessage([
        1: F("name", .string), 2: F("generateName", .string), 3: F("namespace", .string), 5: F("uid", .string),
        6: F("resourceVersion", .string), 7: F("generation", .int), 8: F("creationTimestamp", .time),
        11: F("labels", .stringMap), 12: F("annotations", .stringMap),
        13: F("ownerReferences", .message(ownerReference), repeated: true),
        14: F("finalizers", .string, repeated: true),
    ])

    static let labelSelector = ProtobufMessage([
        1: F("matchLabels", .stringMap),
        2: F("matchExpressions", .message(ProtobufMessage([
            1: F("key", .string), 2: F("operator", .string), 3: F("values", .string, repeated: true),
        ])), repeated: true),
    ])

    static let container = ProtobufMessage([
        1: F("name", .string), 2: F("image", .string), 3: F("command", .string, repeated: true),
        4: F("args", .string, repeated: true), 5: F("workingDir", .string),
        6: F("ports", .message(ProtobufMessage([
            1: F("name", .string), 2: F("hostPort", .int), 3: F("containerPort", .int, keepZero: true),
            4: F("protocol", .string), 5: F("hostIP", .string),
        ])), repeated: true),
        7: F("env", .message(ProtobufMessage([1: F("name", .string), 2: F("value", .string)])), repeated: true),
        8: F("resources", .message(ProtobufMessage([1: F("limits", .quantityMap), 2: F("requests", .quantityMap)]))),
        13: F("terminationMessagePath", .string), 14: F("imagePullPolicy", .string),
        16: F("stdin", .bool), 17: F("stdinOnce", .bool), 18: F("tty", .bool),
        20: F("terminationMessagePolicy", .string),
    ])

    static let podSpec = ProtobufMessage([
        2: F("containers", .message(container), repeated: true), 3: F("restartPolicy", .string),
        4: F("terminationGracePeriodSeconds", .int), 5: F("activeDeadlineSeconds", .int),
        6: F("dnsPolicy", .string), 7: F("nodeSelector", .stringMap), 8: F("serviceAccountName", .string),
        10: F("nodeName", .string), 11: F("hostNetwork", .bool), 16: F("hostname", .string),
        17: F("subdomain", .string), 19: F("schedulerName", .string),
        20: F("initContainers", .message(container), repeated: true),
        21: F("automountServiceAccountToken", .bool, keepZero: true),
    ])

    static let podTemplateSpec = ProtobufMessage([1: F("metadata", .message(objectMeta)), 2: F("spec", .message(podSpec))])

    static let deploymentSpec = ProtobufMessage([
        1: F("replicas", .int, keepZero: true), 2: F("selector", .message(labelSelector)),
        3: F("template", .message(podTemplateSpec), keepZero: true),
        4: F("strategy", .message(ProtobufMessage([
            1: F("type", .string),
            2: F("rollingUpdate", .message(ProtobufMessage([
                1: F("maxUnavailable", .intOrString), 2: F("maxSurge", .intOrString),
            ]))),
        ]))),
        5: F("minReadySeconds", .int), 6: F("revisionHistoryLimit", .int, keepZero: true), 7: F("paused", .bool),
        9: F("progressDeadlineSeconds", .int, keepZero: true),
    ])

    static let resourceAttributes = ProtobufMessage([
        1: F("namespace", .string), 2: F("verb", .string), 3: F("group", .string), 4: F("version", .string),
        5: F("resource", .string), 6: F("subresource", .string), 7: F("name", .string),
    ])

    static let policyRule = ProtobufMessage([
        1: F("verbs", .string, repeated: true), 2: F("apiGroups", .string, repeated: true),
        3: F("resources", .string, repeated: true), 4: F("resourceNames", .string, repeated: true),
        5: F("nonResourceURLs", .string, repeated: true),
    ])

    static let roleBinding = ProtobufMessage([
        1: F("metadata", .message(objectMeta)),
        2: F("subjects", .message(ProtobufMessage([
            1: F("kind", .string), 2: F("apiGroup", .string), 3: F("name", .string), 4: F("namespace", .string),
        ])), repeated: true),
        3: F("roleRef", .message(ProtobufMessage([1: F("apiGroup", .string, keepZero: true), 2: F("kind", .string),
                                                  3: F("name", .string)]))),
    ])

    static let role = ProtobufMessage([
        1: F("metadata", .message(objectMeta)), 2: F("rules", .message(policyRule), repeated: true),
    ])

    static let serviceSpec = ProtobufMessage([
        1: F("ports", .message(ProtobufMessage([
            1: F("name", .string), 2: F("protocol", .string), 3: F("port", .int, keepZero: true),
            4: F("targetPort", .intOrString), 5: F("nodePort", .int), 6: F("appProtocol", .string),
        ])), repeated: true),
        2: F("selector", .stringMap), 3: F("clusterIP", .string), 4: F("type", .string),
        5: F("externalIPs", .string, repeated: true), 7: F("sessionAffinity", .string),
        11: F("externalName", .string),
    ])

    static let jobSpec = ProtobufMessage([
        1: F("parallelism", .int, keepZero: true), 2: F("completions", .int, keepZero: true),
        3: F("activeDeadlineSeconds", .int), 4: F("selector", .message(labelSelector)),
        5: F("manualSelector", .bool, keepZero: true), 6: F("template", .message(podTemplateSpec), keepZero: true),
        7: F("backoffLimit", .int, keepZero: true), 8: F("ttlSecondsAfterFinished", .int, keepZero: true),
        9: F("completionMode", .string), 10: F("suspend", .bool, keepZero: true),
    ])

    /// Decodable kinds; the key is the `kind` from the envelope's type meta.
    public static let messages: [String: ProtobufMessage] = [
        "Namespace": ProtobufMessage([
            1: F("metadata", .message(objectMeta)),
            2: F("spec", .message(ProtobufMessage([1: F("finalizers", .string, repeated: true)]))),
        ]),
        "ConfigMap": ProtobufMessage([
            1: F("metadata", .message(objectMeta)), 2: F("data", .stringMap), 3: F("binaryData", .bytesMap),
            4: F("immutable", .bool, keepZero: true),
        ]),
        "Secret": ProtobufMessage([
            1: F("metadata", .message(objectMeta)), 2: F("data", .bytesMap), 3: F("type", .string),
            4: F("stringData", .stringMap), 5: F("immutable", .bool, keepZero: true),
        ]),
        "ServiceAccount": ProtobufMessage([
            1: F("metadata", .message(objectMeta)),
            4: F("automountServiceAccountToken", .bool, keepZero: true),
        ]),
        "ResourceQuota": ProtobufMessage([
            1: F("metadata", .message(objectMeta)),
            2: F("spec", .message(ProtobufMessage([
                1: F("hard", .quantityMap), 2: F("scopes", .string, repeated: true),
                3: F("scopeSelector", .message(ProtobufMessage([
                    1: F("matchExpressions", .message(ProtobufMessage([
                        1: F("scopeName", .string), 2: F("operator", .string), 3: F("values", .string, repeated: true),
                    ])), repeated: true),
                ]))),
            ]))),
        ]),
        "Deployment": ProtobufMessage([1: F("metadata", .message(objectMeta)), 2: F("spec", .message(deploymentSpec))]),
        "Service": ProtobufMessage([1: F("metadata", .message(objectMeta)), 2: F("spec", .message(serviceSpec))]),
        "Job": ProtobufMessage([1: F("metadata", .message(objectMeta)), 2: F("spec", .message(jobSpec))]),
        "CronJob": ProtobufMessage([
            1: F("metadata", .message(objectMeta)),
            2: F("spec", .message(ProtobufMessage([
                1: F("schedule", .string), 2: F("startingDeadlineSeconds", .int), 3: F("concurrencyPolicy", .string),
                4: F("suspend", .bool, keepZero: true),
                5: F("jobTemplate", .message(ProtobufMessage([
                    1: F("metadata", .message(objectMeta)), 2: F("spec", .message(jobSpec)),
                ])), keepZero: true),
                6: F("successfulJobsHistoryLimit", .int, keepZero: true),
                7: F("failedJobsHistoryLimit", .int, keepZero: true), 8: F("timeZone", .string),
            ]))),
        ]),
        "PriorityClass": ProtobufMessage([
            1: F("metadata", .message(objectMeta)), 2: F("value", .int, keepZero: true), 3: F("globalDefault", .bool),
            4: F("description", .string), 5: F("preemptionPolicy", .string),
        ]),
        "Role": role,
        "ClusterRole": role,
        "RoleBinding": roleBinding,
        "ClusterRoleBinding": roleBinding,
        "SelfSubjectAccessReview": ProtobufMessage([
            1: F("metadata", .message(objectMeta)),
            2: F("spec", .message(ProtobufMessage([
                1: F("resourceAttributes", .message(resourceAttributes)),
                2: F("nonResourceAttributes", .message(ProtobufMessage([1: F("path", .string), 2: F("verb", .string)]))),
            ])), keepZero: true),
        ]),
        "SelfSubjectRulesReview": ProtobufMessage([
            1: F("metadata", .message(objectMeta)),
            2: F("spec", .message(ProtobufMessage([1: F("namespace", .string)])), keepZero: true),
        ]),
        "SelfSubjectReview": ProtobufMessage([1: F("metadata", .message(objectMeta))]),
        "TokenRequest": ProtobufMessage([
            1: F("metadata", .message(objectMeta)),
            2: F("spec", .message(ProtobufMessage([
                1: F("audiences", .string, repeated: true), 4: F("expirationSeconds", .int),
            ])), keepZero: true),
        ]),
    ]
}
