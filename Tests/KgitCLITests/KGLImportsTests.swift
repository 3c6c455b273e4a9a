import Foundation
import KgitTesting
import Testing

/// Imports of KGL files and CRD files, pinned in kgit.lock, and refinements that may only narrow,
/// through the built binary on repositories written to disk.
@Suite struct KGLImports {
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
                    properties:
                      copies: {type: integer, minimum: 1, maximum: 10}
        """

    static let kgl = """
        import apps "kgit:k8s@1.33/apps/v1"
        import bk "crd:vendor/backup-crd.yaml"
        import lim "./types/limits.kgl"

        type Web = apps.Deployment {
          spec.replicas: lim.Replicas
        }
        type Nightly = bk.Backup {
          spec.copies: <=3
        }

        bind "base/*.yaml" { apps.Deployment => Web, bk.Backup => Nightly }

        env prod {
          patch bk.Backup "shop/nightly" { spec.copies = 9 }
        }
        """

    static let manifests = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: shop}
        spec:
          replicas: 7
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers: [{name: web, image: example/web:1}]
        ---
        apiVersion: shop.example.com/v1
        kind: Backup
        metadata: {name: nightly, namespace: shop}
        spec: {copies: 2}
        """

    static func repository(kgl: String = kgl) throws -> TemporaryDirectory {
        let dir = try TemporaryDirectory()
        try dir.write("kgit.kgl", kgl)
        try dir.write("vendor/backup-crd.yaml", crd)
        try dir.write("types/limits.kgl", "type Replicas = int & 1..5\n")
        try dir.write("base/app.yaml", manifests)
        return dir
    }

    static func sha256(_ text: String) async throws -> String {
        let result = try await Subprocess.run("sha256sum", [], stdin: text)
        return String(result.stdout.prefix(64))
    }

    @Test func unpinnedImportsAreRefusedUntilKgitLockPinsThem() async throws {
        let dir = try Self.repository()
        let before = try await KgitBinary.run(["validate", "."], in: dir.url)
        #expect(before.status == 1)
        let crdHash = try await Self.sha256(Self.crd)
        #expect(
            before.stdout.hasPrefix("""
                ./kgit.kgl:2:11: error[kgl-lock-mismatch]: import bk "crd:vendor/backup-crd.yaml" is not pinned: kgit.lock has no entry for vendor/backup-crd.yaml
                   2 | import bk "crd:vendor/backup-crd.yaml"
                     |           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^
                     = run `kgit lock` to pin it (its SHA-256 is \(crdHash))
                """), "\(before.stdout)")

        let lock = try await KgitBinary.run(["lock", "."], in: dir.url)
        #expect(lock.status == 0, "\(lock.stderr)")
        #expect(lock.stdout == "./kgit.lock: 2 imports pinned\n")
        let lockText = try String(contentsOf: dir.url.appendingPathComponent("kgit.lock"), encoding: .utf8)
        let limitsHash = try await Self.sha256("type Replicas = int & 1..5\n")
        #expect(lockText.contains("sha256 \(crdHash) vendor/backup-crd.yaml\n"))
        #expect(lockText.contains("sha256 \(limitsHash) types/limits.kgl\n"))
        let check = try await KgitBinary.run(["lock", "--check", "."], in: dir.url)
        #expect(check.status == 0)
    }

    @Test func importedKGLTypesAndCRDKindsCheckTheBoundDocuments() async throws {
        let dir = try Self.repository()
        _ = try await KgitBinary.run(["lock", "."], in: dir.url)
        let result = try await KgitBinary.run(["validate", "."], in: dir.url)
        #expect(result.status == 1)
        #expect(
            result.stdout == """
                ./base/app.yaml:5:13: error[maximum]: 7 is greater than the maximum 5 (apps/v1 Deployment shop/web, at .spec.replicas)
                   5 |   replicas: 7
                     |             ^
                     = constraint declared at ./kgit.kgl:6:3 (spec.replicas: lim.Replicas)
                     = checked as Web, bound to base/*.yaml

                """)
    }

    @Test func anEnvironmentPatchesAnImportedCustomKind() async throws {
        let dir = try Self.repository()
        _ = try await KgitBinary.run(["lock", "."], in: dir.url)
        let result = try await KgitBinary.run(["validate", "--env", "prod", "."], in: dir.url)
        #expect(result.status == 1)
        #expect(result.stdout.contains("""
            ./kgit.kgl:15:50: error[maximum]: 9 is greater than the maximum 3 (shop.example.com/v1 Backup shop/nightly, at .spec.copies)
            """), "\(result.stdout)")
        #expect(result.stdout.contains("= overrides base at ./base/app.yaml:15:16"))
    }

    @Test func aChangedImportIsAMismatchNamingBothHashes() async throws {
        let dir = try Self.repository()
        _ = try await KgitBinary.run(["lock", "."], in: dir.url)
        let old = try await Self.sha256("type Replicas = int & 1..5\n")
        try dir.write("types/limits.kgl", "type Replicas = int & 1..500\n")
        let new = try await Self.sha256("type Replicas = int & 1..500\n")
        let result = try await KgitBinary.run(["validate", "."], in: dir.url)
        #expect(result.status == 1)
        #expect(
            result.stdout.hasPrefix("""
                ./kgit.kgl:3:12: error[kgl-lock-mismatch]: import lim "./types/limits.kgl" does not match kgit.lock: the file's SHA-256 is \(new), kgit.lock pins \(old)
                """), "\(result.stdout)")
        let check = try await KgitBinary.run(["lock", "--check", "."], in: dir.url)
        #expect(check.status == 1)
        #expect(check.stderr.contains("kgit.lock is out of date"))
    }

    @Test func anInlinePinIsCheckedToo() async throws {
        let dir = try Self.repository(kgl: "import bk \"crd:vendor/backup-crd.yaml\" sha256 \"\(String(repeating: "0", count: 64))\"\n")
        let result = try await KgitBinary.run(["validate", "."], in: dir.url)
        #expect(result.status == 1)
        #expect(result.stdout.contains("error[kgl-lock-mismatch]: import bk \"crd:vendor/backup-crd.yaml\" does not match its pin"), "\(result.stdout)")
    }

    @Test func aRefinementThatWidensItsBaseIsAnError() async throws {
        let dir = try Self.repository(kgl: """
            import bk "crd:vendor/backup-crd.yaml"
            type Wide = bk.Backup {
              spec.copies: <=100
            }
            """)
        _ = try await KgitBinary.run(["lock", "."], in: dir.url)
        let result = try await KgitBinary.run(["validate", "."], in: dir.url)
        #expect(result.status == 1)
        #expect(
            result.stdout.hasPrefix("""
                ./kgit.kgl:3:16: error[kgl-refinement-widens]: spec.copies: the refinement sets the maximum to 100, looser than the base's 10; a refinement may only narrow its base
                """), "\(result.stdout)")
    }
}
