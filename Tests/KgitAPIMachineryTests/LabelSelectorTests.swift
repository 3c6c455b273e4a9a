import Testing
@testable import KgitAPIMachinery

@Suite("Label selectors")
struct LabelSelectorTests {
    let labels = ["app": "web", "tier": "fe", "env": "prod"]

    @Test("each operator matches as upstream", arguments: [
        ("app=web", true), ("app==web", true), ("app!=web", false), ("app!=db", true),
        ("tier", true), ("!tier", false), ("!missing", true), ("env in (prod,staging)", true),
        ("env notin (prod)", false), ("env notin (dev)", true), ("missing notin (x)", true),
        ("app=web,tier=fe", true), ("app=web,tier=be", false), ("", true),
    ])
    func operators(_ selector: String, _ expected: Bool) throws {
        #expect(try LabelSelector(parsing: selector).matches(labels) == expected)
    }

    @Test("invalid selectors are BadRequest", arguments: ["app=we b", "in (x", "a in x", "=x"])
    func invalid(_ selector: String) {
        #expect(throws: APIError.self) { try LabelSelector(parsing: selector) }
    }
}

@Suite("Field selectors")
struct FieldSelectorTests {
    @Test("equality and inequality terms are conjunctive")
    func terms() throws {
        let selector = try FieldSelector(parsing: "metadata.name=a,metadata.namespace!=kube-system")
        #expect(selector.matches { ["metadata.name": "a", "metadata.namespace": "default"][$0] })
        #expect(!selector.matches { ["metadata.name": "b", "metadata.namespace": "default"][$0] })
        #expect(!selector.matches { ["metadata.name": "a", "metadata.namespace": "kube-system"][$0] })
    }

    @Test("a term without an operator is BadRequest")
    func invalid() {
        #expect(throws: APIError.self) { try FieldSelector(parsing: "metadata.name") }
    }
}
