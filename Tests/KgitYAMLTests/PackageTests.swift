import Testing

@Suite struct KgitYAMLPackageBuilds {
    @Test func theModuleLinks() { #expect(Bool(true)) }
}
