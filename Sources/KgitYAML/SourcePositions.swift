/// Turns libyaml's positions into `Mark`s.
///
/// libyaml reports a position as a character index plus a 0-based line and column (both counted in
/// characters). A `Mark` also carries the byte offset, which this type finds by walking the UTF-8
/// input from a cursor. Events arrive in nearly increasing order, so the walk costs O(input) over a
/// whole parse. The input must be valid UTF-8 (checked beforehand by `UTF8Validator`).
struct SourcePositions {
    /// The bytes libyaml reads (after any byte-order mark).
    let bytes: UnsafeBufferPointer<UInt8>
    /// Bytes of the original input that precede `bytes` (3 when a UTF-8 BOM was stripped).
    let byteBase: Int
    /// True when `bytes` is all ASCII: then a character index is a byte offset.
    let isASCII: Bool
    /// Lines of the original input that precede `bytes` (when parsing resumes after an error).
    var lineBase = 0
    /// True when every position in the input packs into a `Node.PackedMark` as it is, so that
    /// `packedMark` needs no clamping: the whole input is under 2^31 - 16 bytes. libyaml's index, line
    /// and column of a position are at most the characters it has read, and `lineBase` is at most
    /// `byteBase`, so no field of a mark exceeds the input's size plus one.
    private let packsExactly: Bool
    /// `isASCII && packsExactly`: the common case, which `packedMark` tests with one branch.
    private let packsASCIIExactly: Bool
    /// The cursor: a character index and the byte offset (into `bytes`) where that character starts.
    private var cursorCharacter = 0
    private var cursorByte = 0

    init(bytes: UnsafeBufferPointer<UInt8>, byteBase: Int, isASCII: Bool = false) {
        self.bytes = bytes
        self.byteBase = byteBase
        self.isASCII = isASCII
        packsExactly = byteBase < Int(Int32.max) - 16 && bytes.count < Int(Int32.max) - 16 - byteBase
        packsASCIIExactly = isASCII && packsExactly
    }

    /// The `Mark` of a libyaml position.
    mutating func mark(index: Int, line: Int, column: Int) -> Mark {
        Mark(line: lineBase + line + 1, column: column + 1, offset: byteBase + byteOffset(ofCharacter: index))
    }

    /// `Node.PackedMark(mark(index:line:column:))`, without the `Mark` in between.
    @inline(__always)
    mutating func packedMark(index: Int, line: Int, column: Int) -> Node.PackedMark {
        // `byteOffset`'s ASCII case inline: the composer asks for two marks per node. The sums cannot
        // overflow (libyaml's counts are bounded by the input's size), so they skip the overflow checks.
        if packsASCIIExactly {
            // Without the clamps: three conversions with range checks were a third of the cost of a mark.
            return Node.PackedMark(
                exactLine: UInt32(truncatingIfNeeded: lineBase &+ line &+ 1), column: UInt32(truncatingIfNeeded: column &+ 1),
                offset: Int32(truncatingIfNeeded: byteBase &+ min(max(0, index), bytes.count)))
        }
        return packedMarkSlowly(index: index, line: line, column: column)
    }

    /// `packedMark` for input that is not ASCII or too large to pack without clamping.
    @inline(never)
    private mutating func packedMarkSlowly(index: Int, line: Int, column: Int) -> Node.PackedMark {
        let byte = isASCII ? min(max(0, index), bytes.count) : byteOffset(ofCharacter: index)
        guard packsExactly else {
            return Node.PackedMark(line: lineBase &+ line &+ 1, column: column &+ 1, offset: byteBase &+ byte)
        }
        return Node.PackedMark(
            exactLine: UInt32(truncatingIfNeeded: lineBase &+ line &+ 1), column: UInt32(truncatingIfNeeded: column &+ 1),
            offset: Int32(truncatingIfNeeded: byteBase &+ byte))
    }

    /// The byte offset (into `bytes`) of the character with the given 0-based index; the end of the
    /// input for indices past it.
    mutating func byteOffset(ofCharacter target: Int) -> Int {
        if isASCII { return min(max(0, target), bytes.count) }
        var character = cursorCharacter
        var byte = cursorByte
        let count = bytes.count
        if target >= character {
            while character < target && byte < count {
                let lead = bytes[byte]
                byte += lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
                character += 1
            }
            if byte > count { byte = count }
        } else {
            while character > target && byte > 0 {
                byte -= 1
                while byte > 0 && bytes[byte] & 0xC0 == 0x80 { byte -= 1 }
                character -= 1
            }
        }
        cursorCharacter = character
        cursorByte = byte
        return byte
    }

    /// The `Mark` of a byte offset into the original input (BOM included), counting lines the way
    /// libyaml does (LF, CR, CR LF, NEL, LS and PS each end a line). Used on error paths, where
    /// libyaml reports only a byte offset.
    static func mark(ofByte offset: Int, in input: UnsafeBufferPointer<UInt8>) -> Mark {
        var line = 1
        var column = 1
        var i = 0
        // A leading BOM is not a character of the first line.
        if input.count >= 3 && input[0] == 0xEF && input[1] == 0xBB && input[2] == 0xBF { i = 3 }
        let end = min(offset, input.count)
        while i < end {
            let b = input[i]
            if b == 0x0A {
                line += 1; column = 1; i += 1
            } else if b == 0x0D {
                line += 1; column = 1; i += 1
                if i < end && input[i] == 0x0A { i += 1 }
            } else if b == 0xC2 && i + 1 < input.count && input[i + 1] == 0x85 {
                line += 1; column = 1; i += 2
            } else if b == 0xE2 && i + 2 < input.count && input[i + 1] == 0x80
                && (input[i + 2] == 0xA8 || input[i + 2] == 0xA9)
            {
                line += 1; column = 1; i += 3
            } else {
                column += 1
                i += b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4
                // Stop at the offset even if it points inside a malformed sequence.
                if i > end { i = end }
            }
        }
        return Mark(line: line, column: column, offset: offset)
    }
}
