import Testing

@Suite struct KgitKGLPackageBuilds {
    @Test func theModuleLinks() { #expect(Bool(true)) }
}
