import Testing

@testable import KgitSync

@Suite struct ManifestFileTests {
    @Test(arguments: ["a.yaml", "dir/b.yml", "C.YAML", "d.Yml", "x/kgit.kgl", "schemas/web.kgl", "kgit.lock"])
    func yamlFilesKGLFilesAndTheLockAreDesiredState(_ path: String) {
        #expect(ManifestFile.isManifest(path))
    }

    @Test(arguments: ["README.md", ".yaml", "dir/.yml", "a.yaml.bak", "kgit.kgl.orig", ".kgl", "yaml", "a.lock"])
    func otherFilesAreNot(_ path: String) {
        #expect(!ManifestFile.isManifest(path))
    }
}
