import KgitSchema
import Testing

@Suite struct DiagnosticCodeTests {
    @Test func everyCodeHasASummaryAndAnExplanation() {
        for code in DiagnosticCode.allCases {
            #expect(code.summary.hasSuffix("."), "\(code.rawValue)")
            #expect(code.explanation.count > 60, "\(code.rawValue)")
        }
        #expect(Set(DiagnosticCode.allCases.map(\.rawValue)).count == DiagnosticCode.allCases.count)
    }

    /// One input per code that must produce it: together they prove every documented code is reachable.
    static let producers: [DiagnosticCode: String] = {
        let meta = "metadata: {name: a}"
        let crd = """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: wrong.example.com}
            spec:
              group: example.com
              scope: Namespaced
              names: {kind: Widget, plural: widgets}
              versions:
                - name: v1
                  served: true
                  storage: true
                  schema:
                    openAPIV3Schema:
                      type: object
                      properties:
                        spec:
                          type: object
                          minProperties: 1
                          maxProperties: 2
                          properties:
                            size: {type: string, maxLength: 3}
                            count: {type: integer, maximum: 3, multipleOf: 2}
                            low: {type: integer, minimum: 1}
                            items: {type: array, minItems: 1, items: {type: string}}
                            any: {anyOf: [{type: string}, {type: integer}]}
                            notNull: {not: {type: string, enum: [forbidden]}}
            """
        return [
            .yamlSyntax: "a: [",
            .yamlDuplicateKey: "a: 1\na: 2\n",
            .yamlUnknownAnchor: "a: *nothing\n",
            .yamlAliasLimit: "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n",
            .yamlDepthLimit: String(repeating: "[", count: 300) + String(repeating: "]", count: 300),
            .yamlBadMerge: "a:\n  <<: 3\n",
            .yamlTagMismatch: "a: !!int abc\n",
            .notAnObject: "just text",
            .missingAPIVersion: "kind: ConfigMap\n\(meta)",
            .missingKind: "apiVersion: v1\n\(meta)",
            .unknownKind: "apiVersion: v1\nkind: Widget\n\(meta)",
            .unknownField: "apiVersion: v1\nkind: ConfigMap\n\(meta)\ndatta: {}",
            .typeMismatch: "apiVersion: v1\nkind: ConfigMap\n\(meta)\ndata: []",
            .quoteYAML11: "apiVersion: v1\nkind: ConfigMap\n\(meta)\ndata: {a: on}",
            .required: "apiVersion: v1\nkind: Service\n\(meta)\nspec: {ports: [{name: a}]}",
            .enumValue: "apiVersion: v1\nkind: Service\n\(meta)\nspec: {type: Public, ports: [{port: 80}]}",
            .pattern: "",
            .minLength: "",
            .maxLength: crd + "\n---\napiVersion: example.com/v1\nkind: Widget\n\(meta)\nspec: {size: large}",
            .minimum: crd + "\n---\napiVersion: example.com/v1\nkind: Widget\n\(meta)\nspec: {low: 0}",
            .maximum: crd + "\n---\napiVersion: example.com/v1\nkind: Widget\n\(meta)\nspec: {count: 4}",
            .multipleOf: crd + "\n---\napiVersion: example.com/v1\nkind: Widget\n\(meta)\nspec: {count: 1}",
            .outOfRange: "apiVersion: apps/v1\nkind: Deployment\n\(meta)\nspec: {replicas: 9999999999, selector: {matchLabels: {a: b}}, template: {metadata: {labels: {a: b}}, spec: {containers: [{name: a, image: b}]}}}",
            .minItems: crd + "\n---\napiVersion: example.com/v1\nkind: Widget\n\(meta)\nspec: {items: []}",
            .maxItems: "",
            .minProperties: crd + "\n---\napiVersion: example.com/v1\nkind: Widget\n\(meta)\nspec: {}",
            .maxProperties: crd + "\n---\napiVersion: example.com/v1\nkind: Widget\n\(meta)\nspec: {size: a, count: 2, items: [a]}",
            .duplicateKeyInList: "apiVersion: v1\nkind: Pod\n\(meta)\nspec: {containers: [{name: a, image: b}, {name: a, image: b}]}",
            .duplicateItem: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, finalizers: [x, x]}",
            .invalidFormat: "apiVersion: v1\nkind: Secret\n\(meta)\ndata: {a: \"not base64!\"}",
            .oneOf: "",
            .anyOf: crd + "\n---\napiVersion: example.com/v1\nkind: Widget\n\(meta)\nspec: {any: [1]}",
            .not: crd + "\n---\napiVersion: example.com/v1\nkind: Widget\n\(meta)\nspec: {notNull: forbidden}",
            .embeddedResource: "",
            .invalidName: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: A}",
            .invalidLabel: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, labels: {a: -b}}",
            .invalidAnnotation: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, annotations: {\"a b\": c}}",
            .invalidQuantity: "apiVersion: v1\nkind: ResourceQuota\n\(meta)\nspec: {hard: {cpu: 1x}}",
            .portRange: "apiVersion: v1\nkind: Service\n\(meta)\nspec: {ports: [{port: 0}]}",
            .nodePortRange: "apiVersion: v1\nkind: Service\n\(meta)\nspec: {type: NodePort, ports: [{port: 80, nodePort: 80}]}",
            .invalidPortName: "apiVersion: v1\nkind: Service\n\(meta)\nspec: {ports: [{port: 80, name: A}]}",
            .duplicatePortName: "apiVersion: v1\nkind: Service\n\(meta)\nspec: {ports: [{port: 80, name: a}, {port: 81, name: a}]}",
            .negativeReplicas: "apiVersion: apps/v1\nkind: ReplicaSet\n\(meta)\nspec: {replicas: -1, selector: {matchLabels: {a: b}}, template: {metadata: {labels: {a: b}}, spec: {containers: [{name: a, image: b}]}}}",
            .negativeValue: "apiVersion: v1\nkind: Pod\n\(meta)\nspec: {terminationGracePeriodSeconds: -1, containers: [{name: a, image: b}]}",
            .duplicateContainerName: "apiVersion: v1\nkind: Pod\n\(meta)\nspec: {initContainers: [{name: a, image: b}], containers: [{name: a, image: b}]}",
            .unknownVolume: "apiVersion: v1\nkind: Pod\n\(meta)\nspec: {containers: [{name: a, image: b, volumeMounts: [{name: v, mountPath: /v}]}]}",
            .selectorMismatch: "apiVersion: apps/v1\nkind: Deployment\n\(meta)\nspec: {selector: {matchLabels: {a: b}}, template: {metadata: {labels: {a: c}}, spec: {containers: [{name: a, image: b}]}}}",
            .emptySelector: "apiVersion: apps/v1\nkind: Deployment\n\(meta)\nspec: {selector: {}, template: {metadata: {labels: {a: c}}, spec: {containers: [{name: a, image: b}]}}}",
            .invalidSelector: "apiVersion: policy/v1\nkind: PodDisruptionBudget\n\(meta)\nspec: {selector: {matchExpressions: [{key: a, operator: In}]}}",
            .invalidEnvName: "apiVersion: v1\nkind: Pod\n\(meta)\nspec: {containers: [{name: a, image: b, env: [{name: \"A=B\"}]}]}",
            .serviceType: "apiVersion: v1\nkind: Service\n\(meta)\nspec: {type: ExternalName}",
            .invalidSchedule: "apiVersion: batch/v1\nkind: CronJob\n\(meta)\nspec: {schedule: daily, jobTemplate: {spec: {template: {spec: {restartPolicy: Never, containers: [{name: a, image: b}]}}}}}",
            .restartPolicy: "apiVersion: batch/v1\nkind: Job\n\(meta)\nspec: {template: {spec: {containers: [{name: a, image: b}]}}}",
            .requestsExceedLimits: "apiVersion: v1\nkind: Pod\n\(meta)\nspec: {containers: [{name: a, image: b, resources: {requests: {cpu: 2}, limits: {cpu: 1}}}]}",
            .invalidDataKey: "apiVersion: v1\nkind: ConfigMap\n\(meta)\ndata: {a/b: c}",
            .invalidCRD: crd,
            .duplicateObject: "apiVersion: v1\nkind: ConfigMap\n\(meta)\n---\napiVersion: v1\nkind: ConfigMap\n\(meta)\n",
            .conflictingFields: "apiVersion: policy/v1\nkind: PodDisruptionBudget\n\(meta)\nspec: {minAvailable: 1, maxUnavailable: 1}",
        ].filter { !$0.value.isEmpty }
    }()

    /// Codes only custom resource schemas can produce, proven in CustomResourceDefinitionTests; the CEL
    /// budget in CELEvaluatorTests and the CLI's ValidateCEL, union discriminators in the CLI's KGLTypes.
    static let provenElsewhere: Set<DiagnosticCode> = [
        .pattern, .minLength, .maxItems, .oneOf, .embeddedResource, .yamlSizeLimit, .yamlEncoding, .celRule, .celError,
        .celBudget, .unionDiscriminator,
    ]

    @Test func everyCodeIsProducedByAtLeastOneInput() {
        let covered = Set(Self.producers.keys).union(Self.provenElsewhere)
        #expect(covered == Set(DiagnosticCode.allCases), "\(Set(DiagnosticCode.allCases).subtracting(covered).map(\.rawValue))")
    }

    @Test(arguments: Array(producers.keys).sorted { $0.rawValue < $1.rawValue })
    func theInputProducesItsCode(code: DiagnosticCode) throws {
        let yaml = try #require(Self.producers[code])
        let found = try diagnostics(yaml)
        #expect(found.contains { $0.code == code.rawValue }, "\(found.map { "\($0.code) \($0.path): \($0.message)" })")
    }
}
