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

        let context = FetchContext(credentials: credentials, port: RemoteURL.sshPort(url))
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
            callbacks.certificate_check = { cert, _, host, payload in
                guard let cert, let payload else { return GIT_PASSTHROUGH.rawValue }
                let context = Unmanaged<FetchContext>.fromOpaque(payload).takeUnretainedValue()
                return context.checkHostKey(cert, host: host.map { String(cString: $0) } ?? "")
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
            if connected < 0, let refusal = context.hostKeyRefusal {
                throw GitError(
                    .certificate, operation: operation, reason: refusal, libgit2Code: connected, libgit2Message: nil)
            }
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
    /// The remote's SSH port when its URL names one.
    let port: Int?
    /// Why the SSH host key was refused, when it was.
    var hostKeyRefusal: String?

    init(credentials: Credentials, port: Int?) {
        self.credentials = credentials
        self.port = port
    }

    /// Checks an SSH host key against `credentials.knownHosts`: 0 to go on, `GIT_ECERTIFICATE` to refuse. TLS
    /// certificates are left to libgit2 (`GIT_PASSTHROUGH`: accepted when the system store verifies them).
    func checkHostKey(_ cert: UnsafeMutablePointer<git_cert>, host: String) -> Int32 {
        guard cert.pointee.cert_type == GIT_CERT_HOSTKEY_LIBSSH2 else { return GIT_PASSTHROUGH.rawValue }
        let refusal: String
        let hostkey = UnsafeRawPointer(cert).assumingMemoryBound(to: git_cert_hostkey.self).pointee
        if hostkey.type.rawValue & GIT_CERT_SSH_RAW.rawValue != 0, let raw = hostkey.hostkey, hostkey.hostkey_len > 0,
            let key = try? SSHPublicKey(blob: Array(UnsafeRawBufferPointer(start: raw, count: hostkey.hostkey_len)))
        {
            guard let message = credentials.hostKeyRefusal(host: host, port: port, key: key) else { return 0 }
            refusal = message
        } else {
            refusal = "the SSH host key of \(KnownHosts.name(host: host, port: port)) cannot be checked: libgit2 "
                + "did not pass the raw key"
        }
        hostKeyRefusal = refusal
        git_error_set_str(Int32(GIT_ERROR_SSH.rawValue), refusal)
        return GIT_ECERTIFICATE.rawValue
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
            if let text = key.privateKeyText {
                return git_credential_ssh_key_memory_new(out, user, nil, text, key.passphrase)
            }
            return git_credential_ssh_key_new(out, user, key.publicKeyPath, key.privateKeyPath, key.passphrase)
        case .userPassword(let user, let password):
            return git_credential_userpass_plaintext_new(out, user, password)
        }
    }
}
