import KgitAPIMachinery
import KgitControllers
import Testing

@Suite("WriteExpectation: when a controller's view reflects what it wrote")
struct WriteExpectationTests {
    static func pod(_ name: String, uid: String, resourceVersion: String, deleting: Bool = false) -> JSONValue {
        var metadata: [String: JSONValue] = [
            "name": .string(name), "namespace": "default", "uid": .string(uid), "resourceVersion": .string(resourceVersion),
        ]
        if deleting { metadata["deletionTimestamp"] = "2026-11-30T12:00:00Z" }
        return ["apiVersion": "v1", "kind": "Pod", "metadata": .object(metadata)]
    }

    @Test("a created object is reflected once the view holds it at its resourceVersion or later")
    func created() throws {
        let expectation = try #require(WriteExpectation.written(Self.pod("web-1", uid: "u1", resourceVersion: "42")))
        #expect(expectation.key.name == "web-1" && expectation.key.uid == "u1" && expectation.key.kind == "Pod")
        #expect(!expectation.isMet(observed: nil, viewRevision: "41"))
        #expect(!expectation.isMet(observed: nil, viewRevision: ""))
        #expect(!expectation.isMet(observed: Self.pod("web-1", uid: "u1", resourceVersion: "40"), viewRevision: "41"))
        #expect(expectation.isMet(observed: Self.pod("web-1", uid: "u1", resourceVersion: "42"), viewRevision: "42"))
        #expect(expectation.isMet(observed: Self.pod("web-1", uid: "u1", resourceVersion: "57"), viewRevision: "57"))
    }

    @Test("a written object the view no longer holds is reflected once the view has seen a later revision")
    func writtenThenGone() throws {
        let expectation = try #require(WriteExpectation.written(Self.pod("web-1", uid: "u1", resourceVersion: "42")))
        #expect(expectation.isMet(observed: nil, viewRevision: "43"))
        #expect(expectation.isMet(observed: Self.pod("web-1", uid: "u2", resourceVersion: "41"), viewRevision: "41"),
                "another incarnation under the same name means the written one is past")
    }

    @Test("a deleted object is reflected once the view drops it or shows it terminating")
    func deleted() {
        let key = ObjectKey(apiVersion: "v1", kind: "Pod", namespace: "default", name: "web-1", uid: "u1")
        let expectation = WriteExpectation(key: key, change: .deleted)
        #expect(!expectation.isMet(observed: Self.pod("web-1", uid: "u1", resourceVersion: "42"), viewRevision: "42"))
        #expect(expectation.isMet(observed: nil, viewRevision: "42"))
        #expect(expectation.isMet(observed: Self.pod("web-1", uid: "u1", resourceVersion: "43", deleting: true), viewRevision: "43"))
        #expect(expectation.isMet(observed: Self.pod("web-1", uid: "u9", resourceVersion: "50"), viewRevision: "50"))
    }

    @Test("resourceVersions that are not integers cannot be judged and never hold a key back")
    func opaqueVersions() throws {
        let expectation = try #require(WriteExpectation.written(Self.pod("web-1", uid: "u1", resourceVersion: "abc")))
        #expect(expectation.isMet(observed: nil, viewRevision: "1"))
    }

    @Test("an answer without name, kind or resourceVersion sets no expectation")
    func incompleteAnswer() {
        #expect(WriteExpectation.written(["apiVersion": "v1", "kind": "Pod", "metadata": ["name": "x"]]) == nil)
        #expect(WriteExpectation.written(["kind": "Status", "status": "Success"]) == nil)
    }

    @Test("a key's expectations are forgotten once met, and given up after the timeout")
    func bookkeeping() throws {
        let start = ContinuousClock.now
        var expectations = ControllerExpectations(timeout: .seconds(300))
        let a = try #require(WriteExpectation.written(Self.pod("a", uid: "ua", resourceVersion: "10")))
        let b = try #require(WriteExpectation.written(Self.pod("b", uid: "ub", resourceVersion: "11")))
        expectations.expect([a, b], for: "default/rs", now: start)
        expectations.expect([], for: "default/other", now: start)
        #expect(expectations.keys == ["default/rs"])

        var pending = expectations.pending("default/rs", now: start) { $0 == a }
        #expect(pending.items == [b] && !pending.expired)
        pending = expectations.pending("default/rs", now: start + .seconds(299)) { _ in false }
        #expect(pending.items == [b] && !pending.expired)
        pending = expectations.pending("default/rs", now: start + .seconds(300)) { _ in false }
        #expect(pending.items.isEmpty && pending.expired)
        #expect(expectations.keys.isEmpty)

        expectations.expect([a], for: "default/rs", now: start)
        pending = expectations.pending("default/rs", now: start) { _ in true }
        #expect(pending.items.isEmpty && !pending.expired)
        #expect(expectations.keys.isEmpty)
        #expect(expectations.pending("default/unknown", now: start) { _ in false }.items.isEmpty)
    }
}
