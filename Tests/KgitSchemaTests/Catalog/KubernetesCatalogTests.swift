import KgitSchema
import Testing

@Suite struct KubernetesCatalogTests {
    @Test func servesTheBuiltInKindsOfKubernetes1_33() throws {
        let catalog = try KubernetesCatalog.load(version: "1.33")
        #expect(catalog.definitionCount == 707)
        let kinds = Set(catalog.kinds)
        for (apiVersion, kind) in [
            ("v1", "Pod"), ("v1", "Service"), ("v1", "ConfigMap"), ("apps/v1", "Deployment"), ("batch/v1", "CronJob"),
            ("networking.k8s.io/v1", "Ingress"), ("rbac.authorization.k8s.io/v1", "ClusterRole"),
            ("apiextensions.k8s.io/v1", "CustomResourceDefinition"), ("autoscaling/v2", "HorizontalPodAutoscaler"),
        ] {
            #expect(kinds.contains(GroupVersionKind(apiVersion: apiVersion, kind: kind)), "\(apiVersion) \(kind)")
        }
        #expect(!kinds.contains(GroupVersionKind(apiVersion: "extensions/v1beta1", kind: "Ingress")))
    }

    @Test func everyKindCompiles() throws {
        let catalog = try KubernetesCatalog.load(version: "1.33")
        for kind in catalog.kinds {
            let schema = try #require(catalog.schema(for: kind), "\(kind)")
            #expect(schema.objectSchema != nil, "\(kind) is not an object")
        }
    }

    @Test func definitionsAreCompiledOnceAndShared() throws {
        let catalog = try KubernetesCatalog.load(version: "1.33")
        let pod = try #require(catalog.schema(for: GroupVersionKind(apiVersion: "v1", kind: "Pod")))
        let deployment = try #require(catalog.schema(for: GroupVersionKind(apiVersion: "apps/v1", kind: "Deployment")))
        guard case .reference(let podMeta)? = pod.property("metadata")?.shape,
            case .reference(let deploymentMeta)? = deployment.property("metadata")?.shape
        else {
            Issue.record("metadata is not a reference")
            return
        }
        #expect(podMeta === deploymentMeta)
        #expect(podMeta.target === catalog.definition(named: "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"))
    }

    @Test func recursiveDefinitionsResolve() throws {
        let catalog = try KubernetesCatalog.load(version: "1.33")
        let props = try #require(catalog.definition(named: "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps"))
        let items = try #require(props.property("properties")?.resolved)
        guard case .object(let map) = items.shape, case .typed(let value) = map.additionalProperties else {
            Issue.record("properties is not a typed map")
            return
        }
        #expect(value.resolved === props)
    }

    @Test func listTypesMergeKeysAndPatchStrategiesAreRecorded() throws {
        let catalog = try KubernetesCatalog.load(version: "1.33")
        let podSpec = try #require(catalog.definition(named: "io.k8s.api.core.v1.PodSpec"))
        let containers = try #require(podSpec.property("containers"))
        #expect(containers.patchStrategy == .merge)
        #expect(containers.patchMergeKey == "name")
        guard case .array(let array) = containers.shape else {
            Issue.record("containers is not a list")
            return
        }
        #expect(array.listType == .map(keys: ["name"]))
        #expect(podSpec.property("volumes")?.patchStrategy == [.merge, .retainKeys])
    }

    @Test func intOrStringAndQuantityAreTheirOwnShapes() throws {
        let catalog = try KubernetesCatalog.load(version: "1.33")
        let port = try #require(catalog.definition(named: "io.k8s.api.core.v1.ServicePort")?.property("targetPort")?.resolved)
        guard case .intOrString = port.shape else {
            Issue.record("targetPort is \(port.shape)")
            return
        }
        let limits = try #require(catalog.definition(named: "io.k8s.api.core.v1.ResourceRequirements")?.property("limits"))
        guard case .object(let map)? = limits.resolved?.shape, case .typed(let value) = map.additionalProperties,
            case .quantity? = value.resolved?.shape
        else {
            Issue.record("limits values are not quantities")
            return
        }
    }

    @Test func enumerationsTheAPIServerEnforcesInCodeAreAttached() throws {
        let catalog = try KubernetesCatalog.load(version: "1.33")
        let policy = try #require(catalog.definition(named: "io.k8s.api.core.v1.Container")?.property("imagePullPolicy"))
        #expect(policy.enumValues == [.string("Always"), .string("IfNotPresent"), .string("Never"), .string("")])
    }

    @Test func unsupportedVersionsAreRejected() {
        #expect(throws: CatalogError.self) { try KubernetesCatalog.load(version: "1.20") }
        #expect(throws: CatalogError.self) { try KubernetesCatalog.load(version: "latest") }
    }
}
