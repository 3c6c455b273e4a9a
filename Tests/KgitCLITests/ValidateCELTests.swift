import Foundation
import KgitTesting
import Testing

/// CEL rules through `kgit validate`: a CRD's `x-kubernetes-validations`, and KGL `rule` blocks.
@Suite struct ValidateCEL {
    static let crd = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: backups.shop.example.com}
        spec:
          group: shop.example.com
          names: {kind: Backup, plural: backups, singular: backup, listKind: BackupList}
          scope: Namespaced
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
                    x-kubernetes-validations:
                    - rule: self.minCopies <= self.maxCopies
                      message: minCopies must not exceed maxCopies
                      fieldPath: .minCopies
                    - rule: self.targets.all(t, t.startsWith('s3://'))
                      messageExpression: "'targets must be s3 URLs, found ' + self.targets.filter(t, !t.startsWith('s3://'))[0]"
                    - rule: self.minCopies == oldSelf.minCopies
                    - rule: self.retention.days > 0
                    properties:
                      minCopies: {type: integer}
                      maxCopies: {type: integer}
                      targets: {type: array, items: {type: string}}
                      retention: {type: object, properties: {days: {type: integer}}}
        """

    @Test func aCRDsRulesRunOnItsCustomResourcesWithMessagesFieldPathsAndErrors() async throws {
        let dir = try TemporaryDirectory()
        try dir.write("crd.yaml", Self.crd)
        try dir.write("backups.yaml", """
            apiVersion: shop.example.com/v1
            kind: Backup
            metadata: {name: nightly, namespace: shop}
            spec:
              minCopies: 3
              maxCopies: 2
              targets: [s3://a, gs://b]
            ---
            apiVersion: shop.example.com/v1
            kind: Backup
            metadata: {name: weekly, namespace: shop}
            spec:
              minCopies: 1
              maxCopies: 2
              targets: [s3://a]
              retention: {days: 7}
            """)
        let result = try await KgitBinary.run(["validate", "."], in: dir.url)
        #expect(result.status == 1)
        #expect(
            result.stdout == """
                ./backups.yaml:5:3: error[cel-error]: the rule `self.retention.days > 0` failed: no such key: retention (shop.example.com/v1 Backup shop/nightly, at .spec)
                   5 |   minCopies: 3
                     |   ^
                     = column 6 of the rule
                ./backups.yaml:5:3: error[cel-rule]: targets must be s3 URLs, found gs://b (shop.example.com/v1 Backup shop/nightly, at .spec)
                   5 |   minCopies: 3
                     |   ^
                ./backups.yaml:5:14: error[cel-rule]: minCopies must not exceed maxCopies (shop.example.com/v1 Backup shop/nightly, at .spec.minCopies)
                   5 |   minCopies: 3
                     |              ^

                """)
    }

    @Test func aRuleThatCostsTooMuchIsStoppedAndReported() async throws {
        let dir = try TemporaryDirectory()
        try dir.write("crd.yaml", Self.crd.replacingOccurrences(
            of: "            - rule: self.retention.days > 0",
            with: "            - rule: self.targets.all(a, self.targets.all(b, self.targets.all(c, a.size() + b.size() + c.size() > 0)))"))
        let targets = (0..<120).map { "    - s3://bucket-\($0)" }.joined(separator: "\n")
        try dir.write("backup.yaml", """
            apiVersion: shop.example.com/v1
            kind: Backup
            metadata: {name: weekly, namespace: shop}
            spec:
              minCopies: 1
              maxCopies: 2
              targets:
            \(targets)
            """)
        let result = try await KgitBinary.run(["validate", "-o", "json", "."], in: dir.url)
        #expect(result.status == 1)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let diagnostics = try #require(json["diagnostics"] as? [[String: Any]])
        #expect(diagnostics.map { $0["code"] as? String } == ["cel-budget"])
        #expect((diagnostics.first?["message"] as? String)?.hasSuffix("exceeded its cost budget of 1000000") == true)
        #expect(diagnostics.first?["line"] as? Int == 5)
    }

    @Test func aKGLRuleComparesQuantitiesAndIsReportedAtTheOverlayThatBrokeIt() async throws {
        let dir = try TemporaryDirectory()
        try dir.write("base/web.yaml", """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web, namespace: shop}
            spec:
              replicas: 2
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec:
                  containers:
                  - name: web
                    image: example/web:1
                    resources:
                      requests: {memory: 2Gi}
                      limits: {memory: 4Gi}
            """)
        try dir.write("kgit.kgl", """
            import apps "kgit:k8s@1.33/apps/v1"

            type Web = apps.Deployment {
              spec.template.spec.containers[*]: {
                rule "requests must not exceed limits" at resources.requests.memory when has(self.resources.requests.memory) {
                  self.resources.requests.memory <= self.resources.limits.memory
                }
              }
            }

            bind "base/*.yaml" { apps.Deployment => Web }

            env prod {
              patch apps.Deployment "shop/web" {
                spec.template.spec.containers[name="web"].resources.limits.memory = 1536Mi
              }
            }
            """)
        let base = try await KgitBinary.run(["validate", "."], in: dir.url)
        #expect(base.status == 0, "\(base.stdout)")
        let prod = try await KgitBinary.run(["validate", "--env", "prod", "."], in: dir.url)
        #expect(prod.status == 1)
        #expect(
            prod.stdout.hasPrefix("""
                ./base/web.yaml:14:30: error[cel-rule]: requests must not exceed limits (apps/v1 Deployment shop/web, at .spec.template.spec.containers[name="web"].resources.requests.memory)
                  14 |           requests: {memory: 2Gi}
                     |                              ^^^
                     = rule "requests must not exceed limits" declared at ./kgit.kgl:5:5
                     = layers: base < prod

                """), "\(prod.stdout)")
    }

    @Test func aKGLRuleOutsideTheCELSubsetIsAnErrorInTheKGLFile() async throws {
        let dir = try TemporaryDirectory()
        try dir.write("web.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web}\ndata: {size: '3'}\n")
        try dir.write("kgit.kgl", """
            import core "kgit:k8s@1.33/core/v1"
            type Config = core.ConfigMap {
              rule "small" { int(self.data.size) <= 8Gi }
            }
            bind "*.yaml" { core.ConfigMap => Config }
            """)
        let result = try await KgitBinary.run(["validate", "."], in: dir.url)
        #expect(result.status == 1)
        #expect(
            result.stdout.hasPrefix(
                "./kgit.kgl:3:42: error[kgl-invalid-rule]: the rule is not in kgit's CEL subset: unexpected `Gi` after the end of the expression"),
            "\(result.stdout)")
    }

    @Test func aKGLRuleOnAMapReportsAtTheDocument() async throws {
        let dir = try TemporaryDirectory()
        try dir.write("web.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web}\ndata: {a: c}\n")
        try dir.write("kgit.kgl", """
            import core "kgit:k8s@1.33/core/v1"
            type Config = core.ConfigMap {
              rule "data must be exactly a: b" { has(self.data) && self.data.a == "b" && size(self.data) == 1 }
            }
            bind "*.yaml" { core.ConfigMap => Config }
            """)
        let result = try await KgitBinary.run(["validate", "."], in: dir.url)
        #expect(result.status == 1)
        #expect(result.stdout.hasPrefix("./web.yaml:1:1: error[cel-rule]: data must be exactly a: b (v1 ConfigMap web)"), "\(result.stdout)")
    }
}
