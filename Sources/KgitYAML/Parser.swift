internal import CYAML

/// Parses YAML streams into `Document`s of position-annotated `Node`s, using libyaml.
public enum YAMLParser {
    /// Parses every document of a UTF-8 YAML stream.
    ///
    /// Aliases are expanded, `<<` merge keys applied, and scalars resolved as Kubernetes resolves them
    /// (see `ScalarValue`). Empty documents are returned with a nil `root`. A leading UTF-8 byte-order
    /// mark is skipped (offsets still count its bytes).
    ///
    /// - Throws: `YAMLError` naming the position of the first problem: a syntax error, a duplicate
    ///   key, an unknown anchor, a bad merge, invalid UTF-8, or a `ParserLimits` limit.
    public static func parse(_ bytes: [UInt8], limits: ParserLimits = .default) throws(YAMLError) -> [Document] {
        let stream = parseAll(bytes, limits: limits)
        if let first = stream.errors.first { throw first }
        return stream.documents
    }

    /// Parses every document of a UTF-8 YAML stream, carrying on past errors: a document with an error
    /// is left out and its error reported, and the documents around it are still read.
    ///
    /// A problem inside a document (a duplicate key, an unknown anchor, a limit) skips the rest of that
    /// document. After a syntax error libyaml cannot go on, so reading resumes at the next `---` line
    /// after the error (a document marker at the start of a line always begins a new document).
    /// Documents keep their index in the stream: those after a broken document are numbered as if it had
    /// been read. Invalid UTF-8 and an input over `limits.maxBytes` stop everything.
    public static func parseAll(_ bytes: [UInt8], limits: ParserLimits = .default) -> ParsedStream {
        do throws(YAMLError) {
            try checkSize(bytes.count, limits: limits)
        } catch {
            return ParsedStream(documents: [], errors: [error])
        }
        return bytes.withUnsafeBufferPointer { input in compose(input, limits: limits) }
    }

    /// Parses every document of a YAML stream given as a string.
    public static func parse(_ text: String, limits: ParserLimits = .default) throws(YAMLError) -> [Document] {
        try parse(Array(text.utf8), limits: limits)
    }

    /// Runs libyaml over the input and only counts its events, building nothing: the floor that
    /// `parse` is measured against in benchmarks. Checks UTF-8 like `parse` does, and hands libyaml its
    /// input the same way (`LibYAMLParser`, which puts plain ASCII input straight into libyaml's buffer),
    /// so that the floor is the cheapest libyaml scan kgit knows how to run, not one `parse` has an edge over.
    ///
    /// - Returns: the number of events, stream start and end included.
    public static func scanEventCount(_ bytes: [UInt8]) throws(YAMLError) -> Int {
        let result: Result<Int, YAMLError> = bytes.withUnsafeBufferPointer { input in
            do throws(YAMLError) {
                let (byteBase, isASCII) = try validate(input)
                var positions = SourcePositions(
                    bytes: UnsafeBufferPointer(rebasing: input[byteBase...]), byteBase: byteBase, isASCII: isASCII)
                let parser = try LibYAMLParser(input: input, byteBase: byteBase)
                var event = yaml_event_t()
                var count = 0
                while true {
                    try parser.next(&event, positions: &positions)
                    count += 1
                    let done = event.type == YAML_STREAM_END_EVENT
                    yaml_event_delete(&event)
                    if done { return .success(count) }
                }
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    private static func checkSize(_ count: Int, limits: ParserLimits) throws(YAMLError) {
        guard count <= limits.maxBytes else {
            throw YAMLError(
                .size, "the input is \(count) bytes, more than the limit of \(limits.maxBytes) bytes",
                at: Mark(line: 1, column: 1, offset: 0))
        }
    }

    /// Checks the input is UTF-8; returns how many bytes of BOM precede the text and whether the
    /// input is all ASCII.
    private static func validate(_ input: UnsafeBufferPointer<UInt8>) throws(YAMLError) -> (Int, Bool) {
        let (invalidAt, isASCII) = UTF8Validator.check(input)
        if let bad = invalidAt {
            let hex = String(input[bad], radix: 16, uppercase: true)
            throw YAMLError(
                .encoding, "the input is not valid UTF-8 (byte 0x\(hex.count == 1 ? "0" + hex : hex) at offset \(bad))",
                at: SourcePositions.mark(ofByte: bad, in: input))
        }
        if input.count >= 3 && input[0] == 0xEF && input[1] == 0xBB && input[2] == 0xBF { return (3, false) }
        return (0, isASCII)
    }

    private static func compose(_ input: UnsafeBufferPointer<UInt8>, limits: ParserLimits) -> ParsedStream {
        var stream = ParsedStream(documents: [], errors: [])
        let validated: (Int, Bool)
        do throws(YAMLError) {
            validated = try validate(input)
        } catch {
            stream.errors.append(error)
            return stream
        }
        let (byteBase, isASCII) = validated
        var segmentStart = byteBase
        var lineBase = 0
        while true {
            let text = UnsafeBufferPointer(rebasing: input[segmentStart...])
            var positions = SourcePositions(bytes: text, byteBase: segmentStart, isASCII: isASCII)
            positions.lineBase = lineBase
            var composer = Composer(
                limits: limits, positions: positions, documentBase: stream.documents.count + stream.abandoned)
            let (syntaxError, inAbandoned) = composeSegment(
                input, from: segmentStart, composer: &composer, errors: &stream.errors)
            if stream.documents.isEmpty {
                stream.documents = composer.takeDocuments()
            } else {
                stream.documents += composer.takeDocuments()
            }
            stream.abandoned += composer.abandoned
            guard let syntaxError else { return stream }
            stream.errors.append(syntaxError)
            // The document being read when libyaml failed is lost (unless an earlier problem in it was
            // already counted); the next one starts at a `---` line.
            if !inAbandoned { stream.abandoned += 1 }
            guard let resume = nextDocumentMarker(in: input, atOrAfterLineOf: syntaxError.mark.offset, after: segmentStart)
            else { return stream }
            segmentStart = resume
            lineBase = SourcePositions.mark(ofByte: resume, in: input).line - 1
        }
    }

    /// Reads documents from `input[start...]` into `composer` until the end or a syntax error (returned,
    /// with whether it came in a document already abandoned). Problems inside a document are appended to
    /// `errors`, and the rest of that document is skipped.
    private static func composeSegment(
        _ input: UnsafeBufferPointer<UInt8>, from start: Int, composer: inout Composer, errors: inout [YAMLError]
    ) -> (YAMLError?, inAbandoned: Bool) {
        let parser: LibYAMLParser
        do throws(YAMLError) {
            parser = try LibYAMLParser(input: input, byteBase: start)
        } catch {
            return (error, false)
        }
        var event = yaml_event_t()
        var skipping = false
        while true {
            do throws(YAMLError) {
                try parser.next(&event, positions: &composer.positions)
            } catch {
                return (error, skipping)
            }
            let type = event.type
            if skipping {
                // After a problem in a document, its remaining events are dropped up to its end.
                if type == YAML_DOCUMENT_END_EVENT { skipping = false }
                yaml_event_delete(&event)
                if type == YAML_STREAM_END_EVENT { return (nil, false) }
                continue
            }
            let more: Bool
            do throws(YAMLError) {
                more = try composer.handle(&event)
            } catch {
                errors.append(error)
                composer.abandonDocument(at: error.mark)
                skipping = type != YAML_DOCUMENT_END_EVENT
                more = type != YAML_STREAM_END_EVENT
            }
            yaml_event_delete(&event)
            if !more { return (nil, false) }
        }
    }

    /// The offset of the first line at or after the line holding `offset` (and after `start`) that is
    /// a `---` document marker, or nil when there is none.
    static func nextDocumentMarker(
        in input: UnsafeBufferPointer<UInt8>, atOrAfterLineOf offset: Int, after start: Int
    ) -> Int? {
        let count = input.count
        var lineStart = min(max(offset, 0), count)
        while lineStart > 0 && input[lineStart - 1] != 0x0A && input[lineStart - 1] != 0x0D { lineStart -= 1 }
        var i = lineStart
        while i < count {
            if i > start && isDocumentMarker(input, at: i) { return i }
            // On to the start of the next line.
            while i < count && input[i] != 0x0A && input[i] != 0x0D { i += 1 }
            if i < count && input[i] == 0x0D && i + 1 < count && input[i + 1] == 0x0A { i += 1 }
            i += 1
        }
        return nil
    }

    /// True when a line starting at `i` is `---` alone or followed by a space or tab.
    private static func isDocumentMarker(_ input: UnsafeBufferPointer<UInt8>, at i: Int) -> Bool {
        let dash = UInt8(ascii: "-")
        guard i + 3 <= input.count, input[i] == dash, input[i + 1] == dash, input[i + 2] == dash else { return false }
        guard i + 3 < input.count else { return true }
        let next = input[i + 3]
        return next == 0x0A || next == 0x0D || next == 0x20 || next == 0x09
    }
}

/// What `YAMLParser.parseAll` read from a stream: the documents it could read, and every error.
public struct ParsedStream: Sendable {
    /// The documents read, in order, each with its index in the stream.
    public var documents: [Document]
    /// The problems found, in the order met (each stops one document).
    public var errors: [YAMLError]
    /// Documents left out because of an error.
    var abandoned = 0

    /// A stream of `documents` and `errors`.
    public init(documents: [Document], errors: [YAMLError]) {
        self.documents = documents
        self.errors = errors
    }
}
