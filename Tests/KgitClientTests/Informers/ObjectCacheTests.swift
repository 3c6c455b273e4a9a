import KgitAPIMachinery
import Testing

@testable import KgitClient

@Suite("ObjectCache: objects by key, with indexes")
struct ObjectCacheTests {
    typealias T = ScriptedTransport

    static func pod(_ name: String, namespace: String = "shop", node: String? = nil, owner: String? = nil,
                    labels: [String: String] = [:]) -> JSONValue {
        var pod = T.configMap(name, namespace: namespace, rv: "1", labels: labels, owner: owner)
        pod["kind"] = "Pod"
        if let node { pod["spec"] = ["nodeName": .string(node)] }
        return pod
    }

    @Test("objects are filed by namespace, owner UID and node name, and moved when they change")
    func indexes() {
        let cache = ObjectCache(indexers: [Indexers.ownerUID: Indexers.byOwnerUID, Indexers.nodeName: Indexers.byNodeName])
        cache.upsert(Self.pod("a", node: "n1", owner: "rs-1"))
        cache.upsert(Self.pod("b", node: "n2", owner: "rs-1"))
        cache.upsert(Self.pod("c", namespace: "other", owner: "rs-2"))
        #expect(cache.byIndex(Indexers.ownerUID, "rs-1").count == 2)
        #expect(cache.byIndex(Indexers.nodeName, "n1").map { $0["metadata"]?["name"] } == ["a"])
        #expect(cache.byIndex(Indexers.namespace, "other").count == 1)
        #expect(cache.byIndex(Indexers.nodeName, "").isEmpty)
        cache.upsert(Self.pod("a", node: "n2", owner: "rs-2"))
        #expect(cache.byIndex(Indexers.nodeName, "n1").isEmpty)
        #expect(cache.byIndex(Indexers.nodeName, "n2").count == 2)
        #expect(cache.byIndex(Indexers.ownerUID, "rs-1").map { $0["metadata"]?["name"] } == ["b"])
        cache.remove("shop/b")
        #expect(cache.byIndex(Indexers.ownerUID, "rs-1").isEmpty)
        #expect(cache.byIndex("no-such-index", "x").isEmpty)
    }

    @Test("an index added later files the objects already stored")
    func lateIndex() {
        let cache = ObjectCache()
        cache.upsert(Self.pod("a", node: "n1"))
        cache.addIndexer(Indexers.nodeName, Indexers.byNodeName)
        #expect(cache.byIndex(Indexers.nodeName, "n1").count == 1)
    }

    @Test("replace reports what appeared, changed and vanished, and leaves unchanged objects out")
    func replace() {
        let cache = ObjectCache()
        cache.upsert(Self.pod("same"))
        cache.upsert(Self.pod("changed"))
        cache.upsert(Self.pod("gone"))
        var changed = Self.pod("changed")
        changed["data"] = ["k": "new"]
        let events = cache.replace(with: [Self.pod("same"), changed, Self.pod("new")])
        #expect(events == [.deleted(Self.pod("gone")), .updated(old: Self.pod("changed"), new: changed), .added(Self.pod("new"))])
        #expect(cache.keys() == ["shop/changed", "shop/new", "shop/same"])
    }

    @Test("the lister reads by name, namespace and label selector")
    func lister() throws {
        let cache = ObjectCache()
        cache.upsert(Self.pod("web-1", labels: ["app": "web"]))
        cache.upsert(Self.pod("db-1", labels: ["app": "db"]))
        cache.upsert(Self.pod("web-2", namespace: "other", labels: ["app": "web"]))
        let lister = Lister(cache: cache)
        #expect(lister.get(namespace: "shop", name: "web-1") != nil)
        #expect(lister.get(namespace: "other", name: "web-1") == nil)
        let selector = try LabelSelector(parsing: "app=web")
        #expect(lister.list(selector: selector).count == 2)
        #expect(lister.list(namespace: "shop", selector: selector).map { $0["metadata"]?["name"] } == ["web-1"])
        #expect(lister.list(namespace: "shop").count == 2)
    }
}
