import ArgumentParser

/// The `kgit` root command.
public struct Kgit: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "kgit",
        abstract: "A declarative GitOps reconciler and configuration language.",
        discussion: """
            Validate Kubernetes manifests in CI, type them with KGL, and keep a cluster in sync with git.

            Start with `kgit validate manifests/` to check YAML against the Kubernetes 1.33 schemas.
            """,
        version: KgitVersion.string,
        subcommands: []
    )

    public init() {}
}

/// The version kgit reports.
public enum KgitVersion {
    public static let string = "0.1.0"
}
