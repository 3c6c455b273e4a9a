import Testing

@Suite struct KgitStorePackageBuilds {
    @Test func theModuleLinks() { #expect(Bool(true)) }
}
