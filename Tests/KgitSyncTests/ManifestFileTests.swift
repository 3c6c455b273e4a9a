import Testing
@testable import KgitSync

@Suite struct ManifestFileTests {
    @Test(arguments: ["a.yaml", "dir/b.yml", "C.YAML", "d.Yml", "x/kgit.kgl"])
    func yamlFilesAndTheConfigurationAreManifests(_ path: String) {
        #expect(ManifestFile.isManifest(path))
    }

    @Test(arguments: ["README.md", ".yaml", "dir/.yml", "a.yaml.bak", "kgit.kgl.orig", "x/other.kgl", "yaml"])
    func otherFilesAreNot(_ path: String) {
        #expect(!ManifestFile.isManifest(path))
    }
}
