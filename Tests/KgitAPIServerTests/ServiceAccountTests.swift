import Foundation
import KgitAPIMachinery
import Testing
@testable import KgitAPIServer

@Suite("Service accounts and their tokens")
struct ServiceAccountTests {
    static func token(_ api: TestAPI, namespace: String = "default", name: String = "default",
                      spec: JSONValue = [:]) async -> TestAPI.Answer {
        await api.request("POST", "/api/v1/namespaces/\(namespace)/serviceaccounts/\(name)/token",
                          json: ["apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest", "spec": spec])
    }

    static func whoami(_ api: TestAPI, bearer: String) async -> TestAPI.Answer {
        await api.request("POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews",
                          json: ["apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview"],
                          headers: [("Authorization", "Bearer \(bearer)")], user: nil)
    }

    @Test("every namespace gets a default ServiceAccount, including new ones")
    func defaultAccounts() async throws {
        let api = try await TestAPI()
        #expect(await api.request("GET", "/api/v1/namespaces/default/serviceaccounts/default").status == 200)
        _ = await api.request("POST", "/api/v1/namespaces", json: ["metadata": ["name": "team"]])
        #expect(await api.request("GET", "/api/v1/namespaces/team/serviceaccounts/default").status == 200)
    }

    @Test("a TokenRequest issues a token that authenticates as system:serviceaccount:<ns>:<name>")
    func tokenAuthenticates() async throws {
        let api = try await TestAPI()
        let answer = await Self.token(api, spec: ["expirationSeconds": 3600])
        #expect(answer.status == 201)
        let token = try #require(answer.json.value(at: ["status", "token"])?.stringValue)
        #expect(answer.json.value(at: ["status", "expirationTimestamp"])?.stringValue.flatMap(RFC3339.parse) != nil)
        let me = await Self.whoami(api, bearer: token)
        #expect(me.status == 201, "\(me.text)")
        #expect(me.json.value(at: ["status", "userInfo", "username"]) == "system:serviceaccount:default:default")
        let groups = me.json.value(at: ["status", "userInfo", "groups"])?.arrayValue ?? []
        #expect(groups.contains("system:serviceaccounts:default") && groups.contains("system:authenticated"))
        #expect(await api.request("GET", "/api/v1/namespaces/default/pods",
                                  headers: [("Authorization", "Bearer \(token)")], user: nil).status == 403,
                "a fresh service account has no RBAC grants")
    }

    @Test("deleting the account revokes its tokens; tampered or foreign-audience tokens are rejected (401)")
    func revocationAndTampering() async throws {
        let api = try await TestAPI()
        _ = await api.request("POST", "/api/v1/namespaces/default/serviceaccounts", json: ["metadata": ["name": "robot"]])
        let token = try #require(await Self.token(api, name: "robot").json.value(at: ["status", "token"])?.stringValue)
        var tampered = Array(token)
        let index = tampered.count / 2
        tampered[index] = tampered[index] == "A" ? "B" : "A"
        #expect(await Self.whoami(api, bearer: String(tampered)).status == 401)
        let foreign = try #require(await Self.token(api, name: "robot", spec: ["audiences": ["vault"]])
            .json.value(at: ["status", "token"])?.stringValue)
        #expect(await Self.whoami(api, bearer: foreign).status == 401)
        #expect(await Self.whoami(api, bearer: token).status == 201)
        _ = await api.request("DELETE", "/api/v1/namespaces/default/serviceaccounts/robot")
        _ = await api.request("POST", "/api/v1/namespaces/default/serviceaccounts", json: ["metadata": ["name": "robot"]])
        #expect(await Self.whoami(api, bearer: token).status == 401, "a recreated account has a new uid")
    }

    @Test("expirationSeconds below ten minutes is 422; a missing account is 404")
    func invalidRequests() async throws {
        let api = try await TestAPI()
        #expect(await Self.token(api, spec: ["expirationSeconds": 60]).status == 422)
        #expect(await Self.token(api, name: "ghost").status == 404)
    }
}
