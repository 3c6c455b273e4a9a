import KgitYAML
import Testing

@testable import KgitSync

@Suite struct ObjectIdentityTests {
    @Test func identitiesAreEqualAcrossServedVersions() {
        let v1 = ObjectIdentity(
            apiVersion: "autoscaling/v1", kind: "HorizontalPodAutoscaler", namespace: "n", name: "h")
        let v2 = ObjectIdentity(
            apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler", namespace: "n", name: "h")
        #expect(v1 == v2)
        #expect(Set([v1, v2]).count == 1)
    }

    @Test(arguments: [
        ("apps/v1", "Deployment", "n", "web", "apps/v1 Deployment n/web", "Deployment/n/web", "Deployment.apps"),
        ("v1", "Namespace", "", "n", "v1 Namespace n", "Namespace/n", "Namespace"),
    ])
    func renderings(
        apiVersion: String, kind: String, namespace: String, name: String, description: String, path: String,
        groupKind: String
    ) {
        let got = ObjectIdentity(apiVersion: apiVersion, kind: kind, namespace: namespace, name: name)
        #expect(got.description == description)
        #expect(got.path == path)
        #expect(got.groupKind == groupKind)
        #expect(got.apiVersion == apiVersion)
    }

    @Test func aLiveObjectDeclaresItsIdentity() {
        let object = SyncFixtures.value("apiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: team}\n")
        #expect(
            ObjectIdentity(object: object)
                == ObjectIdentity(group: "", version: "v1", kind: "Service", namespace: "team", name: "s"))
        #expect(ObjectIdentity(object: SyncFixtures.value("kind: Service\nmetadata: {name: s}\n")) == nil)
    }
}
