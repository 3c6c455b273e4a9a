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
        try checkSize(bytes.count, limits: limits)
        let result: Result<[Document], YAMLError> = bytes.withUnsafeBufferPointer { input in
            do throws(YAMLError) {
                return .success(try compose(input, limits: limits))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// Parses every document of a YAML stream given as a string.
    public static func parse(_ text: String, limits: ParserLimits = .default) throws(YAMLError) -> [Document] {
        try parse(Array(text.utf8), limits: limits)
    }

    /// Runs libyaml over the input and only counts its events, building nothing: the floor that
    /// `parse` is measured against in benchmarks. Checks UTF-8 like `parse` does.
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

    private static func compose(_ input: UnsafeBufferPointer<UInt8>, limits: ParserLimits) throws(YAMLError)
        -> [Document]
    {
        let (byteBase, isASCII) = try validate(input)
        let text = UnsafeBufferPointer(rebasing: input[byteBase...])
        let parser = try LibYAMLParser(input: input, byteBase: byteBase)
        var composer = Composer(
            limits: limits, positions: SourcePositions(bytes: text, byteBase: byteBase, isASCII: isASCII))
        var event = yaml_event_t()
        while true {
            try parser.next(&event, positions: &composer.positions)
            let more: Bool
            do {
                more = try composer.handle(&event)
            } catch {
                yaml_event_delete(&event)
                throw error
            }
            yaml_event_delete(&event)
            if !more { return composer.documents }
        }
    }
}
