internal import CGit2

extension Repository {
    /// The remote a mirror fetches from.
    static let mirrorRemote = "origin"

    /// The references a mirror copies: every branch and tag, under the same names, force-updated.
    static let mirrorRefspecs = ["+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"]

    /// Opens the bare mirror of `url` at `directory`, creating it (and missing parent directories) the first time.
    ///
    /// The mirror is a bare repository whose remote `origin` fetches every branch and tag under its own name, so
    /// `main`, `v1.0.0` and commit ids resolve in it as they do in the remote. If the directory holds a mirror
    /// of another URL, its remote is repointed at `url`. Nothing is downloaded until `fetch(credentials:)`.
    ///
    /// The URL is stored in the mirror's `config` as given: pass secrets as `Credentials`, not inside the URL.
    ///
    /// - Parameters:
    ///   - url: a local path, `file://`, `git://`, `ssh://`, `user@host:path` or `https://` URL.
    ///   - directory: the cache directory for this remote.
    public static func mirror(of url: String, at directory: String) throws -> Repository {
        let operation = "preparing the mirror of \(RemoteURL.redacted(url)) at \(directory)"
        guard !url.isEmpty else {
            throw GitError(.invalidArgument, operation: operation, reason: "the remote URL is empty")
        }
        let repository = try (try? open(at: directory)) ?? create(at: directory, bare: true)
        var remote: OpaquePointer?
        let lookup = git_remote_lookup(&remote, repository.handle, mirrorRemote)
        if lookup == GIT_ENOTFOUND.rawValue {
            try check(
                git_remote_create_with_fetchspec(&remote, repository.handle, mirrorRemote, url, mirrorRefspecs[0]),
                operation)
            for refspec in mirrorRefspecs.dropFirst() {
                try check(git_remote_add_fetch(repository.handle, mirrorRemote, refspec), operation)
            }
        } else {
            try check(lookup, operation)
            if let current = git_remote_url(remote), String(cString: current) != url {
                try check(git_remote_set_url(repository.handle, mirrorRemote, url), operation)
            }
        }
        git_remote_free(remote)
        return repository
    }

    /// The URL of the mirror's remote, as configured (unredacted); nil when the repository is not a mirror.
    public var remoteURL: String? {
        var remote: OpaquePointer?
        guard git_remote_lookup(&remote, handle, Self.mirrorRemote) == 0 else { return nil }
        defer { git_remote_free(remote) }
        return git_remote_url(remote).map { String(cString: $0) }
    }

    /// Downloads new objects from the mirror's remote and updates every branch and tag to match it, deleting
    /// those the remote no longer has; points `HEAD` at the remote's default branch.
    ///
    /// Blocks until the transfer ends. libgit2 1.5 has no connect timeout: an unreachable host fails as fast as
    /// the operating system reports it (at once for a refused connection).
    ///
    /// - Parameter credentials: what to offer if the remote asks (see `Credentials`).
    /// - Returns: the references that changed; `changed` is false when the mirror was already up to date.
    /// - Throws: `.unreachable` (refused, unknown host, no repository at that path), `.authentication`,
    ///   `.certificate`, `.repository` (not a mirror: no remote `origin`).
    @discardableResult
    public func fetch(credentials: Credentials = .anonymous) throws -> FetchResult {
        var remote: OpaquePointer?
        let lookup = git_remote_lookup(&remote, handle, Self.mirrorRemote)
        guard lookup == 0, let remote else {
            throw GitError(
                .repository, operation: "fetching into \(path)",
                reason: "the repository has no remote \"\(Self.mirrorRemote)\"; open it with mirror(of:at:)")
        }
        defer { git_remote_free(remote) }
        let url = git_remote_url(remote).map { String(cString: $0) } ?? ""
        let operation = "fetching \(RemoteURL.redacted(url)) into \(path)"

        let context = FetchContext(credentials: credentials)
        return try withExtendedLifetime(context) {
            var callbacks = git_remote_callbacks()
            git_remote_init_callbacks(&callbacks, UInt32(GIT_REMOTE_CALLBACKS_VERSION))
            callbacks.payload = Unmanaged.passUnretained(context).toOpaque()
            callbacks.credentials = { out, url, usernameFromURL, allowedTypes, payload in
                guard let out, let payload else { return GIT_PASSTHROUGH.rawValue }
                let context = Unmanaged<FetchContext>.fromOpaque(payload).takeUnretainedValue()
                return context.provideCredential(
                    out, usernameFromURL: usernameFromURL.map { String(cString: $0) },
                    allowed: allowedTypes)
            }
            callbacks.update_tips = { name, old, new, payload in
                guard let name, let payload else { return 0 }
                let context = Unmanaged<FetchContext>.fromOpaque(payload).takeUnretainedValue()
                context.updates.append(
                    FetchResult.ReferenceUpdate(
                        name: String(cString: name),
                        old: old.flatMap { git_oid_is_zero($0) == 1 ? nil : ObjectID($0) },
                        new: new.flatMap { git_oid_is_zero($0) == 1 ? nil : ObjectID($0) }))
                return 0
            }

            let connected = git_remote_connect(remote, GIT_DIRECTION_FETCH, &callbacks, nil, nil)
            if connected < 0 {
                var error = GitError.fromLibgit2(connected, operation: operation)
                if ![.authentication, .certificate].contains(error.kind) {
                    error = GitError(
                        .unreachable, operation: operation, reason: "the remote is unreachable",
                        libgit2Code: error.libgit2Code, libgit2Message: error.libgit2Message)
                }
                throw error
            }
            var branch = git_buf()
            let defaultBranch: String? =
                git_remote_default_branch(&branch, remote) == 0 && branch.ptr != nil
                ? String(cString: branch.ptr) : nil
            git_buf_dispose(&branch)

            var options = git_fetch_options()
            git_fetch_options_init(&options, UInt32(GIT_FETCH_OPTIONS_VERSION))
            options.callbacks = callbacks
            options.prune = GIT_FETCH_PRUNE
            options.update_fetchhead = 0
            options.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE  // the refspecs already copy every tag
            try check(git_remote_fetch(remote, nil, &options, "kgit: fetch"), operation)

            if let defaultBranch {
                try check(
                    git_repository_set_head(handle, defaultBranch), "\(operation): pointing HEAD at \(defaultBranch)")
            }
            let stats = git_remote_stats(remote)?.pointee
            return FetchResult(
                url: RemoteURL.redacted(url), updates: context.updates, defaultBranch: defaultBranch,
                receivedObjects: Int(stats?.received_objects ?? 0),
                receivedBytes: Int(stats?.received_bytes ?? 0))
        }
    }
}

/// The state one fetch shares with its libgit2 callbacks through their payload pointer.
private final class FetchContext {
    let credentials: Credentials
    var tried: [Credentials.Choice] = []
    var updates: [FetchResult.ReferenceUpdate] = []

    init(credentials: Credentials) {
        self.credentials = credentials
    }

    /// Answers one credentials request: 0 with `out` set, or `GIT_EAUTH` with a message when nothing is left to offer.
    func provideCredential(
        _ out: UnsafeMutablePointer<UnsafeMutablePointer<git_credential>?>,
        usernameFromURL: String?, allowed: UInt32
    ) -> Int32 {
        guard
            let choice = credentials.nextChoice(
                allowed: .init(rawValue: allowed), usernameFromURL: usernameFromURL,
                tried: tried)
        else {
            // Nothing left to offer: fail with our reason, rather than let libgit2 ask again or blame a missing
            // callback.
            let message =
                tried.isEmpty
                ? "the remote asked for credentials and none of a kind it accepts are configured (HTTPS: "
                    + "KGIT_GIT_USERNAME with KGIT_GIT_PASSWORD or KGIT_GIT_TOKEN; SSH: SSH_AUTH_SOCK or KGIT_SSH_KEY)"
                : "the remote rejected every credential offered: "
                    + tried.map(\.description).joined(separator: ", ")
            git_error_set_str(Int32(GIT_ERROR_CALLBACK.rawValue), message)
            return GIT_EAUTH.rawValue
        }
        tried.append(choice)
        switch choice {
        case .username(let user):
            return git_credential_username_new(out, user)
        case .sshAgent(let user):
            return git_credential_ssh_key_from_agent(out, user)
        case .sshKey(let user, let key):
            return git_credential_ssh_key_new(out, user, key.publicKeyPath, key.privateKeyPath, key.passphrase)
        case .userPassword(let user, let password):
            return git_credential_userpass_plaintext_new(out, user, password)
        }
    }
}
