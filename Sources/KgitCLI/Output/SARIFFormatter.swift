import KgitSchema

/// Renders a report as SARIF 2.1.0 (one run, tool `kgit`), the format code-scanning services ingest.
/// Each diagnostic code is a rule; each diagnostic a result with its file region.
struct SARIFFormatter {
    struct Log: Encodable {
        var version = "2.1.0"
        var schema = "https://json.schemastore.org/sarif-2.1.0.json"
        var runs: [Run]
        enum CodingKeys: String, CodingKey {
            case version, runs
            case schema = "$schema"
        }
    }
    struct Run: Encodable {
        var tool: Tool
        var results: [Result]
    }
    struct Tool: Encodable { var driver: Driver }
    struct Driver: Encodable {
        var name = "kgit"
        var informationUri = "https://kgit.dev"
        var version: String
        var rules: [Rule]
    }
    struct Rule: Encodable {
        var id: String
        var shortDescription: Message
    }
    struct Message: Encodable { var text: String }
    struct Result: Encodable {
        var ruleId: String
        var level: String
        var message: Message
        var locations: [Location]
        /// KGL provenance: the layers that set the value and the constraint's declaration.
        var relatedLocations: [Location]?
    }
    struct Location: Encodable {
        var physicalLocation: PhysicalLocation
        var message: Message? = nil
    }
    struct PhysicalLocation: Encodable {
        var artifactLocation: ArtifactLocation
        var region: Region
    }
    struct ArtifactLocation: Encodable { var uri: String }
    struct Region: Encodable {
        var startLine: Int
        var startColumn: Int
        var endLine: Int?
        var endColumn: Int?
    }

    func render(_ report: ValidationReport) -> String {
        let diagnostics = report.diagnostics
        let codes = Set(diagnostics.map(\.code)).sorted()
        let rules = codes.map { Rule(id: $0, shortDescription: Message(text: ErrorCodes.summary(of: $0))) }
        let results = diagnostics.map { d -> Result in
            var text = d.message
            if !d.path.isEmpty { text += " (at \(d.path))" }
            for note in d.notes { text += "\n\(note)" }
            let region = Region(
                startLine: d.start.line, startColumn: d.start.column, endLine: d.end?.line, endColumn: d.end?.column)
            var related: [Location] = []
            if let provenance = d.provenance {
                let places = provenance.values.map { ("value set by \($0.label)", $0) }
                    + (provenance.constraint.map { [("constraint \($0.label)", $0)] } ?? [])
                for (what, place) in places {
                    related.append(
                        Location(
                            physicalLocation: PhysicalLocation(
                                artifactLocation: ArtifactLocation(uri: uri(place.file)),
                                region: Region(startLine: place.line, startColumn: place.column, endLine: nil, endColumn: nil)),
                            message: Message(text: what)))
                }
            }
            return Result(
                ruleId: d.code, level: d.severity == .error ? "error" : "warning", message: Message(text: text),
                locations: [
                    Location(physicalLocation: PhysicalLocation(artifactLocation: ArtifactLocation(uri: uri(d.file)), region: region))
                ], relatedLocations: related.isEmpty ? nil : related)
        }
        let log = Log(runs: [Run(tool: Tool(driver: Driver(version: KgitVersion.string, rules: rules)), results: results)])
        return JSONText.encode(log) + "\n"
    }

    /// A relative path as a SARIF URI: `./` dropped, characters outside the URI set percent-encoded.
    private func uri(_ path: String) -> String {
        var p = path
        while p.hasPrefix("./") { p.removeFirst(2) }
        var out = ""
        for b in p.utf8 {
            let c = Character(UnicodeScalar(b))
            if c.isASCII && (c.isLetter || c.isNumber || "-._~/".contains(c)) {
                out.append(c)
            } else {
                out += "%" + String(b, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }
}

extension String {
    func leftPadded(to width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}
