import Testing
@testable import KgitGit

@Suite struct RemoteURLTests {
    @Test func aPasswordInTheURLIsRedacted() {
        #expect(RemoteURL.redacted("https://bot:s3cret@git.example.com/org/repo.git")
            == "https://bot:***@git.example.com/org/repo.git")
    }

    @Test(arguments: ["https://git.example.com/org/repo.git", "ssh://git@host/repo.git", "git@host:org/repo.git",
                      "/srv/git/repo.git", "https://host/a:b@c"])
    func urlsWithoutAPasswordAreUnchanged(_ url: String) {
        #expect(RemoteURL.redacted(url) == url)
    }
}
