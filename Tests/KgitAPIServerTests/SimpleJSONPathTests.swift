import KgitAPIMachinery
import Testing
@testable import KgitAPIServer

@Suite("The JSONPath subset of printer columns")
struct SimpleJSONPathTests {
    static let object: JSONValue = [
        "metadata": ["name": "w", "labels": ["app.kubernetes.io/name": "shop"]],
        "spec": ["replicas": 3, "ports": [["port": 80], ["port": 443]]],
        "status": ["conditions": [["type": "Synced", "status": "False"], ["type": "Ready", "status": "True"]]],
    ]

    @Test("evaluates fields, indexes, quoted keys, filters and braces", arguments: [
        (".spec.replicas", JSONValue.int(3)),
        (".spec.ports[1].port", 443),
        (".spec.ports[-1].port", 443),
        (".metadata.labels['app.kubernetes.io/name']", "shop"),
        (#".status.conditions[?(@.type=="Ready")].status"#, "True"),
        (".status.conditions[?(@.type!='Ready')].type", "Synced"),
        ("{.metadata.name}", "w"),
    ])
    func evaluates(path: String, expected: JSONValue) throws {
        #expect(try SimpleJSONPath(path).evaluate(Self.object) == expected)
    }

    @Test("a path to nothing evaluates to nil")
    func missing() throws {
        #expect(try SimpleJSONPath(".spec.missing.deeper").evaluate(Self.object) == nil)
        #expect(try SimpleJSONPath(#".status.conditions[?(@.type=="Gone")].status"#).evaluate(Self.object) == nil)
    }

    @Test("expressions outside the subset are errors that quote them")
    func rejects() {
        #expect(throws: SimpleJSONPath.ParseError.self) { try SimpleJSONPath(".spec[*]") }
        #expect(throws: SimpleJSONPath.ParseError.self) { try SimpleJSONPath("spec") }
    }
}
