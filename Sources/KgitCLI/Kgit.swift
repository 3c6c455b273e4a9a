import ArgumentParser
import Foundation

/// The `kgit` root command.
public struct Kgit: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "kgit",
        abstract: "A declarative GitOps reconciler and configuration language.",
        discussion: """
            Validate Kubernetes manifests in CI, type them and layer environments on them with KGL, keep \
            desired state in an embedded store, serve the Kubernetes API to kubectl, and sync a cluster from git \
            (`kgit sync`, `kgit diff`, `kgit status`).

            Start with `kgit validate manifests/` to check YAML against the Kubernetes schemas, \
            `kgit render --env prod` to see an environment's manifests, and `kgit explain CODE` to learn \
            what an error code means.
            """,
        version: KgitVersion.string,
        subcommands: [
            ValidateCommand.self, RenderCommand.self, FmtCommand.self, LockCommand.self, ExplainCommand.self,
            SyncCommand.self, DiffCommand.self, StatusCommand.self, ServerCommand.self, UpCommand.self,
            SchedulerCommand.self, AgentCommand.self, StoreCommand.self,
        ]
    )

    public init() {}

    /// Runs kgit with the process's arguments and exits with a status scripts can trust:
    /// 0 success, 1 a negative answer (invalid input, a difference found), 2 usage or I/O errors.
    public static func start() async {
        await start(Array(CommandLine.arguments.dropFirst()))
    }

    /// Runs kgit with the given arguments, then exits the process.
    public static func start(_ arguments: [String]) async {
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as ExitWith {
            Console.error((error.message + "\n"))
            Foundation.exit(error.code)
        } catch {
            let code = exitCode(for: error)
            if code == .success || code == .failure || code.rawValue == 1 {
                exit(withError: error)
            }
            // Usage errors (ArgumentParser's EX_USAGE, 64) are reported as 2, like other CLI tools.
            let message = fullMessage(for: error)
            if !message.isEmpty { Console.error((message + "\n")) }
            Foundation.exit(code == .validationFailure ? 2 : code.rawValue)
        }
    }
}

/// The version kgit reports.
public enum KgitVersion {
    public static let string = "0.1.0"
}
