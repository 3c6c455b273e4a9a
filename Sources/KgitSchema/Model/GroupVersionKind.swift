/// A Kubernetes group, version and kind: what `apiVersion` + `kind` name.
public struct GroupVersionKind: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The API group; empty for the core group (`apiVersion: v1`).
    public var group: String
    /// The API version within the group (`v1`, `v1beta1`).
    public var version: String
    /// The kind (`Deployment`).
    public var kind: String

    public init(group: String, version: String, kind: String) {
        self.group = group
        self.version = version
        self.kind = kind
    }

    /// Splits an `apiVersion` (`apps/v1`, or `v1` for the core group).
    public init(apiVersion: String, kind: String) {
        // On the UTF-8 bytes when they are ASCII (every apiVersion in practice): every document splits its
        // apiVersion, and a `Character` search costs more. Otherwise by characters, as before (a `/`
        // followed by a combining mark is one character, and not a separator).
        var text = apiVersion
        let (slash, isASCII) = text.withUTF8 { bytes in
            (bytes.lastIndex(of: UInt8(ascii: "/")), !bytes.contains { $0 >= 0x80 })
        }
        self.kind = kind
        guard isASCII else {
            if let slash = apiVersion.lastIndex(of: "/") {
                group = String(apiVersion[..<slash])
                version = String(apiVersion[apiVersion.index(after: slash)...])
            } else {
                group = ""
                version = apiVersion
            }
            return
        }
        if let slash {
            (group, version) = text.withUTF8 { bytes in
                (String(decoding: UnsafeBufferPointer(rebasing: bytes[..<slash]), as: UTF8.self),
                 String(decoding: UnsafeBufferPointer(rebasing: bytes[(slash + 1)...]), as: UTF8.self))
            }
        } else {
            group = ""
            version = apiVersion
        }
    }

    /// `apps/v1`, or `v1` for the core group.
    public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }

    /// `apps/v1/Deployment`, the form `--skip-kind` accepts besides the bare kind.
    public var description: String { "\(apiVersion)/\(kind)" }

    public static func < (lhs: GroupVersionKind, rhs: GroupVersionKind) -> Bool {
        (lhs.group, lhs.version, lhs.kind) < (rhs.group, rhs.version, rhs.kind)
    }
}
