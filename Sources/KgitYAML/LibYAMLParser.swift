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
        // Stored only now, so a failed init never runs deinit on a parser that was not set up.
        self.parser = parser
        self.input = input
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
