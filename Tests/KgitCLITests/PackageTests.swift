import Testing

@Suite struct KgitCLIPackageBuilds {
    @Test func theModuleLinks() { #expect(Bool(true)) }
}
