import Foundation
import KgitTesting
import Testing

/// Quantity bounds, discriminated unions and defaults, from the user's side: a KGL file and YAML on
/// disk, `kgit validate` and `kgit render` run, exact diagnostics and output checked.
@Suite struct KGLTypes {
    static func deployment(memory: String = "4Gi", strategy: String = "", replicas: String = "") -> String {
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: shop}
        spec:
        \(replicas)  selector: {matchLabels: {app: web}}
        \(strategy)  template:
            metadata: {labels: {app: web}}
            spec:
              containers:
              - name: web
                image: example/web:1
                resources:
                  limits: {memory: \(memory), cpu: 500m}
        """
    }

    static func repository(_ kgl: String, _ yaml: String) throws -> TemporaryDirectory {
        let dir = try TemporaryDirectory()
        try dir.write("kgit.kgl", "import apps \"kgit:k8s@1.33/apps/v1\"\n\n" + kgl + "\n\nbind \"base/*.yaml\" { apps.Deployment => Web }\n")
        try dir.write("base/web.yaml", yaml)
        return dir
    }

    static let bounded = """
        type Mem = Quantity & <=8Gi
        type Web = apps.Deployment {
          spec.template.spec.containers[*].resources.limits: {
            memory: Mem
            cpu: Quantity & 100m..2
          }
        }
        """

    @Test func quantityBoundsCompareByValueAcrossSuffixes() async throws {
        let ok = try Self.repository(Self.bounded, Self.deployment(memory: "8192Mi"))
        let fine = try await KgitBinary.run(["validate", "."], in: ok.url)
        #expect(fine.status == 0, "\(fine.stdout)")

        let dir = try Self.repository(Self.bounded, Self.deployment(memory: "9Gi").replacingOccurrences(of: "500m", with: "50m"))
        let result = try await KgitBinary.run(["validate", "."], in: dir.url)
        #expect(result.status == 1)
        #expect(
            result.stdout == """
                ./base/web.yaml:13:28: error[maximum]: 9Gi is greater than the maximum 8Gi (apps/v1 Deployment shop/web, at .spec.template.spec.containers[name="web"].resources.limits.memory)
                  13 |           limits: {memory: 9Gi, cpu: 50m}
                     |                            ^^^
                     = constraint declared at ./kgit.kgl:6:5 (memory: Mem with type Mem = Quantity & <=8Gi)
                     = checked as Web, bound to base/*.yaml
                ./base/web.yaml:13:38: error[minimum]: 50m is less than the minimum 100m (apps/v1 Deployment shop/web, at .spec.template.spec.containers[name="web"].resources.limits.cpu)
                  13 |           limits: {memory: 9Gi, cpu: 50m}
                     |                                      ^^^
                     = constraint declared at ./kgit.kgl:7:5 (cpu: Quantity & 100m..2)
                     = checked as Web, bound to base/*.yaml

                """)
    }

    @Test func aBoundThatIsNotAQuantityIsAnErrorInTheKGLFile() async throws {
        let dir = try Self.repository("type Web = apps.Deployment {}\ntype Mem = Quantity & <=big", Self.deployment())
        let result = try await KgitBinary.run(["validate", "."], in: dir.url)
        #expect(result.status == 1)
        #expect(result.stdout.contains("./kgit.kgl:"), "\(result.stdout)")
    }

    static let strategies = """
        type Recreate = { type: "Recreate" }
        type Rolling = { type: "RollingUpdate", rollingUpdate: { maxSurge: IntOrString, maxUnavailable?: IntOrString } }
        type Web = apps.Deployment {
          spec.strategy?: Recreate | Rolling
        }
        """

    @Test func theDiscriminatorPicksTheBranchAndErrorsNameIt() async throws {
        let rolling = "  strategy: {type: RollingUpdate, rollingUpdate: {maxUnavailable: 1}}\n"
        let dir = try Self.repository(Self.strategies, Self.deployment(strategy: rolling))
        let result = try await KgitBinary.run(["validate", "."], in: dir.url)
        #expect(result.status == 1)
        #expect(
            result.stdout.hasPrefix("""
                ./base/web.yaml:6:50: error[required]: missing required field `maxSurge` (in the union's branch type: "RollingUpdate") (apps/v1 Deployment shop/web, at .spec.strategy.rollingUpdate.maxSurge)
                """), "\(result.stdout)")
        // Only the chosen branch is checked: Recreate's fields are not mentioned.
        #expect(!result.stdout.contains("Recreate"))

        let recreate = try Self.repository(Self.strategies, Self.deployment(strategy: "  strategy: {type: Recreate}\n"))
        let fine = try await KgitBinary.run(["validate", "."], in: recreate.url)
        #expect(fine.status == 0, "\(fine.stdout)")
    }

    @Test func aMissingDiscriminatorListsTheBranches() async throws {
        let dir = try Self.repository(Self.strategies, Self.deployment(strategy: "  strategy: {rollingUpdate: {maxSurge: 1}}\n"))
        let result = try await KgitBinary.run(["validate", "."], in: dir.url)
        #expect(result.status == 1)
        #expect(
            result.stdout.hasPrefix("""
                ./base/web.yaml:6:13: error[union-discriminator]: missing `type`, which picks the branch of the union: expected one of "Recreate", "RollingUpdate" (apps/v1 Deployment shop/web, at .spec.strategy.type)
                """), "\(result.stdout)")
    }

    @Test func aUnionOfStructsWithoutADiscriminatorIsRejected() async throws {
        let dir = try Self.repository(
            "type A = { a: int }\ntype B = { b: string }\ntype Web = apps.Deployment { spec.strategy?: A | B }", Self.deployment())
        let result = try await KgitBinary.run(["validate", "."], in: dir.url)
        #expect(result.status == 1)
        #expect(
            result.stdout.hasPrefix(
                "./kgit.kgl:5:46: error[kgl-union-not-discriminable]: this union of structs cannot be discriminated: no field is a different string literal in every branch"),
            "\(result.stdout)")
    }

    static let defaulted = """
        type Web = apps.Deployment {
          spec.replicas?: int & 1..50 = 2
          spec.template.spec.containers[*].imagePullPolicy?: "Always" | "IfNotPresent" = "IfNotPresent"
        }

        env prod {
          require apps.Deployment "shop/web" { spec.replicas: >=3 }
        }
        env staging {}
        """

    @Test func renderAppliesDefaultsToAbsentFieldsOnly() async throws {
        let dir = try Self.repository(Self.defaulted, Self.deployment())
        let result = try await KgitBinary.run(["render", "--env", "staging", "."], in: dir.url)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(
            result.stdout == """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                  namespace: shop
                spec:
                  selector:
                    matchLabels:
                      app: web
                  template:
                    metadata:
                      labels:
                        app: web
                    spec:
                      containers:
                        - name: web
                          image: example/web:1
                          resources:
                            limits:
                              memory: 4Gi
                              cpu: 500m
                          imagePullPolicy: IfNotPresent
                  replicas: 2

                """)
        let set = try Self.repository(Self.defaulted, Self.deployment(replicas: "  replicas: 5\n"))
        let kept = try await KgitBinary.run(["render", "--env", "staging", "."], in: set.url)
        #expect(kept.stdout.contains("replicas: 5"))
        #expect(!kept.stdout.contains("replicas: 2"))
    }

    @Test func aDefaultThatBreaksARequirementIsReportedAtTheDefault() async throws {
        let dir = try Self.repository(Self.defaulted, Self.deployment())
        let result = try await KgitBinary.run(["validate", "--env", "prod", "."], in: dir.url)
        #expect(result.status == 1)
        #expect(
            result.stdout.hasPrefix("""
                ./kgit.kgl:4:33: error[minimum]: 2 is less than the minimum 3 (apps/v1 Deployment shop/web, at .spec.replicas)
                   4 |   spec.replicas?: int & 1..50 = 2
                     |                                 ^
                     = value set by default at ./kgit.kgl:4:33
                """), "\(result.stdout)")
        #expect(result.stdout.contains("= constraint declared at ./kgit.kgl:9:40 (spec.replicas: >=3)"))
        #expect(result.stdout.contains("= required by env prod at ./kgit.kgl:9:3"))
    }
}
