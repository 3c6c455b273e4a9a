import KgitAPIMachinery
import Testing
@testable import KgitControllers

@Suite("Service accounts controller")
struct ServiceAccountsControllerTests {
    static func namespace(_ name: String, terminating: Bool = false) -> JSONValue {
        ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(name)],
         "status": ["phase": terminating ? "Terminating" : "Active"]]
    }

    static let defaultAccount: JSONValue = ["apiVersion": "v1", "kind": "ServiceAccount", "metadata": ["name": "default", "namespace": "shop"]]

    @Test("an active namespace without a default ServiceAccount gets one")
    func createsDefault() throws {
        let actions = try ServiceAccountsController.reconcile(namespace: Self.namespace("shop"), serviceAccounts: [])
        #expect(actions.creates == [Self.defaultAccount])
    }

    @Test("a namespace that has one, or is terminating, gets nothing; one elsewhere does not count")
    func leavesAlone() throws {
        #expect(try ServiceAccountsController.reconcile(namespace: Self.namespace("shop"), serviceAccounts: [Self.defaultAccount]).isEmpty)
        #expect(try ServiceAccountsController.reconcile(namespace: Self.namespace("shop", terminating: true), serviceAccounts: []).isEmpty)
        #expect(try ServiceAccountsController.reconcile(namespace: Self.namespace("other"), serviceAccounts: [Self.defaultAccount]).count == 1)
    }
}
