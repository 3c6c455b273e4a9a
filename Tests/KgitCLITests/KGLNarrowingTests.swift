import Foundation
import KgitTesting
import Testing

/// Refinements may only narrow, also where the base field's type is a named type declared in another
/// KGL file: `kgit validate` on a repository on disk, exact diagnostics.
@Suite struct KGLNarrowing {
    static let limits = """
        type Replicas = int & 1..10
        type Mem = Quantity & <=1Gi

        """

    static func repository(_ web: String) async throws -> TemporaryDirectory {
        let dir = try TemporaryDirectory()
        try dir.write("types/limits.kgl", limits)
        try dir.write("kgit.kgl", """
            import apps "kgit:k8s@1.33/apps/v1"
            import lim "./types/limits.kgl"

            type Base = apps.Deployment {
              spec.replicas: lim.Replicas
              spec.template.spec.containers[*].resources.limits.memory: lim.Mem
            }
            \(web)
            bind "base/*.yaml" { apps.Deployment => Web }

            """)
        try dir.write("base/web.yaml", KGLTypes.deployment(memory: "512Mi", replicas: "  replicas: 3\n"))
        let lock = try await KgitBinary.run(["lock", "."], in: dir.url)
        #expect(lock.status == 0, "\(lock.stderr)")
        return dir
    }

    @Test func aRefinementWideningANamedTypesBoundsNamesBothDeclarations() async throws {
        let dir = try await Self.repository("""
            type Web = Base {
              spec.replicas: <=50
              spec.template.spec.containers[*].resources.limits.memory: 100Mi..2Gi
            }
            """)
        let result = try await KgitBinary.run(["validate", "-o", "github", "."], in: dir.url)
        #expect(result.status == 1)
        #expect(result.stdout == """
            ::error file=./kgit.kgl,line=9,col=18,endLine=9,endColumn=22,title=kgit kgl-refinement-widens::spec.replicas: the refinement sets the maximum to 50, looser than the base's 10 declared at types/limits.kgl:1:23; a refinement may only narrow its base
            ::error file=./kgit.kgl,line=10,col=61,endLine=10,endColumn=71,title=kgit kgl-refinement-widens::spec.template.spec.containers[*].resources.limits.memory: the refinement sets the maximum to 2Gi, looser than the base's 1Gi declared at types/limits.kgl:2:23; a refinement may only narrow its base

            """, "\(result.stdout)")
    }

    @Test func aNarrowingRefinementOfANamedTypeChecksBothBounds() async throws {
        let dir = try await Self.repository("""
            type Web = Base {
              spec.replicas: 2..5
            }
            """)
        #expect(try await KgitBinary.run(["validate", "."], in: dir.url).status == 0)
        try dir.write("base/web.yaml", KGLTypes.deployment(memory: "512Mi", replicas: "  replicas: 7\n"))
        let result = try await KgitBinary.run(["validate", "-o", "github", "."], in: dir.url)
        #expect(result.status == 1)
        #expect(result.stdout == """
            ::error file=./base/web.yaml,line=5,col=13,endLine=5,endColumn=14,title=kgit maximum::7 is greater than the maximum 5 (at .spec.replicas)%0Aconstraint declared at ./kgit.kgl:9:3 (spec.replicas: 2..5)%0Achecked as Web, bound to base/*.yaml

            """, "\(result.stdout)")
    }
}
