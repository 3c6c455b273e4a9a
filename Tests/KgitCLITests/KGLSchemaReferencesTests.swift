import Foundation
import KgitTesting
import Testing

/// JSON Schema imports that `$ref` other files, `patternProperties` and `if`/`then`/`else`, from the
/// user's side: schema files, a kgit.kgl and YAML on disk, `kgit lock` and `kgit validate` run.
@Suite struct KGLSchemaReferences {
    static let values = """
        {
          "type": "object",
          "additionalProperties": false,
          "properties": {
            "image": {"$ref": "../common/image.schema.json#/$defs/Image"},
            "tier": {"enum": ["dev", "prod"]},
            "replicas": {"type": "integer"},
            "env": {
              "type": "object",
              "patternProperties": {"^[A-Z_]+$": {"type": "string"}},
              "additionalProperties": false
            }
          },
          "if": {"properties": {"tier": {"const": "prod"}}, "required": ["tier"]},
          "then": {"required": ["replicas"], "properties": {"replicas": {"type": "integer", "minimum": 2}}},
          "else": {"properties": {"replicas": {"type": "integer", "maximum": 1}}}
        }
        """

    static let image = """
        {
          "$defs": {
            "Image": {
              "type": "object",
              "required": ["repository"],
              "properties": {
                "repository": {"type": "string", "pattern": "^registry[.]example[.]com/"},
                "tag": {"$ref": "#/$defs/Tag"}
              }
            },
            "Tag": {"type": "string", "minLength": 1}
          }
        }
        """

    static let kgl = """
        import wd "crd:vendor/widget-crd.yaml"
        import chart "jsonschema:charts/web/values.schema.json"

        type Widget = wd.Widget {
          spec.values?: chart.Root
        }

        bind "base/*.yaml" { wd.Widget => Widget }
        """

    static func repository(values: String) async throws -> TemporaryDirectory {
        let dir = try TemporaryDirectory()
        try dir.write("kgit.kgl", kgl)
        try dir.write("vendor/widget-crd.yaml", KGLSchemaImports.crd)
        try dir.write("charts/web/values.schema.json", Self.values)
        try dir.write("charts/common/image.schema.json", image)
        try dir.write("base/widget.yaml", KGLSchemaImports.widget("  values:\n" + values))
        let lock = try await KgitBinary.run(["lock", "."], in: dir.url)
        #expect(lock.status == 0, "\(lock.stderr)")
        return dir
    }

    static let good = """
            image: {repository: registry.example.com/web, tag: v1}
            tier: prod
            replicas: 3
            env: {LOG_LEVEL: debug}
        """

    @Test func aReferencedFileIsPinnedAndItsSchemasCheckTheValues() async throws {
        let dir = try await Self.repository(values: Self.good)
        let lock = try String(contentsOf: dir.url.appendingPathComponent("kgit.lock"), encoding: .utf8)
        let hash = try await KGLImports.sha256(Self.image)
        #expect(lock.contains("sha256 \(hash) charts/common/image.schema.json\n"), "\(lock)")
        let result = try await KgitBinary.run(["validate", "."], in: dir.url)
        #expect(result.status == 0, "\(result.stdout)")
    }

    @Test func patternPropertiesAndReferencedSchemasReportExactly() async throws {
        let dir = try await Self.repository(values: """
                image: {repository: docker.io/web, tag: ""}
                env: {LOG_LEVEL: debug, lower: x, PORT: 80}
            """)
        let result = try await KgitBinary.run(["validate", "-o", "github", "."], in: dir.url)
        #expect(result.status == 1)
        #expect(result.stdout == """
            ::error file=./base/widget.yaml,line=6,col=25,endLine=6,endColumn=38,title=kgit pattern::string "docker.io/web" does not match the pattern `^registry[.]example[.]com/` (at .spec.values.image.repository)%0Apattern declared at charts/common/image.schema.json:7:42%0Aconstraint declared at ./kgit.kgl:5:3 (spec.values?: chart.Root)%0Achecked as Widget, bound to base/*.yaml
            ::error file=./base/widget.yaml,line=6,col=45,endLine=6,endColumn=47,title=kgit min-length::expected at least 1 characters, found 0 (at .spec.values.image.tag)%0Aconstraint declared at ./kgit.kgl:5:3 (spec.values?: chart.Root)%0Achecked as Widget, bound to base/*.yaml
            ::error file=./base/widget.yaml,line=7,col=29,endLine=7,endColumn=34,title=kgit unknown-field::unknown field `lower` (at .spec.values.env.lower)%0Aconstraint declared at ./kgit.kgl:5:3 (spec.values?: chart.Root)%0Achecked as Widget, bound to base/*.yaml
            ::error file=./base/widget.yaml,line=7,col=45,endLine=7,endColumn=47,title=kgit type-mismatch::expected string, found integer `80` (at .spec.values.env.PORT)%0Aquote it: "80"%0Aconstraint declared at ./kgit.kgl:5:3 (spec.values?: chart.Root)%0Achecked as Widget, bound to base/*.yaml

            """, "\(result.stdout)")
    }

    @Test func thenAppliesWhenTheConditionHolds() async throws {
        let dir = try await Self.repository(values: "    tier: prod\n    image: {repository: registry.example.com/web}\n")
        let result = try await KgitBinary.run(["validate", "-o", "github", "."], in: dir.url)
        #expect(result.status == 1)
        #expect(result.stdout == """
            ::error file=./base/widget.yaml,line=6,col=5,endLine=8,title=kgit required::missing required field `replicas` (at .spec.values.replicas)%0Aconstraint declared at ./kgit.kgl:5:3 (spec.values?: chart.Root)%0Achecked as Widget, bound to base/*.yaml

            """, "\(result.stdout)")
    }

    @Test func elseAppliesWhenTheConditionFails() async throws {
        let dir = try await Self.repository(values: "    tier: dev\n    replicas: 2\n    image: {repository: registry.example.com/web}\n")
        let result = try await KgitBinary.run(["validate", "-o", "github", "."], in: dir.url)
        #expect(result.status == 1)
        #expect(result.stdout == """
            ::error file=./base/widget.yaml,line=7,col=15,endLine=7,endColumn=16,title=kgit maximum::2 is greater than the maximum 1 (at .spec.values.replicas)%0Aconstraint declared at ./kgit.kgl:5:3 (spec.values?: chart.Root)%0Achecked as Widget, bound to base/*.yaml

            """, "\(result.stdout)")
    }

    @Test func aChangedReferencedFileIsALockMismatchAtTheReference() async throws {
        let dir = try await Self.repository(values: Self.good)
        try dir.write("charts/common/image.schema.json", Self.image + "\n")
        let old = try await KGLImports.sha256(Self.image)
        let new = try await KGLImports.sha256(Self.image + "\n")
        let result = try await KgitBinary.run(["validate", "-o", "github", "."], in: dir.url)
        #expect(result.status == 1)
        #expect(result.stdout == """
            ::error file=./kgit.kgl,line=2,col=14,endLine=2,endColumn=56,title=kgit kgl-unsupported-schema::charts/web/values.schema.json:5:23: keyword `$ref` to charts/common/image.schema.json: charts/common/image.schema.json does not match kgit.lock: the file's SHA-256 is \(new), kgit.lock pins \(old) (at /properties/image/$ref)

            """, "\(result.stdout)")
    }

    @Test func aReferenceOutsideTheRepositoryIsRefused() async throws {
        let dir = try await Self.repository(values: Self.good)
        try dir.write("charts/web/values.schema.json", Self.values.replacingOccurrences(of: "../common/", with: "../../../"))
        _ = try await KgitBinary.run(["lock", "."], in: dir.url)
        let result = try await KgitBinary.run(["validate", "-o", "github", "."], in: dir.url)
        #expect(result.status == 1)
        #expect(result.stdout == """
            ::error file=./kgit.kgl,line=2,col=14,endLine=2,endColumn=56,title=kgit kgl-unsupported-schema::charts/web/values.schema.json:5:23: keyword `$ref` to "../../../image.schema.json#/$defs/Image" is not supported: a reference names a schema of this file (#/$defs/<name>) or, by a relative path inside the repository, of another (common.json#/$defs/<name>) (at /properties/image/$ref)

            """, "\(result.stdout)")
    }
}
