import KgitTesting
import Foundation
import Testing

/// The repository root, for the bundled example repository.
private let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

@Suite struct RenderCommand {
    @Test func renderingProdAppliesStagingThenProdAndMatchesTheExpectedYAML() async throws {
        let result = try await KgitBinary.run(["render", "--env", "prod", "manifests/examples/shop-kgl"], in: repositoryRoot)
        #expect(result.status == 0, "\(result.stderr)")
        let expected = try String(
            contentsOf: repositoryRoot.appendingPathComponent("Tests/KgitCLITests/Fixtures/shop-kgl-prod.yaml"), encoding: .utf8)
        #expect(result.stdout == expected)
    }

    @Test func renderingIsDeterministic() async throws {
        let first = try await KgitBinary.run(["render", "--env", "prod", "-o", "json", "manifests/examples/shop-kgl"], in: repositoryRoot)
        let second = try await KgitBinary.run(["render", "--env", "prod", "-o", "json", "manifests/examples/shop-kgl"], in: repositoryRoot)
        #expect(first.status == 0)
        #expect(first.stdout == second.stdout)
        #expect(first.stdout.contains("\"replicas\": 4"))
    }

    @Test func stagingGetsOnlyItsOwnLayer() async throws {
        let result = try await KgitBinary.run(["render", "--env", "staging", "manifests/examples/shop-kgl"], in: repositoryRoot)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("replicas: 2"))
        #expect(!result.stdout.contains("PodDisruptionBudget"))
    }

    @Test func aPatchWithATypoIsReportedAtThePatchAndNothingIsPrinted() async throws {
        let dir = try TemporaryDirectory()
        try dir.write("base/web.yaml", """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web, namespace: shop}
            spec:
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec:
                  containers: [{name: web, image: "example/web:1"}]
            """)
        try dir.write("kgit.kgl", """
            import apps "kgit:k8s@1.33/apps/v1"

            env prod {
              patch apps.Deployment "shop/web" { spec.replcas = 6 }
            }
            """)
        let result = try await KgitBinary.run(["render", "--env", "prod", "."], in: dir.url)
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("./kgit.kgl:4:"), "\(result.stderr)")
        #expect(result.stderr.contains("replicas"))
    }

    @Test func aRequirementThatTheRenderedValueBreaksFailsTheRender() async throws {
        let dir = try TemporaryDirectory()
        try dir.write("base/web.yaml", """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web, namespace: shop}
            spec:
              replicas: 1
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec:
                  containers: [{name: web, image: "example/web:1"}]
            """)
        try dir.write("kgit.kgl", """
            import apps "kgit:k8s@1.33/apps/v1"

            env prod {
              require apps.Deployment "shop/web" { spec.replicas: >=3 }
            }
            """)
        let result = try await KgitBinary.run(["render", "--env", "prod", "."], in: dir.url)
        #expect(result.status == 1)
        #expect(result.stderr.contains("./base/web.yaml:5:13"), "\(result.stderr)")
    }

    @Test func aMissingKGLFileIsAnIOError() async throws {
        let dir = try TemporaryDirectory()
        let result = try await KgitBinary.run(["render", "--env", "prod", "."], in: dir.url)
        #expect(result.status == 2)
        #expect(result.stderr.contains("kgit.kgl"))
    }
}

@Suite struct FmtCommand {
    static let messy = "import apps   \"kgit:k8s@1.33/apps/v1\"\nenv prod {\n      patch apps.Deployment \"shop/web\" {   spec.replicas =   6 }\n}\n"

    @Test func checkListsUnformattedFilesAndExitsOneWithoutWriting() async throws {
        let dir = try TemporaryDirectory()
        let file = try dir.write("conf/kgit.kgl", Self.messy)
        let result = try await KgitBinary.run(["fmt", "--check", "."], in: dir.url)
        #expect(result.status == 1)
        #expect(result.stdout == "conf/kgit.kgl\n")
        #expect(try String(contentsOf: file, encoding: .utf8) == Self.messy)
    }

    @Test func formattingRewritesTheFileAndASecondRunChangesNothing() async throws {
        let dir = try TemporaryDirectory()
        let file = try dir.write("kgit.kgl", Self.messy)
        let first = try await KgitBinary.run(["fmt", "kgit.kgl"], in: dir.url)
        #expect(first.status == 0)
        #expect(first.stdout == "formatted kgit.kgl\n")
        let formatted = try String(contentsOf: file, encoding: .utf8)
        #expect(formatted != Self.messy)
        #expect(formatted.contains("spec.replicas = 6"))
        let check = try await KgitBinary.run(["fmt", "--check", "kgit.kgl"], in: dir.url)
        #expect(check.status == 0)
        #expect(check.stdout.isEmpty)
    }

    @Test func theBundledExampleIsFormatted() async throws {
        let result = try await KgitBinary.run(["fmt", "--check", "manifests/examples"], in: repositoryRoot)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    }

    @Test func aSyntaxErrorIsReportedWithItsPositionAndTheFileIsLeftAlone() async throws {
        let dir = try TemporaryDirectory()
        let file = try dir.write("bad.kgl", "env prod {\n  patch\n")
        let result = try await KgitBinary.run(["fmt", "bad.kgl"], in: dir.url)
        #expect(result.status == 1)
        #expect(result.stderr.contains("bad.kgl:"))
        #expect(result.stderr.contains("error[kgl-"))
        #expect(try String(contentsOf: file, encoding: .utf8) == "env prod {\n  patch\n")
    }

    @Test func kglCodesCanBeExplained() async throws {
        let result = try await KgitBinary.run(["explain", "kgl-unexpected-token"])
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("kgl-unexpected-token: "))
    }
}
