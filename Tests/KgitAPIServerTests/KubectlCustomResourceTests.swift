import Foundation
import Testing

/// CRDs end to end with the real kubectl against a real `kgit server`: what someone adding an
/// operator's CRD to their cluster does.
@Suite("kubectl with CustomResourceDefinitions", .serialized, .enabled(if: Tools.endToEnd))
struct KubectlCustomResourceTests {
    static let crd = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: storefronts.shop.example.com
        spec:
          group: shop.example.com
          scope: Namespaced
          names:
            plural: storefronts
            singular: storefront
            kind: Storefront
            shortNames: [sf]
          versions:
          - name: v1alpha1
            served: true
            storage: true
            subresources:
              status: {}
              scale:
                specReplicasPath: .spec.replicas
                statusReplicasPath: .status.replicas
            additionalPrinterColumns:
            - name: Repo
              type: string
              jsonPath: .spec.repo
            - name: Replicas
              type: integer
              jsonPath: .spec.replicas
            - name: Age
              type: date
              jsonPath: .metadata.creationTimestamp
            schema:
              openAPIV3Schema:
                type: object
                description: A Storefront is a shop front served by a set of replicas.
                properties:
                  spec:
                    type: object
                    description: What to sync and where from.
                    required: [repo]
                    properties:
                      repo:
                        type: string
                        description: The git repository holding the manifests.
                      path:
                        type: string
                      replicas:
                        type: integer
                        minimum: 0
                  status:
                    type: object
                    properties:
                      replicas:
                        type: integer
        """

    static let storefront = """
        apiVersion: shop.example.com/v1alpha1
        kind: Storefront
        metadata:
          name: shop
        spec:
          repo: https://example.com/shop.git
          path: deploy
          replicas: 1
        """

    @Test("apply a CRD, wait for it, then apply, get, patch, scale, explain and delete its custom resources",
          .timeLimit(.minutes(3)))
    func endToEnd() async throws {
        let server = try await ServerProcess.start()
        defer { server.cleanUp() }
        let applied = try await server.kubectl(["apply", "-f", "-"], stdin: Self.crd)
        #expect(applied.stdout == "customresourcedefinition.apiextensions.k8s.io/storefronts.shop.example.com created\n",
                "\(applied)")
        let established = try await server.kubectl(["wait", "--for", "condition=established", "--timeout=120s",
                                                    "crd/storefronts.shop.example.com"])
        #expect(established.stdout == "customresourcedefinition.apiextensions.k8s.io/storefronts.shop.example.com condition met\n",
                "\(established)")

        let created = try await server.kubectl(["apply", "-f", "-"], stdin: Self.storefront)
        #expect(created.stdout == "storefront.shop.example.com/shop created\n", "\(created)")
        let again = try await server.kubectl(["apply", "-f", "-"], stdin: Self.storefront)
        #expect(again.stdout == "storefront.shop.example.com/shop unchanged\n", "\(again)")

        let table = try await server.kubectl(["get", "storefronts"])
        let rows = table.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true) }
        #expect(rows.first == ["NAME", "REPO", "REPLICAS", "AGE"], "\(table)")
        #expect(rows.dropFirst().first?.prefix(3) == ["shop", "https://example.com/shop.git", "1"], "\(table)")
        let short = try await server.kubectl(["get", "sf", "shop", "-o", "jsonpath={.spec.path}"])
        #expect(short.stdout == "deploy", "\(short)")

        let patched = try await server.kubectl(["patch", "storefront", "shop", "--type", "merge",
                                                "-p", #"{"spec":{"path":"prod"}}"#])
        #expect(patched.stdout == "storefront.shop.example.com/shop patched\n", "\(patched)")
        let scaled = try await server.kubectl(["scale", "storefront", "shop", "--replicas=3"])
        #expect(scaled.stdout == "storefront.shop.example.com/shop scaled\n", "\(scaled)")
        let after = try await server.kubectl(["get", "storefront", "shop", "-o", "jsonpath={.spec.path} {.spec.replicas}"])
        #expect(after.stdout == "prod 3", "\(after)")

        let invalid = try await server.kubectl(["apply", "-f", "-"], stdin: Self.storefront.replacingOccurrences(
            of: "replicas: 1", with: "replicas: -2"))
        #expect(invalid.status == 1)
        #expect(invalid.stderr.contains("spec.replicas"), "\(invalid)")
        let unknown = try await server.kubectl(["apply", "-f", "-"], stdin: Self.storefront + "\n  colour: red\n")
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains(#"unknown field "spec.colour""#), "\(unknown)")

        let explain = try await server.kubectl(["explain", "storefronts.spec"])
        #expect(explain.status == 0, "\(explain)")
        #expect(explain.stdout.contains("KIND:       Storefront"), "\(explain)")
        #expect(explain.stdout.contains("What to sync and where from."), "\(explain)")
        #expect(explain.stdout.contains("repo\t<string> -required-"), "\(explain)")

        let api = try await server.kubectl(["api-resources", "--api-group=shop.example.com"])
        #expect(api.stdout.contains("storefronts") && api.stdout.contains("shop.example.com/v1alpha1"), "\(api)")

        let deleted = try await server.kubectl(["delete", "storefront", "shop"])
        #expect(deleted.stdout == "storefront.shop.example.com \"shop\" deleted\n", "\(deleted)")
        try await server.kubectl(["apply", "-f", "-"], stdin: Self.storefront)
        let crdGone = try await server.kubectl(["delete", "crd", "storefronts.shop.example.com"])
        #expect(crdGone.status == 0, "\(crdGone)")
        let stale = try await server.kubectl(["get", "storefronts"])
        #expect(stale.status == 1)
        #expect(stale.stderr.contains("the server could not find the requested resource"), "\(stale)")
    }
}
