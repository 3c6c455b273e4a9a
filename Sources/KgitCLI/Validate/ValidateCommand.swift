import ArgumentParser
import Foundation
import KgitKGL
import KgitSchema

/// `kgit validate`: checks Kubernetes manifests against the Kubernetes schemas, the rules the API server
/// enforces in code, and the CustomResourceDefinitions in the same set.
struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check Kubernetes manifests before they reach a cluster.",
        discussion: """
            Validates every document of every file against the Kubernetes \("1.33") \
            schemas, with the API server's strict field validation (unknown fields are errors) and the checks it \
            makes in code (names, labels, quantities, ports, selectors). CustomResourceDefinitions among the inputs, \
            or given with --schema, validate the custom resources of their kinds in the same run.

            PATH is a file, a directory (searched recursively for *.yaml and *.yml), or - for standard input.

            KGL: when a kgit.kgl file is at the repository root (the nearest directory above the given \
            paths that has one), its `bind` rules check the documents they select against KGL types, its \
            own errors are reported, and --env NAME validates that environment rendered over the base (the \
            manifests outside envs/), reporting each problem where its value came from.

            Exit status: 0 when every document is valid, 1 when any is invalid, 2 for usage or I/O errors.

            Examples:
              kgit validate manifests/
              kgit validate --output github deploy/ crds/          # annotate a pull request
              kgit validate --schema vendor/crds/ --summary apps/
              kgit validate --env prod manifests/examples/shop-kgl  # an environment of a KGL repository
              helm template chart | kgit validate -
              kgit explain unknown-field                           # what an error code means
            """
    )

    @Argument(help: ArgumentHelp("Files or directories to validate, or - for standard input.", valueName: "path"))
    var paths: [String] = []

    @Option(name: [.short, .long], help: "Output format: text, json, junit, sarif or github.")
    var output: OutputFormat = .text

    @Flag(help: "Print counts of files, documents, errors and warnings (to standard error for machine formats).")
    var summary = false

    @Option(
        name: .customLong("schema"),
        help: ArgumentHelp("A CRD file or directory whose kinds may appear in the inputs (not validated itself).",
                           valueName: "path"))
    var schemaPaths: [String] = []

    @Option(help: "The Kubernetes version whose schemas to use.")
    var kubernetesVersion: String = "1.33"

    @Option(
        name: .customLong("skip-kind"),
        help: ArgumentHelp("Do not check documents of this kind (Kind or group/version/Kind); repeatable.",
                           valueName: "kind"))
    var skipKinds: [String] = []

    @Flag(help: "Accept fields the schema does not know (the API server's fieldValidation=Ignore).")
    var allowUnknownFields = false

    @Option(help: ArgumentHelp("Validate this environment of kgit.kgl, rendered over the base.", valueName: "name"))
    var env: String?

    @Flag(help: "Color the text output (default: when standard output is a terminal).")
    var color = false

    @Flag(help: "Never color the text output.")
    var noColor = false

    func validate() throws {
        if paths.isEmpty {
            throw ValidationError("Give at least one file, directory or - for standard input.")
        }
    }

    func run() async throws {
        let collector = InputCollector()
        let files: [SourceFile]
        let schemaFiles: [SourceFile]
        do {
            files = try collector.collect(paths)
            schemaFiles = try collector.collect(schemaPaths)
        } catch let error as InputError {
            throw ExitWith(message: "kgit validate: \(error)", code: 2)
        }
        let options = ValidationOptions(
            kubernetesVersion: kubernetesVersion, skipKinds: Set(skipKinds), allowUnknownFields: allowUnknownFields)
        var report: ValidationReport
        var sources = files + schemaFiles
        if let root = KGLRepository.root(for: paths) {
            let repository: KGLRepository
            let everything: [SourceFile]
            do {
                repository = try loadRepository(root)
                everything = env == nil ? [] : try collector.collect([root])
            } catch let error as InputError {
                throw ExitWith(message: "kgit validate: \(error)", code: 2)
            }
            sources.append(SourceFile(path: repository.kglFile, bytes: Array(repository.source.utf8)))
            do {
                report = try repository.validate(
                    files, files: everything, environment: env, options: options, schemaFiles: schemaFiles)
            } catch {
                throw ExitWith(message: "kgit validate: \(error)", code: 2)
            }
            sources += everything
        } else {
            if let env {
                throw ExitWith(
                    message: "kgit validate: --env \(env) needs a kgit.kgl file at the repository root, and none was found above \(paths.joined(separator: ", "))",
                    code: 2)
            }
            let validator: Validator
            do {
                validator = try Validator(options: options, schemaFiles: schemaFiles)
            } catch {
                throw ExitWith(message: "kgit validate: \(error)", code: 2)
            }
            report = validator.validate(files)
        }
        let useColor = !noColor && (color || (output == .text && isatty(STDOUT_FILENO) != 0))
        let rendered = output.render(report, sources: SourceLines(sources), color: useColor)
        Console.output(rendered)
        if summary {
            let line = ValidationSummary(report).line + "\n"
            if output == .text {
                Console.output(line)
            } else {
                Console.error(line)
            }
        }
        if !report.isValid { throw ExitCode(1) }
    }

    private func loadRepository(_ root: String) throws -> KGLRepository {
        let path = (root.hasSuffix("/") ? root : root + "/") + KGLRepository.fileName
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InputError(description: "\(path): cannot read file")
        }
        return KGLRepository(root: root, source: String(decoding: data, as: UTF8.self), loader: ImportLoader(root: root))
    }
}
