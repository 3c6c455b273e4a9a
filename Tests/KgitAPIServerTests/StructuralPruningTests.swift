import KgitAPIMachinery
import Testing
@testable import KgitAPIServer

@Suite("Structural pruning of custom resources")
struct StructuralPruningTests {
    static let schema: JSONValue = [
        "type": "object",
        "properties": [
            "spec": ["type": "object", "properties": [
                "name": ["type": "string"],
                "labels": ["type": "object", "additionalProperties": ["type": "string"]],
                "items": ["type": "array", "items": ["type": "object", "properties": ["id": ["type": "integer"]]]],
                "free": ["type": "object", "x-kubernetes-preserve-unknown-fields": true],
                "template": ["type": "object", "x-kubernetes-embedded-resource": true,
                             "properties": ["spec": ["type": "object", "x-kubernetes-preserve-unknown-fields": true]]],
                "closed": ["type": "object"],
            ]],
        ],
    ]

    @Test("undeclared fields are removed and reported by path; apiVersion, kind and metadata stay at the root")
    func removesUndeclared() {
        let object: JSONValue = [
            "apiVersion": "example.com/v1", "kind": "Widget", "metadata": ["name": "w", "labels": ["a": "b"]],
            "spec": ["name": "n", "nmae": "typo", "items": [["id": 1, "idd": 2]]],
            "extra": true,
        ]
        let (pruned, removed) = StructuralPruning.prune(object, schema: Self.schema)
        #expect(removed == ["extra", "spec.items[0].idd", "spec.nmae"])
        #expect(pruned == [
            "apiVersion": "example.com/v1", "kind": "Widget", "metadata": ["name": "w", "labels": ["a": "b"]],
            "spec": ["name": "n", "items": [["id": 1]]],
        ])
    }

    @Test("x-kubernetes-preserve-unknown-fields keeps a level; additionalProperties declares map values")
    func preservesAndMaps() {
        let object: JSONValue = ["spec": [
            "free": ["anything": ["goes": [1, 2]]],
            "labels": ["x": "y", "z": "w"],
            "template": ["apiVersion": "v1", "kind": "Pod", "metadata": ["name": "p"], "spec": ["containers": []],
                         "bogus": 1],
            "closed": ["gone": 1],
        ]]
        let (pruned, removed) = StructuralPruning.prune(object, schema: Self.schema)
        #expect(removed == ["spec.closed.gone", "spec.template.bogus"])
        #expect(pruned.value(at: ["spec", "free", "anything", "goes"]) == [1, 2])
        #expect(pruned.value(at: ["spec", "labels"]) == ["x": "y", "z": "w"])
        #expect(pruned.value(at: ["spec", "template", "kind"]) == "Pod")
        #expect(pruned.value(at: ["spec", "template", "spec", "containers"]) == [])
    }

    @Test("without a schema nothing is pruned")
    func noSchema() {
        let object: JSONValue = ["spec": ["x": 1]]
        #expect(StructuralPruning.prune(object, schema: nil).object == object)
    }
}
