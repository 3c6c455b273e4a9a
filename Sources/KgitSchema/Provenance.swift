import KgitYAML

/// Where the value a diagnostic is about came from, and which constraint rejected it: the provenance
/// KGL environments and types add to a diagnostic, so that machine formats can point at every place
/// involved (SARIF related locations, JSON fields), not only the primary one.
public struct Provenance: Sendable, Hashable {
    /// One place in a source file.
    public struct Location: Sendable, Hashable {
        /// The file (a YAML manifest or a KGL file).
        public var file: String
        /// 1-based line.
        public var line: Int
        /// 1-based column, in Unicode scalars.
        public var column: Int
        /// What is there, in a few words (`env prod`, `base`, `default`, `spec.replicas: >=3`).
        public var label: String

        /// A location of `label` at `file:line:column`.
        public init(file: String, line: Int, column: Int, label: String) {
            self.file = file
            self.line = line
            self.column = column
            self.label = label
        }

        /// `file:line:column`.
        public var position: String { "\(file):\(line):\(column)" }
    }

    /// The layers that set the value, the one in force first (`env prod`, then `env staging` it
    /// overrides, then `base`). Empty when the value is not known to come from a layer.
    public var values: [Location]
    /// The declaration of the constraint that rejected the value, when it is a KGL declaration.
    public var constraint: Location?
    /// The environment's layers from the bottom (`base`) to the environment checked.
    public var layers: [String]

    /// Provenance with the given parts.
    public init(values: [Location] = [], constraint: Location? = nil, layers: [String] = []) {
        self.values = values
        self.constraint = constraint
        self.layers = layers
    }
}
