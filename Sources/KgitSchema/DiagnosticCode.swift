/// Every stable code `kgit validate` reports, with the explanation `kgit explain CODE` prints.
///
/// Codes are part of kgit's interface: scripts filter on them, so a code is never renamed or reused.
public enum DiagnosticCode: String, Sendable, CaseIterable, Hashable {
    // MARK: YAML (reported by KgitYAML, explained here)
    case yamlSyntax = "yaml-syntax"
    case yamlDuplicateKey = "yaml-duplicate-key"
    case yamlUnknownAnchor = "yaml-unknown-anchor"
    case yamlAliasLimit = "yaml-alias-limit"
    case yamlDepthLimit = "yaml-depth-limit"
    case yamlSizeLimit = "yaml-size-limit"
    case yamlBadMerge = "yaml-bad-merge"
    case yamlEncoding = "yaml-encoding"
    case yamlTagMismatch = "yaml-tag-mismatch"

    // MARK: Documents and kinds
    case notAnObject = "not-an-object"
    case missingAPIVersion = "missing-api-version"
    case missingKind = "missing-kind"
    case unknownKind = "unknown-kind"

    // MARK: Structure
    case unknownField = "unknown-field"
    case typeMismatch = "type-mismatch"
    case quoteYAML11 = "quote-yaml11"
    case required = "required"
    case enumValue = "enum"
    case pattern = "pattern"
    case minLength = "min-length"
    case maxLength = "max-length"
    case minimum = "minimum"
    case maximum = "maximum"
    case multipleOf = "multiple-of"
    case outOfRange = "out-of-range"
    case minItems = "min-items"
    case maxItems = "max-items"
    case minProperties = "min-properties"
    case maxProperties = "max-properties"
    case duplicateKeyInList = "duplicate-key-in-list"
    case duplicateItem = "duplicate-item"
    case invalidFormat = "invalid-format"
    case oneOf = "one-of"
    case anyOf = "any-of"
    case not = "not"
    case embeddedResource = "embedded-resource"

    // MARK: Rules the API server enforces in code
    case invalidName = "invalid-name"
    case invalidLabel = "invalid-label"
    case invalidAnnotation = "invalid-annotation"
    case invalidQuantity = "invalid-quantity"
    case portRange = "port-range"
    case nodePortRange = "node-port-range"
    case invalidPortName = "invalid-port-name"
    case duplicatePortName = "duplicate-port-name"
    case negativeReplicas = "negative-replicas"
    case negativeValue = "negative-value"
    case duplicateContainerName = "duplicate-container-name"
    case invalidDataKey = "invalid-data-key"
    case unknownVolume = "unknown-volume"
    case selectorMismatch = "selector-mismatch"
    case emptySelector = "empty-selector"
    case invalidSelector = "invalid-selector"
    case invalidEnvName = "invalid-env-name"
    case serviceType = "service-type"
    case invalidSchedule = "invalid-schedule"
    case restartPolicy = "restart-policy"
    case requestsExceedLimits = "requests-exceed-limits"
    case invalidCRD = "invalid-crd"
    case conflictingFields = "conflicting-fields"
    case duplicateObject = "duplicate-object"

    // MARK: CEL rules and KGL constraints
    case celRule = "cel-rule"
    case celError = "cel-error"
    case celBudget = "cel-budget"
    case unionDiscriminator = "union-discriminator"

    /// A one-line summary.
    public var summary: String {
        switch self {
        case .yamlSyntax: return "The file is not well-formed YAML."
        case .yamlDuplicateKey: return "A mapping has the same key twice."
        case .yamlUnknownAnchor: return "An alias names an anchor that is not defined."
        case .yamlAliasLimit: return "Alias expansion would create too many nodes."
        case .yamlDepthLimit: return "Collections are nested too deeply."
        case .yamlSizeLimit: return "The input is too large."
        case .yamlBadMerge: return "A `<<` merge key's value is not a mapping or a list of mappings."
        case .yamlEncoding: return "The input is not valid UTF-8."
        case .yamlTagMismatch: return "A scalar does not fit the type its explicit tag names."
        case .notAnObject: return "A document is not a mapping."
        case .missingAPIVersion: return "A document has no `apiVersion`."
        case .missingKind: return "A document has no `kind`."
        case .unknownKind: return "No schema is known for the document's apiVersion and kind."
        case .unknownField: return "A field is not part of the schema."
        case .typeMismatch: return "A value has the wrong type."
        case .quoteYAML11: return "A plain scalar was read as a boolean, number or null where a string is expected."
        case .required: return "A required field is missing."
        case .enumValue: return "A value is not one of the allowed values."
        case .pattern: return "A string does not match the required pattern."
        case .minLength: return "A string is shorter than allowed."
        case .maxLength: return "A string is longer than allowed."
        case .minimum: return "A number is smaller than allowed."
        case .maximum: return "A number is larger than allowed."
        case .multipleOf: return "A number is not a multiple of the required step."
        case .outOfRange: return "An integer does not fit its format (int32)."
        case .minItems: return "A list has fewer elements than allowed."
        case .maxItems: return "A list has more elements than allowed."
        case .minProperties: return "An object has fewer fields than allowed."
        case .maxProperties: return "An object has more fields than allowed."
        case .duplicateKeyInList: return "Two elements of a keyed list have the same key."
        case .duplicateItem: return "A list that must hold distinct values holds one twice."
        case .invalidFormat: return "A string does not have the declared format."
        case .oneOf: return "A value does not match exactly one of the allowed alternatives."
        case .anyOf: return "A value matches none of the allowed alternatives."
        case .not: return "A value matches a schema it must not match."
        case .embeddedResource: return "An embedded object lacks `apiVersion` or `kind`."
        case .invalidName: return "An object name does not have the required syntax."
        case .invalidLabel: return "A label key or value does not have the required syntax."
        case .invalidAnnotation: return "An annotation key is malformed, or the annotations are too large."
        case .invalidQuantity: return "A resource quantity is malformed."
        case .portRange: return "A port number is outside 1-65535."
        case .nodePortRange: return "A nodePort is outside the default node port range 30000-32767."
        case .invalidPortName: return "A port name does not have the required syntax."
        case .duplicatePortName: return "Two ports have the same name."
        case .negativeReplicas: return "`replicas` is negative."
        case .negativeValue: return "A count or duration that must not be negative is negative."
        case .duplicateContainerName: return "Two containers of a pod have the same name."
        case .invalidDataKey: return "A ConfigMap or Secret key is malformed or used twice."
        case .unknownVolume: return "A volume mount names a volume the pod does not declare."
        case .selectorMismatch: return "A workload's selector does not match its pod template's labels."
        case .emptySelector: return "A workload's selector selects nothing or everything."
        case .invalidSelector: return "A label selector requirement is malformed."
        case .invalidEnvName: return "An environment variable name has an invalid syntax."
        case .serviceType: return "A Service's fields do not agree with its type."
        case .invalidSchedule: return "A CronJob schedule is not a valid cron expression."
        case .restartPolicy: return "A pod template's restartPolicy is not allowed for its kind."
        case .requestsExceedLimits: return "A container requests more of a resource than its limit."
        case .invalidCRD: return "A CustomResourceDefinition cannot be used to validate its custom resources."
        case .conflictingFields: return "Fields that exclude each other are set together."
        case .duplicateObject: return "Two documents define the same object."
        case .celRule: return "A CEL validation rule does not hold."
        case .celError: return "A CEL validation rule could not be evaluated."
        case .celBudget: return "A CEL validation rule exceeded its cost budget."
        case .unionDiscriminator: return "A union's discriminator is missing or names no branch."
        }
    }

    /// The paragraph `kgit explain CODE` prints: what the rule is, why it exists, how to fix it.
    public var explanation: String {
        switch self {
        case .yamlSyntax:
            return "The YAML parser could not read the file: an indentation error, a missing colon, an unclosed quote or bracket, a tab used for indentation. The position is where the parser noticed the problem, which can be just after the real mistake. Nothing else in the file is checked until it parses."
        case .yamlDuplicateKey:
            return "A mapping has the same key twice. YAML forbids it, and Kubernetes tools disagree on which value wins (kubectl keeps the last one, some tools the first). Remove one of them, or merge their contents."
        case .yamlUnknownAnchor:
            return "An alias `*name` refers to an anchor `&name` that is not defined earlier in the same document. Anchors do not cross `---` document boundaries. Define the anchor before the alias, or copy the value."
        case .yamlAliasLimit:
            return "Expanding aliases would create more nodes than allowed. Nested aliases can grow exponentially (the \"billion laughs\" attack), so kgit caps the expansion. Use fewer nested aliases."
        case .yamlDepthLimit:
            return "Mappings and sequences are nested deeper than kgit accepts. Real manifests never come close; the limit protects against hostile input."
        case .yamlSizeLimit:
            return "The input is larger than kgit accepts for one file. Split it into several files."
        case .yamlBadMerge:
            return "The value of a `<<` merge key must be a mapping (usually an alias to one) or a list of mappings. Fix the merged value."
        case .yamlEncoding:
            return "The file is not valid UTF-8 text. Kubernetes manifests must be UTF-8; re-save the file with that encoding."
        case .yamlTagMismatch:
            return "An explicit tag such as `!!int` or `!!bool` names a type the scalar is not written as (`!!int abc`). Remove the tag, or write the value in the tagged type's form."
        case .notAnObject:
            return "Every document of a manifest must be a mapping with `apiVersion`, `kind` and `metadata`. This document is a list or a scalar. A stray `-` at the start of a document, or a file of plain text, causes this."
        case .missingAPIVersion:
            return "A Kubernetes object must say which API it belongs to with `apiVersion`, such as `v1` or `apps/v1`. Without it the object's schema cannot be chosen, so nothing else in it is checked."
        case .missingKind:
            return "A Kubernetes object must say what it is with `kind`, such as `Deployment` or `ConfigMap`. Without it the object's schema cannot be chosen, so nothing else in it is checked."
        case .unknownKind:
            return "No schema is known for this apiVersion and kind in the target Kubernetes version: a typo in `kind`, an API version that was removed (`extensions/v1beta1`), or a custom resource whose CustomResourceDefinition is not among the files being validated. Fix the kind or apiVersion, pass the CRD with `--schema`, or skip the kind with `--skip-kind`."
        case .unknownField:
            return "The field is not part of the object's schema. The API server rejects such fields with strict field validation (the default of `kubectl apply` since 1.27), and older clients silently drop them, so a typo such as `replica` for `replicas` would be lost. Check the spelling and the indentation (a field indented under the wrong parent is unknown there). Pass `--allow-unknown-fields` to accept them."
        case .typeMismatch:
            return "The value has the wrong type: a string where a number is expected, a list where an object is expected. YAML decides a plain scalar's type from how it looks, so `replicas: \"3\"` is a string and `version: 1.0` is a number. Quote values meant as strings; remove quotes from values meant as numbers or booleans."
        case .quoteYAML11:
            return "Kubernetes reads YAML with YAML 1.1 rules, where plain `yes`, `no`, `on`, `off`, `y`, `n` are booleans, `0755` is an octal number and `1:30` is a sexagesimal number. Where a string is expected (a label value, an environment variable value, a ConfigMap entry) such a value is rejected. Quote it: `\"yes\"`."
        case .required:
            return "The field must be present: the API server rejects the object without it. Add the field; the message names it and the object that lacks it."
        case .enumValue:
            return "The field accepts only a fixed set of values, which are case-sensitive (`Always`, not `always`). The message lists them and suggests the closest one."
        case .pattern:
            return "The string must match the regular expression the schema declares (JSON Schema semantics: the pattern may match anywhere unless it is anchored with ^ and $). The message shows the pattern; CRD authors use patterns for things like versions, durations and host names."
        case .minLength:
            return "The string is shorter than the schema's minLength allows, counted in characters. An empty string where a value is required is the usual cause."
        case .maxLength:
            return "The string is longer than the schema's maxLength allows, counted in characters. Shorten the value; names used as label values or DNS names have tight limits."
        case .minimum:
            return "The number is smaller than the schema's minimum (or equal to it when the minimum is exclusive). The message shows the bound."
        case .maximum:
            return "The number is larger than the schema's maximum (or equal to it when the maximum is exclusive). The message shows the bound."
        case .multipleOf:
            return "The number must be a whole multiple of the schema's multipleOf value, such as a size in whole megabytes or a port step."
        case .outOfRange:
            return "The field is a 32-bit integer (format int32), and the value does not fit in -2147483648...2147483647. The API server cannot store it; use a smaller value."
        case .minItems:
            return "The list has fewer elements than the schema's minItems requires; an empty list where at least one entry is needed is the usual cause."
        case .maxItems:
            return "The list has more elements than the schema's maxItems allows. Remove elements, or split the object in two."
        case .minProperties:
            return "The object has fewer fields than the schema's minProperties requires; usually an empty object `{}` where at least one setting is needed."
        case .maxProperties:
            return "The object has more fields than the schema's maxProperties allows. Remove fields; some schemas allow only one of several settings."
        case .duplicateKeyInList:
            return "The list is a map keyed by some fields of its elements (`name` for containers, `containerPort` and `protocol` for ports, `mountPath` for volume mounts): two elements have the same key, so one would silently replace the other when the object is applied or patched. Rename or merge them."
        case .duplicateItem:
            return "The list is a set (x-kubernetes-list-type: set, or uniqueItems): each value may appear only once, and server-side apply would merge the duplicates. Remove the duplicate."
        case .invalidFormat:
            return "The string must have the declared format: `date-time` is an RFC 3339 timestamp such as `2024-05-01T12:00:00Z`; `byte` is base64 text."
        case .oneOf:
            return "The schema lists alternatives, and the value must match exactly one of them; it matches none, or more than one."
        case .anyOf:
            return "The schema lists alternatives (anyOf), and the value matches none of them. Check the schema's description for the accepted forms."
        case .not:
            return "The schema says which values are not allowed (not), and this value is one of them. Check the schema's description for what is forbidden."
        case .embeddedResource:
            return "The field holds a whole Kubernetes object (x-kubernetes-embedded-resource), which must have `apiVersion` and `kind` like any top-level object. Add them to the embedded object."
        case .invalidName:
            return "Object names must be valid DNS names: most kinds need a DNS-1123 subdomain (at most 253 lowercase letters, digits, `-` and `.`, starting and ending with a letter or digit); Namespaces need a DNS-1123 label (at most 63 characters, no dots); Services need a DNS-1035 label (also starting with a letter); RBAC names may be anything without `/` or `%`. Uppercase letters and underscores are the usual mistakes."
        case .invalidLabel:
            return "Label keys are an optional prefix (a DNS subdomain of at most 253 characters) and `/`, then a name of at most 63 characters: letters, digits, `-`, `_`, `.`, starting and ending with a letter or digit. Label values follow the same rule as names and may be empty. A version number such as `1.0` must be quoted to be a string."
        case .invalidAnnotation:
            return "Annotation keys follow the label-key syntax (optional DNS prefix, `/`, a name of at most 63 characters), and all annotations of an object together may not exceed 256 KiB."
        case .invalidQuantity:
            return "A resource quantity is a number with an optional suffix: a binary SI suffix (`Ki`, `Mi`, `Gi`, `Ti`, `Pi`, `Ei`), a decimal SI suffix (`n`, `u`, `m`, `k`, `M`, `G`, `T`, `P`, `E`), or a decimal exponent (`1e3`, `2E-2`). `1x`, `1gb`, `1 Gi` and `1.5.2` are not quantities; note that `m` means milli and `M` mega."
        case .portRange:
            return "Port numbers must be between 1 and 65535 (containerPort, hostPort, Service port and targetPort)."
        case .nodePortRange:
            return "A Service nodePort must be in the API server's node port range, 30000-32767 by default. Clusters can change the range with --service-node-port-range, so this is a warning. Leave nodePort out to have one assigned."
        case .invalidPortName:
            return "Port names (container ports, and what a Service targetPort refers to) must be IANA service names: at most 15 lowercase letters, digits and `-`, with at least one letter, not starting or ending with `-` and without `--`. Service port names must be DNS-1123 labels."
        case .duplicatePortName:
            return "Two ports of the same container, or of the same Service, have the same name, so a name cannot tell them apart. Port names must be unique."
        case .negativeReplicas:
            return "`replicas` must be zero or more (and an autoscaler's minReplicas at least 1, with maxReplicas no smaller than minReplicas). Use 0 to scale a workload down without deleting it."
        case .negativeValue:
            return "The field is a count or a duration and must be zero or more (minReadySeconds, revisionHistoryLimit, terminationGracePeriodSeconds, probe timings...)."
        case .duplicateContainerName:
            return "Container names must be unique across a pod's `containers`, `initContainers` and `ephemeralContainers`."
        case .invalidDataKey:
            return "ConfigMap and Secret keys become file names when mounted, so they must consist of letters, digits, `-`, `_` and `.` (at most 253 characters, not `.` or `..`), and a ConfigMap key may not be in both `data` and `binaryData`."
        case .unknownVolume:
            return "A container's volumeMount (or volumeDevice) names a volume that is not in the pod's `volumes`. Add the volume, or fix the name."
        case .selectorMismatch:
            return "A Deployment, ReplicaSet, StatefulSet, DaemonSet or Job's `selector` must match the labels of its pod template (`spec.template.metadata.labels`), or the controller would create pods it does not own. Make every `matchLabels` entry and `matchExpressions` requirement true for the template labels."
        case .emptySelector:
            return "The workload's selector is empty: it would select every pod (or none), which the API server rejects. Add `matchLabels` that match the template labels."
        case .invalidSelector:
            return "A label selector requirement is malformed: `In` and `NotIn` need a non-empty `values`, `Exists` and `DoesNotExist` take no `values`, and keys must be valid label keys."
        case .invalidEnvName:
            return "Environment variable names must consist of letters, digits, `_`, `-` and `.`, and must not start with a digit."
        case .serviceType:
            return "A Service's fields must agree with its type: `ExternalName` needs `externalName`; `nodePort` is only allowed for NodePort and LoadBalancer; `clusterIP: None` (headless) is not allowed with NodePort or LoadBalancer; other types need at least one port."
        case .invalidSchedule:
            return "A CronJob `schedule` is a standard cron expression of five fields (minute, hour, day of month, month, day of week), with `*`, ranges `1-5`, lists `1,3`, steps `*/15`, and month and day names; or a macro such as `@hourly`, `@daily`, `@weekly`, `@monthly`, `@yearly`. Set the time zone with `timeZone`, not with `TZ=` in the schedule."
        case .restartPolicy:
            return "Controllers restrict a pod template's restartPolicy: Deployments, ReplicaSets, StatefulSets and DaemonSets allow only `Always`; Jobs and CronJobs allow only `OnFailure` or `Never`."
        case .requestsExceedLimits:
            return "A container's resource request must not exceed its limit for the same resource. Raise the limit or lower the request."
        case .conflictingFields:
            return "Some fields exclude each other: a probe or lifecycle hook has exactly one handler (`exec`, `httpGet`, `tcpSocket`, `grpc` or `sleep`), a volume exactly one source (`configMap`, `secret`, `emptyDir`...), an environment variable either `value` or `valueFrom`, a PodDisruptionBudget either `minAvailable` or `maxUnavailable`, an Ingress backend port either `name` or `number`, and a Recreate Deployment strategy no `rollingUpdate`. Keep one of them."
        case .duplicateObject:
            return "Two documents of the run have the same API group, kind, namespace and name, so they are one object in the cluster and the one applied last silently replaces the other. This is a warning because a kustomize base and its overlay may legitimately both be validated; otherwise rename or remove one of them."
        case .celRule:
            return "A rule written in CEL (a CRD's `x-kubernetes-validations`, or a KGL `rule` block) evaluated to false for this value. The message is the rule's own (`message`, or `messageExpression` when it evaluates to a string), else `failed rule: <rule>`. The API server evaluates the same rules and would reject the object. Rules that use `oldSelf` (transition rules) compare with the object in the cluster and are not evaluated offline."
        case .celError:
            return "A CEL rule stopped with an error instead of a bool: a field it reads is absent (guard it with `has(self.field)`), a value has an unexpected type, an index is out of range, a division by zero or an integer overflow happened, or the rule is not in the CEL subset kgit reads. The API server reports such errors as invalid values too. The note gives the column in the rule."
        case .celBudget:
            return "Evaluating a CEL rule cost more than its budget (1,000,000 steps, the API server's per-call limit): each node visited, each element a macro visits and each character a string function reads counts. Nested macros over large lists multiply; bound the lists with maxItems or restructure the rule."
        case .unionDiscriminator:
            return "A KGL union of structs is discriminated by a field whose literal value picks the branch (`type: \"s3\"`). The value lacks that field, or its value names no branch; the message lists the branches. Errors inside the chosen branch are reported against that branch only."
        case .invalidCRD:
            return "The CustomResourceDefinition cannot be used: its name is not `<plural>.<group>`, no version is served, or its schema cannot be compiled. Custom resources of its kinds are reported as unknown."
        }
    }
}
