import Testing

@testable import KgitGit

@Suite struct RemoteURLTests {
    @Test func aPasswordInTheURLIsRedacted() {
        #expect(
            RemoteURL.redacted("https://bot:s3cret@git.example.com/org/repo.git")
                == "https://bot:***@git.example.com/org/repo.git")
    }

    @Test(arguments: [
        "https://git.example.com/org/repo.git", "ssh://git@host/repo.git", "git@host:org/repo.git",
        "/srv/git/repo.git", "https://host/a:b@c",
    ])
    func urlsWithoutAPasswordAreUnchanged(_ url: String) {
        #expect(RemoteURL.redacted(url) == url)
    }

    @Test func aPasswordIsSplitOutOfTheURLAndDecoded() {
        let split = RemoteURL.splittingPassword("https://bot%40ci:s3cr%2Ft@git.example.com/org/repo.git")
        #expect(split.url == "https://bot%40ci@git.example.com/org/repo.git")
        #expect(split.username == "bot@ci")
        #expect(split.password == "s3cr/t")
    }

    @Test(arguments: ["https://git.example.com/org/repo.git", "ssh://git@host/repo.git", "/srv/git/repo.git"])
    func urlsWithoutAPasswordSplitIntoThemselves(_ url: String) {
        let split = RemoteURL.splittingPassword(url)
        #expect(split.url == url)
        #expect(split.password == nil)
    }
}
