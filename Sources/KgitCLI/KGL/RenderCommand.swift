import ArgumentParser
import Foundation
import KgitKGL
import KgitSchema
import KgitYAML

/// `kgit render --env NAME [PATH]`: the manifests of one environment, with its overlays applied and its
/// requirements checked, as YAML or JSON.
struct RenderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Print the manifests of an environment, with its KGL overlays applied.",
        discussion: """
            Reads kgit.kgl at the root of PATH (default: the current directory), applies the layers of the \
            environment (`env prod extends staging { patch ... }`) to the base manifests (the YAML files under \
            PATH outside envs/; `add "prod/pdb.yaml"` brings in files from envs/), checks every \
            `require` block, and prints the resulting documents. Nothing is printed when the KGL file or a patch \
            has an error, or when a rendered document breaks its bound KGL type or its Kubernetes schema: the \
            errors are those `kgit validate --env NAME PATH` reports, and name the file, line and column \
            where the offending value came from.

            Exit status: 0 rendered, 1 the configuration has errors, 2 usage or I/O errors.

            Example:
              kgit render --env prod manifests/examples/shop-kgl
            """
    )

    @Option(help: "The environment to render, as declared with `env NAME` in kgit.kgl.")
    var env: String

    @Option(name: [.short, .long], help: "Output format: yaml or json.")
    var output: RenderFormat = .yaml

    @Argument(help: ArgumentHelp("The repository directory holding kgit.kgl and the manifests.", valueName: "path"))
    var path: String = "."

    enum RenderFormat: String, ExpressibleByArgument, CaseIterable { case yaml, json }

    func run() async throws {
        let root = path.hasSuffix("/") ? String(path.dropLast()) : path
        let kglPath = root + "/kgit.kgl"
        guard let kglData = FileManager.default.contents(atPath: kglPath) else {
            throw ExitWith(message: "kgit render: \(kglPath): no such file (render needs kgit.kgl at the repository root)", code: 2)
        }
        let manifests: [SourceFile]
        do {
            manifests = try InputCollector().collect([root])
        } catch let error as InputError {
            throw ExitWith(message: "kgit render: \(error)", code: 2)
        }
        let kgl = String(decoding: kglData, as: UTF8.self)
        // Rendered and validated exactly as `kgit validate --env NAME PATH` does, bound types and
        // Kubernetes schemas alike: invalid output is not printed.
        let repository = KGLRepository(root: root, source: kgl, loader: ImportLoader(root: root))
        let report: ValidationReport
        let rendered: RenderedEnvironment
        do {
            (report, rendered) = try repository.render(manifests, files: manifests, environment: env, options: ValidationOptions())
        } catch {
            throw ExitWith(message: "kgit render: \(error)", code: 2)
        }
        if !report.diagnostics.isEmpty {
            let sources = SourceLines(manifests + [SourceFile(path: repository.kglFile, bytes: Array(kglData))])
            Console.error(OutputFormat.text.render(report, sources: sources))
        }
        if !report.isValid { throw ExitCode(1) }
        switch output {
        case .yaml:
            print(rendered.yaml, terminator: "")
        case .json:
            print(YAMLEmitter(prettyJSON: true).json(rendered.documents))
        }
    }
}
