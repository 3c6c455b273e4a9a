import KgitSchema
import KgitYAML
import Testing

@Suite struct PathComponentTests {
    @Test func rendersFieldsIndicesAndKeyedElements() throws {
        let container = try #require(try YAMLParser.parse("name: web\nimage: nginx\n").first?.root)
        let port = try #require(try YAMLParser.parse("containerPort: 80\nprotocol: TCP\n").first?.root)
        let path: [PathComponent] = [
            .field("spec"), .field("containers"), .element(0, item: container, keys: ["name"]), .field("ports"),
            .element(2, item: port, keys: ["containerPort", "protocol"]), .field("args"), .index(3),
        ]
        #expect(PathComponent.render(path) == ".spec.containers[name=\"web\"].ports[containerPort=80,protocol=\"TCP\"].args[3]")
    }

    @Test func quotesKeysThatAreNotIdentifiers() {
        #expect(PathComponent.render([.field("metadata"), .field("labels"), .field("app.kubernetes.io/name")]) == ".metadata.labels[\"app.kubernetes.io/name\"]")
    }

    @Test func fallsBackToTheIndexWhenAnElementHasNoKey() throws {
        let item = try #require(try YAMLParser.parse("image: nginx\n").first?.root)
        #expect(PathComponent.render([.element(4, item: item, keys: ["name"])]) == "[4]")
    }
}
