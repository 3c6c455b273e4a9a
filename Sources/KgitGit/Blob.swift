/// The contents of a file read from the object database.
public struct Blob: Hashable, Sendable {
    /// The path that was asked for.
    public let path: String
    /// The path whose contents these are: `path` itself, or where its symbolic links led inside the repository.
    public let resolvedPath: String
    /// The blob id; equal ids mean equal bytes.
    public let id: ObjectID
    /// The raw bytes, with no line-ending or encoding conversion.
    public let bytes: [UInt8]

    public init(path: String, resolvedPath: String, id: ObjectID, bytes: [UInt8]) {
        self.path = path
        self.resolvedPath = resolvedPath
        self.id = id
        self.bytes = bytes
    }
}
