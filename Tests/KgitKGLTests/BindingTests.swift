import KgitSchema
import Testing

@testable import KgitKGL

@Suite struct BindingTests {
    static let header = "import apps \"kgit:k8s@1.33/apps/v1\"\n"

    @Test func bindRulesResolveToAKindAndAType() throws {
        let compiled = CompiledTypes(source: Self.header + """
            type Web = apps.Deployment { spec.replicas: >=2 }
            bind "apps/web/**/*.yaml" { apps.Deployment => Web; apps.StatefulSet => apps.StatefulSet }
            """)
        #expect(compiled.diagnostics.map(\.message) == [])
        #expect(compiled.bindings.map { "\($0.kind) => \($0.typeName)" } == [
            "apps/v1/Deployment => Web", "apps/v1/StatefulSet => apps.StatefulSet",
        ])
    }

    @Test(arguments: [
        ("bind \"\" { apps.Deployment => apps.Deployment }", "2:6 kgl-invalid-binding"),
        ("type W = { ... }\nbind \"x\" { W => W }", "3:12 kgl-invalid-binding"),
        ("bind \"x\" { apps.Deploymnt => apps.Deployment }", "2:17 kgl-unknown-type"),
        ("bind \"x\" { apps.Deployment => Missing }", "2:31 kgl-unknown-type"),
    ])
    func badBindingsAreReported(_ kgl: String, _ want: String) {
        #expect(CompiledTypes(source: Self.header + kgl).diagnostics.map { "\($0.start) \($0.code)" } == [want])
    }

    static func binding(_ glob: String) -> Binding {
        Binding(glob: glob, kind: GroupVersionKind(group: "", version: "v1", kind: "ConfigMap"), typeName: "T", type: Schema(.any))
    }

    @Test(arguments: [
        ("apps/web/**/*.yaml", "apps/web/deploy.yaml", true),
        ("apps/web/**/*.yaml", "apps/web/a/b/deploy.yaml", true),
        ("apps/web/**/*.yaml", "apps/api/deploy.yaml", false),
        ("apps/web/**/*.yaml", "apps/web/deploy.yml", false),
        ("*.yaml", "a.yaml", true),
        ("*.yaml", "dir/a.yaml", false),
        ("**", "any/thing/at/all", true),
        ("a?c/*-deploy.yaml", "abc/web-deploy.yaml", true),
        ("a?c/*-deploy.yaml", "abbc/web-deploy.yaml", false),
        ("a/**/b/**/c", "a/x/b/y/z/c", true),
        ("a/**/b/**/c", "a/x/y/c", false),
        ("*a*b*", "xaxxbx", true),
    ])
    func globsMatchPathsSegmentBySegment(_ glob: String, _ path: String, _ want: Bool) {
        #expect(Self.binding(glob).matches(path: path) == want)
    }
}
