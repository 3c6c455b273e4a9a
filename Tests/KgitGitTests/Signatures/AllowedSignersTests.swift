import Testing

@testable import KgitGit

@Suite struct AllowedSignersTests {
    static let key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"

    @Test func linesWithPrincipalsOptionsAndCommentsAreRead() throws {
        let text = """
            # the release team
            alice@example.com,bob@example.com \(Self.key) laptop

            carol@example.com namespaces="git,file",valid-after="20240101",valid-before="202501011200Z" \(Self.key)
            """
        let signers = try AllowedSigners(parsing: text, source: "signers")
        #expect(signers.entries.count == 2)
        #expect(signers.entries[0].principals == ["alice@example.com", "bob@example.com"])
        #expect(signers.entries[0].namespaces == nil)
        #expect(signers.entries[0].line == 2)
        #expect(signers.entries[1].namespaces == ["git", "file"])
        #expect(signers.entries[1].validAfter == 1_704_067_200)
        #expect(signers.entries[1].validBefore == 1_735_732_800)
        #expect(signers.entries[1].key.type == "ssh-ed25519")
    }

    @Test func errorsNameTheSourceLineAndColumn() {
        #expect(throws: AllowedSignersError(source: "f", line: 2, column: 19, message: "the key is not valid base64")) {
            try AllowedSigners(parsing: "\nalice ssh-ed25519 !!!notbase64", source: "f")
        }
        #expect(throws: AllowedSignersError.self) { try AllowedSigners(parsing: "alice@example.com", source: "f") }
        #expect(throws: AllowedSignersError.self) {
            try AllowedSigners(parsing: "alice cert-authority \(Self.key)", source: "f")
        }
        #expect(throws: AllowedSignersError.self) {
            try AllowedSigners(parsing: "alice ssh-rsa \(Self.key.dropFirst(12))", source: "f")
        }
    }

    @Test func fingerprintsAreWrittenAsSSHKeygenDoes() throws {
        let key = try SSHPublicKey(type: "ssh-ed25519", base64: String(Self.key.dropFirst(12)))
        #expect(key.fingerprint.hasPrefix("SHA256:"))
        #expect(!key.fingerprint.hasSuffix("="))
        #expect(key.fingerprint.count == 7 + 43)
    }

    @Test func base64RoundTrips() {
        for length in 0..<10 {
            let bytes = (0..<length).map { UInt8(($0 * 37 + 11) & 0xff) }
            #expect(Base64.decode(Base64.encode(bytes)) == bytes)
        }
        #expect(Base64.decode("a$b") == nil)
    }

    @Test func garbageIsAMalformedSignature() {
        #expect(throws: SSHSignatureError.self) { try SSHSignature(armored: "hello") }
        #expect(throws: SSHSignatureError.self) {
            try SSHSignature(armored: "-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\n-----END SSH SIGNATURE-----")
        }
        #expect(throws: SSHSignatureError.self) { try SSHSignature(armored: "-----BEGIN PGP SIGNATURE-----\nxx\n-----END PGP SIGNATURE-----") }
    }
}
