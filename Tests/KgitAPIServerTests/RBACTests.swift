import KgitAPIMachinery
import Testing
@testable import KgitAPIServer

@Suite("RBAC authorization")
struct RBACTests {
    static let bob = UserInfo(name: "bob", groups: ["dev", "system:authenticated"])

    static func bind(_ api: TestAPI, role: String, kind: String = "ClusterRole", namespace: String? = nil,
                     subject: JSONValue) async {
        let binding: JSONValue = [
            "metadata": ["name": .string("b-\(role)")],
            "roleRef": ["apiGroup": "rbac.authorization.k8s.io", "kind": .string(kind), "name": .string(role)],
            "subjects": [subject],
        ]
        let path = namespace.map { "/apis/rbac.authorization.k8s.io/v1/namespaces/\($0)/rolebindings" }
            ?? "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings"
        let answer = await api.request("POST", path, json: binding)
        #expect(answer.status == 201, "\(answer.text)")
    }

    @Test("a user with no bindings is denied with upstream's Forbidden message")
    func denyByDefault() async throws {
        let api = try await TestAPI()
        let answer = await api.request("GET", "/api/v1/namespaces/default/pods", user: Self.bob)
        #expect(answer.status == 403)
        #expect(answer.json["reason"] == "Forbidden")
        #expect(answer.json["message"] == #"pods is forbidden: User "bob" cannot list resource "pods" in API group "" in the namespace "default""#)
    }

    @Test("the bootstrap policy exists: cluster-admin, admin, edit, view and their default bindings")
    func bootstrapPolicy() async throws {
        let api = try await TestAPI()
        for role in ["cluster-admin", "admin", "edit", "view", "system:basic-user", "system:discovery"] {
            #expect(await api.request("GET", "/apis/rbac.authorization.k8s.io/v1/clusterroles/\(role)").status == 200, "\(role)")
        }
        let binding = await api.request("GET", "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/cluster-admin")
        #expect(binding.json["subjects"]?.arrayValue?.first?["name"] == "system:masters")
    }

    @Test("a RoleBinding to view grants reads in its namespace only, and no writes")
    func namespacedView() async throws {
        let api = try await TestAPI()
        await Self.bind(api, role: "view", namespace: "default", subject: ["kind": "User", "name": "bob"])
        #expect(await api.request("GET", "/api/v1/namespaces/default/configmaps", user: Self.bob).status == 200)
        #expect(await api.request("GET", "/api/v1/namespaces/kube-system/configmaps", user: Self.bob).status == 403)
        #expect(await api.request("POST", "/api/v1/namespaces/default/configmaps", json: TestAPI.configMap("a"),
                                  user: Self.bob).status == 403)
        #expect(await api.request("GET", "/api/v1/namespaces/default/secrets", user: Self.bob).status == 403,
                "view does not include secrets")
    }

    @Test("a ClusterRoleBinding to a group grants cluster-wide, and a Role with resourceNames only those names")
    func groupsAndResourceNames() async throws {
        let api = try await TestAPI()
        await Self.bind(api, role: "edit", subject: ["kind": "Group", "name": "dev"])
        #expect(await api.request("POST", "/api/v1/namespaces/kube-system/configmaps", json: TestAPI.configMap("a"),
                                  user: Self.bob).status == 201)
        let role: JSONValue = ["metadata": ["name": "one"],
                               "rules": [["verbs": ["get"], "apiGroups": [""], "resources": ["secrets"],
                                          "resourceNames": ["allowed"]]]]
        _ = await api.request("POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles", json: role)
        let carol = UserInfo(name: "carol", groups: ["system:authenticated"])
        await Self.bind(api, role: "one", kind: "Role", namespace: "default", subject: ["kind": "User", "name": "carol"])
        _ = await api.request("POST", "/api/v1/namespaces/default/secrets", json: ["metadata": ["name": "allowed"]])
        #expect(await api.request("GET", "/api/v1/namespaces/default/secrets/allowed", user: carol).status == 200)
        #expect(await api.request("GET", "/api/v1/namespaces/default/secrets/other", user: carol).status == 403)
    }

    @Test("SelfSubjectAccessReview answers for the caller; every authenticated user may ask")
    func accessReview() async throws {
        let api = try await TestAPI()
        await Self.bind(api, role: "view", namespace: "default", subject: ["kind": "User", "name": "bob"])
        func ask(_ verb: String, _ resource: String) async -> JSONValue? {
            let review: JSONValue = ["apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectAccessReview",
                                     "spec": ["resourceAttributes": ["namespace": "default", "verb": .string(verb),
                                                                     "resource": .string(resource)]]]
            let answer = await api.request("POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", json: review,
                                           user: Self.bob)
            #expect(answer.status == 201)
            return answer.json.value(at: ["status", "allowed"])
        }
        #expect(await ask("list", "pods") == true)
        #expect(await ask("delete", "pods") == false)
    }

    @Test("SelfSubjectRulesReview lists the rules granted in a namespace")
    func rulesReview() async throws {
        let api = try await TestAPI()
        await Self.bind(api, role: "view", namespace: "default", subject: ["kind": "User", "name": "bob"])
        let review: JSONValue = ["apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectRulesReview",
                                 "spec": ["namespace": "default"]]
        let answer = await api.request("POST", "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews", json: review,
                                       user: Self.bob)
        let rules = answer.json.value(at: ["status", "resourceRules"])?.arrayValue ?? []
        #expect(rules.contains { ($0["resources"]?.arrayValue ?? []).contains("pods") && $0["verbs"] == ["get", "list", "watch"] })
    }

    @Test("service accounts match ServiceAccount subjects as system:serviceaccount:<ns>:<name>")
    func serviceAccountSubjects() async throws {
        let api = try await TestAPI()
        await Self.bind(api, role: "view", namespace: "default",
                        subject: ["kind": "ServiceAccount", "name": "robot", "namespace": "default"])
        let robot = UserInfo(name: "system:serviceaccount:default:robot",
                             groups: ["system:serviceaccounts", "system:serviceaccounts:default", "system:authenticated"])
        #expect(await api.request("GET", "/api/v1/namespaces/default/pods", user: robot).status == 200)
    }

    @Test("a namespace admin cannot bind cluster-admin or create a role with permissions they lack")
    func escalationIsPrevented() async throws {
        let api = try await TestAPI()
        await Self.bind(api, role: "admin", namespace: "default", subject: ["kind": "User", "name": "bob"])
        let toClusterAdmin: JSONValue = [
            "metadata": ["name": "grab"],
            "roleRef": ["apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "cluster-admin"],
            "subjects": [["kind": "User", "name": "bob"]],
        ]
        let bind = await api.request("POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings",
                                     json: toClusterAdmin, user: Self.bob)
        #expect(bind.status == 403, "\(bind.text)")
        #expect(bind.json["message"]?.stringValue?.contains("attempting to grant RBAC permissions not currently held") == true)
        let wide: JSONValue = ["metadata": ["name": "wide"],
                               "rules": [["verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]]]]
        #expect(await api.request("POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles", json: wide,
                                  user: Self.bob).status == 403)
        let narrow: JSONValue = ["metadata": ["name": "narrow"],
                                 "rules": [["verbs": ["get", "list"], "apiGroups": [""], "resources": ["configmaps"]]]]
        #expect(await api.request("POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles", json: narrow,
                                  user: Self.bob).status == 201, "rules the user holds may be granted")
        let toView: JSONValue = [
            "metadata": ["name": "share"],
            "roleRef": ["apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"],
            "subjects": [["kind": "User", "name": "carol"]],
        ]
        #expect(await api.request("POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings",
                                  json: toView, user: Self.bob).status == 201, "view is within admin")
    }
}
