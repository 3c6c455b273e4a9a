import KgitYAML

/// The `kgit.dev/sync-wave` annotation: an integer (negative allowed) that orders objects across
/// kinds; lower waves are applied, and become healthy, before higher ones. Absent means 0.
enum SyncWave {
    static let annotation = "kgit.dev/sync-wave"
    static let path = FieldPath.appending(".metadata.annotations", key: annotation)

    enum Parsed: Equatable {
        case wave(Int)
        case invalid(String)
    }

    /// The wave an object's annotations give.
    static func of(_ object: YAMLValue) -> Parsed {
        guard let value = object["metadata"]?["annotations"]?[annotation] else { return .wave(0) }
        switch value {
        case .string(let text):
            let trimmed = text.trimmingSpaces
            if let wave = Int(trimmed) { return .wave(wave) }
            return .invalid(text)
        case .int(let wave):
            return .wave(wave)
        default:
            return .invalid(YAMLLines.scalar(value))
        }
    }
}

extension String {
    fileprivate var trimmingSpaces: Substring {
        var text = Substring(self)
        while text.first == " " || text.first == "\t" { text = text.dropFirst() }
        while text.last == " " || text.last == "\t" { text = text.dropLast() }
        return text
    }
}
