import Foundation
import KgitKGL
import KgitSchema

/// `kgit-bench kgl`: the cost of checking with KGL as the number of documents grows. The peer is
/// plain `kgit validate` (the validator without KGL) on the same documents in the same run.
///
/// For each size (default 1,000, 10,000 and 100,000 documents of 11 kinds), it measures:
/// - plain: `Validator.validate` on the files;
/// - bound: `KGLRepository.validate` with a kgit.kgl binding every Deployment to a refined type
///   (a range, a quantity bound, a CEL rule with quantity comparison, a default);
/// - env: the same with `--env prod` (render the base, apply a patch and a requirement, validate).
/// It prints the cost per document of each, the ratio to plain, and how the per-document cost at
/// each size compares with the smallest size: linear scaling keeps that near 1. Wall clock first,
/// then CPU time (all threads of the process), which a machine busy with other work disturbs less.
enum KGLBench {
    static let kgl = """
        import apps "kgit:k8s@1.33/apps/v1"

        type Mem = Quantity & <=8Gi

        type Service = apps.Deployment {
          spec.replicas: int & 1..50
          spec.revisionHistoryLimit?: int = 10
          spec.template.spec.containers[*]: {
            resources.limits.memory: Mem
            rule "requests must not exceed limits" at resources.requests.memory when has(self.resources.requests.memory) {
              self.resources.requests.memory <= self.resources.limits.memory
            }
          }
        }

        bind "**/*.yaml" { apps.Deployment => Service }

        env prod {
          patch apps.Deployment "team-0/app-0" { spec.replicas = 3 }
          require apps.Deployment { spec.replicas: >=1 }
        }
        """

    static func run(_ args: [String]) async throws {
        let sizes = ValidateBench.stringOption(args, "--sizes")?.split(separator: ",").compactMap { Int($0) } ?? [1_000, 10_000, 100_000]
        print("kgl: cost of checking with KGL vs plain kgit validate (the peer), same documents, same run")
        print("size".padding(toLength: 9, withPad: " ", startingAt: 0)
            + "  plain µs/doc  bound µs/doc  ratio  env µs/doc  ratio  bound per-doc vs smallest")
        var firstBound: Double?
        var firstBoundCPU: Double?
        var cpuRows: [String] = []
        for size in sizes {
            let files = ManifestCorpus.generate(documents: size).map { SourceFile(path: "repo/\($0.name)", bytes: Array($0.text.utf8)) }
            let repository = KGLRepository(root: "repo", source: kgl)
            guard repository.diagnostics.isEmpty else {
                print("kgl: the benchmark's kgit.kgl has errors: \(repository.diagnostics.map(\.message))")
                throw ValidateBench.BenchError.invalidCorpus
            }
            let validator = try Validator(options: ValidationOptions(), schemaFiles: [])
            let repeats = size >= 100_000 ? 1 : 3
            var plainValid = false
            var boundValid = false
            var envValid = false
            let (plain, plainCPU) = try measure(repeats: repeats) { plainValid = validator.validate(files).isValid }
            let (bound, boundCPU) = try measure(repeats: repeats) {
                boundValid = try repository.validate(files, options: ValidationOptions()).isValid
            }
            let (env, envCPU) = try measure(repeats: repeats) {
                envValid = try repository.validate(files, environment: "prod", options: ValidationOptions()).isValid
            }
            guard plainValid, boundValid, envValid else {
                let report = try repository.validate(Array(files.prefix(1)), options: ValidationOptions())
                print("kgl: the corpus should be valid (plain \(plainValid), bound \(boundValid), env \(envValid)); first: \(report.diagnostics.first.map { "\($0.file):\($0.start): \($0.message)" } ?? "?")")
                throw ValidateBench.BenchError.invalidCorpus
            }
            let perPlain = plain / Double(size) * 1e6
            let perBound = bound / Double(size) * 1e6
            let perEnv = env / Double(size) * 1e6
            if firstBound == nil { firstBound = perBound }
            let scaling = perBound / (firstBound ?? perBound)
            print(
                String(size).padding(toLength: 9, withPad: " ", startingAt: 0)
                    + String(format: "  %12.1f  %12.1f  %5.2fx  %10.1f  %5.2fx  %.2fx", perPlain, perBound, perBound / perPlain, perEnv, perEnv / perPlain, scaling))
            let cpuPlain = plainCPU / Double(size) * 1e6
            let cpuBound = boundCPU / Double(size) * 1e6
            let cpuEnv = envCPU / Double(size) * 1e6
            if firstBoundCPU == nil { firstBoundCPU = cpuBound }
            cpuRows.append(
                String(size).padding(toLength: 9, withPad: " ", startingAt: 0)
                    + String(
                        format: "  %12.1f  %12.1f  %5.2fx  %10.1f  %5.2fx  %.2fx", cpuPlain, cpuBound, cpuBound / cpuPlain, cpuEnv,
                        cpuEnv / cpuPlain, cpuBound / (firstBoundCPU ?? cpuBound)))
        }
        print("the same runs in CPU time (µs of CPU per document, all threads)")
        cpuRows.forEach { print($0) }
    }

    /// The best wall time and the best CPU time (user and system, all threads) of `repeats` runs, in seconds.
    static func measure(repeats: Int, _ body: () throws -> Void) throws -> (wall: Double, cpu: Double) {
        func cpuSeconds() -> Double { processCPUSeconds() }
        var wall = Double.infinity
        var cpu = Double.infinity
        for _ in 0..<repeats {
            let startCPU = cpuSeconds()
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            wall = min(wall, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            cpu = min(cpu, cpuSeconds() - startCPU)
        }
        return (wall, cpu)
    }
}
