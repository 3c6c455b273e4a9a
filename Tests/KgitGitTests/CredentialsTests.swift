import Testing

@testable import KgitGit

@Suite struct CredentialsTests {
    @Test func theEnvironmentSuppliesATokenAnAgentAndAKeyFile() {
        let credentials = Credentials.fromEnvironment(
            [
                "KGIT_GIT_USERNAME": "bot", "KGIT_GIT_TOKEN": "t0ken", "SSH_AUTH_SOCK": "/run/agent.sock",
                "KGIT_SSH_KEY": "/keys/deploy", "KGIT_SSH_KEY_PASSPHRASE": "pw", "HOME": "/home/kgit",
            ],
            fileExists: { _ in true })
        #expect(
            credentials
                == Credentials(
                    username: "bot", password: "t0ken", useSSHAgent: true,
                    sshKeys: [.init(privateKeyPath: "/keys/deploy", passphrase: "pw")]))
    }

    @Test func withoutAnExplicitKeyTheDefaultKeyFilesThatExistAreUsed() {
        let credentials = Credentials.fromEnvironment(
            ["HOME": "/home/kgit"],
            fileExists: { $0.hasSuffix("id_rsa") || $0.hasSuffix("id_ed25519") })
        #expect(credentials.sshKeys.map(\.privateKeyPath) == ["/home/kgit/.ssh/id_ed25519", "/home/kgit/.ssh/id_rsa"])
        #expect(!credentials.useSSHAgent)
        #expect(credentials.password == nil)
    }

    @Test func sshOffersTheAgentThenEachKeyThenGivesUp() {
        let key = Credentials.SSHKey(privateKeyPath: "/k")
        let credentials = Credentials(useSSHAgent: true, sshKeys: [key])
        var tried: [Credentials.Choice] = []
        var offered: [Credentials.Choice] = []
        while let next = credentials.nextChoice(allowed: .sshKey, usernameFromURL: "git", tried: tried) {
            offered.append(next)
            tried.append(next)
        }
        #expect(offered == [.sshAgent(user: "git"), .sshKey(user: "git", key: key)])
    }

    @Test func sshWithoutAUserInTheURLIsAskedForAUsernameFirst() {
        let credentials = Credentials(username: "deploy", useSSHAgent: true)
        #expect(credentials.nextChoice(allowed: .username, usernameFromURL: nil, tried: []) == .username("deploy"))
        #expect(Credentials().nextChoice(allowed: .username, usernameFromURL: nil, tried: []) == .username("git"))
    }

    @Test func httpsOffersTheUsernameAndPasswordOnceSoAWrongOneFails() {
        let credentials = Credentials(username: "bot", password: "t0ken")
        let first = credentials.nextChoice(allowed: .userPassword, usernameFromURL: nil, tried: [])
        #expect(first == .userPassword(user: "bot", password: "t0ken"))
        #expect(
            credentials.nextChoice(allowed: .userPassword, usernameFromURL: nil, tried: [first].compactMap { $0 })
                == nil)
    }

    @Test func anonymousCredentialsOfferNothing() {
        #expect(
            Credentials.anonymous.nextChoice(allowed: [.userPassword, .sshKey], usernameFromURL: nil, tried: []) == nil)
    }
}
