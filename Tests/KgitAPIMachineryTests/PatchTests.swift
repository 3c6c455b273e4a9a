import Testing
@testable import KgitAPIMachinery

@Suite("JSON merge patch (RFC 7386)")
struct MergePatchTests {
    @Test("members merge recursively, null deletes, arrays replace")
    func merge() throws {
        let target = try JSONParser.parse(#"{"a":{"b":1,"c":2},"l":[1,2],"x":"y"}"#)
        let patch = try JSONParser.parse(#"{"a":{"b":null,"d":3},"l":[3],"x":null}"#)
        #expect(MergePatch.apply(patch, to: target) == (try JSONParser.parse(#"{"a":{"c":2,"d":3},"l":[3]}"#)))
    }
}

@Suite("JSON patch (RFC 6902)")
struct JSONPatchTests {
    let document: JSONValue = ["spec": ["replicas": 1, "list": ["a", "b"]], "metadata": ["name": "x"]]

    @Test("add, replace, remove, move, copy and test apply in order")
    func operations() throws {
        let patch = try JSONParser.parse("""
            [{"op":"replace","path":"/spec/replicas","value":3},
             {"op":"add","path":"/spec/list/-","value":"c"},
             {"op":"add","path":"/spec/list/0","value":"z"},
             {"op":"remove","path":"/spec/list/1"},
             {"op":"copy","from":"/metadata/name","path":"/metadata/alias"},
             {"op":"move","from":"/metadata/alias","path":"/metadata/other~1name"},
             {"op":"test","path":"/spec/replicas","value":3}]
            """)
        let result = try JSONPatch.apply(patch, to: document)
        #expect(result.value(at: ["spec", "replicas"]) == 3)
        #expect(result.value(at: ["spec", "list"]) == ["z", "b", "c"])
        #expect(result.value(at: ["metadata", "other/name"]) == "x")
        #expect(result.value(at: ["metadata", "alias"]) == nil)
    }

    @Test("a failing test or a missing path fails the whole patch", arguments: [
        #"[{"op":"test","path":"/spec/replicas","value":2}]"#,
        #"[{"op":"replace","path":"/spec/missing","value":2}]"#,
        #"[{"op":"remove","path":"/spec/list/5"}]"#,
        #"[{"op":"frobnicate","path":"/spec"}]"#,
        #"{"op":"add"}"#,
    ])
    func failures(_ text: String) throws {
        let patch = try JSONParser.parse(text)
        #expect(throws: JSONPatch.Failure.self) { try JSONPatch.apply(patch, to: document) }
    }
}

@Suite("Strategic merge patch")
struct StrategicMergePatchTests {
    /// containers merge by name; ports by containerPort; finalizers replace.
    static let schema: PatchSchema = {
        let port = PatchSchema.unknown
        let container = PatchSchema(
            field: { name in
                name == "ports"
                    ? PatchSchema(field: { _ in nil }, items: { port }, patchStrategy: "merge", patchMergeKey: "containerPort")
                    : nil
            }, items: { nil }, patchStrategy: nil, patchMergeKey: nil)
        let containers = PatchSchema(field: { _ in nil }, items: { container }, patchStrategy: "merge", patchMergeKey: "name")
        let spec = PatchSchema(field: { $0 == "containers" ? containers : nil }, items: { nil }, patchStrategy: nil,
                               patchMergeKey: nil)
        return PatchSchema(field: { $0 == "spec" ? spec : nil }, items: { nil }, patchStrategy: nil, patchMergeKey: nil)
    }()

    let live = try! JSONParser.parse("""
        {"spec":{"containers":[{"name":"app","image":"nginx:1.25","ports":[{"containerPort":80}]},
                               {"name":"side","image":"busybox"}],
                 "finalizers":["a","b"]}}
        """)

    @Test("list items merge by their patch merge key")
    func mergeByKey() throws {
        let patch = try JSONParser.parse(#"{"spec":{"containers":[{"name":"app","image":"nginx:1.26"}]}}"#)
        let result = try StrategicMergePatch.apply(patch, to: live, schema: Self.schema)
        let containers = result.value(at: ["spec", "containers"])?.arrayValue ?? []
        #expect(containers.count == 2)
        #expect(containers.first?["image"] == "nginx:1.26")
        #expect(containers.first?["ports"] == [["containerPort": 80]])
    }

    @Test("$patch: delete removes the keyed item and null removes a field")
    func deleteDirective() throws {
        let patch = try JSONParser.parse(#"{"spec":{"containers":[{"name":"side","$patch":"delete"}],"finalizers":null}}"#)
        let result = try StrategicMergePatch.apply(patch, to: live, schema: Self.schema)
        #expect(result.value(at: ["spec", "containers"])?.arrayValue?.count == 1)
        #expect(result.value(at: ["spec", "finalizers"]) == nil)
    }

    @Test("$setElementOrder reorders merged items")
    func setElementOrder() throws {
        let patch = try JSONParser.parse(
            #"{"spec":{"$setElementOrder/containers":[{"name":"side"},{"name":"app"}],"containers":[{"name":"app","image":"x"}]}}"#)
        let result = try StrategicMergePatch.apply(patch, to: live, schema: Self.schema)
        #expect(result.value(at: ["spec", "containers"])?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["side", "app"])
    }

    @Test("lists without a merge strategy are replaced, and $deleteFromPrimitiveList removes values")
    func replaceAndDeleteFromPrimitiveList() throws {
        let replaced = try StrategicMergePatch.apply(try JSONParser.parse(#"{"spec":{"finalizers":["c"]}}"#), to: live,
                                                     schema: Self.schema)
        #expect(replaced.value(at: ["spec", "finalizers"]) == ["c"])
        let reduced = try StrategicMergePatch.apply(
            try JSONParser.parse(#"{"spec":{"$deleteFromPrimitiveList/finalizers":["a"]}}"#), to: live, schema: Self.schema)
        #expect(reduced.value(at: ["spec", "finalizers"]) == ["b"])
    }

    @Test("$patch: replace on a map replaces it and $retainKeys drops unlisted keys")
    func replaceAndRetainKeys() throws {
        let original: JSONValue = ["strategy": ["type": "RollingUpdate", "rollingUpdate": ["maxSurge": 1]]]
        let replaced = try StrategicMergePatch.apply(
            try JSONParser.parse(#"{"strategy":{"$patch":"replace","type":"Recreate"}}"#), to: original, schema: nil)
        #expect(replaced["strategy"] == ["type": "Recreate"])
        let retained = try StrategicMergePatch.apply(
            try JSONParser.parse(#"{"strategy":{"$retainKeys":["type"],"type":"Recreate"}}"#), to: original, schema: nil)
        #expect(retained["strategy"] == ["type": "Recreate"])
    }
}

@Suite("RFC 3339 timestamps")
struct RFC3339Tests {
    @Test("format and parse round-trip in UTC")
    func roundTrip() throws {
        let text = "2026-11-29T16:30:05Z"
        let date = try #require(RFC3339.parse(text))
        #expect(RFC3339.format(date) == text)
        #expect(RFC3339.parse("2026-11-29T17:30:05+01:00") == date)
        #expect(RFC3339.parse("2026-13-29T16:30:05Z") == nil)
    }
}
