import Foundation
import KgitTesting
import Testing

/// `openapi:` and `jsonschema:` imports, enumeration and pattern refinements, `else` messages, and
/// `kgit render` refusing invalid output, through the built binary on repositories on disk.
@Suite struct KGLSchemaImports {
    static let crd = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: widgets.shop.example.com}
        spec:
          group: shop.example.com
          names: {kind: Widget, plural: widgets, singular: widget, listKind: WidgetList}
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
                      size: {type: string, enum: [small, medium, large]}
                      handle: {type: string, pattern: '^[a-z]+$'}
                      config: {type: object, x-kubernetes-preserve-unknown-fields: true}
                      values: {type: object, x-kubernetes-preserve-unknown-fields: true}
        """

    static let openAPI = """
        openapi: 3.0.3
        info: {title: widgets, version: "1"}
        paths: {}
        components:
          schemas:
            WidgetConfig:
              type: object
              required: [port]
              additionalProperties: false
              properties:
                port: {type: integer, minimum: 1, maximum: 65535}
                mode: {$ref: '#/components/schemas/Mode'}
            Mode:
              type: string
              enum: [fast, safe]
        """

    static let valuesSchema = """
        {
          "$schema": "https://json-schema.org/draft/2020-12/schema",
          "type": "object",
          "required": ["image"],
          "additionalProperties": false,
          "properties": {
            "image": {"$ref": "#/$defs/Image"},
            "replicas": {"type": "integer", "exclusiveMinimum": 0, "maximum": 10},
            "port": {"type": ["integer", "string"], "minimum": 1, "pattern": "^[a-z]+$"}
          },
          "$defs": {
            "Image": {
              "type": "object",
              "required": ["repository"],
              "properties": {"repository": {"type": "string", "pattern": "^[a-z./-]+$"}, "tag": {"type": "string"}}
            }
          }
        }
        """

    static let kgl = """
        import wd "crd:vendor/widget-crd.yaml"
        import api "openapi:api/openapi.yaml"
        import chart "jsonschema:charts/web/values.schema.json"

        type Widget = wd.Widget {
          spec.config?: api.WidgetConfig
          spec.values?: chart.Root
        }

        bind "base/*.yaml" { wd.Widget => Widget }
        """

    static func widget(_ spec: String, name: String = "w") -> String {
        """
        apiVersion: shop.example.com/v1
        kind: Widget
        metadata: {name: \(name), namespace: shop}
        spec:
        \(spec)
        """
    }

    static func repository(kgl: String = kgl, manifests: String) async throws -> TemporaryDirectory {
        let dir = try TemporaryDirectory()
        try dir.write("kgit.kgl", kgl)
        try dir.write("vendor/widget-crd.yaml", crd)
        if kgl.contains("openapi:") { try dir.write("api/openapi.yaml", openAPI) }
        if kgl.contains("jsonschema:") { try dir.write("charts/web/values.schema.json", valuesSchema) }
        try dir.write("base/widget.yaml", manifests)
        let lock = try await KgitBinary.run(["lock", "."], in: dir.url)
        #expect(lock.status == 0, "\(lock.stderr)")
        return dir
    }

    @Test func kgitLockPinsOpenAPIAndJSONSchemaImportsLikeCRDs() async throws {
        let dir = try await Self.repository(manifests: Self.widget("  size: small"))
        let lock = try String(contentsOf: dir.url.appendingPathComponent("kgit.lock"), encoding: .utf8)
        let openAPIHash = try await KGLImports.sha256(Self.openAPI)
        let valuesHash = try await KGLImports.sha256(Self.valuesSchema)
        #expect(lock.contains("sha256 \(openAPIHash) api/openapi.yaml\n"))
        #expect(lock.contains("sha256 \(valuesHash) charts/web/values.schema.json\n"))
        #expect(try await KgitBinary.run(["validate", "."], in: dir.url).status == 0)

        try dir.write("api/openapi.yaml", Self.openAPI + "\n")
        let changed = try await KgitBinary.run(["validate", "."], in: dir.url)
        #expect(changed.status == 1)
        #expect(changed.stdout.hasPrefix(
            "./kgit.kgl:2:12: error[kgl-lock-mismatch]: import api \"openapi:api/openapi.yaml\" does not match kgit.lock"), "\(changed.stdout)")
    }

    @Test func openAPIComponentSchemasCheckTheFieldsTheyType() async throws {
        let dir = try await Self.repository(manifests: Self.widget("  config: {port: 70000, mode: slow, debug: true}"))
        let result = try await KgitBinary.run(["validate", "."], in: dir.url)
        #expect(result.status == 1)
        #expect(result.stdout == """
            ./base/widget.yaml:5:18: error[maximum]: 70000 is greater than the maximum 65535 (shop.example.com/v1 Widget shop/w, at .spec.config.port)
               5 |   config: {port: 70000, mode: slow, debug: true}
                 |                  ^^^^^
                 = constraint declared at ./kgit.kgl:6:3 (spec.config?: api.WidgetConfig)
                 = checked as Widget, bound to base/*.yaml
            ./base/widget.yaml:5:31: error[enum]: unsupported value "slow"; expected one of "fast", "safe" (shop.example.com/v1 Widget shop/w, at .spec.config.mode)
               5 |   config: {port: 70000, mode: slow, debug: true}
                 |                               ^^^^
                 = enumeration declared at api/openapi.yaml:15:7
                 = constraint declared at ./kgit.kgl:6:3 (spec.config?: api.WidgetConfig)
                 = checked as Widget, bound to base/*.yaml
            ./base/widget.yaml:5:37: error[unknown-field]: unknown field `debug` in WidgetConfig (shop.example.com/v1 Widget shop/w, at .spec.config.debug)
               5 |   config: {port: 70000, mode: slow, debug: true}
                 |                                     ^^^^^
                 = constraint declared at ./kgit.kgl:6:3 (spec.config?: api.WidgetConfig)
                 = checked as Widget, bound to base/*.yaml

            """, "\(result.stdout)")
    }

    @Test func aJSONSchemaChecksTheValuesItTypes() async throws {
        let dir = try await Self.repository(manifests: Self.widget("  values: {replicas: 0, image: {repository: Web}}"))
        let result = try await KgitBinary.run(["validate", "."], in: dir.url)
        #expect(result.status == 1)
        #expect(result.stdout == """
            ./base/widget.yaml:5:22: error[minimum]: 0 is less than the minimum (exclusive) 0 (shop.example.com/v1 Widget shop/w, at .spec.values.replicas)
               5 |   values: {replicas: 0, image: {repository: Web}}
                 |                      ^
                 = constraint declared at ./kgit.kgl:7:3 (spec.values?: chart.Root)
                 = checked as Widget, bound to base/*.yaml
            ./base/widget.yaml:5:45: error[pattern]: string "Web" does not match the pattern `^[a-z./-]+$` (shop.example.com/v1 Widget shop/w, at .spec.values.image.repository)
               5 |   values: {replicas: 0, image: {repository: Web}}
                 |                                             ^^^
                 = pattern declared at charts/web/values.schema.json:15:55
                 = constraint declared at ./kgit.kgl:7:3 (spec.values?: chart.Root)
                 = checked as Widget, bound to base/*.yaml

            """, "\(result.stdout)")
    }

    @Test func aTypeListAdmitsEachTypeAndChecksItWithThatTypesKeywords() async throws {
        let values = ["port: 8080", "port: http", "port: 0", "port: HTTP", "port: true"]
        let manifests = values.enumerated().map { index, value in
            Self.widget("  values: {image: {repository: web}, \(value)}", name: "w\(index)")
        }.joined(separator: "\n---\n")
        let dir = try await Self.repository(manifests: manifests)
        let result = try await KgitBinary.run(["validate", "."], in: dir.url)
        #expect(result.status == 1)
        let errors = result.stdout.split(separator: "\n").filter { $0.contains(": error[") }
        #expect(errors == [
            "./base/widget.yaml:17:44: error[minimum]: 0 is less than the minimum 1 (shop.example.com/v1 Widget shop/w2, at .spec.values.port)",
            "./base/widget.yaml:23:44: error[pattern]: string \"HTTP\" does not match the pattern `^[a-z]+$` (shop.example.com/v1 Widget shop/w3, at .spec.values.port)",
            "./base/widget.yaml:29:44: error[type-mismatch]: expected integer or string, found boolean `true` (shop.example.com/v1 Widget shop/w4, at .spec.values.port)",
        ], "\(result.stdout)")
    }

    @Test func aKeywordTheModelCannotExpressIsRefusedWithItsPointer() async throws {
        let dir = try await Self.repository(manifests: Self.widget("  size: small"))
        try dir.write("charts/web/values.schema.json", """
            {
              "type": "object",
              "properties": {
                "mode": {"type": "string", "if": {"const": "a"}, "then": {"maxLength": 1}},
                "ports": {"type": "array", "prefixItems": [{"type": "integer"}]}
              }
            }
            """)
        _ = try await KgitBinary.run(["lock", "."], in: dir.url)
        let result = try await KgitBinary.run(["validate", "."], in: dir.url)
        #expect(result.status == 1)
        // `if`/`then` are imported; `prefixItems` is not.
        #expect(result.stdout.hasPrefix("""
            ./kgit.kgl:3:14: error[kgl-unsupported-schema]: charts/web/values.schema.json:5:32: keyword `prefixItems` is not supported: the schema model cannot express it (at /properties/ports/prefixItems)
               3 | import chart "jsonschema:charts/web/values.schema.json"
                 |              ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
            """), "\(result.stdout)")
        #expect(!result.stdout.contains("keyword `if`"), "\(result.stdout)")
        #expect(!result.stdout.contains("kgl-unknown-type"), "a refused import is reported once, at the import")
        let explain = try await KgitBinary.run(["explain", "kgl-unsupported-schema"])
        #expect(explain.status == 0)
        #expect(explain.stdout.contains("prefixItems"))
    }

    @Test func aRefinementThatAddsAnEnumerationMemberNamesBothDeclarations() async throws {
        let kgl = """
            import wd "crd:vendor/widget-crd.yaml"
            type Widget = wd.Widget {
              spec.size: "small" | "huge"
            }
            """
        let dir = try await Self.repository(kgl: kgl, manifests: Self.widget("  size: small"))
        let result = try await KgitBinary.run(["validate", "."], in: dir.url)
        #expect(result.status == 1)
        #expect(result.stdout.hasPrefix("""
            ./kgit.kgl:3:14: error[kgl-refinement-widens]: spec.size: the refinement at ./kgit.kgl:3:3 allows "huge", which the enumeration declared at vendor/widget-crd.yaml:19:36 excludes; a refinement may only remove members
            """), "\(result.stdout)")
    }

    @Test func aRefinedPatternIsAddedToTheImportedOneAndEachFailureNamesItsDeclaration() async throws {
        let kgl = """
            import wd "crd:vendor/widget-crd.yaml"
            type Widget = wd.Widget {
              spec.handle: =~"^a" else "widget handles start with a"
            }
            bind "base/*.yaml" { wd.Widget => Widget }
            """
        let manifests = Self.widget("  handle: zed", name: "one") + "\n---\n" + Self.widget("  handle: a1", name: "two") + "\n---\n"
            + Self.widget("  handle: abc", name: "three")
        let dir = try await Self.repository(kgl: kgl, manifests: manifests)
        let result = try await KgitBinary.run(["validate", "."], in: dir.url)
        #expect(result.status == 1)
        #expect(result.stdout == """
            ./base/widget.yaml:5:11: error[pattern]: widget handles start with a (shop.example.com/v1 Widget shop/one, at .spec.handle)
               5 |   handle: zed
                 |           ^^^
                 = the value violates the type: string "zed" does not match the pattern `^a`
                 = pattern declared at ./kgit.kgl:3:16
                 = constraint declared at ./kgit.kgl:3:3 (spec.handle: =~"^a" else "widget handles start with a")
                 = checked as Widget, bound to base/*.yaml
            ./base/widget.yaml:11:11: error[pattern]: widget handles start with a (shop.example.com/v1 Widget shop/two, at .spec.handle)
              11 |   handle: a1
                 |           ^^
                 = the value violates the type: string "a1" does not match the pattern `^[a-z]+$`
                 = pattern declared at vendor/widget-crd.yaml:20:38
                 = constraint declared at ./kgit.kgl:3:3 (spec.handle: =~"^a" else "widget handles start with a")
                 = checked as Widget, bound to base/*.yaml

            """, "\(result.stdout)")
    }
}

/// `kgit render --env NAME` validates what it renders exactly as `kgit validate --env NAME` does.
@Suite struct KGLRenderChecks {
    static let kgl = """
        import apps "kgit:k8s@1.33/apps/v1"

        type Web = apps.Deployment {
          spec.replicas: int & 1..5
          spec.template.spec.containers[*]: {
            image: string & =~"^registry[.]example[.]com/" else "images come from registry.example.com"
          }
        }

        bind "base/*.yaml" { apps.Deployment => Web }

        env prod {
          patch apps.Deployment "shop/web" { spec.replicas = 9 }
        }
        env dev {
          patch apps.Deployment "shop/web" { spec.replicas = 2 }
        }
        """

    static func deployment(image: String) -> String {
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: shop}
        spec:
          replicas: 1
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers: [{name: web, image: \(image)}]
        """
    }

    static func repository(image: String) throws -> TemporaryDirectory {
        let dir = try TemporaryDirectory()
        try dir.write("kgit.kgl", kgl)
        try dir.write("base/web.yaml", deployment(image: image))
        return dir
    }

    @Test func renderRefusesOutputThatBreaksTheBoundTypeWithValidatesDiagnostics() async throws {
        let dir = try Self.repository(image: "docker.io/web:1")
        let render = try await KgitBinary.run(["render", "--env", "prod", "."], in: dir.url)
        let validate = try await KgitBinary.run(["validate", "--env", "prod", "."], in: dir.url)
        #expect(render.status == 1)
        #expect(validate.status == 1)
        #expect(render.stdout == "")
        #expect(render.stderr == validate.stdout)
        #expect(render.stderr == """
            ./base/web.yaml:10:39: error[pattern]: images come from registry.example.com (apps/v1 Deployment shop/web, at .spec.template.spec.containers[name="web"].image)
              10 |       containers: [{name: web, image: docker.io/web:1}]
                 |                                       ^^^^^^^^^^^^^^^
                 = the value violates the type: string "docker.io/web:1" does not match the pattern `^registry[.]example[.]com/`
                 = pattern declared at ./kgit.kgl:6:21
                 = layers: base < prod
                 = constraint declared at ./kgit.kgl:6:5 (image: string & =~"^registry[.]example[.]com/" else "images come from registry.example.com")
                 = checked as Web, bound to base/*.yaml
            ./kgit.kgl:13:54: error[maximum]: 9 is greater than the maximum 5 (apps/v1 Deployment shop/web, at .spec.replicas)
              13 |   patch apps.Deployment "shop/web" { spec.replicas = 9 }
                 |                                                      ^
                 = value set by env prod at ./kgit.kgl:13:54
                 = overrides base at ./base/web.yaml:5:13
                 = layers: base < prod
                 = constraint declared at ./kgit.kgl:4:3 (spec.replicas: int & 1..5)
                 = checked as Web, bound to base/*.yaml

            """, "\(render.stderr)")
    }

    @Test func renderPrintsAValidEnvironment() async throws {
        let dir = try Self.repository(image: "registry.example.com/web:1")
        let render = try await KgitBinary.run(["render", "--env", "dev", "."], in: dir.url)
        #expect(render.status == 0, "\(render.stderr)")
        #expect(render.stderr == "")
        #expect(render.stdout.contains("  replicas: 2\n"), "\(render.stdout)")
        let prod = try await KgitBinary.run(["render", "--env", "prod", "."], in: dir.url)
        #expect(prod.status == 1)
        #expect(prod.stdout == "")
    }
}
