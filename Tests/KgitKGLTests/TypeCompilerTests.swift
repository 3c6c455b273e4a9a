import KgitSchema
import KgitYAML
import Testing

@testable import KgitKGL

@Suite struct TypeCompilerTests {
    /// The codes of validating `yaml` against type `name` of `kgl`.
    static func check(_ kgl: String, _ name: String, _ yaml: String) throws -> [String] {
        let compiled = CompiledTypes(source: kgl)
        #expect(compiled.diagnostics.map(\.message) == [])
        let schema = try #require(compiled.types[name])
        let root = try #require(try YAMLParser.parse(yaml).first?.root)
        return Validator.validate(root, against: schema).map(\.code)
    }

    static func errors(_ kgl: String) -> [String] {
        CompiledTypes(source: kgl).diagnostics.map { "\($0.start) \($0.code)" }
    }

    @Test func rangesAndBoundsConstrainNumbers() throws {
        let kgl = "type Replicas = int & 1..50\ntype Ratio = float & >0 & <1"
        #expect(try Self.check(kgl, "Replicas", "3") == [])
        #expect(try Self.check(kgl, "Replicas", "0") != [])
        #expect(try Self.check(kgl, "Replicas", "51") != [])
        #expect(try Self.check(kgl, "Replicas", "\"3\"") != [])
        #expect(try Self.check(kgl, "Ratio", "0.5") == [])
        #expect(try Self.check(kgl, "Ratio", "1") != [])
        #expect(try Self.check(kgl, "Ratio", "0") != [])
    }

    @Test func aUnionOfLiteralsIsAnEnumeration() throws {
        let kgl = "type Env = \"dev\" | \"staging\" | \"prod\""
        #expect(try Self.check(kgl, "Env", "prod") == [])
        #expect(try Self.check(kgl, "Env", "test") == ["enum"])
    }

    @Test func patternsAndNegatedPatternsConstrainStrings() throws {
        let kgl = "type Image = string & =~#\"@sha256:[0-9a-f]{4}$\"# & !~\"latest\""
        #expect(try Self.check(kgl, "Image", "web@sha256:00af") == [])
        #expect(try Self.check(kgl, "Image", "web:1.0") != [])
        #expect(try Self.check(kgl, "Image", "latest@sha256:00af") != [])
    }

    @Test func structsAreClosedWithRequiredAndOptionalFields() throws {
        let kgl = "type C = { name: string, port?: Port }"
        #expect(try Self.check(kgl, "C", "name: web\nport: 80") == [])
        #expect(try Self.check(kgl, "C", "name: web") == [])
        #expect(try Self.check(kgl, "C", "port: 80") == ["required"])
        #expect(try Self.check(kgl, "C", "name: web\nprot: 80") == ["unknown-field"])
        #expect(try Self.check(kgl, "C", "name: web\nport: 70000") != [])
    }

    @Test func dottedPathsBuildNestedObjects() throws {
        let kgl = "type T = { spec.replicas: int, spec.paused?: bool }"
        #expect(try Self.check(kgl, "T", "spec: {replicas: 2}") == [])
        #expect(try Self.check(kgl, "T", "spec: {paused: true}") == ["required"])
        #expect(try Self.check(kgl, "T", "{}") == ["required"])
    }

    @Test func openStructsAndMapsAdmitExtraFields() throws {
        let kgl = "type Open = { a?: int, ... }\ntype Labels = { [string]: string }"
        #expect(try Self.check(kgl, "Open", "a: 1\nb: anything") == [])
        #expect(try Self.check(kgl, "Labels", "app: web\ntier: front") == [])
        // YAML 1.1 reads a bare y as true: the validator catches it where a string is expected.
        #expect(try Self.check(kgl, "Labels", "x: y") == ["quote-yaml11"])
        #expect(try Self.check(kgl, "Labels", "x: [1]") != [])
    }

    @Test func listsTakeLengthsKeysAndSets() throws {
        let kgl = """
            type Ports = [{ name: string, port: int }] keyed(name) & len(1..2)
            type Tags = [string] set
            type Name = string & len(1..3)
            """
        #expect(try Self.check(kgl, "Ports", "[{name: a, port: 1}]") == [])
        #expect(try Self.check(kgl, "Ports", "[]") != [])
        #expect(try Self.check(kgl, "Ports", "[{name: a, port: 1}, {name: a, port: 2}]") != [])
        #expect(try Self.check(kgl, "Tags", "[a, a]") != [])
        #expect(try Self.check(kgl, "Name", "abcd") != [])
        #expect(try Self.check(kgl, "Name", "abc") == [])
    }

    @Test func nullIsAcceptedOnlyWhereTheUnionSaysSo() throws {
        let kgl = "type Maybe = string | null\ntype Never = string"
        #expect(try Self.check(kgl, "Maybe", "null") == [])
        #expect(try Self.check(kgl, "Never", "null") != [])
    }

    @Test func typesMayReferToTypesDeclaredLaterAndToThemselves() throws {
        let kgl = "type A = { b: B }\ntype B = int & >=0\ntype Tree = { children?: [Tree] }"
        #expect(try Self.check(kgl, "A", "b: 1") == [])
        #expect(try Self.check(kgl, "A", "b: -1") != [])
        #expect(try Self.check(kgl, "Tree", "children: [{children: []}, {}]") == [])
        #expect(try Self.check(kgl, "Tree", "children: [{kids: []}]") == ["unknown-field"])
    }

    @Test func aRefinementNarrowsFieldsAndMakesThemRequired() throws {
        let kgl = """
            type Base = { replicas?: int, name: string, containers?: [{ image: string, memory?: Quantity }] }
            type Strict = Base {
              replicas: >=3
              containers: len(1..)
              containers[*].memory: Quantity
            }
            """
        #expect(try Self.check(kgl, "Strict", "name: a\nreplicas: 3\ncontainers: [{image: x, memory: 1Gi}]") == [])
        #expect(try Self.check(kgl, "Strict", "name: a\nreplicas: 2\ncontainers: [{image: x, memory: 1Gi}]") != [])
        #expect(try Self.check(kgl, "Strict", "name: a\ncontainers: [{image: x, memory: 1Gi}]") == ["required"])
        #expect(try Self.check(kgl, "Strict", "name: a\nreplicas: 3\ncontainers: [{image: x}]") == ["required"])
        #expect(try Self.check(kgl, "Base", "name: a") == [])
    }

    @Test func rulesAreKeptAsCELWithTheirGuardAndBlamedPath() throws {
        let kgl = "type T = { a?: int, rule \"a is small\" at a when has(self.a) { self.a < 10 } }"
        let type = try #require(CompiledTypes(source: kgl).types["T"])
        let schema = try #require(type.resolved)
        #expect(schema.validations.map(\.rule) == ["!(has(self.a)) || (self.a < 10)"])
        #expect(schema.validations.map(\.message) == ["a is small"])
        #expect(schema.validations.map(\.fieldPath) == ["a"])
    }

    // MARK: - Errors

    @Test(arguments: [
        ("type T = strng", "1:10 kgl-unknown-type"),
        ("type T = int\ntype T = string", "2:6 kgl-duplicate-type"),
        ("type T = { a: int, a: string }", "1:20 kgl-duplicate-field"),
        ("type T = { a.b: int, a.b: string }", "1:22 kgl-duplicate-field"),
        ("type B = { replicas?: int }\ntype T = B { replcas: int }", "2:14 kgl-refinement-adds-field"),
        ("type T = string & >=3", "1:19 kgl-invalid-constraint"),
        ("type T = int & len(1..)", "1:16 kgl-invalid-constraint"),
        ("type T = string & =~\"(\"", "1:21 kgl-invalid-pattern"),
        ("import apps \"crd:vendor/apps.yaml\"\ntype T = apps.Deployment", "1:13 kgl-not-supported-yet"),
        ("type T = { items[*]: int }", "1:12 kgl-not-supported-yet"),
        ("type T = int & between(1, 2)", "1:16 kgl-unknown-type"),
        // Found by the KGL fuzzer: a dotted call alone recursed until the stack overflowed.
        ("type T = a.map(1)", "1:10 kgl-unknown-type"),
        ("type T = a.map(n(1, 10) & x, \"b\")", "1:10 kgl-unknown-type"),
    ])
    func mistakesAreReportedWithTheirPositionAndCode(_ kgl: String, _ want: String) {
        #expect(Self.errors(kgl).first == want, "all: \(Self.errors(kgl))")
    }

    @Test func aLongChainOfAliasesIsBoundedNotAStackOverflow() {
        let source = (0..<500).map { "type T\($0) = T\($0 + 1)" }.joined(separator: "\n") + "\ntype T500 = int"
        let codes = Set(CompiledTypes(source: source).diagnostics.map(\.code))
        #expect(codes == ["kgl-nesting-too-deep"])
    }

    @Test func anAliasCycleIsReported() {
        let compiled = CompiledTypes(source: "type A = B\ntype B = A\ntype C = { a?: A }")
        // Reported once, where the cycle closes; everything built on it fails quietly.
        #expect(compiled.diagnostics.map { "\($0.start) \($0.code)" } == ["2:6 kgl-invalid-constraint"])
        #expect(compiled.types["A"] == nil && compiled.types["B"] == nil && compiled.types["C"] == nil)
    }

    @Test func anUnknownNameGetsADidYouMean() {
        let diagnostics = CompiledTypes(source: "type Port2 = Prot").diagnostics
        #expect(diagnostics.first?.notes == ["did you mean Port?"])
        let refinement = CompiledTypes(source: "type B = { replicas?: int }\ntype T = B { replcas: int }").diagnostics
        #expect(refinement.first?.notes == ["did you mean replicas?"])
    }

    @Test func everyCheckingCodeIsDemonstratedAbove() {
        let sources = [
            "type T = strng", "type T = int\ntype T = string", "type T = { a: int, a: string }",
            "type B = { r?: int }\ntype T = B { x: int }", "type T = string & >=3", "type T = string & =~\"(\"",
            "type T = { items[*]: int }", "type T = { a?: int = \"x\" }",
            "type T = { n?: int, rule \"small\" { self.n <= 8Gi } }",
            "type A = { a: int }\ntype B = { b: int }\ntype T = A | B",
            "type B = { r?: int & 1..5 }\ntype T = B { r: <=9 }",
        ]
        let shown = Set(sources.flatMap { CompiledTypes(source: $0).diagnostics.map(\.code) })
        // Environment, import and patch codes are shown by EnvironmentCheckerTests and BuiltinPackTests;
        let environmentCodes: Set<KGLDiagnosticCode> = [
            .duplicateEnvironment, .unknownEnvironment, .environmentCycle, .invalidPatchPath, .conflictingPatch,
            .finalOverridden, .invalidImport, .unknownPatchField, .invalidPatchValue, .invalidBinding,
            // Rendering codes: RenderedEnvironmentTests.
            .missingObject, .missingFile, .patchNotApplicable,
            // Import pins and schema documents need files: the CLI's KGLImports and KGLSchemaImports.
            .lockMismatch, .unsupportedSchema,
        ]
        for code in KGLDiagnosticCode.allCases where code.isCheck && !environmentCodes.contains(code) {
            #expect(shown.contains(code.code), "\(code.code)")
        }
    }

    @Test func aFileWithSyntaxErrorsIsNotCompiled() {
        let compiled = CompiledTypes(source: "type T = {")
        #expect(compiled.types.isEmpty)
        #expect(compiled.diagnostics.map(\.code) == ["kgl-unclosed-delimiter"])
    }
}

@Suite struct TypeCompilerDefaultsTests {
    static func errors(_ kgl: String) -> [String] {
        CompiledTypes(source: kgl).diagnostics.map { "\($0.start) \($0.code)" }
    }

    @Test func defaultsThatFitTheirTypeAreAccepted() {
        let kgl = """
            type T = {
              replicas?: int & 1..50 = 2
              mode?: "a" | "b" = "b"
              memory?: Quantity = 512Mi
              tags?: [string] = ["x", "no"]
              limits?: { cpu?: string, memory?: Quantity } = { cpu: "500m", memory: 1Gi }
              maybe?: string | null = null
            }
            """
        #expect(Self.errors(kgl) == [])
    }

    @Test(arguments: [
        ("type T = { replicas?: int & 1..50 = 0 }", "1:37 kgl-invalid-default"),
        ("type T = { mode?: \"a\" | \"b\" = \"c\" }", "1:31 kgl-invalid-default"),
        ("type T = { name?: string = 3 }", "1:28 kgl-invalid-default"),
        ("type T = { o?: { a: int } = { b: 1 } }", "1:29 kgl-invalid-default"),
        ("type B = { r?: int }\ntype T = B { r?: int = \"x\" }", "2:24 kgl-invalid-default"),
    ])
    func aDefaultOutsideItsTypeIsReportedAtTheDefault(_ kgl: String, _ want: String) {
        #expect(Self.errors(kgl).first == want, "all: \(Self.errors(kgl))")
    }

    @Test func recursiveTypesAreFreedWithTheirLastUser() throws {
        weak var tree: Schema?
        do {
            let kept = try #require(CompiledTypes(source: "type Tree = { n: int, children?: [Tree], parent?: Node }\ntype Node = { tree?: Tree }\n").types["Tree"])
            tree = kept.resolved
            #expect(tree != nil)
            // The compiled types are gone; the type handed out still reaches every type it names.
            let root = try #require(try YAMLParser.parse("n: 1\nchildren: [{n: 2, parent: {tree: {n: x}}}]").first?.root)
            #expect(Validator.validate(root, against: kept).map(\.path) == [".children[0].parent.tree.n"])
        }
        #expect(tree == nil, "a recursive type was never freed")
    }
}
