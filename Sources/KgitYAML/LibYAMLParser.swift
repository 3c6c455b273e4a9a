internal import CYAML

/// Owns a libyaml parser reading from a caller-provided buffer, and turns its failures into
/// `YAMLError`s. The buffer must stay alive (and unmoved) for as long as this value is used.
struct LibYAMLParser: ~Copyable {
    let parser: UnsafeMutablePointer<yaml_parser_t>
    /// The whole original input, for error positions reported as byte offsets.
    let input: UnsafeBufferPointer<UInt8>

    /// Sets up a parser over `input[byteBase...]` (the caller strips a BOM by passing `byteBase` 3).
    init(input: UnsafeBufferPointer<UInt8>, byteBase: Int) throws(YAMLError) {
        let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
        guard yaml_parser_initialize(parser) == 1 else {
            parser.deallocate()
            throw YAMLError(.syntax, "libyaml could not allocate a parser", at: Mark(line: 1, column: 1, offset: 0))
        }
        // libyaml asserts on a null input pointer, even for an empty input.
        let start = input.baseAddress.map { UnsafePointer($0 + byteBase) } ?? UnsafePointer(bitPattern: 1)
        yaml_parser_set_input_string(parser, start, input.count - byteBase)
        yaml_parser_set_encoding(parser, YAML_UTF8_ENCODING)
        Self.preload(parser, UnsafeBufferPointer(rebasing: input[byteBase...]))
        // Stored only now, so a failed init never runs deinit on a parser that was not set up.
        self.parser = parser
        self.input = input
    }

    /// Puts `text` straight into the parser's character buffer, as libyaml's reader would leave it
    /// after reading the whole input, when that is exactly the same: `text` is ASCII without the
    /// control characters the reader rejects (so decoding it changes no byte and raises no error) and
    /// fits the buffer with the NUL the reader appends at the end of the input.
    ///
    /// The reader otherwise decodes and re-checks the input one character at a time (about a tenth of
    /// a parse); the scanner sees the same characters, marks and end either way. Other input (non-ASCII,
    /// control characters, more than the 48 KiB buffer) is left to the reader, errors included.
    private static func preload(_ parser: UnsafeMutablePointer<yaml_parser_t>, _ text: UnsafeBufferPointer<UInt8>) {
        guard let source = text.baseAddress, let buffer = parser.pointee.buffer.start,
            parser.pointee.buffer.end - buffer >= text.count + 8,
            parser.pointee.raw_buffer.pointer == parser.pointee.raw_buffer.last,
            isReaderIdentity(text)
        else { return }
        buffer.update(from: source, count: text.count)
        // The reader's NUL, and a few more so that the bytes the scanner may peek at past it are
        // defined.
        (buffer + text.count).initialize(repeating: 0, count: 8)
        parser.pointee.buffer.pointer = buffer
        parser.pointee.buffer.last = buffer + text.count + 1
        parser.pointee.unread = text.count + 1
        parser.pointee.offset = text.count
        // With EOF set and the raw buffer empty, the reader returns at once on every later call.
        parser.pointee.eof = 1
    }

    /// True when every byte of `text` is one the reader keeps as it is: tab, line feed, carriage
    /// return or printable ASCII (0x20 to 0x7E). Eight bytes at a time; a word holding a byte below
    /// 0x20 other than a line feed (tabs and carriage returns are rare) is checked byte by byte.
    static func isReaderIdentity(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = text.baseAddress else { return true }
        let count = text.count
        let high: UInt64 = 0x8080_8080_8080_8080
        var i = 0
        while i + 8 <= count {
            let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
            // No byte has its high bit set, so none of the additions below carries into the next byte.
            if word & high != 0 { return false }
            let below20 = ~(word &+ 0x6060_6060_6060_6060) & high
            let delete = (word &+ 0x0101_0101_0101_0101) & high
            let lineFeed = ~((word ^ 0x0A0A_0A0A_0A0A_0A0A) &+ 0x7F7F_7F7F_7F7F_7F7F) & high
            if delete != 0 { return false }
            if below20 & ~lineFeed != 0 {
                for k in i..<(i + 8) where !keepsByte(base[k]) { return false }
            }
            i += 8
        }
        while i < count {
            if !keepsByte(base[i]) { return false }
            i += 1
        }
        return true
    }

    @inline(__always)
    private static func keepsByte(_ byte: UInt8) -> Bool {
        (byte >= 0x20 && byte <= 0x7E) || byte == 0x0A || byte == 0x09 || byte == 0x0D
    }

    deinit {
        yaml_parser_delete(parser)
        parser.deallocate()
    }

    /// Reads the next event into `event` (which the caller must release with `yaml_event_delete`).
    func next(_ event: inout yaml_event_t, positions: inout SourcePositions) throws(YAMLError) {
        guard yaml_parser_parse(parser, &event) == 1 else { throw currentError(positions: &positions) }
    }

    /// The error libyaml reported, with a readable message and the position of the problem.
    func currentError(positions: inout SourcePositions) -> YAMLError {
        let p = parser.pointee
        let problem = p.problem.map { String(cString: $0) } ?? "unknown problem"
        switch p.error {
        case YAML_READER_ERROR:
            let mark = SourcePositions.mark(ofByte: positions.byteBase + p.problem_offset, in: input)
            if p.problem_value >= 0 && problem.hasPrefix("control characters") {
                let hex = String(UInt32(p.problem_value), radix: 16, uppercase: true)
                let padded = String(repeating: "0", count: max(0, 4 - hex.count)) + hex
                return YAMLError(.encoding, "character U+\(padded) is not allowed in YAML text", at: mark)
            }
            return YAMLError(.encoding, problem, at: mark)
        case YAML_SCANNER_ERROR, YAML_PARSER_ERROR:
            let problemMark = positions.mark(
                index: p.problem_mark.index, line: p.problem_mark.line, column: p.problem_mark.column)
            var message = problem
            let offset = problemMark.offset
            if problem == "found character that cannot start any token", offset < input.count {
                if input[offset] == 0x09 {
                    message = "found a tab character where YAML allows only spaces (tabs cannot indent)"
                } else if input[offset] == UInt8(ascii: "%") {
                    message = "found '%' at the start of a plain value; quote the value"
                } else if input[offset] == UInt8(ascii: "@") || input[offset] == UInt8(ascii: "`") {
                    message = "found '\(Character(Unicode.Scalar(input[offset])))', which cannot start a plain value; quote the value"
                }
            }
            let context = p.context.map { String(cString: $0) }
            if let context {
                let contextMark = positions.mark(
                    index: p.context_mark.index, line: p.context_mark.line, column: p.context_mark.column)
                message += " (\(context) at line \(contextMark.line), column \(contextMark.column))"
            }
            if let hint = Self.hint(problem: problem, context: context) { message += "; " + hint }
            return YAMLError(.syntax, message, at: problemMark)
        case YAML_MEMORY_ERROR:
            return YAMLError(.size, "libyaml ran out of memory", at: Mark(line: 1, column: 1, offset: 0))
        default:
            return YAMLError(.syntax, problem, at: Mark(line: 1, column: 1, offset: 0))
        }
    }

    /// The likely cause of libyaml's most common complaints, in the words of someone editing a manifest.
    static func hint(problem: String, context: String?) -> String? {
        switch problem {
        case "mapping values are not allowed in this context":
            return "a value containing ': ' must be quoted, or this line is indented wrongly"
        case "did not find expected key":
            return "check the indentation of this line against the keys above it"
        case "block sequence entries are not allowed in this context":
            return "check the indentation of this '- ' item"
        case "could not find expected ':'":
            return "a key must end with ':' on the same line; quote a value that spans lines"
        case "found unexpected end of stream" where context == "while scanning a quoted scalar":
            return "a closing quote is missing"
        case "found undefined tag handle":
            return "declare the handle with a %TAG directive or use the full !<...> form"
        default:
            return nil
        }
    }
}
