import KgitYAML

// How each kind of syntax node is printed.
extension Formatter {
    // MARK: - Types

    mutating func printType(_ type: TypeExpr) {
        switch type.kind {
        case .named(let name, let refinement):
            write(name.dotted)
            if let refinement {
                write(" ")
                printBlock(refinement)
            }
        case .call(let name, let args):
            write(name.dotted + "(")
            for (i, arg) in args.enumerated() {
                if i > 0 { write(", ") }
                printType(arg)
            }
            write(")")
        case .string(let s): write(s.text)
        case .bool(let b): write(b ? "true" : "false")
        case .null: write("null")
        case .number(let n): write(n.text)
        case .range(let low, let high): write((low?.text ?? "") + ".." + (high?.text ?? ""))
        case .bound(let op, let n): write(op.rawValue + n.text)
        case .match(let negated, let pattern): write((negated ? "!~" : "=~") + pattern.text)
        case .list(let element, let modifiers):
            write("[")
            printType(element)
            write("]")
            for modifier in modifiers {
                switch modifier {
                case .keyed(let keys, _): write(" keyed(" + keys.map(\.text).joined(separator: ", ") + ")")
                case .set: write(" set")
                case .atomic: write(" atomic")
                }
            }
        case .block(let block): printBlock(block)
        case .paren(let inner):
            write("(")
            printType(inner)
            write(")")
        case .union(let terms): printJoined(terms, "|", range: \.range) { f, t in f.printType(t) }
        case .intersection(let terms): printJoined(terms, "&", range: \.range) { f, t in f.printType(t) }
        case .message(let inner, let message):
            printType(inner)
            write(" else " + message.text)
        }
    }

    /// Prints `a op b op c`, breaking the line after an operator where the source did.
    mutating func printJoined<Item>(
        _ items: [Item], _ op: String, range: (Item) -> SourceRange, print: (inout Formatter, Item) -> Void
    ) {
        var continued = false
        for (i, item) in items.enumerated() {
            if i > 0 {
                let previousEnd = range(items[i - 1]).end
                if previousEnd.line != range(item).start.line {
                    write(" " + op)
                    endLine(after: previousEnd)
                    if !continued {
                        indent += 1
                        continued = true
                    }
                } else {
                    write(" \(op) ")
                }
            }
            print(&self, item)
        }
        if continued { indent -= 1 }
    }

    mutating func printBlock(_ block: Block) {
        printBraced(block.members, range: block.range, itemRange: \.range) { f, member in f.printMember(member) }
    }

    mutating func printMember(_ member: Block.Member) {
        switch member {
        case .field(let field):
            printPath(field.path)
            write(field.optional ? "?: " : ": ")
            printType(field.type)
            if let value = field.defaultValue {
                write(" = ")
                printValue(value)
            }
        case .map(let key, let value, _):
            write("[")
            printType(key)
            write("]: ")
            printType(value)
        case .open:
            write("...")
        case .rule(let rule):
            printRule(rule)
        }
    }

    mutating func printRule(_ rule: Rule) {
        write("rule " + rule.message.text)
        if let at = rule.at {
            write(" at ")
            printPath(at)
        }
        if let when = rule.when {
            write(" when ")
            printExpr(when)
        }
        write(" ")
        let after = rule.when?.range.end ?? rule.at?.range.end ?? rule.message.range.end
        let braces = bracedRange(of: rule.range, from: after)
        guard spansLines(braces) else {
            write("{ ")
            printExpr(rule.body)
            write(" }")
            return
        }
        write("{")
        endLine(after: Mark(line: braces.start.line, column: braces.start.column + 1, offset: braces.start.offset + 1))
        indent += 1
        beginLine(at: rule.body.range.start)
        printExpr(rule.body)
        endLine(after: rule.body.range.end)
        closeLine(at: Mark(line: braces.end.line, column: max(1, braces.end.column - 1), offset: braces.end.offset - 1))
        indent -= 1
        write("}")
    }

    // MARK: - Paths and values

    mutating func printPath(_ path: Path) {
        for (i, step) in path.steps.enumerated() {
            switch step {
            case .field(let label): write(i == 0 ? label.text : "." + label.text)
            case .every: write("[*]")
            case .index(let n): write("[\(n.text)]")
            case .key(let matches, _):
                write("[")
                for (j, match) in matches.enumerated() {
                    if j > 0 { write(", ") }
                    write(match.label.text + "=")
                    printValue(match.value)
                }
                write("]")
            }
        }
    }

    mutating func printValue(_ value: Value) {
        switch value.kind {
        case .string(let s): write(s.text)
        case .number(let n): write(n.text)
        case .bool(let b): write(b ? "true" : "false")
        case .null: write("null")
        case .object(let fields):
            printBraced(fields, range: value.range, itemRange: { $0.label.range.union($0.value.range) }) { f, field in
                f.write(field.label.text + ": ")
                f.printValue(field.value)
            }
        case .list(let items):
            guard spansLines(value.range), !items.isEmpty else {
                write("[")
                for (i, item) in items.enumerated() {
                    if i > 0 { write(", ") }
                    printValue(item)
                }
                write("]")
                return
            }
            write("[")
            endLine(after: Mark(line: value.range.start.line, column: value.range.start.column + 1, offset: value.range.start.offset + 1))
            indent += 1
            for (i, item) in items.enumerated() {
                beginLine(at: item.range.start)
                printValue(item)
                if i < items.count - 1 { write(",") }
                endLine(after: item.range.end)
            }
            let end = value.range.end
            closeLine(at: Mark(line: end.line, column: max(1, end.column - 1), offset: end.offset - 1))
            indent -= 1
            write("]")
        }
    }

    // MARK: - Expressions

    mutating func printExpr(_ expr: Expr) {
        switch expr.kind {
        case .ident(let id): write(id.name)
        case .string(let s): write(s.text)
        case .number(let n): write(n.text)
        case .bool(let b): write(b ? "true" : "false")
        case .null: write("null")
        case .list(let items):
            write("[")
            printExprList(items)
            write("]")
        case .paren(let inner):
            write("(")
            printExpr(inner)
            write(")")
        case .unary(let op, let operand):
            write(op.rawValue)
            printExpr(operand)
        case .binary(let op, let lhs, let rhs):
            printJoined([lhs, rhs], op.rawValue, range: \.range) { f, e in f.printExpr(e) }
        case .conditional(let condition, let then, let otherwise):
            printExpr(condition)
            write(" ? ")
            printExpr(then)
            write(" : ")
            printExpr(otherwise)
        case .member(let target, let label):
            printExpr(target)
            write("." + label.text)
        case .call(let receiver, let name, let args):
            if let receiver {
                printExpr(receiver)
                write(".")
            }
            write(name.text + "(")
            printExprList(args)
            write(")")
        case .index(let target, let index):
            printExpr(target)
            write("[")
            printExpr(index)
            write("]")
        }
    }

    private mutating func printExprList(_ items: [Expr]) {
        for (i, item) in items.enumerated() {
            if i > 0 { write(", ") }
            printExpr(item)
        }
    }

    // MARK: - Environments

    mutating func printEnvItem(_ item: EnvDecl.Item) {
        switch item {
        case .patch(let patch):
            write("patch \(patch.type.dotted) \(patch.object.text) ")
            printBraced(
                patch.statements, range: bracedRange(of: patch.range, from: patch.object.range.end), itemRange: \.range
            ) { f, statement in f.printPatchStatement(statement) }
        case .require(let require):
            write("require \(require.type.dotted) ")
            if let object = require.object { write(object.text + " ") }
            printBlock(require.block)
        case .add(let file, _):
            write("add " + file.text)
        }
    }

    mutating func printPatchStatement(_ statement: PatchStatement) {
        switch statement {
        case .set(let path, let value, let append, let final, _):
            if final { write("final ") }
            printPath(path)
            write(append ? " += " : " = ")
            printValue(value)
        case .delete(let path, _):
            write("delete ")
            printPath(path)
        }
    }
}
