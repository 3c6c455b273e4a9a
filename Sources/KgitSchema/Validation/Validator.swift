import Dispatch
import KgitYAML

/// The entry point of `kgit validate`: checks Kubernetes manifests against the built-in kinds of a
/// Kubernetes version and the CustomResourceDefinitions found in the inputs and schema files.
///
/// ```swift
/// let validator = try Validator(options: ValidationOptions(skipKinds: .member("SealedSecret")))
/// let report = validator.validate([SourceFile(path: "app.yaml", bytes: bytes)])
/// ```
public struct Validator: Sendable {
    /// The options in force.
    public let options: ValidationOptions
    let catalog: KubernetesCatalog
    let schemaFiles: [SourceFile]

    /// Prepares a validator.
    /// - Parameters:
    ///   - schemaFiles: extra files whose CustomResourceDefinitions are used to validate custom
    ///     resources (`--schema`); they are not validated themselves.
    /// - Throws: `CatalogError` when `options.kubernetesVersion` is not supported.
    public init(options: ValidationOptions = ValidationOptions(), schemaFiles: [SourceFile] = []) throws(CatalogError) {
        self.options = options
        self.catalog = try KubernetesCatalog.load(version: options.kubernetesVersion)
        self.schemaFiles = schemaFiles
    }

    /// Validates every document of every file and reports every problem found.
    ///
    /// Files are parsed and documents validated in parallel; the report is in file order, then
    /// document order, and each document's diagnostics are sorted by line and column.
    public func validate(_ files: [SourceFile]) -> ValidationReport {
        let allFiles = schemaFiles + files
        // A file with a YAML error still has its other documents validated (see `YAMLParser.parseAll`).
        let parsed = ConcurrentMap.map(allFiles, parallel: options.parallel) { file in YAMLParser.parseAll(file.bytes) }
        var report = ValidationReport()

        // CustomResourceDefinitions first, from the schema files and the inputs.
        var registry = SchemaRegistry(catalog: catalog)
        var crdProblems: [String: [Int: [Diagnostic]]] = [:]
        for (index, file) in allFiles.enumerated() {
            for document in parsed[index].documents {
                // `rawMemberText` reads the two scalars in place (no copy of a node per document).
                guard let root = document.root, root.rawMemberText("kind") == "CustomResourceDefinition",
                    root.rawMemberText("apiVersion") == "apiextensions.k8s.io/v1"
                else { continue }
                var problems: [(node: Node, path: [PathComponent], message: String)] = []
                if let crd = CustomResourceDefinition.compile(root, catalog: catalog, problems: &problems) {
                    for version in crd.versions { registry.customResources[version.kind] = version.schema }
                }
                let object = "apiextensions.k8s.io/v1 CustomResourceDefinition \(root.member("metadata")?.member("name")?.string ?? "")"
                for problem in problems {
                    crdProblems[file.path, default: [:]][document.index, default: []].append(
                        Diagnostic(
                            code: DiagnosticCode.invalidCRD.rawValue, message: problem.message, file: file.path,
                            start: problem.node.start, end: problem.node.end, path: PathComponent.render(problem.path),
                            document: document.index, object: object))
                }
            }
        }
        for (index, file) in schemaFiles.enumerated() {
            report.fileDiagnostics += parsed[index].errors.map { Self.diagnostic($0, file: file.path) }
            report.fileDiagnostics += crdProblems[file.path]?.values.flatMap { $0 } ?? []
        }

        // Then every document of the inputs, in parallel.
        var work: [Work] = []
        for (offset, file) in files.enumerated() {
            let stream = parsed[schemaFiles.count + offset]
            report.fileDiagnostics += stream.errors.map { Self.diagnostic($0, file: file.path) }
            for document in stream.documents { work.append(Work(file: file.path, document: document)) }
        }
        checkDocuments(work, registry: registry, crdProblems: crdProblems, into: &report)
        return report
    }

    /// What one chunk of documents checked: for each work item, its result (nil for an empty document)
    /// and its object's identity (`DocumentChecker.check`).
    struct ChunkResults: Sendable {
        var documents: [DocumentResult?] = []
        var identities: [ObjectIdentity?] = []
    }

    /// One document of one file, to be checked.
    struct Work: Sendable {
        var file: String
        var document: Document

        /// Where `document.root` lies inside the work item at `work`; nil for an empty document.
        ///
        /// The root is read where it is (`document.root` copied the document, its root's children
        /// retained): the pointer is valid while the item is alive and unchanged. An optional's payload is
        /// at its offset 0, so the root is at the offset of `document.root` once it is known to be there.
        static func root(of work: UnsafePointer<Work>) -> UnsafePointer<Node>? {
            guard case .some = work.pointee.document.root, let offset = rootOffset else { return nil }
            return (UnsafeRawPointer(work) + offset).assumingMemoryBound(to: Node.self)
        }

        /// The offset of `document.root` in a work item (every component is a stored property, so the
        /// standard library always has it).
        private static let rootOffset = MemoryLayout<Work>.offset(of: \Work.document.root)

        /// Where `file` lies inside the work item at `work` (valid while the item is alive and unchanged).
        static func file(of work: UnsafePointer<Work>) -> UnsafePointer<String> {
            // `offset(of:)` is nil only for a computed property; `file` is stored.
            (UnsafeRawPointer(work) + (fileOffset ?? 0)).assumingMemoryBound(to: String.self)
        }

        private static let fileOffset = MemoryLayout<Work>.offset(of: \Work.file)
    }

    /// Checks every document (in parallel), adds the CRD problems found for it and a warning for an object
    /// defined twice, and appends the results to `report` in input order.
    func checkDocuments(_ work: [Work], registry: SchemaRegistry, crdProblems: [String: [Int: [Diagnostic]]],
                        into report: inout ValidationReport) {
        let options = self.options
        // In chunks (as many as `ConcurrentMap` makes, or one on the calling thread), each with its own
        // cache of the kinds it looked up: most documents repeat a few kinds, and a catalog lookup takes
        // a lock and hashes the kind's three strings.
        let chunkCount = options.parallel ? min(work.count, 64) : min(work.count, 1)
        let chunks = (0..<chunkCount).map { chunk in work.count * chunk / chunkCount..<work.count * (chunk + 1) / chunkCount }
        // Each chunk's results and identities side by side: a result is appended as it is returned (an
        // optional tuple of the two was copied out of the checker).
        var results = ConcurrentMap.map(chunks, parallel: options.parallel) { range -> ChunkResults in
            let kinds = KindCache()
            var chunk = ChunkResults()
            chunk.documents.reserveCapacity(range.count)
            chunk.identities.reserveCapacity(range.count)
            // The work and the options are read in place: `work[index].document` copied the document (its
            // tree retained), and a copy of the options retained their strings and set.
            work.withUnsafeBufferPointer { items in
                guard let base = items.baseAddress else { return }
                withUnsafePointer(to: options) { options in
                    for index in range {
                        var identity: ObjectIdentity?
                        chunk.documents.append(
                            DocumentChecker.check(base + index, registry: registry, options: options, kinds: kinds, identity: &identity))
                        chunk.identities.append(identity)
                    }
                }
            }
            return chunk
        }
        var firstDefinition = FirstDefinitions(capacity: work.count)
        report.documents.reserveCapacity(report.documents.count + work.count)
        var chunk = 0
        var offset = 0
        // By index, reading the work in place (a copied item retained its file name and tree).
        for index in work.indices {
            while offset == results[chunk].documents.count {
                chunk += 1
                offset = 0
            }
            // Taken out of `results`, so that the result is moved into the report rather than copied.
            let identity = results[chunk].identities[offset]
            guard var result = results[chunk].documents[offset].take() else {
                offset += 1
                continue
            }
            offset += 1
            // (Most runs have no CRD problems: skip hashing the file name then.)
            if !crdProblems.isEmpty { result.diagnostics += crdProblems[work[index].file]?[work[index].document.index] ?? [] }
            if let identity {
                // Filed by its place in the report and the work list: the identity's strings are the result's.
                let place = report.documents.count
                let first = report.documents.withUnsafeBufferPointer { documents in
                    firstDefinition.first(identity, of: result, in: documents, else: (document: place, work: index))
                }
                if let first {
                    result.diagnostics.append(Self.duplicateWarning(work[index], result, first: work[first]))
                }
            }
            result.diagnostics.sort(by: Diagnostic.sortedOrder)
            report.documents.append(consume result)
        }
        report.fileDiagnostics.sort(by: Diagnostic.sortedOrder)
    }

    /// The warning for an object defined a second time, the first time in `first` (out of line: most
    /// documents never need it).
    @inline(never)
    static func duplicateWarning(_ item: Work, _ result: DocumentResult, first: Work) -> Diagnostic {
        let start = item.document.root?.start ?? item.document.start
        let end = item.document.root?.end
        let kind = result.kind ?? ""
        let namespace = result.namespace ?? ""
        let name = result.name ?? ""
        let line = first.document.root?.start.line ?? first.document.start.line
        return Diagnostic(
            .warning, code: DiagnosticCode.duplicateObject.rawValue,
            message: "\(kind) \(namespace.isEmpty ? "" : namespace + "/")\(name) is defined twice; the later definition replaces the earlier one when applied",
            file: item.file, start: start, end: end, document: item.document.index,
            object: result.objectDescription, notes: ["first defined at \(first.file):\(line)"])
    }

    /// Validates one node against a schema, as KGL does for values it type-checks: every problem, with
    /// field paths relative to the node. The object-level rules of `validate(_:)` (kind lookup, name
    /// syntax) do not apply; the schema's own checks do.
    public static func validate(
        _ node: Node, against schema: Schema, file: String = "-", kind: GroupVersionKind? = nil,
        allowUnknownFields: Bool = false
    ) -> [Diagnostic] {
        withUnsafePointer(to: file) { file in
            var validator = NodeValidator(
                file: file, document: node.document, object: nil, kind: kind, allowUnknownFields: allowUnknownFields)
            validator.validate(node, schema)
            return validator.diagnostics.sorted(by: Diagnostic.sortedOrder)
        }
    }

    static func diagnostic(_ error: YAMLError, file: String) -> Diagnostic {
        Diagnostic(code: error.code.rawValue, message: error.message, file: file, start: error.mark)
    }
}

/// What makes two documents the same object in a cluster: the API group (not the version: apps/v1 and
/// apps/v1beta2 objects are one object), the kind, the namespace (empty when not given) and the name.
///
/// It holds no strings: the four parts are the `DocumentResult`'s `apiVersion`, `kind`, `namespace` and
/// `name` (copies of them here were four retains and releases per document, and as many again for each
/// copy of the identity).
struct ObjectIdentity {
    /// How many of the apiVersion's first UTF-8 bytes are the group (what
    /// `GroupVersionKind(apiVersion:kind:).group` is, taken without making a string of it).
    let groupLength: Int
    /// An FNV-1a digest of the four parts' bytes, which `FirstDefinitions` files the identity under.
    let digest: UInt64

    /// The identity of a named object (a validated document whose kind is not skipped); nil when a part
    /// other than the namespace is missing or the name is empty. The strings are read, not kept.
    static func of(apiVersion: String?, kind: String?, namespace: String?, name: String?) -> ObjectIdentity? {
        guard let apiVersion, let kind, let name, !name.isEmpty else { return nil }
        let (slash, isASCII) = withBytes(of: apiVersion) { bytes in
            (bytes.lastIndex(of: UInt8(ascii: "/")), !bytes.contains { $0 >= 0x80 })
        }
        let groupLength: Int
        if isASCII {
            groupLength = slash ?? 0
        } else if let slash = apiVersion.lastIndex(of: "/") {
            // As `GroupVersionKind` splits a non-ASCII apiVersion: at the last `/` character.
            groupLength = apiVersion.utf8.distance(from: apiVersion.startIndex, to: slash)
        } else {
            groupLength = 0
        }
        var digest: UInt64 = 0xcbf2_9ce4_8422_2325
        mix(apiVersion, prefix: groupLength, into: &digest)
        mix(kind, into: &digest)
        mix(namespace ?? "", into: &digest)
        mix(name, into: &digest)
        return ObjectIdentity(groupLength: groupLength, digest: digest)
    }

    /// True when the objects of two results (each with an identity, `lhs` and `rhs`) have the same four
    /// parts' UTF-8 bytes (Kubernetes compares names byte by byte; this is what `digest` digests).
    static func same(_ lhs: ObjectIdentity, _ left: DocumentResult, _ rhs: ObjectIdentity, _ right: DocumentResult) -> Bool {
        lhs.digest == rhs.digest && sameBytes(left.name ?? "", right.name ?? "") && sameBytes(left.kind ?? "", right.kind ?? "")
            && sameBytes(left.namespace ?? "", right.namespace ?? "")
            && lhs.groupLength == rhs.groupLength
            && sameBytes(left.apiVersion ?? "", right.apiVersion ?? "", prefix: lhs.groupLength)
    }

    /// `body` of `text`'s UTF-8 bytes, read in place when they are contiguous (native strings are):
    /// `withUTF8` needs a mutable copy, and every string copied here was a retain and a release.
    private static func withBytes<Result>(of text: String, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        if let result = text.utf8.withContiguousStorageIfAvailable(body) { return result }
        var copy = text
        return copy.withUTF8(body)
    }

    private static func mix(_ part: String, prefix: Int? = nil, into digest: inout UInt64) {
        digest = withBytes(of: part) { bytes in
            var h = digest
            for index in 0..<min(prefix ?? bytes.count, bytes.count) { h = (h ^ UInt64(bytes[index])) &* 0x100_0000_01b3 }
            return (h ^ 0xff) &* 0x100_0000_01b3  // a separator: UTF-8 never contains 0xff
        }
    }

    private static func sameBytes(_ a: String, _ b: String, prefix: Int? = nil) -> Bool {
        if prefix == nil, a.utf8.count != b.utf8.count { return false }
        var a = a
        var b = b
        return a.withUTF8 { x in b.withUTF8 { y in x.prefix(prefix ?? x.count).elementsEqual(y.prefix(prefix ?? y.count)) } }
    }
}

/// The first definition of each object identity seen in a run: an open-addressing table filed by the
/// identities' own digests (every named document is looked up once; a `Dictionary` hashed the digest
/// again with the standard library's seeded hasher).
///
/// An entry is the identity and two places: the document's result in the report (whose strings the
/// identity stands for) and its work item (its file and line, read only for a warning). Nothing in it is
/// reference-counted.
struct FirstDefinitions {
    private struct Entry {
        var identity: ObjectIdentity
        var document: Int
        var work: Int
    }

    private var entries: [Entry] = []
    /// Indices into `entries`, -1 for an empty slot; the count is a power of two at least twice `entries.count`.
    private var slots: [Int]

    init(capacity: Int) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = Array(repeating: -1, count: size)
        entries.reserveCapacity(capacity)
    }

    /// The work index where the object of `result` (whose identity is `identity`) was first defined; nil,
    /// after recording it at `place`, when this is its first definition. `documents` are the results so
    /// far, the ones `place.document` of earlier calls indexed.
    mutating func first(
        _ identity: ObjectIdentity, of result: DocumentResult, in documents: UnsafeBufferPointer<DocumentResult>,
        else place: (document: Int, work: Int)
    ) -> Int? {
        var mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: identity.digest ^ (identity.digest >> 29)) & mask
        while slots[slot] >= 0 {
            let entry = entries[slots[slot]]
            if ObjectIdentity.same(entry.identity, documents[entry.document], identity, result) { return entry.work }
            slot = (slot + 1) & mask
        }
        if (entries.count + 1) * 2 > slots.count {
            grow()
            mask = slots.count - 1
            slot = Int(truncatingIfNeeded: identity.digest ^ (identity.digest >> 29)) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
        }
        slots[slot] = entries.count
        entries.append(Entry(identity: identity, document: place.document, work: place.work))
        return nil
    }

    private mutating func grow() {
        slots = Array(repeating: -1, count: slots.count * 2)
        let mask = slots.count - 1
        for (index, entry) in entries.enumerated() {
            var slot = Int(truncatingIfNeeded: entry.identity.digest ^ (entry.identity.digest >> 29)) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = index
        }
    }
}

/// Maps an array on all cores (or, with `parallel` false, on the calling thread), keeping the order.
enum ConcurrentMap {
    static func map<T: Sendable, R: Sendable>(_ items: [T], parallel: Bool = true, _ transform: @Sendable (T) -> R) -> [R] {
        guard parallel, items.count > 1 else { return items.map(transform) }
        let slots = Slots<R>(count: items.count)
        // A few chunks per core balance uneven work without much scheduling overhead.
        let chunkCount = min(items.count, 64)
        items.withUnsafeBufferPointer { buffer in
            nonisolated(unsafe) let input = buffer
            DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
                let lower = items.count * chunk / chunkCount
                let upper = items.count * (chunk + 1) / chunkCount
                for index in lower..<upper { slots.set(index, transform(input[index])) }
            }
        }
        return slots.values()
    }

    /// Result slots written by distinct iterations at distinct indices, then read once all are done.
    ///
    /// The slots are one buffer allocated up front, never an `Array` mutated from several threads: an array's
    /// `withUnsafeMutableBufferPointer` is a mutating access of the whole array (the standard library may move
    /// the buffer out for the duration), so concurrent calls on one array corrupted the heap.
    private final class Slots<R>: @unchecked Sendable {
        /// Invariant: `count` elements, each initialized to nil at creation; `set` touches only its own index.
        private let storage: UnsafeMutableBufferPointer<R?>
        init(count: Int) {
            storage = .allocate(capacity: count)
            storage.initialize(repeating: nil)
        }
        deinit {
            storage.deinitialize()
            storage.deallocate()
        }
        func set(_ index: Int, _ value: R) { storage[index] = value }
        func values() -> [R] { storage.compactMap { $0 } }
    }
}
