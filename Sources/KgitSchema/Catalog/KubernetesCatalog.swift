import Foundation
#if canImport(Glibc)
import Glibc
#endif
import KgitYAML
import Synchronization

/// Why a catalog of built-in kinds could not be loaded.
public struct CatalogError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, in one sentence.
    public var message: String
    public var description: String { message }
}

/// The built-in kinds of one Kubernetes version, compiled on demand from the bundled definitions.
///
/// Loading reads and parses the JSON resource once (a few milliseconds); a kind's schema, and the
/// definitions it refers to, are compiled the first time a document of that kind is validated, then
/// cached and shared by every thread.
public final class KubernetesCatalog: Sendable {
    /// The Kubernetes versions kgit has schemas for.
    public static let supportedVersions = ["1.33"]

    /// The Kubernetes minor version, such as `1.33`.
    public let version: String
    private let bytes: [UInt8]
    private let ranges: [String: Range<Int>]
    private let kindIndex: [GroupVersionKind: String]
    private let state: Mutex<State>

    private struct State: ~Copyable {
        var compiler: SchemaCompiler
        var compiled: [String: Schema] = [:]
        /// Kinds already looked up: one hash of the kind instead of two of the definition's long name.
        var kinds: [GroupVersionKind: Schema] = [:]
    }

    private static let cache = Mutex<[String: KubernetesCatalog]>([:])

    /// The catalog of `version` (`1.33` or `v1.33`), loaded once per process.
    public static func load(version: String) throws(CatalogError) -> KubernetesCatalog {
        let normalized = version.hasPrefix("v") ? String(version.dropFirst()) : version
        let minor = normalized.split(separator: ".").prefix(2).joined(separator: ".")
        guard supportedVersions.contains(minor) else {
            throw CatalogError(
                message: "Kubernetes version \(version) is not supported; supported: \(supportedVersions.joined(separator: ", "))")
        }
        if let cached = cache.withLock({ $0[minor] }) { return cached }
        guard
            let url = Bundle.module.url(
                forResource: "kubernetes-\(minor)-definitions", withExtension: "json", subdirectory: "Resources")
                ?? Bundle.module.url(forResource: "kubernetes-\(minor)-definitions", withExtension: "json"),
            let data = readFile(url.path)
        else {
            throw CatalogError(message: "the schema resource for Kubernetes \(minor) is missing from the kgit bundle")
        }
        let catalog = try KubernetesCatalog(version: minor, json: data)
        return cache.withLock { cached in
            if let existing = cached[minor] { return existing }
            cached[minor] = catalog
            return catalog
        }
    }

    /// Builds a catalog from the bytes of a definitions document (`{"$defs": {...}}` or `{"definitions": {...}}`).
    ///
    /// Only the outline is read here: each definition's byte range, and the group/version/kinds of the
    /// definitions that declare them. A definition is parsed when a document first needs it.
    init(version: String, json bytes: [UInt8]) throws(CatalogError) {
        var ranges: [String: Range<Int>] = [:]
        do {
            var reader = JSONReader(bytes)
            try reader.forEachMember { reader, key throws(JSONError) in
                guard key == "$defs" || key == "definitions" else {
                    try reader.skipValue()
                    return
                }
                try reader.forEachMember { reader, name throws(JSONError) in
                    let start = reader.position
                    try reader.skipValue()
                    ranges[name] = start..<reader.position
                }
            }
        } catch {
            throw CatalogError(message: "the Kubernetes \(version) schema resource is not valid JSON: \(error)")
        }
        guard !ranges.isEmpty else {
            throw CatalogError(message: "the Kubernetes \(version) schema resource has no definitions")
        }
        var kinds: [GroupVersionKind: String] = [:]
        let marker = Array("\"x-kubernetes-group-version-kind\"".utf8)
        for (name, range) in ranges.sorted(by: { $0.value.lowerBound < $1.value.lowerBound }) {
            guard let found = Self.firstIndex(of: marker, in: bytes, range: range),
                let colon = bytes[(found + marker.count)..<range.upperBound].firstIndex(of: UInt8(ascii: ":")),
                let list = try? JSONReader.parseFirstValue(bytes, range: (colon + 1)..<range.upperBound)
            else { continue }
            for gvk in list.array ?? [] {
                guard let kind = gvk["kind"]?.string, let version = gvk["version"]?.string else { continue }
                let key = GroupVersionKind(group: gvk["group"]?.string ?? "", version: version, kind: kind)
                // A few option types (DeleteOptions, WatchEvent) list every group; the first definition wins.
                if kinds[key] == nil { kinds[key] = name }
            }
        }
        self.version = version
        self.bytes = bytes
        self.ranges = ranges
        self.kindIndex = kinds
        self.state = Mutex(State(compiler: SchemaCompiler(dialect: .kubernetesDefinitions, rules: KubernetesRules.standard)))
    }

    /// The bytes of a file, read with one copy (Foundation's `Data` would add a second).
    private static func readFile(_ path: String) -> [UInt8]? {
        guard let handle = fopen(path, "rb") else { return nil }
        defer { fclose(handle) }
        guard fseek(handle, 0, SEEK_END) == 0 else { return nil }
        let size = ftell(handle)
        guard size >= 0, fseek(handle, 0, SEEK_SET) == 0 else { return nil }
        var bytes = [UInt8](repeating: 0, count: size)
        let read = bytes.withUnsafeMutableBytes { fread($0.baseAddress, 1, size, handle) }
        return read == size ? bytes : nil
    }

    /// Where `pattern` first occurs in `bytes[range]`.
    private static func firstIndex(of pattern: [UInt8], in bytes: [UInt8], range: Range<Int>) -> Int? {
        guard let first = pattern.first, range.count >= pattern.count else { return nil }
        var index = range.lowerBound
        let last = range.upperBound - pattern.count
        while index <= last {
            if bytes[index] == first {
                var matched = true
                for offset in 1..<pattern.count where bytes[index + offset] != pattern[offset] {
                    matched = false
                    break
                }
                if matched { return index }
            }
            index += 1
        }
        return nil
    }

    /// Every group/version/kind the version serves, sorted.
    public var kinds: [GroupVersionKind] { kindIndex.keys.sorted() }

    /// The bytes of the bundled definitions document (`{"$defs": {...}}`), for modules that serve
    /// the schemas themselves (the API server's OpenAPI documents) without a second copy of the file.
    public var definitionsJSON: [UInt8] { bytes }

    /// The number of definitions (kinds and the types they are made of).
    public var definitionCount: Int { ranges.count }

    /// The schema of a kind, or nil when the version does not serve it.
    public func schema(for kind: GroupVersionKind) -> Schema? {
        if let known = state.withLock({ $0.kinds[kind] }) { return known }
        guard let name = kindIndex[kind], let schema = definition(named: name) else { return nil }
        state.withLock { $0.kinds[kind] = schema }
        return schema
    }

    /// The schema of a definition by its full name (`io.k8s.api.core.v1.Container`).
    public func definition(named name: String) -> Schema? {
        guard ranges[name] != nil else { return nil }
        return state.withLock { state in
            if let schema = state.compiled[name] { return schema }
            return compile(name, in: &state)
        }
    }

    /// The versions that serve `kind` in any group, for "did you mean" notes.
    func groupVersions(servingKind kind: String) -> [GroupVersionKind] {
        kindIndex.keys.filter { $0.kind == kind }.sorted()
    }

    /// Every kind name the version serves, for "did you mean" suggestions.
    var kindNames: Set<String> { Set(kindIndex.keys.map(\.kind)) }

    /// The JSON of a definition, parsed from its byte range.
    private func parseDefinition(_ name: String) -> JSONValue? {
        guard let range = ranges[name] else { return nil }
        return try? JSONReader.parse(bytes, range: range)
    }

    private func compile(_ name: String, in state: inout State) -> Schema? {
        guard let json = parseDefinition(name) else { return nil }
        let schema = state.compiler.compileDefinition(json, name: name)
        state.compiled[name] = schema
        // Link every reference the new schemas created, compiling the definitions they name.
        var queue = state.compiler.takeUnlinked()
        while let next = queue.popLast() {
            let target: Schema
            if let done = state.compiled[next] {
                target = done
            } else if let json = parseDefinition(next) {
                target = state.compiler.compileDefinition(json, name: next)
                state.compiled[next] = target
            } else {
                target = Schema(.any, nullable: true, definitionName: next)
            }
            state.compiler.references[next]?.link(target)
            queue += state.compiler.takeUnlinked()
        }
        return schema
    }
}
