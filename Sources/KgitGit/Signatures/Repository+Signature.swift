internal import CGit2

/// Why a commit's signature was refused: the commit, its committer, the signer when known, and the reason.
public struct CommitSignatureError: Error, Sendable, CustomStringConvertible {
    /// Why, coarse enough to act on.
    public enum Kind: Sendable, Equatable {
        /// The commit has no `gpgsig` header.
        case unsigned
        /// The signature cannot be read or uses something kgit does not verify.
        case unreadable
        /// The key is not in the allowed signers (or not for namespace `git`, or not at the commit's time).
        case unknownKey
        /// The signature does not match the commit and key.
        case invalid
    }

    /// Why.
    public let kind: Kind
    /// The commit refused.
    public let commit: ObjectID
    /// `Name <email>` of the committer.
    public let committer: String
    /// The signing key and, when the allowed signers list it, its principals.
    public let signer: String?
    /// The details.
    public let reason: String

    /// One line naming the commit, the committer, the signer and why.
    public var description: String {
        let head = "commit \(commit.abbreviated(12)) (committed by \(committer))"
        switch kind {
        case .unsigned: return "\(head) is not signed: \(reason)"
        case .unreadable: return "\(head) has a signature kgit cannot check: \(reason)"
        case .unknownKey: return "\(head) is signed by \(signer ?? "an unknown key"), which is not an allowed signer: \(reason)"
        case .invalid: return "\(head) has a bad signature by \(signer ?? "an unknown key"): \(reason)"
        }
    }
}

/// A commit whose SSH signature verified against the allowed signers.
public struct VerifiedCommit: Sendable, Equatable {
    /// The commit.
    public let commit: ObjectID
    /// The principals of the allowed-signers line that matched: `alice@example.com`.
    public let principals: [String]
    /// The key that signed.
    public let key: SSHPublicKey
}

extension Repository {
    /// Checks that commit `id` carries an SSH signature (git's `gpg.format=ssh`, an armored SSHSIG in its
    /// `gpgsig` header) made in namespace `git` by a key in `allowedSigners`, over the commit as git signs it
    /// (the commit object without the `gpgsig` header).
    ///
    /// - Throws: `CommitSignatureError` naming the commit, the committer and the signer; `GitError` when the commit
    ///   cannot be read.
    public func verifySignature(of id: ObjectID, allowedSigners: AllowedSigners) throws -> VerifiedCommit {
        let operation = "reading the signature of commit \(id.abbreviated(12))"
        var oid = id.oid
        var commit: OpaquePointer?
        try check(git_commit_lookup(&commit, handle, &oid), operation)
        defer { git_commit_free(commit) }
        var committer = "an unknown committer"
        var time: Int64?
        if let signature = git_commit_committer(commit) {
            committer = "\(String(cString: signature.pointee.name)) <\(String(cString: signature.pointee.email))>"
            time = signature.pointee.when.time
        }
        func refuse(_ kind: CommitSignatureError.Kind, _ signer: String?, _ reason: String) -> CommitSignatureError {
            CommitSignatureError(kind: kind, commit: id, committer: committer, signer: signer, reason: reason)
        }

        var signature = git_buf()
        var signedData = git_buf()
        defer {
            git_buf_dispose(&signature)
            git_buf_dispose(&signedData)
        }
        let code = git_commit_extract_signature(&signature, &signedData, handle, &oid, nil)
        if code == GIT_ENOTFOUND.rawValue {
            git_error_clear()
            throw refuse(.unsigned, nil, "an SSH signature by a key in \(allowedSigners.source) is required")
        }
        try check(code, operation)
        let armored = String(decoding: Self.bytes(signature), as: UTF8.self)
        let message = Self.bytes(signedData)

        let parsed: SSHSignature
        do {
            parsed = try SSHSignature(armored: armored)
        } catch {
            throw refuse(.unreadable, nil, "\(error)")
        }
        let key = parsed.publicKey
        let matches = allowedSigners.entries(for: key, namespace: "git", at: time)
        guard let entry = matches.first else {
            let listed = allowedSigners.entries.filter { $0.key == key }
            let why: String
            if let line = listed.first {
                why = "\(allowedSigners.source):\(line.line) lists this key for \(line.principals.joined(separator: ",")) but not for namespace git at the commit's time"
            } else {
                why = "the key is not in \(allowedSigners.source)"
            }
            throw refuse(.unknownKey, "\(key)", why)
        }
        let signer = "\(entry.principals.joined(separator: ",")) (\(key))"
        let outcome: Result<Void, SSHSignatureError> = Result { () throws(SSHSignatureError) in
            try parsed.verify(message, namespace: "git")
        }
        switch outcome {
        case .success: break
        case .failure(.mismatch(let reason)): throw refuse(.invalid, signer, reason)
        case .failure(let error): throw refuse(.unreadable, signer, "\(error)")
        }
        return VerifiedCommit(commit: id, principals: entry.principals, key: key)
    }

    static func bytes(_ buffer: git_buf) -> [UInt8] {
        guard let pointer = buffer.ptr, buffer.size > 0 else { return [] }
        return pointer.withMemoryRebound(to: UInt8.self, capacity: buffer.size) {
            Array(UnsafeBufferPointer(start: $0, count: buffer.size))
        }
    }
}
