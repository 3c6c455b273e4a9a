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
    gitSyncBenchmark,
    Benchmark(
        name: "store", summary: "embedded SQLite store vs etcd 3.4: writes/s at 1/16/256 writers, reads/s, watch latency",
        run: StoreBench.run),
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
