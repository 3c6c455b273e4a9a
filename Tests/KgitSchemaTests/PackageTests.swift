import Testing

@Suite struct KgitSchemaPackageBuilds {
    @Test func theModuleLinks() { #expect(Bool(true)) }
}
