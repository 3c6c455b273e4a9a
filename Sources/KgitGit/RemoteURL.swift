/// Remote URLs as kgit shows and stores them: never with a password or token in them.
enum RemoteURL {
    /// `url` with the password of its user-info part replaced by `***`:
    /// `https://bot:s3cret@host/repo.git` becomes `https://bot:***@host/repo.git`. Other URLs are unchanged.
    static func redacted(_ url: String) -> String {
        guard let parts = userInfo(of: url), parts.password != nil else { return url }
        return String(url[..<parts.range.lowerBound]) + parts.username + ":***" + String(url[parts.range.upperBound...])
    }

    /// `url` without the password of its user-info part, and the user name and password it held (percent-decoded):
    /// `https://bot:s3cret@host/repo.git` gives `https://bot@host/repo.git`, `bot`, `s3cret`.
    static func splittingPassword(_ url: String) -> (url: String, username: String?, password: String?) {
        guard let parts = userInfo(of: url), let password = parts.password else { return (url, nil, nil) }
        let stripped = String(url[..<parts.range.lowerBound]) + parts.username + String(url[parts.range.upperBound...])
        return (stripped, percentDecoded(parts.username), percentDecoded(password))
    }

    /// The user-info part of a `scheme://user[:password]@host/...` URL: its range (without the `@`) and pieces.
    private static func userInfo(of url: String) -> (range: Range<String.Index>, username: String, password: String?)? {
        guard let scheme = url.firstRange(of: "://") else { return nil }
        let rest = url[scheme.upperBound...]
        let authority = rest[..<(rest.firstIndex(of: "/") ?? rest.endIndex)]
        guard let at = authority.lastIndex(of: "@") else { return nil }
        let info = authority[..<at]
        guard let colon = info.firstIndex(of: ":") else {
            return (info.startIndex..<at, String(info), nil)
        }
        return (info.startIndex..<at, String(info[..<colon]), String(info[info.index(after: colon)...]))
    }

    /// The port of an `ssh://` (or `ssh+git://`, `git+ssh://`) URL when it names one; nil for the default (22) and
    /// for scp-like `user@host:path` remotes, which cannot name a port.
    static func sshPort(_ url: String) -> Int? {
        guard let scheme = url.firstRange(of: "://"), url[..<scheme.lowerBound].lowercased().contains("ssh") else {
            return nil
        }
        let rest = url[scheme.upperBound...]
        var authority = rest[..<(rest.firstIndex(of: "/") ?? rest.endIndex)]
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            authority = authority[authority.index(after: close)...]  // [v6]:port
        }
        guard let colon = authority.lastIndex(of: ":") else { return nil }
        return Int(authority[authority.index(after: colon)...])
    }

    /// `%XX` escapes decoded as UTF-8; malformed escapes are kept as written.
    private static func percentDecoded(_ text: String) -> String {
        var bytes: [UInt8] = []
        var utf8 = Array(text.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "%"), utf8.count >= 2,
                let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16)
            {
                bytes.append(value)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
