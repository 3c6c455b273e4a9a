import KgitYAML

/// Every stable diagnostic code kgit reports, with a one-line summary and a longer explanation.
/// `kgit explain CODE` prints the explanation; SARIF output names the summary per rule.
enum ErrorCodes {
    struct Entry {
        var code: String
        var summary: String
        var explanation: String
    }

    /// All known codes, sorted.
    static var all: [Entry] {
        yaml.sorted { $0.code < $1.code }
    }

    static func lookup(_ code: String) -> Entry? {
        all.first { $0.code == code }
    }

    static func summary(of code: String) -> String {
        lookup(code)?.summary ?? code
    }

    /// The YAML layer's codes.
    static let yaml: [Entry] = [
        Entry(
            code: YAMLError.Code.syntax.rawValue, summary: "The file is not well-formed YAML.",
            explanation: """
                The YAML reader could not parse the text: an indentation that does not line up, a tab used for \
                indentation, an unclosed quote or bracket, or a `key: value` where a list item was expected. The \
                position is where the reader noticed the problem, which can be just after the real mistake.
                """),
        Entry(
            code: YAMLError.Code.duplicateKey.rawValue, summary: "A mapping has the same key twice.",
            explanation: """
                YAML mappings must not repeat a key. Kubernetes rejects such objects, and tools that accept them \
                silently keep only one of the values. Remove or rename one of the two keys; the message names the \
                line of the first.
                """),
        Entry(
            code: YAMLError.Code.unknownAnchor.rawValue, summary: "An alias names an anchor that is not defined.",
            explanation: """
                `*name` refers to a node marked `&name` earlier in the same document. Define the anchor before \
                the alias, or check the spelling. Anchors do not cross `---` document boundaries.
                """),
        Entry(
            code: YAMLError.Code.aliasExpansion.rawValue, summary: "Aliases expand to too many nodes.",
            explanation: """
                Expanding the document's aliases would create more nodes than the limit allows. Documents built \
                to explode this way ("billion laughs") are used to exhaust memory, so kgit stops early instead \
                of expanding them. Real manifests stay far below the limit.
                """),
        Entry(
            code: YAMLError.Code.depth.rawValue, summary: "Collections are nested too deeply.",
            explanation: """
                The document nests lists and mappings deeper than the limit. Such depth does not occur in real \
                manifests and is refused to keep the reader's stack bounded.
                """),
        Entry(
            code: YAMLError.Code.size.rawValue, summary: "The input is too large.",
            explanation: "The file is larger than the reader accepts. Split it into several files."),
        Entry(
            code: YAMLError.Code.badMerge.rawValue, summary: "A `<<` merge key does not name mappings.",
            explanation: """
                The value of a `<<` merge key must be a mapping (usually an alias `*base`) or a list of mappings. \
                Keys written beside the merge key override the merged ones.
                """),
        Entry(
            code: YAMLError.Code.encoding.rawValue, summary: "The input is not valid UTF-8.",
            explanation: "YAML manifests must be UTF-8 text. Re-encode the file (for example with iconv)."),
    ]
}
