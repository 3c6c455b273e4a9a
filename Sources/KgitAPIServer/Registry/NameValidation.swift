/// Name rules from upstream `k8s.io/apimachinery/pkg/util/validation`.
enum NameValidation {
    /// RFC 1123 label: lower-case alphanumerics and '-', starts and ends alphanumeric, at most 63.
    static func dnsLabelErrors(_ name: String) -> [String] {
        var errors: [String] = []
        if name.utf8.count > 63 { errors.append("must be no more than 63 characters") }
        if !isLabel(name) {
            errors.append("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')")
        }
        return errors
    }

    /// RFC 1123 subdomain: dot-separated labels, at most 253.
    static func dnsSubdomainErrors(_ name: String) -> [String] {
        var errors: [String] = []
        if name.utf8.count > 253 { errors.append("must be no more than 253 characters") }
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        if name.isEmpty || !labels.allSatisfy({ isLabel(String($0)) }) {
            errors.append("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")
        }
        return errors
    }

    /// Path-segment names (RBAC objects): anything but `.`, `..`, `/` and `%`.
    static func pathSegmentErrors(_ name: String) -> [String] {
        if name == "." || name == ".." { return ["may not be '\(name)'"] }
        if name.contains("/") { return ["may not contain '/'"] }
        if name.contains("%") { return ["may not contain '%'"] }
        return []
    }

    static func isLabel(_ s: String) -> Bool {
        let bytes = Array(s.utf8)
        guard let first = bytes.first, let last = bytes.last else { return false }
        func alnum(_ b: UInt8) -> Bool { (b >= 97 && b <= 122) || (b >= 48 && b <= 57) }
        guard alnum(first), alnum(last) else { return false }
        return bytes.allSatisfy { alnum($0) || $0 == UInt8(ascii: "-") }
    }

    /// The name errors for a resource: namespaces and services are labels, RBAC objects path segments,
    /// everything else subdomains.
    static func errors(forName name: String, resource: String) -> [String] {
        switch resource {
        case "namespaces", "services": return dnsLabelErrors(name)
        case "roles", "rolebindings", "clusterroles", "clusterrolebindings": return pathSegmentErrors(name)
        default: return dnsSubdomainErrors(name)
        }
    }
}
