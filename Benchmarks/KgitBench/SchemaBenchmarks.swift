// Benchmarks of KgitSchema: loading the built-in catalog and validating typical manifests.
import Dispatch
#if canImport(Glibc)
import Glibc
#endif
import KgitSchema
import KgitYAML

/// The KgitSchema benchmarks; `main.swift` lists them.
nonisolated(unsafe) let schemaBenchmarks: [Benchmark] = [
    Benchmark(name: "schema-load", summary: "load the Kubernetes 1.33 catalog and compile Deployment") { _ in
        let start = DispatchTime.now().uptimeNanoseconds
        let cpuStart = threadCPUNanoseconds()
        let catalog = try KubernetesCatalog.load(version: "1.33")
        let loaded = DispatchTime.now().uptimeNanoseconds
        let cpuLoaded = threadCPUNanoseconds()
        _ = catalog.schema(for: GroupVersionKind(group: "apps", version: "v1", kind: "Deployment"))
        let compiled = DispatchTime.now().uptimeNanoseconds
        let cpuCompiled = threadCPUNanoseconds()
        for kind in catalog.kinds { _ = catalog.schema(for: kind) }
        let all = DispatchTime.now().uptimeNanoseconds
        print("load \(Double(loaded - start) / 1e6) ms, first kind \(Double(compiled - loaded) / 1e6) ms, all \(catalog.kinds.count) kinds \(Double(all - compiled) / 1e6) ms")
        print("thread CPU time: load \(Double(cpuLoaded - cpuStart) / 1e6) ms, first kind \(Double(cpuCompiled - cpuLoaded) / 1e6) ms")
    },
    Benchmark(name: "schema-validate", summary: "validate N copies of a Deployment+Service+ConfigMap stream (schema-validate [N] [files])") { args in
        let copies = args.first.flatMap { Int($0) } ?? 3000
        let fileCount = args.dropFirst().first.flatMap { Int($0) } ?? 1
        let unit = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
              namespace: default
              labels: {app: web, tier: frontend}
            spec:
              replicas: 3
              selector:
                matchLabels: {app: web}
              template:
                metadata:
                  labels: {app: web, tier: frontend}
                spec:
                  containers:
                    - name: web
                      image: nginx:1.27
                      ports:
                        - {name: http, containerPort: 80}
                      env:
                        - {name: MODE, value: production}
                      resources:
                        requests: {cpu: 100m, memory: 128Mi}
                        limits: {cpu: 500m, memory: 256Mi}
                      readinessProbe:
                        httpGet: {path: /healthz, port: http}
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: web
              namespace: default
            spec:
              selector: {app: web}
              ports:
                - {name: http, port: 80, targetPort: http}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: web-config
            data:
              mode: production
              level: "3"
            ---

            """
        let perFile = max(1, copies / fileCount)
        let text = String(repeating: unit, count: perFile)
        let files = (0..<fileCount).map { SourceFile(path: "bench\($0).yaml", bytes: Array(text.utf8)) }
        let documents = perFile * 3 * fileCount
        let validator = try Validator()
        _ = validator.validate([SourceFile(path: "warm.yaml", bytes: Array(unit.utf8))])
        var start = DispatchTime.now().uptimeNanoseconds
        var scanned = 0
        for file in files { scanned += try YAMLParser.scanEventCount(file.bytes) }
        let scan = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        start = DispatchTime.now().uptimeNanoseconds
        var parsed = 0
        for file in files { parsed += try YAMLParser.parse(file.bytes).count }
        let parse = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        start = DispatchTime.now().uptimeNanoseconds
        let report = validator.validate(files)
        let validate = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let catalog = try KubernetesCatalog.load(version: "1.33")
        var trees: [Node] = []
        for file in files { trees += try YAMLParser.parse(file.bytes).compactMap(\.root) }
        let cpuStart = threadCPUNanoseconds()
        var checkErrors = 0
        let rounds = Int(args.dropFirst(2).first ?? "1") ?? 1
        for _ in 0..<rounds {
        for tree in trees {
            guard let apiVersion = tree["apiVersion"]?.string, let kind = tree["kind"]?.string,
                let schema = catalog.schema(for: GroupVersionKind(apiVersion: apiVersion, kind: kind))
            else { continue }
            checkErrors += Validator.validate(tree, against: schema).count
        }
        }
        let check = Double(threadCPUNanoseconds() - cpuStart) / 1e9
        print("check only (thread CPU time): \(Int(Double(trees.count * rounds) / check)) docs/s (\(checkErrors) errors)")
        print("\(documents) documents in \(fileCount) files; errors: \(report.diagnostics.count)")
        print("libyaml scan: \(Int(Double(documents) / scan)) docs/s (\(scanned) events)")
        print("parse to nodes: \(Int(Double(documents) / parse)) docs/s (\(parsed) docs)")
        print("validate (parse + check, all cores): \(Int(Double(documents) / validate)) docs/s; ratio to scan \(validate / scan)")
    },
]

/// CPU time of the calling thread, which other processes on a busy machine do not inflate.
func threadCPUNanoseconds() -> UInt64 {
    var spec = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
    return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
}
