import KgitAPIMachinery

/// A path to a field inside an object, printed as kubectl does: `.spec.containers[0].resources.requests.cpu`.
public struct FieldPath: Sendable, Hashable, CustomStringConvertible {
    /// The steps: member names and array indices.
    public enum Step: Sendable, Hashable {
        case member(String)
        case index(Int)
    }

    /// The steps from the object's root.
    public var steps: [Step]

    /// A path of member names.
    public init(_ members: String...) { steps = members.map(Step.member) }

    init(steps: [Step]) { self.steps = steps }

    /// The path one member further.
    public func appending(_ member: String) -> FieldPath { FieldPath(steps: steps + [.member(member)]) }

    /// The path one array element further.
    public func appending(index: Int) -> FieldPath { FieldPath(steps: steps + [.index(index)]) }

    /// The path as `.a.b[0].c`.
    public var description: String {
        var text = ""
        for step in steps {
            switch step {
            case .member(let name): text += "." + name
            case .index(let i): text += "[\(i)]"
            }
        }
        return text.isEmpty ? "." : text
    }
}

/// A Kubernetes object the scheduler could not read: which object, which field, and what is wrong.
public struct DecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The object, as `Pod default/web` or `Node node-1`.
    public var object: String
    /// The field that is wrong.
    public var path: FieldPath
    /// What is wrong with it.
    public var problem: String

    /// Creates an error.
    public init(object: String, path: FieldPath, problem: String) {
        self.object = object
        self.path = path
        self.problem = problem
    }

    /// `Pod default/web at .spec.priority: expected an integer`.
    public var description: String { "\(object) at \(path): \(problem)" }
}

/// Reads typed fields out of a `JSONValue` object, naming the field path in every error.
struct FieldReader {
    let value: JSONValue?
    let path: FieldPath
    let object: String

    init(_ value: JSONValue?, at path: FieldPath, of object: String) {
        self.value = value
        self.path = path
        self.object = object
    }

    /// Whether the field is absent or null.
    var isAbsent: Bool { value == nil || value?.isNull == true }

    func error(_ problem: String) -> DecodingError { DecodingError(object: object, path: path, problem: problem) }

    /// The member `name` (absent members read as absent).
    subscript(name: String) -> FieldReader { FieldReader(value?[name], at: path.appending(name), of: object) }

    func string() throws(DecodingError) -> String? {
        guard !isAbsent else { return nil }
        guard let s = value?.stringValue else { throw error("expected a string") }
        return s
    }

    func int() throws(DecodingError) -> Int64? {
        guard !isAbsent else { return nil }
        guard let i = value?.intValue else { throw error("expected an integer") }
        return i
    }

    func bool() throws(DecodingError) -> Bool? {
        guard !isAbsent else { return nil }
        guard let b = value?.boolValue else { throw error("expected a boolean") }
        return b
    }

    /// A map of strings (labels, nodeSelector).
    func stringMap() throws(DecodingError) -> [String: String] {
        guard !isAbsent else { return [:] }
        guard let members = value?.objectValue else { throw error("expected a map of strings") }
        var result: [String: String] = [:]
        result.reserveCapacity(members.count)
        for (key, v) in members {
            guard let s = v.stringValue else {
                throw DecodingError(object: object, path: path.appending(key), problem: "expected a string")
            }
            result[key] = s
        }
        return result
    }

    /// The elements of an array, each as a reader at its index.
    func elements() throws(DecodingError) -> [FieldReader] {
        guard !isAbsent else { return [] }
        guard let items = value?.arrayValue else { throw error("expected a list") }
        return items.enumerated().map { FieldReader($1, at: path.appending(index: $0), of: object) }
    }

    /// An array of strings.
    func strings() throws(DecodingError) -> [String] {
        var result: [String] = []
        for element in try elements() {
            guard let s = try element.string() else { throw element.error("expected a string") }
            result.append(s)
        }
        return result
    }
}
