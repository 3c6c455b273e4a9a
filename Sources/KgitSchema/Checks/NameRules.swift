/// The name syntaxes of Kubernetes (apimachinery `util/validation`), as pure functions that return why
/// a value is invalid, or nil when it is valid.
public enum NameRules {
    /// RFC 1123 label: at most 63 lowercase letters, digits and `-`, starting and ending with a letter
    /// or digit (Namespace names, container names, volume names).
    public static func dns1123Label(_ value: String) -> String? {
        let bytes = value.utf8
        if bytes.isEmpty { return "must not be empty" }
        if bytes.count > 63 { return "must be no more than 63 characters, found \(bytes.count)" }
        guard isLabel(bytes[...]) else {
            return "must consist of lowercase letters, digits and '-', and must start and end with a letter or digit (such as 'my-name' or '123-abc')"
        }
        return nil
    }

    /// RFC 1123 subdomain: at most 253 characters, dot-separated RFC 1123 labels (most object names).
    public static func dns1123Subdomain(_ value: String) -> String? {
        let bytes = value.utf8
        if bytes.isEmpty { return "must not be empty" }
        if bytes.count > 253 { return "must be no more than 253 characters, found \(bytes.count)" }
        guard isSubdomain(bytes) else {
            return "must consist of lowercase letters, digits, '-' and '.', and must start and end with a letter or digit (such as 'example.com')"
        }
        return nil
    }

    /// RFC 1035 label: an RFC 1123 label that starts with a letter (Service names).
    public static func dns1035Label(_ value: String) -> String? {
        let bytes = value.utf8
        if bytes.isEmpty { return "must not be empty" }
        if bytes.count > 63 { return "must be no more than 63 characters, found \(bytes.count)" }
        guard isLabel(bytes[...]), bytes.first?.isASCIILower == true else {
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
        let utf8 = value.utf8
        var name = utf8[...]
        if let slash = utf8.firstIndex(of: UInt8(ascii: "/")) {
            let prefix = utf8[..<slash]
            name = utf8[utf8.index(after: slash)...]
            if name.contains(UInt8(ascii: "/")) {
                return "must be a name, optionally prefixed by a DNS subdomain and '/' (such as 'example.com/my-name')"
            }
            if prefix.isEmpty { return "the prefix before '/' must not be empty" }
            if prefix.count > 253 { return "the prefix must be no more than 253 characters, found \(prefix.count)" }
            if !isSubdomain(prefix) {
                return "the prefix must consist of lowercase letters, digits, '-' and '.', and must start and end with a letter or digit (such as 'example.com')"
            }
        }
        if name.isEmpty { return "the name part must not be empty" }
        if name.count > 63 { return "the name part must be no more than 63 characters, found \(name.count)" }
        guard isQualifiedNamePart(name) else {
            return "the name part must consist of letters, digits, '-', '_' or '.', and must start and end with a letter or digit (such as 'MyName', 'my.name' or '123-abc')"
        }
        return nil
    }

    /// A label value: empty, or at most 63 letters, digits, `-`, `_` and `.`, starting and ending with a
    /// letter or digit.
    public static func labelValue(_ value: String) -> String? {
        let bytes = value.utf8[...]
        if bytes.isEmpty { return nil }
        if bytes.count > 63 { return "must be no more than 63 characters, found \(bytes.count)" }
        guard isQualifiedNamePart(bytes) else {
            return "must be empty, or consist of letters, digits, '-', '_' or '.', and start and end with a letter or digit (such as 'MyValue', 'my_value' or '12345')"
        }
        return nil
    }

    /// An IANA service name (container port names, named target ports): at most 15 lowercase letters,
    /// digits and `-`, with at least one letter, not starting or ending with `-`, without `--`.
    public static func portName(_ value: String) -> String? {
        let bytes = value.utf8
        if bytes.isEmpty { return "must not be empty" }
        if bytes.count > 15 { return "must be no more than 15 characters, found \(bytes.count)" }
        guard bytes.allSatisfy({ $0.isASCIILower || $0.isASCIIDigit || $0 == UInt8(ascii: "-") }) else {
            return "must contain only lowercase letters, digits and '-'"
        }
        if !bytes.contains(where: \.isASCIILower) { return "must contain at least one letter" }
        if bytes.first == UInt8(ascii: "-") || bytes.last == UInt8(ascii: "-") { return "must not start or end with '-'" }
        if zip(bytes, bytes.dropFirst()).contains(where: { $0 == UInt8(ascii: "-") && $1 == UInt8(ascii: "-") }) {
            return "must not contain '--'"
        }
        return nil
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
        let bytes = value.utf8
        if bytes.isEmpty { return "must not be empty" }
        if bytes.count > 253 { return "must be no more than 253 characters, found \(bytes.count)" }
        guard bytes.allSatisfy({ $0.isASCIILetter || $0.isASCIIDigit || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") }) else {
            return "must consist of letters, digits, '-', '_' or '.'"
        }
        if value == "." || value == ".." { return "may not be '.' or '..'" }
        return nil
    }

    // MARK: - Pieces

    private static func isLabel(_ bytes: Substring.UTF8View) -> Bool {
        guard let first = bytes.first, let last = bytes.last, bytes.count <= 63 else { return false }
        guard first.isASCIILower || first.isASCIIDigit, last.isASCIILower || last.isASCIIDigit else { return false }
        return bytes.allSatisfy { $0.isASCIILower || $0.isASCIIDigit || $0 == UInt8(ascii: "-") }
    }

    private static func isSubdomain(_ bytes: Substring.UTF8View) -> Bool {
        var start = bytes.startIndex
        while true {
            let end = bytes[start...].firstIndex(of: UInt8(ascii: ".")) ?? bytes.endIndex
            guard isLabel(bytes[start..<end]) else { return false }
            if end == bytes.endIndex { return true }
            start = bytes.index(after: end)
        }
    }

    private static func isSubdomain(_ bytes: String.UTF8View) -> Bool { isSubdomain(bytes[...]) }

    private static func isQualifiedNamePart(_ bytes: Substring.UTF8View) -> Bool {
        guard let first = bytes.first, let last = bytes.last else { return false }
        guard first.isASCIILetter || first.isASCIIDigit, last.isASCIILetter || last.isASCIIDigit else { return false }
        return bytes.allSatisfy {
            $0.isASCIILetter || $0.isASCIIDigit || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".")
        }
    }
}
