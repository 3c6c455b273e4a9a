/// An authenticated identity: who is asking, and which groups they belong to.
public struct UserInfo: Sendable, Hashable {
    public var name: String
    public var uid: String
    public var groups: [String]

    public init(name: String, uid: String = "", groups: [String]) {
        self.name = name
        self.uid = uid
        self.groups = groups
    }

    /// The identity of requests that carry no credentials.
    public static let anonymous = UserInfo(name: "system:anonymous", groups: ["system:unauthenticated"])

    /// Whether this is the anonymous identity.
    public var isAnonymous: Bool { name == UserInfo.anonymous.name }
}
