import Foundation
import KgitTesting
import Testing

/// The example KGL repository, manifests/examples/shop-kgl: valid as shipped in every environment,
/// and the mistakes the README shows are caught as the README shows them.
@Suite struct ExampleRepository {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let example = root.appendingPathComponent("manifests/examples/shop-kgl")

    @Test(arguments: [[], ["--env", "staging"], ["--env", "prod"]])
    func theExampleIsValidInEveryEnvironment(_ env: [String]) async throws {
        let result = try await KgitBinary.run(["validate"] + env + ["manifests/examples/shop-kgl"], in: Self.root)
        #expect(result.status == 0, "\(result.stdout)")
        #expect(result.stdout.isEmpty)
    }

    @Test func theReadmesMistakesAreCaughtWhereTheyWereMade() async throws {
        let dir = try TemporaryDirectory()
        for file in ["kgit.kgl", "base/web.yaml", "envs/prod/pdb.yaml"] {
            let text = try String(contentsOf: Self.example.appendingPathComponent(file), encoding: .utf8)
            try dir.write(file, text
                .replacingOccurrences(of: "limits.memory = 512Mi", with: "limits.memory = 2Gi")
                .replacingOccurrences(of: "image: registry.example.com/shop/web:1.4.2", with: "image: docker.io/shop/web:latest"))
        }
        let result = try await KgitBinary.run(["validate", "--env", "prod", "."], in: dir.url)
        #expect(result.status == 1)
        #expect(
            result.stdout == """
                ./base/web.yaml:20:18: error[pattern]: images come from the shop's registry (apps/v1 Deployment storefront/web, at .spec.template.spec.containers[name="web"].image)
                  20 |           image: docker.io/shop/web:latest
                     |                  ^^^^^^^^^^^^^^^^^^^^^^^^^
                     = the value violates the type: string "docker.io/shop/web:latest" does not match the pattern `^registry[.]example[.]com/shop/`
                     = pattern declared at ./kgit.kgl:12:21
                     = layers: base < staging < prod
                     = constraint declared at ./kgit.kgl:12:5 (image: string & =~"^registry[.]example[.]com/shop/" else "images come from the shop's registry")
                     = checked as Storefront, bound to base/*.yaml
                ./kgit.kgl:35:73: error[maximum]: 2Gi is greater than the maximum 1Gi (apps/v1 Deployment storefront/web, at .spec.template.spec.containers[name="web"].resources.limits.memory)
                  35 |     spec.template.spec.containers[name="web"].resources.limits.memory = 2Gi
                     |                                                                         ^^^
                     = value set by env prod at ./kgit.kgl:35:73
                     = layers: base < staging < prod
                     = constraint declared at ./kgit.kgl:13:5 (resources.limits.memory?: Mem with type Mem = Quantity & <=1Gi)
                     = checked as Storefront, bound to base/*.yaml

                """)
    }
}
