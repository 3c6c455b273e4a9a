// The YAML fuzz target: parses arbitrary bytes, and for every input that parses, checks that emitting
// it as YAML and parsing that again gives the same tree, and that JSON emission completes.
// Built by scripts/fuzz.sh; any trap (a crash, a failed round trip) is a finding.
import KgitYAML

/// Small limits keep each run fast; they are still checked on every input.
let fuzzLimits = ParserLimits(maxAliasExpansion: 20_000, maxDepth: 64, maxBytes: 1 << 20)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzYAML(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    _ = try? YAMLParser.scanEventCount(bytes)
    let documents: [Document]
    do {
        documents = try YAMLParser.parse(bytes, limits: fuzzLimits)
    } catch {
        // Errors must carry a position inside the input.
        precondition(error.mark.line >= 1 && error.mark.column >= 1, "bad error mark \(error.mark)")
        precondition(error.mark.offset >= 0 && error.mark.offset <= size, "error offset \(error.mark.offset) > \(size)")
        return 0
    }
    for document in documents {
        if let root = document.root { checkMarks(root, size: size) }
    }
    let yaml = YAMLEmitter().yaml(documents)
    let again: [Document]
    do {
        again = try YAMLParser.parse(yaml, limits: ParserLimits(maxAliasExpansion: 0, maxDepth: 64, maxBytes: 64 << 20))
    } catch {
        fatalError("emitted YAML does not parse: \(error)\n--- emitted ---\n\(yaml)")
    }
    precondition(again.count == documents.count, "round trip changed the document count:\n\(yaml)")
    for (a, b) in zip(documents, again) {
        switch (a.root, b.root) {
        case (nil, nil): break
        case (let x?, let y?): precondition(sameTree(x, y), "round trip changed the tree:\n\(yaml)")
        default: preconditionFailure("round trip changed an empty document:\n\(yaml)")
        }
    }
    _ = YAMLEmitter(sortKeys: true, prettyJSON: true).json(documents)
    return 0
}

func checkMarks(_ node: Node, size: Int) {
    precondition(node.start.offset >= 0 && node.start.offset <= size && node.end.offset <= size, "mark out of range")
    precondition(node.start.offset <= node.end.offset, "node ends before it starts")
    switch node.content {
    case .scalar: break
    case .sequence(let items): for item in items { checkMarks(item, size: size) }
    case .mapping(let pairs):
        for pair in pairs {
            checkMarks(pair.key, size: size)
            checkMarks(pair.value, size: size)
        }
    }
}

/// Same kinds, values (NaN equal to NaN), key order and non-core tags.
func sameTree(_ a: Node, _ b: Node) -> Bool {
    let core: Set<String> = ["!!str", "!!int", "!!float", "!!bool", "!!null", "!!map", "!!seq"]
    let tagA = a.tag.flatMap { core.contains($0) ? nil : $0 }
    let tagB = b.tag.flatMap { core.contains($0) ? nil : $0 }
    guard tagA == tagB else { return false }
    switch (a.content, b.content) {
    case (.scalar(let x), .scalar(let y)):
        if case .float(let p) = x.value, case .float(let q) = y.value, p.isNaN, q.isNaN { return true }
        return x.value == y.value
    case (.sequence(let x), .sequence(let y)):
        return x.count == y.count && zip(x, y).allSatisfy { sameTree($0, $1) }
    case (.mapping(let x), .mapping(let y)):
        return x.count == y.count && zip(x, y).allSatisfy { sameTree($0.key, $1.key) && sameTree($0.value, $1.value) }
    default:
        return false
    }
}
