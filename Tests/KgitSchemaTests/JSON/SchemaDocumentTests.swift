import KgitSchema
import KgitYAML
import Testing

/// OpenAPI documents and JSON Schemas read into the schema model: what maps, what is refused.
@Suite struct SchemaDocumentTests {
    static func load(_ text: String, _ kind: SchemaDocument.Kind = .jsonSchema) -> (types: [String: Schema], problems: [String]) {
        let loaded = SchemaDocument.load(Array(text.utf8), kind: kind, file: "s.json")
        return (loaded.types, loaded.problems.map { "\($0.mark) \($0.pointer): \($0.message)" })
    }

    /// The codes of checking `yaml` against `schema`.
    static func codes(_ schema: Schema?, _ yaml: String) throws -> [String] {
        let schema = try #require(schema)
        let root = try #require(try YAMLParser.parse(yaml).first?.root)
        return Validator.validate(root, against: schema).map(\.code)
    }

    static let values = """
        {
          "$schema": "https://json-schema.org/draft/2020-12/schema",
          "type": "object",
          "required": ["image"],
          "properties": {
            "image": {"$ref": "#/$defs/Image"},
            "replicas": {"type": "integer", "exclusiveMinimum": 0, "maximum": 10},
            "ratio": {"type": "number", "minimum": 0, "exclusiveMaximum": 1},
            "tier": {"const": "web"},
            "mode": {"enum": ["fast", "safe"]},
            "tags": {"type": "array", "items": {"type": "string", "minLength": 1}, "uniqueItems": true, "maxItems": 2},
            "labels": {"type": "object", "additionalProperties": {"type": "string", "maxLength": 3}},
            "either": {"anyOf": [{"type": "integer"}, {"type": "string", "pattern": "^[0-9]+%$"}]},
            "one": {"oneOf": [{"type": "integer", "maximum": 5}, {"type": "integer", "minimum": 3}]},
            "both": {"allOf": [{"type": "string", "minLength": 2}, {"type": "string", "maxLength": 3}]},
            "note": {"type": ["string", "null"]}
          },
          "additionalProperties": false,
          "$defs": {
            "Image": {
              "type": "object",
              "required": ["repository"],
              "properties": {"repository": {"type": "string", "pattern": "^[a-z./-]+$"}, "tag": {"type": "string"}}
            }
          }
        }
        """

    @Test func aJSONSchemaRootAndItsDefsBecomeTypes() throws {
        let loaded = Self.load(Self.values)
        #expect(loaded.problems == [])
        #expect(Set(loaded.types.keys) == ["Root", "Image"])
        #expect(try Self.codes(loaded.types["Root"], "image: {repository: example.com/web}") == [])
        #expect(try Self.codes(loaded.types["Image"], "{tag: v1}") == ["required"])
    }

    @Test func everySupportedKeywordConstrainsTheValue() throws {
        let root = Self.load(Self.values).types["Root"]
        let ok = "image: {repository: web}\n"
        #expect(try Self.codes(root, ok + "replicas: 10\nratio: 0.5\ntier: web\nmode: safe\ntags: [a, b]\nlabels: {a: xyz}\neither: 50%\none: 1\nboth: ab\nnote: null") == [])
        #expect(try Self.codes(root, "{}") == ["required"])
        #expect(try Self.codes(root, ok + "replicas: 0") == ["minimum"])
        #expect(try Self.codes(root, ok + "replicas: 11") == ["maximum"])
        #expect(try Self.codes(root, ok + "ratio: 1") == ["maximum"])
        #expect(try Self.codes(root, ok + "tier: api") == ["enum"])
        #expect(try Self.codes(root, ok + "mode: slow") == ["enum"])
        #expect(try Self.codes(root, ok + "tags: [a, a]") == ["duplicate-item"])
        #expect(try Self.codes(root, ok + "tags: [a, b, c]") == ["max-items"])
        #expect(try Self.codes(root, ok + "tags: ['']") == ["min-length"])
        #expect(try Self.codes(root, ok + "labels: {a: long}") == ["max-length"])
        #expect(try Self.codes(root, ok + "either: fifty") == ["any-of"])
        #expect(try Self.codes(root, ok + "one: 4") == ["one-of"])
        #expect(try Self.codes(root, ok + "both: abcd") == ["max-length"])
        #expect(try Self.codes(root, ok + "extra: 1") == ["unknown-field"])
        #expect(try Self.codes(root, "image: {repository: Web}") == ["pattern"])
    }

    @Test func objectsWithoutAdditionalPropertiesAdmitOtherFields() throws {
        let loaded = Self.load(#"{"type": "object", "properties": {"a": {"type": "integer"}}}"#)
        #expect(try Self.codes(loaded.types["Root"], "{a: 1, b: 2}") == [])
        #expect(try Self.codes(loaded.types["Root"], "{a: x}") == ["type-mismatch"])
    }

    @Test func keywordsWithoutATypeConstrainOnlyValuesOfTheirType() throws {
        let root = Self.load(
            #"{"type": "object", "properties": {"n": {"minimum": 3, "maxLength": 2}, "l": {"maxItems": 1}}}"#
        ).types["Root"]
        #expect(try Self.codes(root, "{n: 5, l: [a]}") == [])
        #expect(try Self.codes(root, "{n: ab, l: x}") == [])
        #expect(try Self.codes(root, "{n: true, l: {a: 1}}") == [])
        #expect(try Self.codes(root, "{n: 1}") == ["minimum"])
        #expect(try Self.codes(root, "{n: abc}") == ["max-length"])
        #expect(try Self.codes(root, "{l: [a, b]}") == ["max-items"])
    }

    @Test func aListOfTypesAdmitsEachTypeWithItsOwnKeywords() throws {
        let root = Self.load(
            #"{"type": ["integer", "string", "null"], "minimum": 1, "pattern": "^[0-9]+%$"}"#
        ).types["Root"]
        #expect(try Self.codes(root, "5") == [])
        #expect(try Self.codes(root, "50%") == [])
        #expect(try Self.codes(root, "null") == [])
        #expect(try Self.codes(root, "0") == ["minimum"])
        #expect(try Self.codes(root, "fifty") == ["pattern"])
        #expect(try Self.codes(root, "true") == ["type-mismatch"])
        #expect(try Self.codes(root, "[1]") == ["type-mismatch"])
        let schema = try #require(root)
        let node = try #require(try YAMLParser.parse("true").first?.root)
        #expect(Validator.validate(node, against: schema).map(\.message) == ["expected integer or string, found boolean `true`"])
    }

    @Test func anOpenAPIDocumentsComponentSchemasBecomeTypes() throws {
        let loaded = Self.load(
            """
            openapi: 3.0.3
            info: {title: t, version: "1"}
            paths: {}
            components:
              schemas:
                Config:
                  type: object
                  required: [port]
                  additionalProperties: false
                  properties:
                    port: {type: integer, minimum: 1, maximum: 65535, exclusiveMaximum: true}
                    mode: {$ref: '#/components/schemas/Mode'}
                    owner: {type: string, nullable: true}
                Mode: {type: string, enum: [fast, safe]}
            """, .openAPI)
        #expect(loaded.problems == [])
        #expect(try Self.codes(loaded.types["Config"], "{port: 80, mode: fast, owner: null}") == [])
        #expect(try Self.codes(loaded.types["Config"], "{port: 65535}") == ["maximum"])
        #expect(try Self.codes(loaded.types["Config"], "{port: 1, mode: slow}") == ["enum"])
    }

    @Test func anEnumerationAndAPatternRememberWhereTheyWereDeclared() throws {
        let loaded = Self.load("openapi: 3.1.0\ncomponents:\n  schemas:\n    Mode: {type: string, enum: [a]}\n", .openAPI)
        #expect(loaded.types["Mode"]?.origin == "s.json:4:26")
    }

    @Test func keywordsTheModelCannotExpressAreRefusedWithTheirPointer() {
        #expect(Self.load(#"{"properties": {"a": {"prefixItems": [{"type": "string"}]}}}"#).problems == [
            "1:23 /properties/a/prefixItems: keyword `prefixItems` is not supported: the schema model cannot express it"
        ])
        #expect(Self.load(#"{"items": [{"type": "string"}]}"#).problems == [
            "1:11 /items: keyword `items` as a list (tuple validation) is not supported"
        ])
        #expect(Self.load(#"{"type": ["string", "integer"]}"#).problems == [])
        #expect(Self.load(#"{"type": ["string", "text"]}"#).problems == [
            "1:10 /type: keyword `type` must name JSON types (object, array, string, integer, number, boolean, null)"
        ])
        #expect(Self.load(#"{"$ref": "other.json#/$defs/A"}"#).problems == [
            "1:10 /$ref: keyword `$ref` to another file (other.json) is read only in a repository, where the file is pinned"
        ])
        #expect(Self.load(#"{"$ref": "https://example.com/a.json"}"#).problems == [
            "1:10 /$ref: keyword `$ref` to \"https://example.com/a.json\" is not supported: a reference names a schema of this file (#/$defs/<name>) or, by a relative path inside the repository, of another (common.json#/$defs/<name>)"
        ])
        #expect(Self.load(##"{"$ref": "#/$defs/Missing"}"##).problems == [
            "1:10 /$ref: keyword `$ref` names \"#/$defs/Missing\", which the document does not define"
        ])
        #expect(Self.load(#"{"pattern": "(?=a)"}"#).problems.count == 1)
        #expect(Self.load(#"{"enum": [{"a": 1}]}"#).problems == [
            "1:11 /enum: keyword `enum` with object values is not supported: only scalars can be compared"
        ])
        #expect(Self.load("swagger: '2.0'\n", .openAPI).problems == ["1:1 /openapi: expected an OpenAPI 3.x document, found swagger 2.0"])
    }

    @Test func aRefusedDocumentYieldsNoTypes() {
        #expect(Self.load(#"{"$defs": {"A": {"type": "string"}, "B": {"not": {"prefixItems": []}}}}"#).types.isEmpty)
    }

    @Test func aRecursiveReferenceToTheRootIsLinked() throws {
        let loaded = Self.load(##"{"type": "object", "properties": {"child": {"$ref": "#"}, "n": {"type": "integer"}}}"##)
        #expect(loaded.problems == [])
        #expect(try Self.codes(loaded.types["Root"], "child: {child: {n: 1}}") == [])
        #expect(try Self.codes(loaded.types["Root"], "child: {child: {n: x}}") == ["type-mismatch"])
    }

    @Test func aRecursiveDocumentIsFreedWithTheLastTypeUsingIt() throws {
        let text = ##"{"properties": {"child": {"$ref": "#"}, "next": {"$ref": "#/$defs/Node"}}, "$defs": {"Node": {"properties": {"next": {"$ref": "#/$defs/Node"}}}}}"##
        weak var root: Schema?
        weak var node: Schema?
        do {
            // A type outlives the rest of what load returned: it keeps the document's graph.
            func load() -> Schema? {
                let loaded = SchemaDocument.load(Array(text.utf8), kind: .jsonSchema, file: "s.json")
                root = loaded.types["Root"]?.resolved
                node = loaded.types["Node"]?.resolved
                return loaded.types["Root"]
            }
            let kept = try #require(load())
            #expect(root != nil && node != nil)
            #expect(try Self.codes(kept, "next: {next: {next: 1}}") == ["type-mismatch"])
        }
        #expect(root == nil, "the root schema refers to itself and was never freed")
        #expect(node == nil, "a $defs entry refers to itself and was never freed")
    }

    @Test func patternPropertiesTypeTheKeysTheyMatchAndOnlyOthersAreAdditional() throws {
        let root = Self.load(#"{"patternProperties": {"^x-": {"type": "string"}, "[0-9]$": {"type": "integer"}}, "additionalProperties": false}"#).types["Root"]
        #expect(try Self.codes(root, "{x-a: s, n1: 1}") == [])
        // A key matching both patterns is checked against both.
        #expect(try Self.codes(root, "{x-1: s}") == ["type-mismatch"])
        #expect(try Self.codes(root, "{x-a: 1, other: 1}") == ["type-mismatch", "unknown-field"])
    }

    @Test func ifThenElseAppliesThenToMatchingValuesAndElseToOthers() throws {
        let root = Self.load(#"{"if": {"properties": {"kind": {"const": "a"}}}, "then": {"required": ["a"]}, "else": {"required": ["b"]}}"#).types["Root"]
        #expect(try Self.codes(root, "{kind: a, a: 1}") == [])
        #expect(try Self.codes(root, "{kind: a, b: 1}") == ["required"])
        #expect(try Self.codes(root, "{kind: c, b: 1}") == [])
        #expect(try Self.codes(root, "{kind: c, a: 1}") == ["required"])
    }

    /// Loads `files["main.json"]` reading the others from `files`.
    static func loadFiles(_ files: [String: String]) -> (types: [String: Schema], problems: [String]) {
        let loaded = SchemaDocument.load(Array((files["schemas/main.json"] ?? "").utf8), kind: .jsonSchema, file: "schemas/main.json") { path in
            guard let text = files[path] else { return .failure(.init("no such file")) }
            return .success(Array(text.utf8))
        }
        return (loaded.types, loaded.problems.map { "\($0.file):\($0.mark) \($0.pointer): \($0.message)" })
    }

    @Test func aReferenceToAnotherFileReadsItRelativeToTheReferringFile() throws {
        let loaded = Self.loadFiles([
            "schemas/main.json": ##"{"properties": {"a": {"$ref": "common/defs.json#/$defs/A"}, "r": {"$ref": "../root.json"}}}"##,
            "schemas/common/defs.json": ##"{"$defs": {"A": {"type": "integer", "maximum": 3}, "B": {"$ref": "../main.json"}}}"##,
            "root.json": ##"{"type": "object", "properties": {"up": {"$ref": "schemas/main.json"}, "n": {"enum": [1]}}}"##,
        ])
        #expect(loaded.problems == [])
        #expect(Set(loaded.types.keys) == ["Root"])
        #expect(try Self.codes(loaded.types["Root"], "{a: 3, r: {n: 1, up: {a: 2}}}") == [])
        #expect(try Self.codes(loaded.types["Root"], "{a: 4, r: {n: 2, up: {a: x}}}") == ["maximum", "enum", "type-mismatch"])
    }

    @Test func problemsInReferencedFilesNameThatFile() {
        #expect(Self.loadFiles([
            "schemas/main.json": ##"{"properties": {"a": {"$ref": "defs.json#/$defs/A"}, "b": {"$ref": "defs.json#/$defs/Missing"}, "c": {"$ref": "gone.json"}, "d": {"$ref": "../../x.json"}}}"##,
            "schemas/defs.json": ##"{"$defs": {"A": {"prefixItems": []}}}"##,
        ]).problems == [
            "schemas/main.json:1:139 /properties/d/$ref: keyword `$ref` to \"../../x.json\" is not supported: a reference names a schema of this file (#/$defs/<name>) or, by a relative path inside the repository, of another (common.json#/$defs/<name>)",
            "schemas/defs.json:1:18 /$defs/A/prefixItems: keyword `prefixItems` is not supported: the schema model cannot express it",
            "schemas/main.json:1:68 /properties/b/$ref: keyword `$ref` names /$defs/Missing of schemas/defs.json, which that file does not define",
            "schemas/main.json:1:111 /properties/c/$ref: keyword `$ref` to schemas/gone.json: no such file",
        ])
    }
}
