import KgitYAML
import Testing

@testable import KgitSchema

/// The CEL subset, table by table: each expression evaluated with `self` bound to a small object.
@Suite struct CELEvaluatorTests {
    static let object = """
        name: web
        replicas: 3
        ratio: 0.5
        paused: false
        image: registry.example/web@sha256:abc
        labels: {app: web, tier: front}
        ports: [80, 443]
        containers:
        - {name: web, memory: 512Mi}
        - {name: sidecar, memory: 1Gi}
        """

    static func evaluate(_ rule: String, budget: Int = CELEvaluator.defaultBudget, quantities: Bool = false) throws(CELError) -> CELValue {
        let node = (try? YAMLParser.parse(object))?.first?.root
        let expression = try CELParser.parse(rule)
        var evaluator = CELEvaluator(budget: budget, quantityComparisons: quantities)
        return try evaluator.evaluate(expression, self: node.map(CELValue.init) ?? .null)
    }

    static func display(_ rule: String, quantities: Bool = false) -> String {
        do throws(CELError) {
            return try evaluate(rule, quantities: quantities).display
        } catch {
            return "\(error.kind.rawValue): \(error.message) @\(error.offset)"
        }
    }

    @Test(arguments: [
        // literals and arithmetic
        ("1 + 2 * 3", "7"), ("(1 + 2) * 3", "9"), ("7 / 2", "3"), ("7 % 3", "1"), ("-3 + 1", "-2"),
        ("1.5 * 2.0", "3.0"), ("'a' + \"b\"", "\"ab\""), ("[1, 2] + [3]", "[1, 2, 3]"), ("0x10", "16"), ("3u", "3"),
        ("r'\\d' == '\\\\d'", "true"), ("null == null", "true"), ("{'a': 1}.a", "1"),
        // field access, has, index
        ("self.replicas", "3"), ("self.labels.app", "\"web\""), ("self.ports[1]", "443"), ("self.labels['tier']", "\"front\""),
        ("has(self.labels.app)", "true"), ("has(self.labels.missing)", "false"), ("self.containers[0].name", "\"web\""),
        // comparisons and logic
        ("self.replicas >= 3 && self.replicas < 10", "true"), ("self.replicas == 3.0", "true"), ("self.ratio < 1", "true"),
        ("'abc' < 'abd'", "true"), ("!self.paused", "true"), ("self.paused || self.replicas > 2", "true"),
        ("self.replicas > 5 ? 'big' : 'small'", "\"small\""), ("80 in self.ports", "true"), ("'app' in self.labels", "true"),
        ("'x' in self.labels", "false"),
        // sizes and strings
        ("size(self.ports)", "2"), ("self.name.size()", "3"), ("size(self.labels)", "2"),
        ("self.image.startsWith('registry.example/')", "true"), ("self.image.endsWith('abc')", "true"),
        ("self.image.contains('@sha256:')", "true"), ("self.image.matches('@sha256:[0-9a-f]+$')", "true"),
        ("self.name.matches('^[0-9]+$')", "false"), ("'AbC'.lowerAscii()", "\"abc\""), ("string(self.replicas)", "\"3\""),
        ("int('42') + 1", "43"), ("double(self.replicas)", "3.0"),
        // macros
        ("self.ports.all(p, p > 0)", "true"), ("self.ports.exists(p, p == 443)", "true"),
        ("self.ports.exists_one(p, p > 100)", "true"), ("self.ports.map(p, p + 1)", "[81, 444]"),
        ("self.ports.filter(p, p > 100)", "[443]"), ("self.ports.map(p, p > 100, p * 2)", "[886]"),
        ("self.containers.map(c, c.name)", "[\"web\", \"sidecar\"]"), ("self.labels.all(k, k.size() > 2)", "true"),
        // quantities
        ("quantity(self.containers[0].memory).isLessThan(quantity('1Gi'))", "true"),
        ("quantity('1Gi').compareTo(quantity('1024Mi'))", "0"), ("quantity('1500m').asApproximateFloat()", "1.5"),
        ("quantity('2Gi') > quantity('2G')", "true"), ("isQuantity('12x')", "false"),
    ])
    func evaluates(_ rule: String, _ expected: String) {
        #expect(Self.display(rule) == expected, "\(rule)")
    }

    @Test(arguments: [
        ("self.nope", "runtime: no such key: nope @5"),
        ("self.replicas.name", "type: cannot select field `name` from a int @14"),
        ("self.replicas + 'x'", "type: no such overload: int + string @14"),
        ("self.name < 3", "type: no such overload: string < int @10"),
        ("self.ports[5]", "runtime: index 5 out of range for a list of 2 @10"),
        ("1 / 0", "runtime: division by zero @2"),
        ("9223372036854775807 + 1", "runtime: integer overflow @20"),
        ("unknown", "type: undeclared reference to `unknown` @0"),
        ("self.replicas.frobnicate()", "type: unknown function frobnicate() @14"),
        ("has(self)", "type: has() takes one field selection, as has(self.spec.replicas) @0"),
        ("self.replicas ? 1 : 2", "type: the condition of ?: must be a bool @5"),
        ("self.ports.all(p, p)", "type: all() needs a bool, found a int @18"),
        ("1 +", "syntax: expected an expression, found the end of the rule @3"),
        ("(1", "syntax: expected `)`, found the end of the rule @2"),
        ("'open", "syntax: unterminated string @0"),
        ("1 # 2", "syntax: unexpected character `#` @2"),
    ])
    func reportsErrorsWithTheirPosition(_ rule: String, _ expected: String) {
        #expect(Self.display(rule) == expected, "\(rule)")
    }

    @Test func andAndOrAbsorbAnErrorWhenTheOtherSideDecides() {
        #expect(Self.display("self.nope == 1 || true") == "true")
        #expect(Self.display("false && self.nope == 1") == "false")
        #expect(Self.display("self.nope == 1 && false") == "false")
        #expect(Self.display("self.nope == 1 && true") == "runtime: no such key: nope @5")
        #expect(Self.display("self.ports.exists(p, p == 443 || p.nope)") == "true")
    }

    @Test func quantityStringsCompareAsQuantitiesOnlyWhenAsked() {
        let rule = "self.containers[0].memory < self.containers[1].memory"
        #expect(Self.display(rule, quantities: true) == "true")
        // Without typed comparisons they are strings: "512Mi" sorts after "1Gi".
        #expect(Self.display(rule) == "false")
        #expect(Self.display("self.replicas < 10", quantities: true) == "true")
    }

    @Test func theBudgetStopsNestedMacrosWithAnError() {
        let rule = "self.ports.all(a, self.ports.all(b, self.ports.all(c, a + b + c > 0)))"
        #expect(Self.display(rule) == "true")
        do throws(CELError) {
            _ = try Self.evaluate(rule, budget: 50)
            Issue.record("the evaluation should have run out of budget")
        } catch {
            #expect(error.kind == .budget)
            #expect(error.message == "the rule exceeded its cost budget of 50")
        }
    }

    @Test func deepNestingIsASyntaxErrorNotACrash() {
        let deep = String(repeating: "(", count: 5_000) + "1" + String(repeating: ")", count: 5_000)
        #expect(Self.display(deep).hasPrefix("syntax: the expression is nested more than 64 levels deep"))
        let bangs = String(repeating: "!", count: 5_000) + "true"
        #expect(Self.display(bangs).hasPrefix("syntax: the expression is nested more than 64 levels deep"))
    }

    @Test func transitionRulesAreRecognized() throws {
        #expect(try CELParser.parse("self.x == oldSelf.x").mentions("oldSelf"))
        #expect(!(try CELParser.parse("self.x == 1").mentions("oldSelf")))
    }
}
