import KgitSchema
import KgitYAML

@testable import KgitSync

/// Small builders for the pure-core tests: YAML text to values and desired objects.
enum SyncFixtures {
    /// The single document of `yaml` as a value; `.null` when the text is not one valid document (the
    /// test then fails on its expectations).
    static func value(_ yaml: String) -> YAMLValue {
        guard let documents = try? YAMLParser.parse(yaml), let root = documents.first?.root else { return .null }
        return YAMLValue(root)
    }

    static func catalog() throws -> KubernetesCatalog { try KubernetesCatalog.load(version: "1.33") }

    /// Loads `files` (path, text) as desired state.
    static func load(_ files: [(String, String)], defaultNamespace: String = "default")
        -> Result<DesiredState, DesiredStateError>
    {
        DesiredState.load(
            files.map { SourceFile(path: $0.0, bytes: Array($0.1.utf8)) },
            options: DesiredStateOptions(defaultNamespace: defaultNamespace))
    }

    /// A desired object from `yaml` without validation or provenance beyond the object itself.
    /// Throws the load's diagnostics, so a test shows why a fixture is not valid.
    static func desired(_ yaml: String, file: String = "app.yaml") throws -> DesiredObject? {
        try load([(file, yaml)]).get().objects.first
    }
}
