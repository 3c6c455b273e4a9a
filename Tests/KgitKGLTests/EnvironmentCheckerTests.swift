import Testing

@testable import KgitKGL

@Suite struct EnvironmentCheckerTests {
    /// Open struct types for the patches below to target (declared after use, which is fine).
    static let types = "\ntype T = { ... }\ntype U = { ... }"

    static func errors(_ kgl: String) -> [String] {
        CheckedEnvironments(source: kgl + types).diagnostics.map { "\($0.start) \($0.code)" }
    }

    @Test func eachEnvironmentGetsItsChainOfLayersFromBase() {
        let checked = CheckedEnvironments(source: """
            env dev {}
            env staging extends base {}
            env prod extends staging {}
            env canary extends prod {}
            """)
        #expect(checked.diagnostics.isEmpty)
        #expect(checked.chains == ["dev": ["dev"], "staging": ["staging"], "prod": ["staging", "prod"], "canary": ["staging", "prod", "canary"]])
    }

    @Test func anExplicitlyDeclaredBaseIsALayerToo() {
        let checked = CheckedEnvironments(source: "env base {}\nenv prod extends base {}")
        #expect(checked.chains["prod"] == ["base", "prod"])
    }

    @Test func theCorpusEnvironmentsHaveNoLayeringMistakes() {
        let layering: Set<String> = [
            KGLDiagnosticCode.duplicateEnvironment, .unknownEnvironment, .environmentCycle, .invalidPatchPath,
            .conflictingPatch, .finalOverridden,
        ].reduce(into: []) { $0.insert($1.code) }
        for name in ["design-envs", "environments"] {
            let entry = Corpus.valid.first { $0.name == name }
            let codes = CheckedEnvironments(source: entry?.source ?? "x").diagnostics.map(\.code)
            #expect(codes.filter(layering.contains) == [], "\(name)")
        }
    }

    @Test func aPatchOfAnUndeclaredTypeIsReported() {
        #expect(
            CheckedEnvironments(source: "env p { patch Nope \"n\" { a = 1 } }").diagnostics.map(\.code) == ["kgl-unknown-type"])
    }

    @Test(arguments: [
        ("env a {}\nenv a {}", "2:5 kgl-duplicate-environment"),
        ("env prod extends stagign {}\nenv staging {}", "1:18 kgl-unknown-environment"),
        ("env a extends b {}\nenv b extends a {}", "1:5 kgl-environment-cycle"),
        ("env a extends a {}", "1:5 kgl-environment-cycle"),
        ("env p { patch T \"n\" { spec.containers[*].image = \"x\" } }", "1:38 kgl-invalid-patch-path"),
        ("env p { patch T \"n\" { spec.replicas = 1; spec.replicas = 2 } }", "1:42 kgl-conflicting-patch"),
        ("env p { patch T \"n\" { spec = {}; spec.replicas = 2 } }", "1:34 kgl-conflicting-patch"),
        ("env p { patch T \"n\" { delete spec.a.b; spec.a = 1 } }", "1:40 kgl-conflicting-patch"),
        ("env p {\n patch T \"n\" { a = 1 }\n patch T \"n\" { a = 2 }\n}", "3:16 kgl-conflicting-patch"),
        (
            "env s { patch T \"n\" { final spec.replicas = 3 } }\nenv p extends s { patch T \"n\" { spec.replicas = 5 } }",
            "2:33 kgl-final-overridden"
        ),
        (
            "env s { patch T \"n\" { final spec = {} } }\nenv p extends s { patch T \"n\" { delete spec.x } }",
            "2:33 kgl-final-overridden"
        ),
    ])
    func mistakesAreReportedWithTheirPositionAndCode(_ kgl: String, _ want: String) {
        #expect(Self.errors(kgl) == [want])
    }

    @Test func changesThatDoNotOverlapAreFine() {
        #expect(Self.errors("env p { patch T \"n\" { spec.a = 1; spec.b = 2; spec.list += 1; spec.list += 2 } }") == [])
        #expect(Self.errors("env p { patch T \"n\" { a = 1 }\n patch T \"m\" { a = 2 }\n patch U \"n\" { a = 3 } }") == [])
        #expect(Self.errors("env p { patch T \"n\" { c[name=\"a\"].x = 1; c[name=\"b\"].x = 2 } }") == [])
        let sibling = "env s { patch T \"n\" { final a = 1 } }\nenv p extends base { patch T \"n\" { a = 2 } }"
        #expect(Self.errors(sibling) == [])
    }

    @Test func anUnknownParentGetsADidYouMean() {
        let diagnostics = CheckedEnvironments(source: "env prod extends stagign {}\nenv staging {}" + Self.types).diagnostics
        #expect(diagnostics.first?.notes == ["did you mean staging?"])
    }

    @Test func everyEnvironmentCodeIsDemonstratedAbove() {
        let sources = [
            "env a {}\nenv a {}", "env p extends q {}", "env a extends a {}",
            "env p { patch T \"n\" { a[*] = 1 } }", "env p { patch T \"n\" { a = 1; a = 2 } }",
            "env s { patch T \"n\" { final a = 1 } }\nenv p extends s { patch T \"n\" { a = 2 } }",
        ]
        let shown = Set(sources.flatMap { CheckedEnvironments(source: $0 + Self.types).diagnostics.map(\.code) })
        for code in [KGLDiagnosticCode.duplicateEnvironment, .unknownEnvironment, .environmentCycle, .invalidPatchPath, .conflictingPatch, .finalOverridden] {
            #expect(shown.contains(code.code), "\(code.code)")
        }
    }
}
