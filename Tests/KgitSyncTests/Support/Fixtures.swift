import Foundation
import KgitGit

/// A remote served by a real git daemon, and a counting source over a fresh mirror cache.
struct ServedRemote {
    let remote: GitWorkTree
    let daemon: GitDaemon
    let cache: Scratch
    let git: CountingSource
    var url: String { daemon.url((remote.path as NSString).lastPathComponent) }

    /// A remote with manifests under `clusters/prod` and some files that are not manifests:
    ///
    ///     clusters/prod/kgit.kgl
    ///     clusters/prod/schemas/web.kgl
    ///     clusters/prod/web/deployment.yaml
    ///     clusters/prod/web/service.yml
    ///     clusters/prod/web/NOTES.md
    ///     clusters/prod/db/statefulset.YAML
    ///     clusters/staging/web.yaml
    ///     README.md
    init() throws {
        remote = try GitWorkTree()
        try remote.write("clusters/prod/kgit.kgl", "package prod\n")
        try remote.write("clusters/prod/schemas/web.kgl", "package shop\n")
        try remote.write("clusters/prod/web/deployment.yaml", "kind: Deployment\nmetadata:\n  name: web\n")
        try remote.write("clusters/prod/web/service.yml", "kind: Service\nmetadata:\n  name: web\n")
        try remote.write("clusters/prod/web/NOTES.md", "notes\n")
        try remote.write("clusters/prod/db/statefulset.YAML", "kind: StatefulSet\n")
        try remote.write("clusters/staging/web.yaml", "kind: Deployment\n")
        try remote.write("README.md", "ops\n")
        try remote.commit("Initial manifests")
        daemon = try GitDaemon(basePath: (remote.path as NSString).deletingLastPathComponent)
        cache = try Scratch("kgit-cache")
        git = CountingSource(
            try Libgit2Source(
                url: daemon.url((remote.path as NSString).lastPathComponent), cacheDirectory: cache.path))
    }
}

extension Array where Element == UInt8 {
    var text: String { String(decoding: self, as: UTF8.self) }
}
