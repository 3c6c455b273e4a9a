/// A line of an allowed-signers file that cannot be read, at `source:line:column`.
public struct AllowedSignersError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file (or the field it came from).
    public let source: String
    /// The 1-based line.
    public let line: Int
    /// The 1-based column of the field at fault.
    public let column: Int
    /// What is wrong with the line.
    public let message: String

    /// `source:line:column: message`.
    public var description: String { "\(source):\(line):\(column): \(message)" }
}

/// The keys allowed to sign commits, in the format of git's `gpg.ssh.allowedSignersFile` (ssh-keygen's
/// ALLOWED SIGNERS): one key a line, `PRINCIPALS [OPTIONS] KEYTYPE BASE64 [COMMENT]`, where PRINCIPALS is a
/// comma-separated list (an e-mail address usually) and OPTIONS a comma-separated list of `namespaces="git,..."`,
/// `valid-after="YYYYMMDD[HHMM[SS]][Z]"` and `valid-before=...`. Empty lines and lines starting with `#` are
/// skipped. Lines marked `cert-authority` are refused: kgit does not verify certificates.
///
/// As git does, a signature's key is looked up here and the principals of its line name the signer; a line with
/// `namespaces` admits only signatures made for one of them, and `valid-after`/`valid-before` (read as UTC) are
/// compared with the commit's committer time.
public struct AllowedSigners: Sendable {
    /// One allowed key.
    public struct Entry: Sendable, Equatable {
        /// Who the key belongs to: `alice@example.com`.
        public var principals: [String]
        /// The namespaces signatures must be made for; nil when the line does not restrict them.
        public var namespaces: [String]?
        /// The key.
        public var key: SSHPublicKey
        /// Seconds since 1970 (UTC) before which the key is not valid.
        public var validAfter: Int64?
        /// Seconds since 1970 (UTC) from which the key is no longer valid.
        public var validBefore: Int64?
        /// The line it was read from (1-based).
        public var line: Int
    }

    /// Where the list came from, for messages: a file path or an object's field.
    public let source: String
    /// The keys, in file order.
    public let entries: [Entry]

    /// Reads the text of an allowed-signers file.
    ///
    /// - Throws: `AllowedSignersError` at the first line that cannot be read.
    public init(parsing text: String, source: String) throws(AllowedSignersError) {
        self.source = source
        var entries: [Entry] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = index + 1
            let trimmed = raw.trimmingCharacters()
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            func fail(_ column: Int, _ message: String) -> AllowedSignersError {
                AllowedSignersError(source: source, line: line, column: column, message: message)
            }
            var fields = Self.fields(String(raw))
            guard fields.count >= 3 else {
                throw fail(1, "expected PRINCIPALS [OPTIONS] KEYTYPE KEY, found \(fields.count) field\(fields.count == 1 ? "" : "s")")
            }
            let principals = fields.removeFirst()
            var entry = Entry(
                principals: principals.text.split(separator: ",").map(String.init).map { Self.unquoted($0) },
                namespaces: nil, key: try Self.placeholderKey(), validAfter: nil, validBefore: nil, line: line)
            if !Self.isKeyType(fields[0].text) {
                let options = fields.removeFirst()
                for option in Self.splitOptions(options.text) {
                    let (name, value) = Self.option(option)
                    switch name.lowercased() {
                    case "namespaces":
                        entry.namespaces = (value ?? "").split(separator: ",").map(String.init)
                    case "valid-after", "valid-before":
                        guard let value, let time = Self.timestamp(value) else {
                            throw fail(options.column, "\(name) needs a time written YYYYMMDD[HHMM[SS]][Z], found \(value ?? "nothing")")
                        }
                        if name.lowercased() == "valid-after" { entry.validAfter = time } else { entry.validBefore = time }
                    case "cert-authority":
                        throw fail(options.column, "cert-authority lines are not supported: list the signers' own keys")
                    default:
                        throw fail(options.column, "unknown option \(name) (known: namespaces, valid-after, valid-before)")
                    }
                }
            }
            guard fields.count >= 2 else { throw fail(fields.first?.column ?? 1, "the key type or the key is missing") }
            do {
                entry.key = try SSHPublicKey(type: fields[0].text, base64: fields[1].text)
            } catch {
                throw fail(fields[1].column, error.reason)
            }
            guard Self.isKeyType(entry.key.type) else {
                throw fail(fields[0].column, "unknown key type \(entry.key.type)")
            }
            entries.append(entry)
        }
        self.entries = entries
    }

    /// The lines listing `key` whose namespaces admit `namespace` and whose validity covers `time` (UTC seconds).
    public func entries(for key: SSHPublicKey, namespace: String, at time: Int64?) -> [Entry] {
        entries.filter { entry in
            guard entry.key == key else { return false }
            if let namespaces = entry.namespaces, !namespaces.contains(namespace) { return false }
            if let time, let after = entry.validAfter, time < after { return false }
            if let time, let before = entry.validBefore, time >= before { return false }
            return true
        }
    }

    static let keyTypes: Set<String> = [
        "ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "ssh-rsa", "ssh-dss",
        "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com",
    ]

    static func isKeyType(_ text: String) -> Bool { keyTypes.contains(text) || text.hasSuffix("-cert-v01@openssh.com") }

    static func placeholderKey() throws(AllowedSignersError) -> SSHPublicKey {
        do { return try SSHPublicKey(blob: [0, 0, 0, 0]) } catch {
            throw AllowedSignersError(source: "", line: 0, column: 0, message: "\(error)")
        }
    }

    /// Whitespace-separated fields, double quotes keeping spaces inside one, each with its 1-based column.
    static func fields(_ line: String) -> [(text: String, column: Int)] {
        var fields: [(String, Int)] = []
        var current = ""
        var start = 0
        var quoted = false
        for (offset, c) in line.enumerated() {
            if !quoted && (c == " " || c == "\t") {
                if !current.isEmpty { fields.append((current, start + 1)) }
                current = ""
                continue
            }
            if current.isEmpty { start = offset }
            if c == "\"" { quoted.toggle() }
            current.append(c)
        }
        if !current.isEmpty { fields.append((current, start + 1)) }
        return fields
    }

    /// Splits `a,b="x,y",c` at commas outside quotes.
    static func splitOptions(_ text: String) -> [String] {
        var parts: [String] = []
        var current = ""
        var quoted = false
        for c in text {
            if c == "\"" { quoted.toggle() }
            if c == "," && !quoted {
                parts.append(current)
                current = ""
            } else {
                current.append(c)
            }
        }
        parts.append(current)
        return parts.filter { !$0.isEmpty }
    }

    static func option(_ text: String) -> (String, String?) {
        guard let equals = text.firstIndex(of: "=") else { return (text, nil) }
        return (String(text[..<equals]), unquoted(String(text[text.index(after: equals)...])))
    }

    static func unquoted(_ text: String) -> String {
        text.count >= 2 && text.hasPrefix("\"") && text.hasSuffix("\"") ? String(text.dropFirst().dropLast()) : text
    }

    /// `YYYYMMDD`, `YYYYMMDDHHMM` or `YYYYMMDDHHMMSS`, optionally ending in `Z`, as UTC seconds since 1970.
    static func timestamp(_ text: String) -> Int64? {
        let digits = text.hasSuffix("Z") || text.hasSuffix("z") ? String(text.dropLast()) : text
        guard [8, 12, 14].contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        let numbers = Array(digits).map { Int64(String($0)) ?? 0 }
        func value(_ from: Int, _ count: Int) -> Int64 { numbers[from..<from + count].reduce(0) { $0 * 10 + $1 } }
        let (year, month, day) = (value(0, 4), value(4, 2), value(6, 2))
        let hour = digits.count >= 12 ? value(8, 2) : 0
        let minute = digits.count >= 12 ? value(10, 2) : 0
        let second = digits.count == 14 ? value(12, 2) : 0
        guard (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return nil }
        // Days from 1970-01-01 to the civil date (Howard Hinnant's days_from_civil).
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146097 + dayOfEra - 719468
        return days * 86400 + hour * 3600 + minute * 60 + second
    }
}
