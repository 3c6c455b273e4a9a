/// Remote URLs as kgit shows them: with any password or token replaced, so errors and logs never leak secrets.
enum RemoteURL {
    /// `url` with the password of its user-info part replaced by `***`:
    /// `https://bot:s3cret@host/repo.git` becomes `https://bot:***@host/repo.git`. Other URLs are unchanged.
    static func redacted(_ url: String) -> String {
        guard let scheme = url.firstRange(of: "://") else { return url }
        let rest = url[scheme.upperBound...]
        let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        guard let at = authority.lastIndex(of: "@") else { return url }
        let userInfo = authority[..<at]
        guard let colon = userInfo.firstIndex(of: ":") else { return url }
        return String(url[..<colon]) + ":***" + String(url[at...])
    }
}
