import Foundation
import KgitTesting
import Testing

/// `kgit validate` in a repository with a kgit.kgl: bindings, environments and provenance, driven
/// through the built binary on files written to disk.
@Suite struct ValidateWithKGL {
    static let deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: shop}
        spec:
          replicas: 0
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers:
              - name: web
                image: example/web:1
        """

    static let kgl = """
        import apps "kgit:k8s@1.33/apps/v1"

        type Web = apps.Deployment {
          spec.replicas: int & 1..50
        }

        bind "base/*.yaml" { apps.Deployment => Web }

        env staging {
          patch apps.Deployment "shop/web" { spec.replicas = 2 }
        }

        env prod extends staging {
          patch apps.Deployment "shop/web" { spec.replicas = 60 }
        }
        """

    static func repository(kgl: String = kgl, deployment: String = deployment) throws -> TemporaryDirectory {
        let dir = try TemporaryDirectory()
        try dir.write("base/web.yaml", deployment)
        try dir.write("kgit.kgl", kgl)
        return dir
    }

    @Test func aBoundTypeChecksTheDocumentsItsGlobSelectsAndNamesTheConstraint() async throws {
        let dir = try Self.repository()
        let result = try await KgitBinary.run(["validate", "."], in: dir.url)
        #expect(result.status == 1)
        #expect(
            result.stdout == """
                ./base/web.yaml:5:13: error[minimum]: 0 is less than the minimum 1 (apps/v1 Deployment shop/web, at .spec.replicas)
                   5 |   replicas: 0
                     |             ^
                     = constraint declared at ./kgit.kgl:4:3 (spec.replicas: int & 1..50)
                     = checked as Web, bound to base/*.yaml

                """)
    }

    @Test func documentsOutsideTheGlobAreCheckedAsTheirKindOnly() async throws {
        let dir = try Self.repository()
        try FileManager.default.moveItem(
            at: dir.url.appendingPathComponent("base"), to: dir.url.appendingPathComponent("other"))
        let result = try await KgitBinary.run(["validate", "."], in: dir.url)
        #expect(result.status == 0, "\(result.stdout)")
    }

    @Test func theKGLFileIsFoundAboveTheGivenPathAndItsOwnErrorsAreReported() async throws {
        let dir = try Self.repository(kgl: """
            import apps "kgit:k8s@1.33/apps/v1"
            type Web = apps.Deployment { spec.replcas: int }
            """)
        let result = try await KgitBinary.run(["validate", "base/web.yaml"], in: dir.url)
        #expect(result.status == 1)
        #expect(result.stdout.hasPrefix("./kgit.kgl:2:35: error[kgl-refinement-adds-field]: a refinement cannot add field replcas"), "\(result.stdout)")
        #expect(result.stdout.contains("did you mean replicas?"))
    }

    @Test func anEnvironmentIsRenderedThenValidatedAndTheErrorIsWhereTheValueWasSet() async throws {
        let dir = try Self.repository()
        let result = try await KgitBinary.run(["validate", "--env", "prod", "base/"], in: dir.url)
        #expect(result.status == 1)
        #expect(
            result.stdout == """
                ./kgit.kgl:14:54: error[maximum]: 60 is greater than the maximum 50 (apps/v1 Deployment shop/web, at .spec.replicas)
                  14 |   patch apps.Deployment "shop/web" { spec.replicas = 60 }
                     |                                                      ^^
                     = value set by env prod at ./kgit.kgl:14:54
                     = overrides env staging at ./kgit.kgl:10:54
                     = overrides base at base/web.yaml:5:13
                     = layers: base < staging < prod
                     = constraint declared at ./kgit.kgl:4:3 (spec.replicas: int & 1..50)
                     = checked as Web, bound to base/*.yaml

                """)
    }

    @Test func stagingOverridesTheBaseValueSoTheBasesMistakeIsGone() async throws {
        let dir = try Self.repository()
        let result = try await KgitBinary.run(["validate", "--env", "staging", "."], in: dir.url)
        #expect(result.status == 0, "\(result.stdout)")
    }

    @Test func aValueFromTheBaseIsReportedInTheManifestWithTheLayerChain() async throws {
        let dir = try Self.repository(deployment: Self.deployment.replacingOccurrences(of: "example/web:1", with: "7"))
        let result = try await KgitBinary.run(["validate", "--env", "prod", "."], in: dir.url)
        #expect(result.status == 1)
        #expect(result.stdout.contains("./base/web.yaml:12:16: error[type-mismatch]: expected string, found integer `7`"), "\(result.stdout)")
        #expect(result.stdout.contains("= layers: base < staging < prod"))
    }

    @Test func jsonCarriesTheProvenanceAsFields() async throws {
        let dir = try Self.repository()
        let result = try await KgitBinary.run(["validate", "--env", "prod", "-o", "json", "."], in: dir.url)
        #expect(result.status == 1)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let diagnostics = try #require(json["diagnostics"] as? [[String: Any]])
        let first = try #require(diagnostics.first)
        #expect(first["file"] as? String == "./kgit.kgl")
        let provenance = try #require(first["provenance"] as? [String: Any])
        #expect(provenance["layers"] as? [String] == ["base", "staging", "prod"])
        let values = try #require(provenance["values"] as? [[String: Any]])
        #expect(values.map { $0["label"] as? String } == ["env prod", "env staging", "base"])
        #expect(values.map { $0["line"] as? Int } == [14, 10, 5])
        #expect(values.last?["file"] as? String == "./base/web.yaml")
        let constraint = try #require(provenance["constraint"] as? [String: Any])
        #expect(constraint["line"] as? Int == 4)
        #expect(constraint["label"] as? String == "spec.replicas: int & 1..50")
    }

    @Test func sarifGithubAndJUnitNameTheOverlayTheConstraintAndTheChain() async throws {
        let dir = try Self.repository()
        let sarif = try await KgitBinary.run(["validate", "--env", "prod", "-o", "sarif", "."], in: dir.url)
        let log = try #require(try JSONSerialization.jsonObject(with: Data(sarif.stdout.utf8)) as? [String: Any])
        let runs = try #require(log["runs"] as? [[String: Any]])
        let results = try #require(runs.first?["results"] as? [[String: Any]])
        let related = try #require(results.first?["relatedLocations"] as? [[String: Any]])
        let messages = related.compactMap { ($0["message"] as? [String: Any])?["text"] as? String }
        #expect(messages == [
            "value set by env prod", "value set by env staging", "value set by base",
            "constraint spec.replicas: int & 1..50",
        ])

        let github = try await KgitBinary.run(["validate", "--env", "prod", "-o", "github", "."], in: dir.url)
        #expect(github.stdout.hasPrefix("::error file=./kgit.kgl,line=14,col=54,"), "\(github.stdout)")
        #expect(github.stdout.contains("%0Aoverrides base at ./base/web.yaml:5:13%0Alayers: base < staging < prod"))

        let junit = try await KgitBinary.run(["validate", "--env", "prod", "-o", "junit", "."], in: dir.url)
        #expect(junit.stdout.contains("constraint declared at ./kgit.kgl:4:3 (spec.replicas: int &amp; 1..50)"), "\(junit.stdout)")
    }

    @Test func anEnvironmentNeedsAKGLFile() async throws {
        let dir = try TemporaryDirectory()
        try dir.write("web.yaml", Self.deployment)
        let result = try await KgitBinary.run(["validate", "--env", "prod", "."], in: dir.url)
        #expect(result.status == 2)
        #expect(result.stderr.contains("--env prod needs a kgit.kgl file at the repository root"))
    }

    @Test func anUnknownEnvironmentIsAnError() async throws {
        let dir = try Self.repository()
        let result = try await KgitBinary.run(["validate", "--env", "qa", "."], in: dir.url)
        #expect(result.status == 1)
        #expect(result.stdout.contains("error[kgl-unknown-environment]: environment qa is not declared"), "\(result.stdout)")
    }
}
