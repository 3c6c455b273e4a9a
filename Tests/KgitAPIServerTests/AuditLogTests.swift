import Foundation
import KgitAPIMachinery
import Testing
@testable import KgitAPIServer

@Suite("Audit log")
struct AuditLogTests {
    @Test("a resource request becomes a Metadata-level audit event naming user, verb, object and outcome")
    func resourceEvent() throws {
        let request = APIRequest(method: "DELETE", target: "/apis/apps/v1/namespaces/team/deployments/web?dryRun=All",
                                 headers: [("User-Agent", "kubectl/v1.32")], body: Array("secret body".utf8),
                                 remoteAddress: "10.0.0.7")
        let route = Route.parse(method: request.method, path: request.path, query: request.query)
        let user = UserInfo(name: "bob", uid: "u1", groups: ["dev"])
        let event = try #require(AuditLog.event(request, route: route, user: user, status: 200,
                                                received: Date(timeIntervalSince1970: 1_800_000_000.25),
                                                completed: Date(timeIntervalSince1970: 1_800_000_000.5)))
        #expect(event["verb"] == "delete")
        #expect(event["level"] == "Metadata")
        #expect(event["stage"] == "ResponseComplete")
        #expect(event["requestURI"] == "/apis/apps/v1/namespaces/team/deployments/web?dryRun=All")
        #expect(event.value(at: ["user", "username"]) == "bob")
        #expect(event["objectRef"] == ["resource": "deployments", "apiGroup": "apps", "apiVersion": "v1",
                                       "namespace": "team", "name": "web"])
        #expect(event.value(at: ["responseStatus", "code"]) == 200)
        #expect(event["sourceIPs"] == ["10.0.0.7"])
        #expect(event["requestReceivedTimestamp"] == "2027-01-15T08:00:00.250000Z")
        #expect(!event.serialized().contains("secret body"), "bodies are never logged at Metadata level")
    }

    @Test("health probes are not audited; failed authentication is, as system:anonymous with 401")
    func skippedAndAnonymous() throws {
        let health = APIRequest(method: "GET", target: "/readyz")
        #expect(AuditLog.event(health, route: Route.parse(method: "GET", path: "/readyz", query: .init()), user: nil,
                               status: 200, received: Date(), completed: Date()) == nil)
        let denied = APIRequest(method: "GET", target: "/api/v1/pods")
        let event = AuditLog.event(denied, route: Route.parse(method: "GET", path: "/api/v1/pods", query: .init()),
                                   user: nil, status: 401, received: Date(), completed: Date())
        #expect(event?.value(at: ["user", "username"]) == "system:anonymous")
        #expect(event?.value(at: ["responseStatus", "code"]) == 401)
    }
}
