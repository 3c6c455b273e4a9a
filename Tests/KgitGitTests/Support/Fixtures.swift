import Foundation

@testable import KgitGit

/// A mirror of `remote` fetched into a fresh cache directory; keep the returned scratch alive while using it.
func fetchedMirror(of url: String) throws -> (cache: Scratch, repository: Repository) {
    let cache = try Scratch("kgit-cache")
    let repository = try Repository.mirror(of: url, at: cache.url("mirror.git"))
    try repository.fetch()
    return (cache, repository)
}

/// A remote with two commits on main, an annotated tag `v1` and a lightweight tag `light` on the first:
///
///     manifests/web/deployment.yaml   (changed by the second commit)
///     manifests/web/service.yml
///     manifests/README.md
///     docs/guide.md
func sampleRemote() throws -> GitWorkTree {
    let remote = try GitWorkTree()
    try remote.write("manifests/web/deployment.yaml", "kind: Deployment\nreplicas: 1\n")
    try remote.write("manifests/web/service.yml", "kind: Service\n")
    try remote.write("manifests/README.md", "# manifests\n")
    try remote.write("docs/guide.md", "guide\n")
    try remote.commit("Add the web app")
    try remote.git("tag", "-a", "v1", "-m", "Release v1")
    try remote.git("tag", "light")
    try remote.write("manifests/web/deployment.yaml", "kind: Deployment\nreplicas: 3\n")
    try remote.commit("Scale web to 3")
    return remote
}
