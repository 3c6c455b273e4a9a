import Testing

@testable import KgitSync

@Suite struct InventoryTests {
    static let web = ObjectIdentity(apiVersion: "apps/v1", kind: "Deployment", namespace: "shop", name: "web")
    static let ns = ObjectIdentity(apiVersion: "v1", kind: "Namespace", name: "shop")

    @Test func theSerializedFormIsSortedCompactJSON() {
        let inventory = Inventory(revision: "0123abcd", objects: [Self.web, Self.ns, Self.web])
        let want =
            #"{"objects":[{"group":"","kind":"Namespace","name":"shop","namespace":"","version":"v1"},{"group":"apps","kind":"Deployment","name":"web","namespace":"shop","version":"v1"}],"revision":"0123abcd"}"#
        #expect(inventory.serialized() == want)
    }

    @Test func aSerializedInventoryReadsBackEqual() throws {
        let inventory = Inventory(revision: "r1", objects: [Self.web, Self.ns])
        let got = try Inventory(serialized: inventory.serialized())
        #expect(got == inventory)
        #expect(got.objects.map(\.version) == ["v1", "v1"])
    }

    @Test(arguments: [
        ("not json: [", "not valid JSON"),
        (#"{"objects":[]}"#, "no revision"),
        (#"{"revision":"r"}"#, "no objects list"),
        (#"{"revision":"r","objects":[{"kind":"ConfigMap"}]}"#, "inventory object 0"),
    ])
    func aDamagedInventoryIsAnError(text: String, want: String) {
        #expect {
            try Inventory(serialized: text)
        } throws: { error in
            "\(error)".contains(want)
        }
    }
}
