/// The name syntaxes of Kubernetes (apimachinery `util/validation`), as pure functions that return why
/// a value is invalid, or nil when it is valid.
public enum NameRules {
    /// RFC 1123 label: at most 63 lowercase letters, digits and `-`, starting and ending with a letter
    /// or digit (Namespace names, container names, volume names).
    public static func dns1123Label(_ value: String) -> String? {
        let count = value.utf8.count
        if count == 0 { return "must not be empty" }
        if count > 63 { return "must be no more than 63 characters, found \(count)" }
        guard withBytes(of: value, { isLabel($0, 0, $0.count) }) else {
            return "must consist of lowercase letters, digits and '-', and must start and end with a letter or digit (such as 'my-name' or '123-abc')"
        }
        return nil
    }

    /// RFC 1123 subdomain: at most 253 characters, dot-separated RFC 1123 labels (most object names).
    public static func dns1123Subdomain(_ value: String) -> String? {
        let count = value.utf8.count
        if count == 0 { return "must not be empty" }
        if count > 253 { return "must be no more than 253 characters, found \(count)" }
        guard withBytes(of: value, { isSubdomain($0, 0, $0.count) }) else {
            return "must consist of lowercase letters, digits, '-' and '.', and must start and end with a letter or digit (such as 'example.com')"
        }
        return nil
    }

    /// RFC 1035 label: an RFC 1123 label that starts with a letter (Service names).
    public static func dns1035Label(_ value: String) -> String? {
        let count = value.utf8.count
        if count == 0 { return "must not be empty" }
        if count > 63 { return "must be no more than 63 characters, found \(count)" }
        guard withBytes(of: value, { isLabel($0, 0, $0.count) && $0[0].isASCIILower }) else {
            return "must consist of lowercase letters, digits and '-', must start with a letter and end with a letter or digit (such as 'my-name' or 'abc-123')"
        }
        return nil
    }

    /// A name usable as a path segment: not `.` or `..`, and without `/` or `%` (RBAC object names).
    public static func pathSegmentName(_ value: String) -> String? {
        if value.isEmpty { return "must not be empty" }
        if value == "." || value == ".." { return "may not be '.' or '..'" }
        if value.utf8.contains(UInt8(ascii: "/")) || value.utf8.contains(UInt8(ascii: "%")) { return "may not contain '/' or '%'" }
        return nil
    }

    /// A qualified name (label and annotation keys): an optional DNS-1123 subdomain prefix of at most
    /// 253 characters and `/`, then a name of at most 63 letters, digits, `-`, `_` and `.`, starting and
    /// ending with a letter or digit.
    public static func qualifiedName(_ value: String) -> String? {
        withBytes(of: value) { bytes in
            var nameStart = 0
            if let slash = bytes.firstIndex(of: UInt8(ascii: "/")) {
                nameStart = slash + 1
                if bytes[nameStart...].contains(UInt8(ascii: "/")) {
                    return "must be a name, optionally prefixed by a DNS subdomain and '/' (such as 'example.com/my-name')"
                }
                if slash == 0 { return "the prefix before '/' must not be empty" }
                if slash > 253 { return "the prefix must be no more than 253 characters, found \(slash)" }
                if !isSubdomain(bytes, 0, slash) {
                    return "the prefix must consist of lowercase letters, digits, '-' and '.', and must start and end with a letter or digit (such as 'example.com')"
                }
            }
            let nameCount = bytes.count - nameStart
            if nameCount == 0 { return "the name part must not be empty" }
            if nameCount > 63 { return "the name part must be no more than 63 characters, found \(nameCount)" }
            guard isQualifiedNamePart(bytes, nameStart, bytes.count) else {
                return "the name part must consist of letters, digits, '-', '_' or '.', and must start and end with a letter or digit (such as 'MyName', 'my.name' or '123-abc')"
            }
            return nil
        }
    }

    /// A label value: empty, or at most 63 letters, digits, `-`, `_` and `.`, starting and ending with a
    /// letter or digit.
    public static func labelValue(_ value: String) -> String? {
        let count = value.utf8.count
        if count == 0 { return nil }
        if count > 63 { return "must be no more than 63 characters, found \(count)" }
        guard withBytes(of: value, { isQualifiedNamePart($0, 0, $0.count) }) else {
            return "must be empty, or consist of letters, digits, '-', '_' or '.', and start and end with a letter or digit (such as 'MyValue', 'my_value' or '12345')"
        }
        return nil
    }

    /// An IANA service name (container port names, named target ports): at most 15 lowercase letters,
    /// digits and `-`, with at least one letter, not starting or ending with `-`, without `--`.
    public static func portName(_ value: String) -> String? {
        let count = value.utf8.count
        if count == 0 { return "must not be empty" }
        if count > 15 { return "must be no more than 15 characters, found \(count)" }
        // One pass over the bytes in place (the `UTF8View` passes, a `zip` among them, cost ten times
        // more); the problems are still reported in the same order of precedence.
        return withBytes(of: value) { bytes in
            var letter = false
            var doubleDash = false
            var previous: UInt8 = 0
            for byte in bytes {
                if byte.isASCIILower {
                    letter = true
                } else if !byte.isASCIIDigit && byte != UInt8(ascii: "-") {
                    return "must contain only lowercase letters, digits and '-'"
                }
                if byte == UInt8(ascii: "-") && previous == UInt8(ascii: "-") { doubleDash = true }
                previous = byte
            }
            if !letter { return "must contain at least one letter" }
            if bytes[0] == UInt8(ascii: "-") || bytes[count - 1] == UInt8(ascii: "-") { return "must not start or end with '-'" }
            if doubleDash { return "must not contain '--'" }
            return nil
        }
    }

    /// An environment variable name as Kubernetes 1.33 accepts it (RelaxedEnvironmentVariableValidation,
    /// on by default since 1.32): printable ASCII other than `=`.
    public static func environmentVariableName(_ value: String) -> String? {
        if value.isEmpty { return "must not be empty" }
        for byte in value.utf8 where byte < 0x20 || byte > 0x7E || byte == UInt8(ascii: "=") {
            return byte == UInt8(ascii: "=") ? "must not contain '='" : "must consist of printable ASCII characters"
        }
        return nil
    }

    /// A ConfigMap or Secret key: at most 253 letters, digits, `-`, `_` and `.`, not `.` or `..`.
    public static func configMapKey(_ value: String) -> String? {
        let count = value.utf8.count
        if count == 0 { return "must not be empty" }
        if count > 253 { return "must be no more than 253 characters, found \(count)" }
        let allowed = withBytes(of: value) { bytes in
            bytes.allSatisfy { $0.isASCIILetter || $0.isASCIIDigit || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") }
        }
        guard allowed else { return "must consist of letters, digits, '-', '_' or '.'" }
        if value == "." || value == ".." { return "may not be '.' or '..'" }
        return nil
    }

    // MARK: - Pieces

    // The pieces read a string's UTF-8 bytes in place: the checks run on every name and label of
    // every document, and `String.UTF8View` indexing costs several times a buffer's.

    /// Calls `body` with the UTF-8 bytes of `value`.
    private static func withBytes<R>(of value: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        var value = value
        return value.withUTF8(body)
    }

    /// True when `bytes[start..<end]` is an RFC 1123 label.
    private static func isLabel(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        guard start < end, end - start <= 63 else { return false }
        let first = bytes[start]
        let last = bytes[end - 1]
        guard first.isASCIILower || first.isASCIIDigit, last.isASCIILower || last.isASCIIDigit else { return false }
        for i in start..<end {
            let byte = bytes[i]
            guard byte.isASCIILower || byte.isASCIIDigit || byte == UInt8(ascii: "-") else { return false }
        }
        return true
    }

    /// True when `bytes[start..<end]` is dot-separated RFC 1123 labels.
    private static func isSubdomain(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        var labelStart = start
        var i = start
        while i < end {
            if bytes[i] == UInt8(ascii: ".") {
                guard isLabel(bytes, labelStart, i) else { return false }
                labelStart = i + 1
            }
            i += 1
        }
        return isLabel(bytes, labelStart, end)
    }

    /// True when `bytes[start..<end]` is the name part of a qualified name (or a label value).
    private static func isQualifiedNamePart(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        guard start < end else { return false }
        let first = bytes[start]
        let last = bytes[end - 1]
        guard first.isASCIILetter || first.isASCIIDigit, last.isASCIILetter || last.isASCIIDigit else { return false }
        for i in start..<end {
            let byte = bytes[i]
            guard byte.isASCIILetter || byte.isASCIIDigit || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
                || byte == UInt8(ascii: ".")
            else { return false }
        }
        return true
    }
}
