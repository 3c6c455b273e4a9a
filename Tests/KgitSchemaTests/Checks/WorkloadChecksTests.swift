import KgitSchema
import Testing

@Suite struct WorkloadChecksTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var yaml: String
        var codes: [String]
        var path: String? = nil
        var testDescription: String { name }
    }

    static func controller(_ kind: String, replicas: String = "1", selector: String = "{matchLabels: {app: web}}", labels: String = "{app: web}", restartPolicy: String? = nil) -> String {
        """
        apiVersion: apps/v1
        kind: \(kind)
        metadata: {name: web}
        spec:
        \(kind == "DaemonSet" ? "" : "  replicas: \(replicas)")
          selector: \(selector)
          template:
            metadata:
              labels: \(labels)
            spec:
        \(restartPolicy.map { "      restartPolicy: \($0)" } ?? "")
              containers: [{name: web, image: nginx}]
        """
    }

    static func job(restartPolicy: String?, kind: String = "Job", schedule: String = "0 3 * * *") -> String {
        let policy = restartPolicy.map { "restartPolicy: \($0), " } ?? ""
        let template = "template: {spec: {\(policy)containers: [{name: run, image: busybox}]}}"
        if kind == "CronJob" {
            return "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: nightly}\nspec:\n  schedule: \"\(schedule)\"\n  jobTemplate: {spec: {\(template)}}\n"
        }
        return "apiVersion: batch/v1\nkind: Job\nmetadata: {name: once}\nspec: {\(template)}\n"
    }

    static func statefulSet(mount: String) -> String {
        """
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: db}
        spec:
          selector: {matchLabels: {app: db}}
          template:
            metadata: {labels: {app: db}}
            spec:
              containers: [{name: db, image: postgres, volumeMounts: [{name: \(mount), mountPath: /data}]}]
          volumeClaimTemplates:
            - metadata: {name: data}
              spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
        """
    }

    static let cases: [Case] = [
        Case(name: "a valid Deployment", yaml: controller("Deployment"), codes: []),
        Case(name: "negative replicas", yaml: controller("Deployment", replicas: "-1"), codes: ["negative-replicas"], path: ".spec.replicas"),
        Case(name: "a selector that does not match the template", yaml: controller("Deployment", labels: "{app: api}"), codes: ["selector-mismatch"], path: ".spec.selector"),
        Case(name: "a selector key the template lacks", yaml: controller("StatefulSet", selector: "{matchLabels: {app: web, tier: db}}"), codes: ["selector-mismatch"]),
        Case(name: "an empty selector", yaml: controller("ReplicaSet", selector: "{}"), codes: ["empty-selector"]),
        Case(name: "a matching In expression", yaml: controller("Deployment", selector: "{matchExpressions: [{key: app, operator: In, values: [web, api]}]}"), codes: []),
        Case(name: "a failing NotIn expression", yaml: controller("Deployment", selector: "{matchExpressions: [{key: app, operator: NotIn, values: [web]}]}"), codes: ["selector-mismatch"]),
        Case(name: "an In expression without values", yaml: controller("Deployment", selector: "{matchLabels: {app: web}, matchExpressions: [{key: app, operator: In, values: []}]}"), codes: ["invalid-selector"]),
        Case(name: "an Exists expression with values", yaml: controller("Deployment", selector: "{matchLabels: {app: web}, matchExpressions: [{key: app, operator: Exists, values: [x]}]}"), codes: ["invalid-selector"]),
        Case(name: "a DaemonSet restartPolicy other than Always", yaml: controller("DaemonSet", restartPolicy: "OnFailure"), codes: ["restart-policy"], path: ".spec.template.spec.restartPolicy"),
        Case(name: "a Job without restartPolicy", yaml: job(restartPolicy: nil), codes: ["restart-policy"], path: ".spec.template.spec.restartPolicy"),
        Case(name: "a Job with restartPolicy Always", yaml: job(restartPolicy: "Always"), codes: ["restart-policy"]),
        Case(name: "a Job with restartPolicy Never", yaml: job(restartPolicy: "Never"), codes: []),
        Case(name: "a CronJob whose job template restarts Always", yaml: job(restartPolicy: "Always", kind: "CronJob"), codes: ["restart-policy"],
             path: ".spec.jobTemplate.spec.template.spec.restartPolicy"),
        Case(name: "a valid CronJob", yaml: job(restartPolicy: "OnFailure", kind: "CronJob"), codes: []),
        Case(name: "a CronJob with six schedule fields",
             yaml: job(restartPolicy: "OnFailure", kind: "CronJob", schedule: "0 0 3 * * *"),
             codes: ["invalid-schedule"], path: ".spec.schedule"),
        Case(name: "a StatefulSet mount of a claim template", yaml: statefulSet(mount: "data"), codes: []),
        Case(name: "a StatefulSet mount of nothing", yaml: statefulSet(mount: "dat"), codes: ["unknown-volume"],
             path: ".spec.template.spec.containers[name=\"db\"].volumeMounts[mountPath=\"/data\"].name"),
        Case(name: "an HPA whose maximum is below its minimum", yaml: """
            apiVersion: autoscaling/v2
            kind: HorizontalPodAutoscaler
            metadata: {name: web}
            spec:
              scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
              minReplicas: 3
              maxReplicas: 2
            """, codes: ["negative-replicas"], path: ".spec.maxReplicas"),
    ]

    @Test(arguments: cases)
    func workloadRules(_ test: Case) throws {
        let found = try diagnostics(test.yaml)
        #expect(codes(found) == test.codes, "\(found.map { "\($0.code) \($0.path): \($0.message)" })")
        if let path = test.path { #expect(found.first?.path == path) }
    }

    /// Past the few labels the check searches in order (`NameTable.linearLimit`), the template's labels are
    /// filed in a dictionary: the same answers, last label of a name winning.
    @Test(arguments: [
        ("{matchLabels: {l39: v39, l0: v0}}", [String]()),
        ("{matchLabels: {l39: other}}", ["selector-mismatch"]),
        ("{matchLabels: {l40: v40}}", ["selector-mismatch"]),
        ("{matchExpressions: [{key: l25, operator: In, values: [v25]}]}", []),
        ("{matchExpressions: [{key: l41, operator: Exists}]}", ["selector-mismatch"]),
    ])
    func aSelectorAgainstManyTemplateLabels(selector: String, expected: [String]) throws {
        let labels = "{" + (0..<40).map { "l\($0): v\($0)" }.joined(separator: ", ") + "}"
        let found = try diagnostics(Self.controller("Deployment", selector: selector, labels: labels))
        #expect(codes(found) == expected, "\(found.map { "\($0.code) \($0.path): \($0.message)" })")
        if selector.contains("other") {
            #expect(found.first?.message.contains("the template has `l39: v39`") == true, "\(found.map(\.message))")
        }
    }

    @Test func aSelectorMismatchPointsAtTheTemplateLabels() throws {
        let found = try diagnostics(Self.controller("Deployment", labels: "{app: api}"))
        #expect(found.map(\.notes) == [["the template labels are at line 9"]])
    }

    @Test(arguments: [("30", ["negative-value"]), ("31", [])])
    func aProgressDeadlineMustExceedMinReadySeconds(deadline: String, expected: [String]) throws {
        let yaml = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            spec:
              minReadySeconds: 30
              progressDeadlineSeconds: \(deadline)
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec: {containers: [{name: web, image: nginx}]}
            """
        let found = try diagnostics(yaml)
        #expect(codes(found) == expected)
        if !expected.isEmpty { #expect(found.first?.path == ".spec.progressDeadlineSeconds") }
    }
}
