/// Reads a regular expression with the syntax and meaning Kubernetes gives a schema's `pattern` (Go's
/// `regexp`, which is RE2), and writes the same expression for Swift's `Regex`.
///
/// The two dialects differ in ways that matter for validation:
/// - RE2 has no backreferences, lookaround, possessive quantifiers, atomic groups, conditionals or
///   recursion; Swift's `Regex` has them all. A pattern using one is refused, as the API server refuses it.
/// - Some RE2 patterns mean something else to Swift: `$` is only the end of the text in RE2 (Swift also
///   matches before a final newline); `.` excludes only `\n`; `\d`, `\s`, `\w` and the POSIX classes are
///   ASCII; `\v` is the vertical tab character; `\1`-`\7` followed by octal digits are octal escapes;
///   a `{` that does not start a valid repetition (`{,3}`) is a literal; inside a class `[`, `&&`, `--`
///   and `~~` are plain characters. The translation spells each of these out explicitly.
///
/// Matching is by Unicode scalar (RE2 matches runes), which `SchemaPattern` sets on the compiled `Regex`.
enum RE2Syntax {
    /// Why a pattern is not accepted, in a phrase that completes "the pattern `...` ...".
    struct Unsupported: Error, Equatable, CustomStringConvertible {
        var reason: String
        var description: String { reason }
    }

    /// The largest repetition count RE2 accepts (`a{1001}` is an error there).
    static let maxRepeat = 1000

    /// The Swift `Regex` source equivalent to the RE2 pattern `source`.
    static func translate(_ source: String) throws(Unsupported) -> String {
        var reader = Reader(Array(source.unicodeScalars))
        return try reader.translate()
    }

    private struct Flags {
        var multiLine = false
        var dotAll = false
    }

    private struct Reader {
        let s: [Unicode.Scalar]
        var i = 0
        var out = ""
        /// Flags in force, one entry per open group (the last is the innermost).
        var flags: [Flags] = [Flags()]
        /// True when the last thing written can take a quantifier (an atom, or a quantified atom).
        var canRepeat = false
        /// True when the last thing written is already a quantified atom.
        var repeated = false

        init(_ s: [Unicode.Scalar]) { self.s = s }

        func peek(_ offset: Int = 0) -> Unicode.Scalar? { i + offset < s.count ? s[i + offset] : nil }

        mutating func translate() throws(Unsupported) -> String {
            while let c = peek() {
                switch c {
                case "\\":
                    try escape()
                case "(":
                    try openGroup()
                case ")":
                    guard flags.count > 1 else { throw Unsupported(reason: "has a `)` without a matching `(`") }
                    flags.removeLast()
                    out += ")"
                    i += 1
                    atom()
                case "|":
                    out += "|"
                    i += 1
                    canRepeat = false
                    repeated = false
                case "[":
                    try characterClass()
                    atom()
                case ".":
                    out += (flags.last?.dotAll ?? false) ? "(?s:.)" : "[^\\n]"
                    i += 1
                    atom()
                case "^":
                    // Outside multi-line mode both mean the start of the text.
                    out += (flags.last?.multiLine ?? false) ? "(?m:^)" : "\\A"
                    i += 1
                    noAtom()
                case "$":
                    // RE2: the end of the text, or (multi-line) before a `\n`; Swift's `$` also matches
                    // before a final newline and other line terminators.
                    out += (flags.last?.multiLine ?? false) ? "(?:(?=\\n)|\\z)" : "\\z"
                    i += 1
                    noAtom()
                case "*", "+", "?":
                    try quantifier(String(c), length: 1)
                case "{":
                    if case let (text, length)? = try repetition() {
                        try quantifier(text, length: length)
                    } else {
                        out += literal(c)
                        i += 1
                        atom()
                    }
                default:
                    out += literal(c)
                    i += 1
                    atom()
                }
            }
            guard flags.count == 1 else { throw Unsupported(reason: "has a `(` without a matching `)`") }
            return out
        }

        mutating func atom() {
            canRepeat = true
            repeated = false
        }

        mutating func noAtom() {
            // RE2 allows `^*` (a repeated empty-width assertion); Swift may not, and it means nothing.
            canRepeat = true
            repeated = false
        }

        /// `*`, `+`, `?` or `{n,m}` (already read as `text`, `length` scalars long), with an optional lazy `?`.
        mutating func quantifier(_ text: String, length: Int) throws(Unsupported) {
            let written = String(String.UnicodeScalarView(s[i..<(i + length)]))
            guard canRepeat else { throw Unsupported(reason: "has a repetition `\(written)` with nothing to repeat") }
            if repeated {
                if written == "+" {
                    throw Unsupported(reason: "uses a possessive quantifier (`\(written)` after a repetition), which RE2 does not support")
                }
                throw Unsupported(reason: "repeats a repetition (`\(written)` right after another), which RE2 does not allow")
            }
            i += length
            out += text
            if peek() == "?" {
                out += "?"
                i += 1
            }
            if peek() == "+" {
                throw Unsupported(reason: "uses a possessive quantifier (`\(written)+`), which RE2 does not support")
            }
            repeated = true
        }

        /// A `{n}`, `{n,}` or `{n,m}` at `i`, as Swift text and its length; nil when the brace is a literal.
        func repetition() throws(Unsupported) -> (String, Int)? {
            var j = i + 1
            func number(_ j: inout Int) -> Int? {
                let start = j
                var value = 0
                while j < s.count, s[j].isASCII, ("0"..."9").contains(s[j]) {
                    value = min(value * 10 + Int(s[j].value - 48), 1_000_000)
                    j += 1
                }
                return j > start ? value : nil
            }
            guard let low = number(&j) else { return nil }
            var high: Int? = low
            if j < s.count && s[j] == "," {
                j += 1
                high = number(&j)
            }
            guard j < s.count && s[j] == "}" else { return nil }
            j += 1
            if low > RE2Syntax.maxRepeat || (high ?? 0) > RE2Syntax.maxRepeat {
                throw Unsupported(reason: "repeats more than \(RE2Syntax.maxRepeat) times, the most RE2 allows")
            }
            if let high, high < low {
                throw Unsupported(reason: "has an invalid repetition `{\(low),\(high)}` (the maximum is below the minimum)")
            }
            return (high.map { "{\(low),\($0)}" } ?? "{\(low),}", j - i)
        }

        mutating func openGroup() throws(Unsupported) {
            i += 1
            guard peek() == "?" else {
                out += "("
                flags.append(flags.last ?? Flags())
                noGroupAtom()
                return
            }
            i += 1
            switch peek() {
            case "P"?:
                if peek(1) == "<" {
                    i += 2
                    try namedGroup()
                } else if peek(1) == "=" {
                    throw Unsupported(reason: "uses a named backreference `(?P=`, which RE2 does not support")
                } else if peek(1) == ">" {
                    throw Unsupported(reason: "uses a recursive call `(?P>`, which RE2 does not support")
                } else {
                    throw Unsupported(reason: "has an invalid named group after `(?P`")
                }
            case "<"?:
                if peek(1) == "=" || peek(1) == "!" {
                    throw Unsupported(reason: "uses a lookbehind `(?<\(peek(1).map { String($0) } ?? "")`, which RE2 does not support")
                }
                i += 1
                try namedGroup()
            case "="?, "!"?:
                throw Unsupported(reason: "uses a lookahead `(?\(peek().map { String($0) } ?? "")`, which RE2 does not support")
            case ">"?:
                throw Unsupported(reason: "uses an atomic group `(?>`, which RE2 does not support")
            case "("?:
                throw Unsupported(reason: "uses a conditional `(?(`, which RE2 does not support")
            case "#"?:
                throw Unsupported(reason: "uses a comment group `(?#`, which RE2 does not support")
            case ":"?:
                i += 1
                out += "(?:"
                flags.append(flags.last ?? Flags())
                noGroupAtom()
            default:
                try flagGroup()
            }
        }

        mutating func noGroupAtom() {
            canRepeat = false
            repeated = false
        }

        /// After `(?P<` or `(?<`: a name of word characters, then `>`.
        mutating func namedGroup() throws(Unsupported) {
            var name = ""
            while let c = peek(), c != ">" {
                guard c.isASCII, c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "_" else {
                    throw Unsupported(reason: "has an invalid group name (only letters, digits and `_` are allowed)")
                }
                name.unicodeScalars.append(c)
                i += 1
            }
            guard peek() == ">", !name.isEmpty else { throw Unsupported(reason: "has an unterminated or empty group name") }
            i += 1
            out += "(?<\(name)>"
            flags.append(flags.last ?? Flags())
            noGroupAtom()
        }

        /// `(?flags)` or `(?flags:...)`, flags among `i`, `m`, `s`, `U`, with an optional `-`.
        mutating func flagGroup() throws(Unsupported) {
            var current = flags.last ?? Flags()
            var text = ""
            var negated = false
            while let c = peek(), c != ")" && c != ":" {
                switch c {
                case "i", "U": break
                case "m": current.multiLine = !negated
                case "s": current.dotAll = !negated
                case "-":
                    guard !negated else { throw Unsupported(reason: "has an invalid flag group (two `-`)") }
                    negated = true
                default:
                    throw Unsupported(reason: "uses the flag `\(c)`, which RE2 does not support (only i, m, s and U)")
                }
                text.unicodeScalars.append(c)
                i += 1
            }
            guard let end = peek(), !text.isEmpty, text != "-" else {
                throw Unsupported(reason: "has an invalid or unterminated `(?` group")
            }
            i += 1
            if end == ")" {
                // The flags apply to the rest of the enclosing group.
                out += "(?\(text))"
                flags[flags.count - 1] = current
                noGroupAtom()
            } else {
                out += "(?\(text):"
                flags.append(current)
                noGroupAtom()
            }
        }

        /// An escape outside a class.
        mutating func escape() throws(Unsupported) {
            i += 1
            guard let c = peek() else { throw Unsupported(reason: "ends with a lone `\\`") }
            switch c {
            case "b", "B", "A":
                out += "\\" + String(c)
                i += 1
                noAtom()
            case "z":
                out += "\\z"
                i += 1
                noAtom()
            case "Q":
                i += 1
                while let d = peek() {
                    if d == "\\" && peek(1) == "E" {
                        i += 2
                        break
                    }
                    out += literal(d)
                    i += 1
                }
                atom()
            default:
                out += try escapedAtom(inClass: false)
                atom()
            }
        }

        /// An escape that stands for characters (after the `\`, at `i`): a class shorthand, a Unicode
        /// class, a character code or an escaped punctuation character.
        mutating func escapedAtom(inClass: Bool) throws(Unsupported) -> String {
            guard let c = peek() else { throw Unsupported(reason: "ends with a lone `\\`") }
            i += 1
            switch c {
            case "d": return inClass ? "0-9" : "[0-9]"
            case "D": return "[^0-9]"
            case "s": return inClass ? "\\t\\n\\f\\r " : "[\\t\\n\\f\\r ]"
            case "S": return "[^\\t\\n\\f\\r ]"
            case "w": return inClass ? "0-9A-Za-z_" : "[0-9A-Za-z_]"
            case "W": return "[^0-9A-Za-z_]"
            case "a": return "\\x{7}"
            case "f": return "\\x{C}"
            case "t": return "\\x{9}"
            case "n": return "\\x{A}"
            case "r": return "\\x{D}"
            case "v": return "\\x{B}"
            case "p", "P":
                var text = "\\" + String(c)
                if peek() == "{" {
                    while let d = peek(), d != "}" {
                        text.unicodeScalars.append(d)
                        i += 1
                    }
                    guard peek() == "}" else { throw Unsupported(reason: "has an unterminated `\\\(c){`") }
                    text += "}"
                    i += 1
                } else if let d = peek(), d.isASCII, d.properties.isAlphabetic {
                    // `\pL`: Swift's Regex wants the braces.
                    text += "{" + String(d) + "}"
                    i += 1
                } else {
                    throw Unsupported(reason: "has an invalid Unicode class `\\\(c)`")
                }
                return text
            case "x":
                var hex = ""
                if peek() == "{" {
                    i += 1
                    while let d = peek(), d != "}" {
                        hex.unicodeScalars.append(d)
                        i += 1
                    }
                    guard peek() == "}" else { throw Unsupported(reason: "has an unterminated `\\x{`") }
                    i += 1
                } else {
                    for _ in 0..<2 {
                        guard let d = peek() else { break }
                        hex.unicodeScalars.append(d)
                        i += 1
                    }
                }
                guard let value = UInt32(hex, radix: 16), value <= 0x10FFFF, hex.count >= 1 else {
                    throw Unsupported(reason: "has an invalid hexadecimal escape `\\x\(hex)`")
                }
                return "\\x{\(String(value, radix: 16))}"
            case "0"..."7":
                // Go: `\0` and `\1`-`\7` followed by an octal digit are octal codes of up to three digits;
                // a lone `\1`-`\7` is a backreference.
                if c != "0" && !(peek().map { ("0"..."7").contains($0) } ?? false) {
                    throw Unsupported(reason: "uses a backreference `\\\(c)`, which RE2 does not support")
                }
                var value = Int(c.value - 48)
                var digits = 1
                while digits < 3, let d = peek(), ("0"..."7").contains(d) {
                    value = value * 8 + Int(d.value - 48)
                    digits += 1
                    i += 1
                }
                return "\\x{\(String(value, radix: 16))}"
            case "8", "9":
                throw Unsupported(reason: "uses a backreference `\\\(c)`, which RE2 does not support")
            case "k", "g":
                throw Unsupported(reason: "uses a backreference `\\\(c)`, which RE2 does not support")
            case "Z":
                throw Unsupported(reason: "uses `\\Z`, which RE2 does not support (use `\\z` or `$`)")
            case "G", "K", "X", "R", "h", "H", "N", "e", "c", "u", "U", "o", "C", "E", "l", "L", "V", "y", "Y", "O":
                throw Unsupported(reason: "uses the escape `\\\(c)`, which RE2 does not support")
            default:
                guard c.isASCII, !c.properties.isAlphabetic, !("0"..."9").contains(c) else {
                    throw Unsupported(reason: "uses the escape `\\\(c)`, which RE2 does not support")
                }
                return literal(c)
            }
        }

        /// `[...]`: written with every member spelled out, so Swift reads no set operation or nested class
        /// into it.
        mutating func characterClass() throws(Unsupported) {
            i += 1
            out += "["
            if peek() == "^" {
                out += "^"
                i += 1
            }
            var first = true
            while true {
                guard let c = peek() else { throw Unsupported(reason: "has a `[` without a matching `]`") }
                if c == "]" && !first {
                    i += 1
                    break
                }
                first = false
                if c == "[" && peek(1) == ":" {
                    out += try posixClass()
                    continue
                }
                // One member: a character, maybe the start of a range.
                let low: String
                let lowScalar: Unicode.Scalar?
                if c == "\\" {
                    i += 1
                    guard let next = peek() else { throw Unsupported(reason: "ends with a lone `\\`") }
                    if next == "Q" || next == "b" || next == "B" || next == "A" || next == "z" {
                        throw Unsupported(reason: "uses `\\\(next)` inside a character class, which RE2 does not allow")
                    }
                    let start = i
                    low = try escapedAtom(inClass: true)
                    // A single-character escape can start a range.
                    lowScalar = Self.singleScalar(of: s[start], escaped: low)
                } else {
                    low = literal(c)
                    lowScalar = c
                    i += 1
                }
                if let from = lowScalar, peek() == "-", let next = peek(1), next != "]" {
                    i += 1
                    let to: Unicode.Scalar
                    if next == "\\" {
                        i += 1
                        let start = i
                        let text = try escapedAtom(inClass: true)
                        guard let single = Self.singleScalar(of: s[start], escaped: text) else {
                            throw Unsupported(reason: "has a character range ending in a class")
                        }
                        to = single
                    } else {
                        to = next
                        i += 1
                    }
                    guard from.value <= to.value else {
                        throw Unsupported(reason: "has an invalid character range `\(from)-\(to)`")
                    }
                    out += literal(from) + "-" + literal(to)
                } else {
                    out += low
                }
            }
            out += "]"
        }

        /// The character a class escape stands for, when it stands for one (`\x41`, `\.`), else nil.
        static func singleScalar(of letter: Unicode.Scalar, escaped: String) -> Unicode.Scalar? {
            guard escaped.hasPrefix("\\x{"), escaped.hasSuffix("}") else { return nil }
            let hex = escaped.dropFirst(3).dropLast()
            return UInt32(hex, radix: 16).flatMap(Unicode.Scalar.init)
        }

        /// `[:name:]` or `[:^name:]` inside a class, as ASCII ranges (RE2's POSIX classes are ASCII).
        mutating func posixClass() throws(Unsupported) -> String {
            i += 2
            var negated = false
            if peek() == "^" {
                negated = true
                i += 1
            }
            var name = ""
            while let c = peek(), c != ":" {
                name.unicodeScalars.append(c)
                i += 1
            }
            guard peek() == ":", peek(1) == "]" else { throw Unsupported(reason: "has an unterminated `[:` class") }
            i += 2
            let ranges: String
            switch name {
            case "alnum": ranges = "0-9A-Za-z"
            case "alpha": ranges = "A-Za-z"
            case "ascii": ranges = "\\x{0}-\\x{7f}"
            case "blank": ranges = "\\x{9} "
            case "cntrl": ranges = "\\x{0}-\\x{1f}\\x{7f}"
            case "digit": ranges = "0-9"
            case "graph": ranges = "\\x{21}-\\x{7e}"
            case "lower": ranges = "a-z"
            case "print": ranges = "\\x{20}-\\x{7e}"
            case "punct": ranges = "\\x{21}-\\x{2f}\\x{3a}-\\x{40}\\x{5b}-\\x{60}\\x{7b}-\\x{7e}"
            case "space": ranges = "\\x{9}-\\x{d} "
            case "upper": ranges = "A-Z"
            case "word": ranges = "0-9A-Za-z_"
            case "xdigit": ranges = "0-9A-Fa-f"
            default: throw Unsupported(reason: "uses an unknown character class `[:\(name):]`")
            }
            return negated ? "[^\(ranges)]" : ranges
        }

        /// A character written so that Swift reads it as itself wherever it stands.
        func literal(_ c: Unicode.Scalar) -> String {
            if c.isASCII && (c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "_") { return String(c) }
            return "\\x{\(String(c.value, radix: 16))}"
        }
    }
}
