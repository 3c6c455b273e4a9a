import Testing

@testable import KgitGit

@Suite struct RepositoryPathTests {
    @Test(arguments: [
        ("manifests", "manifests"), ("./manifests/", "manifests"), ("/a//b/./c", "a/b/c"),
        ("", ""), (".", ""), ("a/../b", "b"),
    ])
    func pathsNormalizeToTheFormTreesUse(_ input: String, _ want: String) throws {
        #expect(try RepositoryPath.normalize(input) == want)
    }

    @Test func aPathClimbingAboveTheRootIsRefused() {
        #expect(throws: GitError.self) { try RepositoryPath.normalize("a/../../etc") }
    }

    @Test(arguments: [("a/b/link", "../c", "a/c"), ("link", "x/y", "x/y"), ("a/link", "./z", "a/z")])
    func relativeSymlinkTargetsResolveFromTheLinksDirectory(_ link: String, _ target: String, _ want: String) {
        #expect(RepositoryPath.symlinkTarget(of: link, target: target) == want)
    }

    @Test(arguments: [("link", "/etc/passwd"), ("a/link", "../../outside"), ("link", "..")])
    func symlinkTargetsOutsideTheRepositoryHaveNoPath(_ link: String, _ target: String) {
        #expect(RepositoryPath.symlinkTarget(of: link, target: target) == nil)
    }
}
