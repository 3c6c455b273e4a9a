// The S-expression form of every syntax node, used by the grammar corpus (`*.tree` files).
// Positions are left out so that a tree reads as the structure alone.

extension Module {
    var sexpression: SExpression {
        var children: [SExpression] = []
        if let package { children.append(.node("package", .atom(package.name.name))) }
        for i in imports {
            children.append(
                .node("import", .atom(i.name.name), .string(i.path.value), i.sha256.map { .node("sha256", .string($0.value)) }))
        }
        children += decls.map(\.sexpression)
        return .node("module", all: children)
    }
}

extension Decl {
    var sexpression: SExpression {
        switch self {
        case .type(let d): return .node("type", .atom(d.name.name), d.type.sexpression)
        case .bind(let d): return .node("bind", all: [.string(d.glob.value)] + d.rules.map {
            .node("=>", .atom($0.from.dotted), .atom($0.to.dotted))
        })
        case .env(let d): return d.sexpression
        }
    }
}

extension TypeExpr {
    var sexpression: SExpression {
        switch kind {
        case .named(let name, nil): return .atom(name.dotted)
        case .named(let name, let block?): return .node("refine", .atom(name.dotted), block.sexpression)
        case .call(let name, let args): return .node("call", all: [.atom(name.dotted)] + args.map(\.sexpression))
        case .string(let s): return .string(s.value)
        case .bool(let b): return .atom(b ? "true" : "false")
        case .null: return .atom("null")
        case .number(let n): return .node("num", .atom(n.text))
        case .range(let low, let high): return .node("range", .atom(low?.text ?? "_"), .atom(high?.text ?? "_"))
        case .bound(let op, let n): return .node("bound", .atom(op.rawValue), .atom(n.text))
        case .match(let negated, let pattern): return .node(negated ? "!~" : "=~", .string(pattern.value))
        case .list(let element, let modifiers):
            return .node("list", all: [element.sexpression] + modifiers.map { modifier in
                switch modifier {
                case .keyed(let keys, _): return .node("keyed", all: keys.map(\.sexpression))
                case .set: return .atom("set")
                case .atomic: return .atom("atomic")
                }
            })
        case .block(let block): return block.sexpression
        case .paren(let inner): return .node("paren", inner.sexpression)
        case .union(let terms): return .node("or", all: terms.map(\.sexpression))
        case .intersection(let terms): return .node("and", all: terms.map(\.sexpression))
        case .message(let type, let message): return .node("else", type.sexpression, .string(message.value))
        }
    }
}

extension Block {
    var sexpression: SExpression { .node("struct", all: members.map(\.sexpression)) }
}

extension Block.Member {
    var sexpression: SExpression {
        switch self {
        case .field(let f):
            return .node(
                f.optional ? "field?" : "field", f.path.sexpression, f.type.sexpression,
                f.defaultValue.map { .node("default", $0.sexpression) })
        case .map(let key, let value, _): return .node("map", key.sexpression, value.sexpression)
        case .open: return .node("open")
        case .rule(let rule): return rule.sexpression
        }
    }
}

extension Rule {
    var sexpression: SExpression {
        .node(
            "rule", .string(message.value), at.map { .node("at", $0.sexpression) },
            when.map { .node("when", $0.sexpression) }, body.sexpression)
    }
}

extension Label {
    /// A plain name as an atom; anything else as a quoted string.
    var sexpression: SExpression {
        let plain = !name.isEmpty && name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
            && !("0"..."9").contains(name.unicodeScalars.first ?? "0")
        return plain ? .atom(name) : .string(name)
    }
}

extension Path {
    var sexpression: SExpression {
        .node("path", all: steps.map { step in
            switch step {
            case .field(let label): return label.sexpression
            case .every: return .node("*")
            case .index(let n): return .node("index", .atom(n.text))
            case .key(let matches, _):
                return .node("key", all: matches.flatMap { [$0.label.sexpression, $0.value.sexpression] })
            }
        })
    }
}

extension Value {
    var sexpression: SExpression {
        switch kind {
        case .string(let s): return .string(s.value)
        case .number(let n): return .atom(n.text)
        case .bool(let b): return .atom(b ? "true" : "false")
        case .null: return .atom("null")
        case .list(let items): return .node("array", all: items.map(\.sexpression))
        case .object(let fields): return .node("object", all: fields.map { .list([$0.label.sexpression, $0.value.sexpression]) })
        }
    }
}

extension Expr {
    var sexpression: SExpression {
        switch kind {
        case .ident(let id): return .atom(id.name)
        case .string(let s): return .string(s.value)
        case .number(let n): return .atom(n.text)
        case .bool(let b): return .atom(b ? "true" : "false")
        case .null: return .atom("null")
        case .list(let items): return .node("array", all: items.map(\.sexpression))
        case .paren(let inner): return .node("paren", inner.sexpression)
        case .unary(let op, let operand): return .node(op == .minus ? "neg" : op.rawValue, operand.sexpression)
        case .binary(let op, let lhs, let rhs): return .node(op.rawValue, lhs.sexpression, rhs.sexpression)
        case .conditional(let c, let a, let b): return .node("?:", c.sexpression, a.sexpression, b.sexpression)
        case .member(let e, let label): return .node(".", e.sexpression, label.sexpression)
        case .call(let receiver, let name, let args):
            if let receiver {
                return .node("method", all: [receiver.sexpression, name.sexpression] + args.map(\.sexpression))
            }
            return .node("call", all: [name.sexpression] + args.map(\.sexpression))
        case .index(let e, let i): return .node("index", e.sexpression, i.sexpression)
        }
    }
}

extension EnvDecl {
    var sexpression: SExpression {
        .node("env", all: [.atom(name.name)] + (parent.map { [.node("extends", .atom($0.name))] } ?? []) + items.map { item in
            switch item {
            case .patch(let p):
                return .node("patch", all: [.atom(p.type.dotted), .string(p.object.value)] + p.statements.map(\.sexpression))
            case .require(let r):
                return .node("require", .atom(r.type.dotted), r.object.map { .string($0.value) }, r.block.sexpression)
            case .add(let file, _):
                return .node("add", .string(file.value))
            }
        })
    }
}

extension PatchStatement {
    var sexpression: SExpression {
        switch self {
        case .set(let path, let value, let append, let final, _):
            let head = (final ? "final-" : "") + (append ? "append" : "set")
            return .node(head, path.sexpression, value.sexpression)
        case .delete(let path, _): return .node("delete", path.sexpression)
        }
    }
}
