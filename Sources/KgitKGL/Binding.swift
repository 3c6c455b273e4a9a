import KgitSchema

/// One `bind "glob" { A => B }` rule, resolved: documents whose path matches `glob` and whose
/// apiVersion/kind is `kind` are checked against `type`.
public struct Binding: Sendable {
    /// The file glob, relative to the repository root (`apps/web/**/*.yaml`).
    public let glob: String
    /// The kind documents are selected by (the left side).
    public let kind: GroupVersionKind
    /// The name of the type they are checked against (the right side), as written.
    public let typeName: String
    /// That type.
    public let type: Schema

    /// True when `path` (relative, `/`-separated) matches the glob: `*` matches within one segment,
    /// `**` any number of whole segments, `?` one character; anything else matches itself.
    public func matches(path: String) -> Bool {
        Binding.match(
            glob.split(separator: "/", omittingEmptySubsequences: true)[...],
            path.split(separator: "/", omittingEmptySubsequences: true)[...])
    }

    private static func match(_ pattern: ArraySlice<Substring>, _ path: ArraySlice<Substring>) -> Bool {
        guard let first = pattern.first else { return path.isEmpty }
        if first == "**" {
            // Zero or more segments: try every split point (paths are short).
            for skip in 0...path.count where match(pattern.dropFirst(), path.dropFirst(skip)) { return true }
            return false
        }
        guard let segment = path.first, matchSegment(Array(first.unicodeScalars)[...], Array(segment.unicodeScalars)[...])
        else { return false }
        return match(pattern.dropFirst(), path.dropFirst())
    }

    private static func matchSegment(_ pattern: ArraySlice<Unicode.Scalar>, _ text: ArraySlice<Unicode.Scalar>) -> Bool {
        // Iterative wildcard matching with backtracking to the last `*`: linear in practice.
        var p = pattern.startIndex
        var t = text.startIndex
        var star: (p: Int, t: Int)?
        while t < text.endIndex {
            if p < pattern.endIndex, pattern[p] == "?" || (pattern[p] != "*" && pattern[p] == text[t]) {
                p += 1
                t += 1
            } else if p < pattern.endIndex, pattern[p] == "*" {
                star = (p, t)
                p += 1
            } else if let s = star {
                p = s.p + 1
                t = s.t + 1
                star = (s.p, s.t + 1)
            } else {
                return false
            }
        }
        while p < pattern.endIndex, pattern[p] == "*" { p += 1 }
        return p == pattern.endIndex
    }
}

extension TypeCompiler {
    /// The module's `bind` rules with both sides resolved; problems are reported.
    mutating func bindings(_ module: Module) -> [Binding] {
        var result: [Binding] = []
        for case .bind(let bind) in module.decls {
            if bind.glob.value.isEmpty {
                report(.invalidBinding, "a binding's glob must not be empty", at: bind.glob.range)
                continue
            }
            for rule in bind.rules {
                guard let kind = kind(of: rule.from) else {
                    if rule.from.parts.count == 1, resolve(rule.from) != nil {
                        report(
                            .invalidBinding, "the left side selects documents by kind: name a built-in kind such as apps.Deployment",
                            at: rule.from.range)
                    }
                    continue
                }
                guard resolve(rule.from) != nil, let type = resolve(rule.to) else { continue }
                result.append(Binding(glob: bind.glob.value, kind: kind, typeName: rule.to.dotted, type: type))
            }
        }
        return result
    }
}
