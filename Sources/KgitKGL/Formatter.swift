import KgitSchema
import KgitYAML

/// The outcome of formatting one KGL file: what `kgit fmt` writes, and what `kgit fmt --check` needs.
public struct FormatResult: Sendable {
    /// The formatted text; the input unchanged when it has syntax errors.
    public let output: String
    /// True when `output` differs from the input (what `--check` fails on).
    public let changed: Bool
    /// The input's syntax errors; a file with errors is never reformatted.
    public let diagnostics: [Diagnostic]

    init(output: String, changed: Bool, diagnostics: [Diagnostic]) {
        self.output = output
        self.changed = changed
        self.diagnostics = diagnostics
    }

    /// Formats `source`; `file` names it in diagnostics. `kgit fmt` writes `output` when `changed`;
    /// `kgit fmt --check` fails when `changed` is true or `diagnostics` is not empty.
    public init(formatting source: String, file: String = "-") {
        self = Formatter.format(source, file: file)
    }
}

/// Formats KGL source in the one canonical layout; see `Formatter`.
///
/// Returns the input unchanged when it does not parse.
public func format(source: String) -> String {
    Formatter.format(source).output
}

/// Prints a parsed KGL file in the canonical layout: two-space indentation, one space around binary
/// operators, `, ` between items written on one line, one member per line in blocks written over
/// several lines.
///
/// What the author chose is kept where it carries meaning: whether a block, list or rule body is on
/// one line or several, single blank lines between members (runs collapse to one), line breaks after
/// `|`, `&`, `||` and `&&`, the spelling of strings and numbers, and every comment. A comment that
/// was on its own line stays on its own line before the next member; any other comment ends the
/// line it was on (a comment inside a construct printed on one line moves to that line's end).
///
/// Formatting is idempotent, and the result parses to the same syntax tree (the tests check both
/// on the whole corpus).
struct Formatter {
    static let indentUnit = "  "

    /// Formats `source` (`file` names it in diagnostics).
    static func format(_ source: String, file: String = "-") -> FormatResult {
        let parsed = ParsedFile(source: source, file: file)
        guard parsed.isValid else { return FormatResult(output: source, changed: false, diagnostics: parsed.diagnostics) }
        var formatter = Formatter(source: Array(source.utf8), comments: parsed.comments)
        formatter.printModule(parsed.module)
        let output = formatter.finish()
        return FormatResult(output: output, changed: output != source, diagnostics: [])
    }

    private let source: [UInt8]
    private let comments: [Lexer.Comment]
    private var nextComment = 0
    private var out = ""
    var indent = 0
    private var lineHasContent = false
    /// Where in the source the last printed thing (construct or comment) ended.
    private var lastSourceEnd = 0
    /// True right after an opening line (or at the start), where blank lines are not kept.
    private var suppressBlankLine = true

    private init(source: [UInt8], comments: [Lexer.Comment]) {
        self.source = source
        self.comments = comments
    }

    // MARK: - Output primitives

    mutating func write(_ text: String) {
        if !lineHasContent {
            out += String(repeating: Formatter.indentUnit, count: indent)
            lineHasContent = true
        }
        out += text
    }

    /// Starts a construct that begins a line at `start`: prints the own-line comments before it, and
    /// one blank line where the source had at least one.
    mutating func beginLine(at start: Mark, keepBlankLine: Bool = true) {
        if lineHasContent { newline() }
        while nextComment < comments.count, comments[nextComment].range.start.offset < start.offset {
            let comment = comments[nextComment]
            blankLineIfSourceHadOne(before: comment.range.start.offset)
            write(comment.text)
            newline()
            lastSourceEnd = comment.range.end.offset
            nextComment += 1
            suppressBlankLine = false
        }
        if keepBlankLine {
            blankLineIfSourceHadOne(before: start.offset)
        } else {
            lastSourceEnd = max(lastSourceEnd, start.offset)
        }
        suppressBlankLine = false
    }

    /// Starts the line of a closing `}` or `]` at `close`: like `beginLine`, but keeps no blank line
    /// right before the closer.
    mutating func closeLine(at close: Mark) {
        beginLine(at: close, keepBlankLine: false)
    }

    /// Ends the line after a construct that ended at `end`: the comments inside it and those after it
    /// on the same source line are appended to the line.
    mutating func endLine(after end: Mark) {
        while nextComment < comments.count {
            let comment = comments[nextComment]
            let inside = comment.range.start.offset < end.offset
            let sameLine = comment.range.start.line == end.line
            guard inside || sameLine else { break }
            write(lineHasContent ? " " + comment.text : comment.text)
            lastSourceEnd = max(lastSourceEnd, comment.range.end.offset)
            nextComment += 1
        }
        lastSourceEnd = max(lastSourceEnd, end.offset)
        newline()
    }

    private mutating func newline() {
        out += "\n"
        lineHasContent = false
    }

    private mutating func blankLineIfSourceHadOne(before offset: Int) {
        defer { lastSourceEnd = max(lastSourceEnd, offset) }
        guard !suppressBlankLine, !out.isEmpty, hasBlankLine(from: lastSourceEnd, to: offset) else { return }
        out += "\n"
    }

    /// True when the source between the two offsets holds an empty line.
    private func hasBlankLine(from start: Int, to end: Int) -> Bool {
        var sawNewline = false
        var index = max(0, start)
        while index < min(end, source.count) {
            switch source[index] {
            case 0x0A:
                if sawNewline { return true }
                sawNewline = true
            case 0x20, 0x09, 0x0D:
                break
            default:
                sawNewline = false
            }
            index += 1
        }
        return false
    }

    /// The output, with any comments left at the end and exactly one final newline.
    private mutating func finish() -> String {
        if nextComment < comments.count {
            beginLine(at: Mark(line: Int.max, column: 1, offset: Int.max))
        }
        while out.hasSuffix("\n\n") { out.removeLast() }
        if lineHasContent { out += "\n" }
        return out == "\n" ? "" : out
    }

    /// True when the source text of `range` spans more than one line.
    func spansLines(_ range: SourceRange) -> Bool { range.start.line != range.end.line }

    /// True when a comment lies inside `range`.
    func hasComments(in range: SourceRange) -> Bool {
        comments.contains { $0.range.start.offset > range.start.offset && $0.range.start.offset < range.end.offset }
    }

    /// Prints `{ items }`: on one line when the source had it on one line, else one item per line.
    mutating func printBraced<Item>(
        _ items: [Item], range: SourceRange, itemRange: (Item) -> SourceRange,
        print: (inout Formatter, Item) -> Void
    ) {
        let multiline = spansLines(range) && (!items.isEmpty || hasComments(in: range))
        guard multiline else {
            if items.isEmpty {
                write("{}")
                return
            }
            write("{ ")
            for (i, item) in items.enumerated() {
                if i > 0 { write(", ") }
                print(&self, item)
            }
            write(" }")
            return
        }
        write("{")
        endLine(after: SourceRange.at(range.start).end.advanced(by: 1))
        indent += 1
        suppressBlankLine = true
        for item in items {
            beginLine(at: itemRange(item).start)
            print(&self, item)
            endLine(after: itemRange(item).end)
        }
        let close = Mark(line: range.end.line, column: max(1, range.end.column - 1), offset: max(0, range.end.offset - 1))
        closeLine(at: close)
        indent -= 1
        write("}")
    }

    // MARK: - Module

    mutating func printModule(_ module: Module) {
        if let package = module.package {
            beginLine(at: package.range.start)
            write("package \(package.name.name)")
            endLine(after: package.range.end)
        }
        for i in module.imports {
            beginLine(at: i.range.start)
            write("import \(i.name.name) \(i.path.text)")
            if let sha = i.sha256 { write(" sha256 \(sha.text)") }
            endLine(after: i.range.end)
        }
        for decl in module.decls {
            beginLine(at: decl.range.start)
            printDecl(decl)
            endLine(after: decl.range.end)
        }
    }

    mutating func printDecl(_ decl: Decl) {
        switch decl {
        case .type(let d):
            write("type \(d.name.name) = ")
            printType(d.type)
        case .bind(let d):
            write("bind \(d.glob.text) ")
            printBraced(d.rules, range: bracedRange(of: d.range, from: d.glob.range.end), itemRange: \.range) { f, rule in
                f.write("\(rule.from.dotted) => \(rule.to.dotted)")
            }
        case .env(let d):
            write("env \(d.name.name)")
            if let parent = d.parent { write(" extends \(parent.name)") }
            write(" ")
            let after = d.parent?.range.end ?? d.name.range.end
            printBraced(d.items, range: bracedRange(of: d.range, from: after), itemRange: \.range) { f, item in
                f.printEnvItem(item)
            }
        }
    }

    /// The range of the `{...}` that ends `range` and starts after `after`: from the first `{`
    /// following `after` to the end of `range`.
    func bracedRange(of range: SourceRange, from after: Mark) -> SourceRange {
        var offset = after.offset
        var line = after.line
        var column = after.column
        while offset < min(range.end.offset, source.count), source[offset] != UInt8(ascii: "{") {
            if source[offset] == 0x0A {
                line += 1
                column = 1
            } else if source[offset] & 0xC0 != 0x80 {
                column += 1
            }
            offset += 1
        }
        return SourceRange(start: Mark(line: line, column: column, offset: offset), end: range.end)
    }
}

extension Mark {
    /// The mark `n` bytes further on the same line (for ASCII text).
    fileprivate func advanced(by n: Int) -> Mark { Mark(line: line, column: column + n, offset: offset + n) }
}
