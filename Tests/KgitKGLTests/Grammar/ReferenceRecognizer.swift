/// A recognizer that interprets the syntactic EBNF directly: test-only, and independent of the
/// hand-written parser, so the two can be compared on the same token streams.
///
/// It is a generic LL(1) interpreter: at every choice, `?`, `*` and `+` it looks at the next token
/// and the FIRST sets computed from the grammar file. On an LL(1) grammar (which the lint checks)
/// it fails exactly at the first token that cannot continue any valid file, the same token a
/// correct recursive-descent parser for the grammar must reject first. It also records which
/// alternatives and optional parts each input used, for the coverage test.
///
/// The grammar is compiled once into an array of nodes with integer terminals and precomputed
/// FIRST sets, so that thousands of inputs can be recognized quickly.
struct ReferenceRecognizer: Sendable {
    /// What became of one input.
    enum Outcome: Equatable {
        case accepted
        /// The index of the first token that cannot continue a valid input.
        case rejected(at: Int)
    }

    private struct Failure: Error { var index: Int }

    private enum Shape: Sendable {
        case terminal(Int)
        case symbol(Int)
        case sequence([Int])
        case choice([Int])
        case optional(Int)
        case zeroOrMore(Int)
        case oneOrMore(Int)
        case unsupported
    }

    private struct Node: Sendable {
        var shape: Shape
        var first: Set<Int>
        var nullable: Bool
        /// `Production path`, the node's name in coverage points.
        var name: String
    }

    private let nodes: [Node]
    /// The root node of each production, by name.
    private let roots: [String: Int]
    private let terminalIDs: [String: Int]
    private let start: String
    private let eof: Int
    /// Every alternative of every choice and every optional or repeated part of the grammar, named
    /// `Production path|i` (alternative i) or `Production path?` (taken at least once).
    let coveragePoints: Set<String>
    /// The coverage points used so far, as node index * 1024 + alternative (1023 for "taken").
    private var coveredIDs: Set<Int> = []

    /// The coverage points some input has used so far.
    var covered: Set<String> {
        Set(coveredIDs.map { id in
            let (index, alternative) = id.quotientAndRemainder(dividingBy: 1024)
            return alternative == 1023 ? "\(nodes[index].name)?" : "\(nodes[index].name)|\(alternative)"
        })
    }

    init(_ analysis: GrammarAnalysis) {
        var nodes: [Node] = []
        var roots: [String: Int] = [:]
        var terminalIDs: [String: Int] = [:]
        var points: Set<String> = []
        let reachable = analysis.reachable()
        for production in analysis.grammar.productions {
            roots[production.name] = nodes.count
            nodes.append(Node(shape: .unsupported, first: [], nullable: false, name: ""))
        }
        func terminalID(_ name: String) -> Int {
            if let id = terminalIDs[name] { return id }
            terminalIDs[name] = terminalIDs.count
            return terminalIDs.count - 1
        }
        let eof = terminalID("EOF")
        func compile(_ expr: EBNF.Expr, _ production: String, _ path: String, into slot: Int? = nil) -> Int {
            let index = slot ?? nodes.count
            if slot == nil { nodes.append(Node(shape: .unsupported, first: [], nullable: false, name: "")) }
            func child(_ i: Int) -> String { path.isEmpty ? "\(i)" : "\(path).\(i)" }
            let shape: Shape
            if let terminal = analysis.terminal(expr) {
                shape = .terminal(terminalID(terminal))
            } else {
                switch expr {
                case .symbol(let name): shape = roots[name].map { .symbol($0) } ?? .unsupported
                case .sequence(let items):
                    shape = .sequence(items.enumerated().map { compile($1, production, child($0)) })
                case .choice(let items):
                    if reachable.contains(production) {
                        for i in items.indices { points.insert("\(production) \(path)|\(i)") }
                    }
                    shape = .choice(items.enumerated().map { compile($1, production, child($0)) })
                case .optional(let e), .zeroOrMore(let e):
                    if reachable.contains(production) { points.insert("\(production) \(path)?") }
                    let body = compile(e, production, child(0))
                    if case .optional = expr { shape = .optional(body) } else { shape = .zeroOrMore(body) }
                case .oneOrMore(let e): shape = .oneOrMore(compile(e, production, child(0)))
                default: shape = .unsupported
                }
            }
            nodes[index] = Node(
                shape: shape, first: Set(analysis.firstSet(expr).map(terminalID)), nullable: analysis.isNullable(expr),
                name: "\(production) \(path)")
            return index
        }
        for production in analysis.grammar.productions {
            _ = compile(production.expr, production.name, "", into: roots[production.name])
        }
        self.nodes = nodes
        self.roots = roots
        self.terminalIDs = terminalIDs
        self.eof = eof
        self.start = analysis.start
        self.coveragePoints = points
    }

    /// Recognizes a token stream given as terminal names (ending in `EOF`).
    mutating func recognize(_ terminals: [String]) -> Outcome {
        let input = terminals.map { terminalIDs[$0] ?? -1 }
        var position = 0
        do throws(Failure) {
            guard let root = roots[start] else { return .rejected(at: 0) }
            try match(root, input, &position)
            return .accepted
        } catch {
            return .rejected(at: error.index)
        }
    }

    private mutating func match(_ index: Int, _ input: [Int], _ position: inout Int) throws(Failure) {
        let current = position < input.count ? input[position] : eof
        let node = nodes[index]
        switch node.shape {
        case .terminal(let id):
            guard current == id else { throw Failure(index: position) }
            if id != eof { position += 1 }
        case .symbol(let root):
            try match(root, input, &position)
        case .sequence(let items):
            for item in items { try match(item, input, &position) }
        case .choice(let items):
            let chosen =
                items.indices.first { nodes[items[$0]].first.contains(current) }
                ?? items.indices.first { nodes[items[$0]].nullable }
            guard let chosen else { throw Failure(index: position) }
            coveredIDs.insert(index * 1024 + chosen)
            try match(items[chosen], input, &position)
        case .optional(let body):
            guard nodes[body].first.contains(current) else { return }
            coveredIDs.insert(index * 1024 + 1023)
            try match(body, input, &position)
        case .zeroOrMore(let body):
            while nodes[body].first.contains(position < input.count ? input[position] : eof) {
                coveredIDs.insert(index * 1024 + 1023)
                try match(body, input, &position)
            }
        case .oneOrMore(let body):
            repeat { try match(body, input, &position) } while nodes[body].first.contains(
                position < input.count ? input[position] : eof)
        case .unsupported:
            throw Failure(index: position)
        }
    }
}
