// kgit-bench: the benchmarks behind `make bench`. Each benchmark runs kgit and its named peer on the same
// input in the same run and prints the ratio. Usage: kgit-bench NAME [options]; `kgit-bench list` names them.
#if canImport(Glibc)
import Glibc
#endif

/// A benchmark: a name, a one-line description, and an entry point taking its own arguments.
struct Benchmark {
    let name: String
    let summary: String
    let run: ([String]) async throws -> Void
}

/// Every benchmark. Add new ones here.
let benchmarks: [Benchmark] = [
    Benchmark(
        name: "validate", summary: "kgit validate vs a raw libyaml scan and kubernetes-validate (documents/s)",
        run: ValidateBench.run),
    Benchmark(
        name: "kgl", summary: "checking with KGL (bindings, rules, an environment) vs plain kgit validate, 1k/10k/100k documents",
        run: KGLBench.run),
    yamlParseBenchmark,
    validateCostBenchmark,
    gitSyncBenchmark,
    Benchmark(
        name: "store", summary: "embedded SQLite store vs etcd 3.4: writes/s at 1/16/256 writers, reads/s, watch latency",
        run: StoreBench.run),
    Benchmark(
        name: "apiserver",
        summary: "API server vs the same operations on its store: create/get/list/watch req/s and p50/p99 at 1/16/64",
        run: APIServerBench.run),
    Benchmark(
        name: "scheduler",
        summary: "scheduling core: pods/s placing 10,000 pods on 5,000 nodes (plain, spread, anti-affinity)",
        run: SchedulerBench.run),
    Benchmark(
        name: "cluster",
        summary: "kgit up as a process: idle RSS/CPU (PASS/MISS < 250 MB), 1,000-replica rollout, 5,000 nodes with 50,000 pods",
        run: ClusterBench.run),
] + schemaBenchmarks

let args = Array(CommandLine.arguments.dropFirst())
guard let name = args.first, name != "list", name != "--help" else {
    print("usage: kgit-bench NAME [options]\n")
    for b in benchmarks { print("  \(b.name)\t\(b.summary)") }
    exit(0)
}
guard let bench = benchmarks.first(where: { $0.name == name }) else {
    print("kgit-bench: no benchmark named \(name); try `kgit-bench list`")
    exit(2)
}
do {
    try await bench.run(Array(args.dropFirst()))
} catch {
    print("kgit-bench \(name): \(error)")
    exit(1)
}
