import KgitSchema
import KgitYAML
import Testing

@Suite struct SchemaTests {
    func node(_ yaml: String) throws -> Node { try #require(try YAMLParser.parse(yaml).first?.root) }

    @Test func aReferenceLinkedLaterIsFollowed() throws {
        let reference = SchemaReference(name: "Tree")
        let tree = Schema(.object(ObjectSchema(properties: [
            "value": Schema(.integer(NumericSchema())),
            "children": Schema(.array(ArraySchema(items: Schema(.reference(reference))))),
        ])))
        reference.link(tree)
        let found = Validator.validate(try node("value: 1\nchildren:\n  - value: 2\n    children: [{value: x}]\n"), against: tree)
        #expect(found.map(\.code) == ["type-mismatch"])
        #expect(found.first?.path == ".children[0].children[0].value")
    }

    @Test func nullableAndNonNullableValues() throws {
        let schema = Schema(.object(ObjectSchema(properties: [
            "optional": Schema(.string(StringSchema()), nullable: true),
            "strict": Schema(.string(StringSchema())),
        ])))
        let found = Validator.validate(try node("optional: null\nstrict: ~\n"), against: schema)
        #expect(found.map(\.path) == [".strict"])
    }

    @Test func numericBoundsAndMultiples() throws {
        let schema = Schema(.object(ObjectSchema(properties: [
            "a": Schema(.number(NumericSchema(minimum: 0, exclusiveMinimum: true))),
            "b": Schema(.integer(NumericSchema(multipleOf: 5))),
            "c": Schema(.integer(NumericSchema(format: "int32"))),
        ])))
        let found = Validator.validate(try node("a: 0\nb: 12\nc: 2147483648\n"), against: schema)
        #expect(found.map(\.code) == ["minimum", "multiple-of", "out-of-range"])
    }

    @Test func codeChecksRunWhereTheirSchemaIsUsed() throws {
        let even = SchemaCheck(name: "even") { node, context in
            if case .scalar(let scalar) = node.content, case .int(let value) = scalar.value, value % 2 != 0 {
                context.report(.minimum, "\(value) is odd", at: node, path: [])
            }
        }
        let schema = Schema(.array(ArraySchema(items: Schema(.integer(NumericSchema()), checks: [even]))))
        let found = Validator.validate(try node("[2, 3, 4, 5]"), against: schema)
        #expect(found.map(\.message) == ["3 is odd", "5 is odd"])
        #expect(found.map(\.path) == ["[1]", "[3]"])
    }

    @Test func checksRunOnObjectsWithBrokenChildrenButNotOnValuesOfTheWrongShape() throws {
        let ran = SchemaCheck(name: "ran") { node, context in
            context.report(.minimum, "ran", at: node, path: [])
        }
        let schema = Schema(.object(ObjectSchema(properties: ["a": Schema(.integer(NumericSchema()))])), checks: [ran])
        #expect(Validator.validate(try node("a: x"), against: schema).map(\.code) == ["minimum", "type-mismatch"])
        #expect(Validator.validate(try node("[1]"), against: schema).map(\.code) == ["type-mismatch"])
    }

    @Test func enumsAndCombinatorsSkipValuesWithProblemsInside() throws {
        let schema = Schema(
            .object(ObjectSchema(properties: ["a": Schema(.integer(NumericSchema()))])),
            anyOf: [Schema(.object(ObjectSchema(required: ["a"], additionalProperties: .preserveUnknown)))])
        #expect(Validator.validate(try node("a: x"), against: schema).map(\.code) == ["type-mismatch"])
        #expect(Validator.validate(try node("{}"), against: schema).map(\.code) == ["any-of"])
    }

    @Test func patchStrategiesParseTheExtensionValue() {
        #expect(PatchStrategy(parsing: "merge,retainKeys") == [.merge, .retainKeys])
        #expect(PatchStrategy(parsing: "replace") == .replace)
        #expect(PatchStrategy(parsing: "unknown") == [])
    }
}
