import Testing

@testable import KgitScheduler

@Suite("InterPodAffinity")
struct InterPodAffinityTests {
    /// n1 and n2 in zone a, n3 in zone b. A `db` pod runs on n1; on n3 a `guard` pod whose required
    /// anti-affinity keeps `app: web` pods off its host.
    static let cluster = Snapshot(
        nodes: [makeNode("n1", labels: ["zone": "a"]), makeNode("n2", labels: ["zone": "a"]), makeNode("n3", labels: ["zone": "b"])],
        pods: [
            makePod("db", labels: ["app": "db"], nodeName: "n1"),
            makePod(
                "guard", labels: ["app": "guard"], nodeName: "n3",
                spec: #"{"affinity": {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [{"labelSelector": {"matchLabels": {"app": "web"}}, "topologyKey": "kubernetes.io/hostname"}]}}}"#),
        ],
        namespaceLabels: ["default": ["team": "shop"], "other": ["team": "ops"]])

    static func term(_ app: String, _ key: String, _ extra: String = "") -> String {
        #"{"labelSelector": {"matchLabels": {"app": "\#(app)"}}, "topologyKey": "\#(key)"\#(extra)}"#
    }

    static func required(_ kind: String, _ terms: String...) -> String {
        #"{"affinity": {"\#(kind)": {"requiredDuringSchedulingIgnoredDuringExecution": [\#(terms.joined(separator: ","))]}}}"#
    }

    static func fitting(_ pod: Pod) -> [String] {
        cluster.nodes.map(\.name).filter { filter(InterPodAffinity(), pod, on: $0, in: cluster).isSuccess }
    }

    @Test(
        "required affinity and anti-affinity place the pod by the pods already in each domain",
        arguments: [
            ("affinity to db by zone: zone a", "api", required("podAffinity", term("db", "zone")), ["n1", "n2"]),
            ("affinity to db by host: db's host", "api", required("podAffinity", term("db", "kubernetes.io/hostname")), ["n1"]),
            ("affinity to a pod that runs nowhere: no node", "api", required("podAffinity", term("missing", "zone")), []),
            ("the first pod of a group that selects itself may go anywhere", "batch", required("podAffinity", term("batch", "zone")), ["n1", "n2", "n3"]),
            ("all affinity terms must hold", "api", required("podAffinity", term("db", "zone"), term("guard", "zone")), []),
            ("anti-affinity to db by zone: zone b", "api", required("podAntiAffinity", term("db", "zone")), ["n3"]),
            ("anti-affinity to db by host: any other host", "api", required("podAntiAffinity", term("db", "kubernetes.io/hostname")), ["n2", "n3"]),
            ("an existing pod's anti-affinity keeps the pod off its host", "web", "{}", ["n1", "n2"]),
            ("terms search only the listed namespaces", "api", required("podAffinity", term("db", "zone", #", "namespaces": ["other"]"#)), []),
            ("an empty namespaceSelector searches every namespace", "api", required("podAffinity", term("db", "zone", #", "namespaceSelector": {}"#)), ["n1", "n2"]),
            ("a namespaceSelector selects namespaces by label", "api", required("podAffinity", term("db", "zone", #", "namespaceSelector": {"matchLabels": {"team": "ops"}}"#)), []),
        ])
    func filtering(_ rule: String, _ app: String, _ spec: String, _ want: [String]) {
        #expect(Self.fitting(makePod("p", labels: ["app": app], spec: spec)) == want, "\(rule)")
    }

    @Test("each rule rejects with upstream's reason and code") func reasons() {
        let affinity = makePod("p", labels: ["app": "api"], spec: Self.required("podAffinity", Self.term("db", "zone")))
        #expect(filter(InterPodAffinity(), affinity, on: "n3", in: Self.cluster) == Status(.unschedulableAndUnresolvable, "node(s) didn't match pod affinity rules"))
        let anti = makePod("p", labels: ["app": "api"], spec: Self.required("podAntiAffinity", Self.term("db", "zone")))
        #expect(filter(InterPodAffinity(), anti, on: "n1", in: Self.cluster) == Status(.unschedulable, "node(s) didn't match pod anti-affinity rules"))
        #expect(filter(InterPodAffinity(), makePod("p", labels: ["app": "web"]), on: "n3", in: Self.cluster) == Status(.unschedulable, "node(s) didn't satisfy existing pods anti-affinity rules"))
    }

    @Test("preferred affinity scores the domains holding selected pods higher; anti-affinity lower") func preferred() {
        let near = makePod("p", spec: #"{"affinity": {"podAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 50, "podAffinityTerm": \#(Self.term("db", "zone"))}]}}}"#)
        #expect(scores(InterPodAffinity(), near, in: Self.cluster) == ["n1": 100, "n2": 100, "n3": 0])
        let far = makePod("p", spec: #"{"affinity": {"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 50, "podAffinityTerm": \#(Self.term("db", "kubernetes.io/hostname"))}]}}}"#)
        #expect(scores(InterPodAffinity(), far, in: Self.cluster) == ["n1": 0, "n2": 100, "n3": 100])
    }

    @Test("an existing pod's preferred affinity for the pod draws it to that pod's domain") func symmetric() {
        let snapshot = Snapshot(
            nodes: [makeNode("n1", labels: ["zone": "a"]), makeNode("n2", labels: ["zone": "b"])],
            pods: [makePod("fan", nodeName: "n2", spec: #"{"affinity": {"podAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 10, "podAffinityTerm": \#(Self.term("star", "zone"))}]}}}"#)])
        #expect(scores(InterPodAffinity(), makePod("p", labels: ["app": "star"]), in: snapshot) == ["n1": 0, "n2": 100])
    }
}
