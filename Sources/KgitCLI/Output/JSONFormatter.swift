import Foundation
import KgitSchema

/// Renders a report as one JSON object: `valid`, `summary`, `diagnostics` (sorted by file, line, column) and
/// `documents`. Field names are stable; scripts may rely on them.
struct JSONFormatter {
    struct Output: Encodable {
        var valid: Bool
        var summary: Summary
        var diagnostics: [DiagnosticJSON]
        var documents: [DocumentJSON]
    }

    struct Summary: Encodable {
        var files, documents, valid, invalid, skipped, errors, warnings: Int
    }

    struct DiagnosticJSON: Encodable {
        var file: String
        var line: Int
        var column: Int
        var offset: Int
        var endLine: Int?
        var endColumn: Int?
        var severity: String
        var code: String
        var message: String
        var path: String
        var document: Int
        var object: String?
        var notes: [String]
        /// Where the value came from and which KGL declaration rejected it (KGL repositories only).
        var provenance: ProvenanceJSON?
    }

    struct LocationJSON: Encodable {
        var file: String
        var line: Int
        var column: Int
        var label: String
    }

    struct ProvenanceJSON: Encodable {
        /// The layers that set the value, the one in force first.
        var values: [LocationJSON]
        var constraint: LocationJSON?
        /// The environment's layers from `base` up.
        var layers: [String]

        init(_ p: Provenance) {
            func location(_ l: Provenance.Location) -> LocationJSON {
                LocationJSON(file: l.file, line: l.line, column: l.column, label: l.label)
            }
            values = p.values.map(location)
            constraint = p.constraint.map(location)
            layers = p.layers
        }
    }

    struct DocumentJSON: Encodable {
        var file: String
        var document: Int
        var line: Int
        var apiVersion: String?
        var kind: String?
        var namespace: String?
        var name: String?
        var valid: Bool
        var skipped: Bool
    }

    func render(_ report: ValidationReport) -> String {
        let s = ValidationSummary(report)
        let output = Output(
            valid: report.isValid,
            summary: Summary(
                files: s.files, documents: s.documents, valid: s.valid, invalid: s.invalid, skipped: s.skipped,
                errors: s.errors, warnings: s.warnings),
            diagnostics: report.diagnostics.map { d in
                DiagnosticJSON(
                    file: d.file, line: d.start.line, column: d.start.column, offset: d.start.offset,
                    endLine: d.end?.line, endColumn: d.end?.column, severity: d.severity.rawValue, code: d.code,
                    message: d.message, path: d.path, document: d.document, object: d.object, notes: d.notes,
                    provenance: d.provenance.map(ProvenanceJSON.init))
            },
            documents: report.documents.map { r in
                DocumentJSON(
                    file: r.file, document: r.index, line: r.start.line, apiVersion: r.apiVersion, kind: r.kind,
                    namespace: r.namespace, name: r.name, valid: r.isValid, skipped: r.skipped)
            })
        return JSONText.encode(output) + "\n"
    }
}

/// Pretty, key-sorted JSON text of an `Encodable` value, as every kgit machine format writes it.
enum JSONText {
    static func encode<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}
