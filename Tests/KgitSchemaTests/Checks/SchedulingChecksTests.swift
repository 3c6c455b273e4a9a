import KgitSchema
import Testing

@Suite struct SchedulingChecksTests {
    static func priorityClass(_ name: String, value: String) -> String {
        "apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: \(name)}\nvalue: \(value)\n"
    }

    @Test(arguments: [
        ("a user's class up to one billion is valid", priorityClass("high", value: "1000000000"), [String](), nil as String?),
        ("a negative value is valid", priorityClass("background", value: "-5"), [], nil),
        ("a user's class above one billion is out of range", priorityClass("huge", value: "1000000001"), ["out-of-range"], ".value"),
        ("system- names are reserved", priorityClass("system-mine", value: "10"), ["invalid-name"], ".metadata.name"),
        ("a system class with its own value is valid", priorityClass("system-node-critical", value: "2000001000"), [], nil),
        ("a system class with another value is out of range", priorityClass("system-cluster-critical", value: "5"), ["out-of-range"], ".value"),
    ])
    func priorityClassRules(_ name: String, _ yaml: String, _ expected: [String], _ path: String?) throws {
        let found = try diagnostics(yaml)
        #expect(codes(found) == expected, "\(name): \(found.map { "\($0.code) \($0.path): \($0.message)" })")
        if let path { #expect(found.first?.path == path, "\(name)") }
    }

    @Test func theMessagesSayWhatTheLimitIs() throws {
        let found = try diagnostics(Self.priorityClass("huge", value: "2000000000"))
        #expect(found.map(\.message) == ["maximum allowed value of a user defined priority is 1000000000, found 2000000000"])
        let reserved = try diagnostics(Self.priorityClass("system-mine", value: "1"))
        #expect(reserved.map(\.message) == ["priority class names with 'system-' prefix are reserved for system use only"])
    }
}
